"""`vote-counter verify FOLDER`: the standalone checker, plus the encrypted ZIP when a passphrase is given."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vote_counter.exchange.encrypted import ZIP_NAME, UnpackError, unpack
from vote_counter.exchange.standalone_verify import check_package
from vote_counter.i18n import _


@dataclass(frozen=True)
class VerifyReport:
    ok: bool
    problems: list[str]
    fingerprint: str | None = None
    check_codes: dict[int, str] = field(default_factory=dict)
    audit_head: str | None = None
    encrypted: bool = False
    inner_checked: bool = False  # the encrypted ZIP was opened and its package checked too
    manifest: dict[str, Any] | None = None


def _codes(manifest: dict[str, Any] | None) -> dict[int, str]:
    out: dict[int, str] = {}
    for item in (manifest or {}).get("rounds", []):
        if isinstance(item, dict) and isinstance(item.get("id"), int) and isinstance(item.get("check_code"), str):
            out[item["id"]] = item["check_code"]
    return out


def verify_package(
    folder: Path | str, *, expected_fingerprint: str | None = None, passphrase: str | None = None
) -> VerifyReport:
    """Every difference between the package and its signed manifest, as Vietnamese sentences."""
    folder = Path(folder)
    outer = check_package(folder, expected_fingerprint)
    problems = list(outer.problems)
    manifest = outer.manifest
    encrypted = bool(manifest and manifest.get("encrypted"))
    codes, head, inner_checked = _codes(manifest), (manifest or {}).get("audit_head"), False
    if encrypted and passphrase is not None and (folder / ZIP_NAME).is_file():
        with tempfile.TemporaryDirectory(prefix="kiemphieu-verify-") as tmp:
            try:
                inner_folder = unpack(folder / ZIP_NAME, passphrase, Path(tmp))
            except UnpackError as exc:
                problems.append(_("Không mở được {zip_name}: {error}.").format(zip_name=ZIP_NAME, error=exc))
            else:
                # The package inside must be signed by the same key as the outside.
                inner = check_package(inner_folder, outer.fingerprint or expected_fingerprint)
                problems += [f"Trong {ZIP_NAME}: {p}" for p in inner.problems]
                codes, inner_checked = _codes(inner.manifest), True
                head = (inner.manifest or {}).get("audit_head")
                if inner.manifest is not None and inner.manifest.get("encrypted"):
                    problems.append(_("Trong {zip_name}: gói bên trong lại được mã hóa.").format(zip_name=ZIP_NAME))
    return VerifyReport(
        ok=not problems,
        problems=problems,
        fingerprint=outer.fingerprint,
        check_codes=codes,
        audit_head=head if isinstance(head, str) else None,
        encrypted=encrypted,
        inner_checked=inner_checked,
        manifest=manifest,
    )
