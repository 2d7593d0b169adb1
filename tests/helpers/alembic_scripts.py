"""Copies of the app's Alembic scripts with a revision added or the later ones left out, for tests that need
a revision that fails, breaks a foreign key or rebuilds a table (never written into the package)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from vote_counter.storage import migrations, upgrade


def scripts_copy(tmp_path: Path, *, up_to: str = migrations.HEAD, extra: str | None = None) -> tuple[Path, str]:
    """The scripts folder with revisions after `up_to` left out and `extra` (a revision's body, after the
    header this writes) added as the next revision. Returns the folder and its head."""
    target = tmp_path / "alembic_scripts"
    shutil.copytree(upgrade.SCRIPTS, target, ignore=shutil.ignore_patterns("__pycache__"))
    for file in (target / "versions").glob("r[0-9][0-9][0-9][0-9]_*.py"):
        if file.name[1:5] > up_to:
            file.unlink()
    head = up_to
    if extra is not None:
        head = f"{int(up_to) + 1:04d}"
        header = (
            "import sqlalchemy as sa\nfrom alembic import op\n\n"
            f"revision = {head!r}\ndown_revision = {up_to!r}\nbranch_labels = None\ndepends_on = None\n\n"
            "def downgrade() -> None:\n    raise NotImplementedError\n\n"
        )
        (target / "versions" / f"r{head}_test.py").write_text(header + extra, encoding="utf-8")
    return target, head


def use_scripts(monkeypatch: pytest.MonkeyPatch, folder: Path, head: str) -> None:
    """Make `migrate` run these scripts, as a build whose newest revision is `head` would."""
    monkeypatch.setattr(upgrade, "SCRIPTS", folder)
    monkeypatch.setattr(migrations, "HEAD", head)
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", int(head))
