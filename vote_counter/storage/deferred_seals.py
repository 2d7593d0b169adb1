"""Rows an upgrade could not seal: a table that became sealed (revision 0009: document_details) in a meeting
whose key was shut behind the board's passphrases when the upgrade ran.

The upgrade says so in the audit log ("seals_deferred": the table and the meetings). Until they are settled,
`verify` does not count those rows as tampered with (it cannot know what they were), and the next time a
member of that meeting signs in — the key is open then — `settle` notes them and the sign-in's own entry seals
them, once: a "seals_settled" entry records it, and from then on they are checked like every other row. A row
the app writes before that (saving the document details) is sealed by that write, as any write is.
"""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from vote_counter.storage import audit, seals
from vote_counter.storage.schema import AuditRow


def unsettled(s: Session) -> set[tuple[str, int]]:
    query = (
        select(AuditRow.action, AuditRow.details)
        .where(AuditRow.action.in_((seals.DEFERRED, seals.SETTLED)))
        .order_by(AuditRow.seq)
    )
    return seals.unsettled_from([(action, json.loads(text)) for action, text in s.execute(query).all()])


def settle(s: Session, meeting_id: int, actor: str) -> list[str]:
    """Inside a write transaction where the meeting's key is open: seal the rows deferred for it, once."""
    tables = sorted(t for t, m in unsettled(s) if m == meeting_id and t in seals.SEALED)
    if not tables:
        return []
    for table in tables:
        seals.touch_meeting(s, meeting_id, only=table)
    audit.append(s, actor, seals.SETTLED, {"meeting": meeting_id, "tables": tables})
    return tables
