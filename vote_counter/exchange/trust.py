"""Whose key signed a package: this station's own, a paired station's, or an unknown one (issue 12).

Used by `import-entries` and `verify`. See services.pairing for how a station is paired."""

from __future__ import annotations

from pathlib import Path

from vote_counter.domain.model import MeetingId
from vote_counter.i18n import _
from vote_counter.services.errors import ErrorCode, ServiceError
from vote_counter.services.pairing import Confirmed, normal_fingerprint
from vote_counter.services.signing import fingerprint, load_or_create_key
from vote_counter.services.workspace import Workspace


def own_fingerprint(ws: Workspace, key_dir: Path | None = None) -> str:
    """This station's own key (beside its database): it signs the entries packages sent to another station,
    so each station has its own even when both started from one database."""
    return fingerprint(load_or_create_key(Path(key_dir) if key_dir is not None else ws.path.parent).public_key())


def own_fingerprints(ws: Workspace) -> set[str]:
    """Every key this station signs with: its own (entries packages) and each meeting's signing key (USB export
    packages, services.signing) for the meetings whose key is open here (a shut one is skipped)."""
    out = {normal_fingerprint(own_fingerprint(ws))}
    for meeting in ws.setup.meetings():
        if meeting.id is None:
            continue
        try:
            out.add(normal_fingerprint(ws.reports.key_fingerprint(MeetingId(meeting.id))))
        except ServiceError:
            continue
    return out


def trusted(
    ws: Workspace, package_fingerprint: str | None, *, expected: str | None, trust_new_key: bool
) -> tuple[str, Confirmed] | None:
    """None when the key is already known here; (fingerprint, how) when it is to be paired now (the caller
    pairs once everything else about the package checked out); UNKNOWN_KEY otherwise.

    `expected` has already been compared with the package's key by verify_package."""
    if package_fingerprint is None:
        raise ServiceError(ErrorCode.PACKAGE_INVALID, detail=_("gói không có khóa ký."))
    fp = normal_fingerprint(package_fingerprint)
    known = ws.pairing.known()  # AUDIT_BROKEN when the chain does not verify: nothing is trusted then
    if fp in known or fp in own_fingerprints(ws):
        return None
    if expected and normal_fingerprint(expected) == fp:
        return fp, Confirmed.FINGERPRINT
    if trust_new_key:
        return fp, Confirmed.TWO_MEMBERS
    raise ServiceError(ErrorCode.UNKNOWN_KEY, fingerprint=fp)
