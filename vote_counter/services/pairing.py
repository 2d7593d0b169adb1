"""Trust on first use for packages from another counting station (issue 12).

`import-entries` and `verify` accepted a package re-signed with any key: the signature only proves the
package is whole, not whose it is. A station's key is now known here only once it was paired: its
fingerprint was typed in (read off the other station's screen or its printed minutes) or two people, the
chair and another member, confirmed it. The pairing is an entry of the audit chain ("station_paired"), so
it is sealed like every other action: a pairing added to the file with sqlite3 breaks the chain, and a
broken chain trusts nothing.
"""

from __future__ import annotations

import json
from enum import StrEnum

from vote_counter.services.accounts import Auth, Need
from vote_counter.services.base import DEFAULT_ACTOR, ServiceBase, get_meeting_row
from vote_counter.services.errors import ErrorCode, ServiceError, tamper_place
from vote_counter.storage import audit
from vote_counter.storage.schema import AuditRow

PAIRED = "station_paired"


class Confirmed(StrEnum):
    FINGERPRINT = "fingerprint"  # the fingerprint was typed in and matched the package's key
    TWO_MEMBERS = "two_members"  # the chair and another member confirmed the key shown to them


def normal_fingerprint(text: str) -> str:
    return text.strip().lower().replace(" ", "").replace("-", "")


class PairingService(ServiceBase):
    def known(self) -> frozenset[str]:
        """The fingerprints of every paired station; AUDIT_BROKEN when the chain does not verify."""
        with self._read() as s:
            report = audit.verify(s)
            if not report.ok:
                raise ServiceError(
                    ErrorCode.AUDIT_BROKEN,
                    where=tamper_place(report.first_bad_seq, report.bad_ballots, (), report.foreign),
                )
            rows = s.query(AuditRow).filter(AuditRow.action == PAIRED).all()
            found = set()
            for row in rows:
                details = json.loads(row.details)
                if isinstance(details.get("fingerprint"), str):
                    found.add(details["fingerprint"])
            return frozenset(found)

    def pair(
        self,
        meeting_id: int,
        fingerprint: str,
        how: Confirmed,
        *,
        auth: Auth | None = None,
        actor: str = DEFAULT_ACTOR,
    ) -> str:
        """Record that this station trusts the key `fingerprint` (logged with who confirmed it).

        Confirmed by two people, the meeting must have accounts: without them nobody is checked."""
        fp = normal_fingerprint(fingerprint)
        with self._write() as s:
            get_meeting_row(s, meeting_id)
            if how is Confirmed.TWO_MEMBERS and not self._access.account_holders(s, meeting_id):
                raise ServiceError(ErrorCode.UNKNOWN_KEY, fingerprint=fp)
            need = Need.CHAIR_AND_MEMBER if how is Confirmed.TWO_MEMBERS else Need.MEMBER
            actor = self._authorise_meeting(s, meeting_id, auth, actor, need)
            audit.append(s, actor, PAIRED, {"meeting": meeting_id, "fingerprint": fp, "confirmed": how.value})
            return actor
