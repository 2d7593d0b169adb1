"""Saving one ballot on the hall's PostgreSQL (issue 16): the session path, no raw SQLite statements.

Inside the caller's write transaction, which holds the chain lock (storage/pg_engine.py), so the audit head read
here is the one the entry extends. The ballot row is checked by the full verification (register, duplicate),
and the database's own unique index on active entries stops a second save of the same serial and pass that a
check could not see: that becomes the same DUPLICATE message. Retries on a serialization failure
(services/retry.py) run the whole save again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from vote_counter.domain.model import BallotMarks, SerialStatus, Validity
from vote_counter.domain.rules import Totals
from vote_counter.domain.running import add_ballot
from vote_counter.i18n import _
from vote_counter.services.base import get_round_row
from vote_counter.services.errors import ErrorCode, ServiceError
from vote_counter.services.live import RoundContext
from vote_counter.storage import audit, repositories
from vote_counter.storage import totals as stored_totals
from vote_counter.storage.schema import AuditRow, BallotRow, SerialRow

if TYPE_CHECKING:
    from vote_counter.services.accounts import Auth
    from vote_counter.services.counting import CountingService


@dataclass(frozen=True)
class SavedOnSession:
    ctx: RoundContext
    ballot_id: int
    seq: int
    serial: str
    validity: Validity
    totals: Totals


def is_postgres(s: Session) -> bool:
    return s.get_bind().dialect.name == "postgresql"


def save(
    svc: CountingService,
    s: Session,
    round_id: int,
    text: str,
    marks: BallotMarks,
    pass_no: int,
    auth: Auth | None,
    actor: str,
    audit_extra: Callable[[Session, int], Mapping[str, Any]] | None,
) -> SavedOnSession:
    last = s.execute(select(AuditRow.seq).order_by(AuditRow.seq.desc()).limit(1)).scalar()
    seq = int(last or 0)
    ctx = svc._live.context(round_id, seq)
    if ctx is None or pass_no not in ctx.totals or ctx.who != svc._who(ctx.meeting_id, auth, actor):
        ctx = svc._load_context(s, round_id, seq, pass_no, auth, actor)
    if pass_no == 2 and not ctx.round.double_entry:
        raise ServiceError(ErrorCode.INVALID_INPUT, detail=_("lượt này không nhập hai lần."))
    serial = svc._verify(s, get_round_row(s, round_id), text, pass_no)
    validity = svc._classify(marks, ctx.round, ctx.id_set)
    ballot = BallotRow(
        round_id=round_id,
        serial=serial,
        pass_no=pass_no,
        marks=repositories.marks_to_text(marks),
        valid=validity.valid,
        reasons=repositories.reasons_to_text(validity.reasons),
        status="active",
        set_aside=False,
    )
    s.add(ballot)
    try:
        # No savepoint: its release would seal the row in an entry of its own (storage/seals.py's before_commit).
        # A refused insert ends the transaction, which the caller rolls back.
        s.flush()
    except IntegrityError as exc:  # the unique index on active entries: saved by another station meanwhile
        raise ServiceError(ErrorCode.DUPLICATE, serial=serial) from exc
    s.execute(
        update(SerialRow)
        .where(SerialRow.round_id == round_id, SerialRow.serial == serial)
        .values(status=SerialStatus.COUNTED.value)
    )
    after = add_ballot(ctx.totals[pass_no], ctx.round, ctx.nominee_ids, marks, validity)
    stored_totals.write(s, round_id, pass_no, ctx.basis, after)
    details: dict[str, Any] = {"round": round_id, "ballot": ballot.id, "pass": pass_no, "valid": validity.valid}
    if audit_extra is not None:
        details.update(audit_extra(s, ballot.id))
    audit.append(s, ctx.actor, "ballot_saved", details)
    return SavedOnSession(ctx, ballot.id, seq + 1, serial, validity, after)
