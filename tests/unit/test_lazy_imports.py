"""Lazy imports (issue 15): each command loads only what it uses; the window loads document and export
libraries on first use; `--version` loads no command module at all. Checked in a fresh interpreter each."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("reportlab", "openpyxl", "docx", "cryptography", "PySide6", "qrcode", "pyzipper")


def _loaded(code: str, tmp_path: Path) -> set[str]:
    """Top-level packages in sys.modules after running `code` in a new interpreter."""
    script = code + "\nimport sys, json\nprint(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
        env={"QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_version_loads_no_command_module(tmp_path: Path) -> None:
    loaded = _loaded("from vote_counter.app import main\nassert main(['--version']) == 0", tmp_path)
    assert not loaded & {"sqlalchemy", *HEAVY}
    assert "argparse" not in loaded


@pytest.mark.parametrize("command", [["list"], ["verify-audit"]])
def test_a_command_without_documents_loads_no_document_library(tmp_path: Path, command: list[str]) -> None:
    db = tmp_path / "kp.sqlite3"
    loaded = _loaded(
        f"from vote_counter.app import main\nassert main(['--db', {str(db)!r}, *{command!r}]) == 0", tmp_path
    )
    assert "sqlalchemy" in loaded  # it did run against the database
    assert not loaded & set(HEAVY), loaded & set(HEAVY)


def test_window_modules_load_no_document_library(tmp_path: Path) -> None:
    loaded = _loaded("import vote_counter.ui.app, vote_counter.ui.main_window", tmp_path)
    assert "PySide6" in loaded
    assert not loaded & (set(HEAVY) - {"PySide6"}), loaded & set(HEAVY)


def test_documents_load_when_used(tmp_path: Path) -> None:
    """The other side: a command that writes a document does load its library (the imports moved, not vanished)."""
    db = tmp_path / "kp.sqlite3"
    code = (
        "from vote_counter.app import main\n"
        f"assert main(['--db', {str(db)!r}, 'demo', '--out', {str(tmp_path / 'out')!r}]) == 0"
    )
    loaded = _loaded(code, tmp_path)
    assert {"reportlab", "openpyxl", "docx", "cryptography"} <= loaded


def test_import_modes_on_the_parser_match_the_enum() -> None:
    from vote_counter.exchange.commands import IMPORT_MODES
    from vote_counter.exchange.merge import ImportMode

    assert tuple(m.value for m in ImportMode) == IMPORT_MODES
