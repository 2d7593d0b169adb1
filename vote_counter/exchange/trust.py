"""Whose key signed a package: this station's own, a paired station's, or an unknown one (issue 12).

Used by `import-entries` and `verify`. See services.pairing for how a station is paired."""

from __future__ import annotations

from vote_counter.domain.model import MeetingId
from vote_counter.services.errors import ErrorCode, ServiceError
from vote_counter.services.pairing import Confirmed, normal_fingerprint
from vote_counter.services.workspace import Workspace


def own_fingerprints(ws: Workspace) -> frozenset[str]:
    """The keys this station signs with: each meeting's signing key that is open here (a restored copy on a
    second station holds the same meeting keys, so its packages are known at once)."""
    found = set()
    for meeting in ws.setup.meetings():
        if meeting.id is None:
            continue
        try:
            found.add(ws.reports.key_fingerprint(MeetingId(meeting.id)))
        except ServiceError:
            continue  # a meeting whose key is shut (nobody signed in): its packages need a fingerprint
    return frozenset(found)


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
    if fp in known or fp in own_fingerprints(ws):
        return None
    if expected and normal_fingerprint(expected) == fp:
        return fp, Confirmed.FINGERPRINT
    if trust_new_key:
        return fp, Confirmed.TWO_MEMBERS
    raise ServiceError(ErrorCode.UNKNOWN_KEY, fingerprint=fp)
