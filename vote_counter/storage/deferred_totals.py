"""Running totals an upgrade could not count: rounds of a meeting whose key was shut (board accounts) when
revision 0004 ran. The upgrade says so in the audit log ("totals_deferred"); until the round's next change
writes its totals, results count its ballots (services/live.py), and closing counts and seals them
(services/stages.py) instead of taking the missing row for tampering."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from vote_counter.storage.schema import AuditRow

ACTION = "totals_deferred"


def deferred_rounds(s: Session) -> set[int]:
    """The rounds an upgrade left without running totals (read from the audit log)."""
    out: set[int] = set()
    for details in s.execute(select(AuditRow.details).where(AuditRow.action == ACTION)).scalars():
        rounds = json.loads(details).get("rounds")
        if isinstance(rounds, list):
            out.update(r for r in rounds if isinstance(r, int))
    return out
