"""Whose key signed a package: this station's own, a paired station's, or an unknown one (issue 12).

Used by `import-entries` and `verify`. See services.pairing for how a station is paired."""

from __future__ import annotations

from pathlib import Path

from vote_counter.services.errors import ErrorCode, ServiceError
from vote_counter.services.pairing import Confirmed, normal_fingerprint
from vote_counter.services.signing import fingerprint, load_or_create_key
from vote_counter.services.workspace import Workspace


def own_fingerprint(ws: Workspace, key_dir: Path | None = None) -> str:
    return fingerprint(load_or_create_key(Path(key_dir) if key_dir is not None else ws.path.parent).public_key())


def trusted(
    ws: Workspace, package_fingerprint: str | None, *, expected: str | None, trust_new_key: bool
) -> tuple[str, Confirmed] | None:
    """None when the key is already known here; (fingerprint, how) when it is to be paired now (the caller
    pairs once everything else about the package checked out); UNKNOWN_KEY otherwise.

    `expected` has already been compared with the package's key by verify_package."""
    if package_fingerprint is None:
        raise ServiceError(ErrorCode.PACKAGE_INVALID, detail="gói không có khóa ký.")
    fp = normal_fingerprint(package_fingerprint)
    known = ws.pairing.known()  # AUDIT_BROKEN when the chain does not verify: nothing is trusted then
    if fp in known or fp == own_fingerprint(ws):
        return None
    if expected and normal_fingerprint(expected) == fp:
        return fp, Confirmed.FINGERPRINT
    if trust_new_key:
        return fp, Confirmed.TWO_MEMBERS
    raise ServiceError(ErrorCode.UNKNOWN_KEY, fingerprint=fp)
