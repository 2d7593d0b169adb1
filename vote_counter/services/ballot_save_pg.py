"""Saving one ballot on the hall's PostgreSQL (issue 16): the lean lane, and the session path behind it.

`save_lean`, the common case: what does not depend on the audit head is done before the chain lock, from the
round's context kept in memory (services/live.py: the round, its stage, who acts, the nominees, the keys):
the payload's HMAC and round, the classification, the marks as text. Under the lock, two round trips
(storage/pg_lane.py) check that context against the database as it is now (anything but ballot saves logged
since it was loaded, the round's stage, the register line, an active entry of this pass) and write the
ballot, its register line, the totals and the sealed audit entry. Anything else (no context yet, a context
that moved, a ballot to refuse) returns None and the session path does the save or says why not.

`save`, the session path: inside the caller's write transaction, which holds the chain lock
(storage/pg_engine.py), so the audit head read here is the one the entry extends. The ballot row is checked by
the full verification (register, duplicate), and the database's own unique index on active entries stops a
second save of the same serial and pass that a check could not see: that becomes the same DUPLICATE message.
Retries on a serialization failure (services/retry.py) run the whole save again, lane first.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from vote_counter.domain.model import BallotMarks, SerialStatus, Stage, Validity
from vote_counter.domain.rules import Totals
from vote_counter.domain.running import add_ballot
from vote_counter.i18n import _
from vote_counter.services import ballot_save
from vote_counter.services.base import get_round_row
from vote_counter.services.errors import ErrorCode, ServiceError, storage_error
from vote_counter.services.live import RoundContext
from vote_counter.storage import audit, fast_seal, pg_lane, repositories
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


def save_lean(
    svc: CountingService,
    lane: pg_lane.Lane,
    round_id: int,
    text: str,
    marks: BallotMarks,
    pass_no: int,
    auth: Auth | None,
    actor: str,
) -> SavedOnSession | None:
    """The save in two round trips under the chain lock, when the round's context is in memory and the ballot
    plainly countable; None: the session path (`save`) does it, or says why not. Committed when it returns."""
    ctx = svc._live.latest(round_id)  # checked under the lock against what was logged since ctx.seq
    if ctx is None or pass_no not in ctx.totals or ctx.who != svc._who(ctx.meeting_id, auth, actor):
        return None
    if pass_no == 2 and not ctx.round.double_entry:
        return None
    serial = ballot_save.payload_serial(ctx, text)  # the round's code, mode and HMAC: no database needed
    if serial is None:
        return None
    validity = svc._classify(marks, ctx.round, ctx.id_set)
    save = pg_lane.begin(lane)
    if save is None:
        return None
    try:
        return _locked(save, ctx, serial, pass_no, marks, validity)
    except pg_lane.Lost as exc:  # the COMMIT may or may not have arrived: the host was lost, as the session path says
        raise storage_error(exc.error) from exc
    except BaseException:
        save.abandon()  # whatever went wrong, the kept connection never keeps the chain lock
        raise


def _locked(
    save: pg_lane.Save, ctx: RoundContext, serial: str, pass_no: int, marks: BallotMarks, validity: Validity
) -> SavedOnSession | None:
    """save_lean's two round trips, and between them what depends on the audit head."""
    round_id = ctx.round.id
    assert round_id is not None
    marks_text = repositories.marks_to_text(marks)
    reasons_text = repositories.reasons_to_text(validity.reasons)
    state = save.read(round_id, serial, pass_no, ctx.seq)
    line = None if state is None else ballot_save.countable(state.line, serial, ctx.round.mode)
    if (
        state is None
        or line is None
        or state.others
        or state.stage != Stage.COUNTING.value
        or state.totals_id is None
        or state.basis != ctx.basis
        or state.prev is None
        or state.seq < ctx.seq  # a log shorter than the context knew: a database restored, say
    ):
        if state is not None:
            save.abandon()
        return None
    moved = state.seq != ctx.seq  # other stations saved ballots since: this pass's totals as they are now
    before = ctx.totals[pass_no]
    if moved:
        assert state.data is not None  # the row exists: NOT NULL
        before = stored_totals.complete(stored_totals.decode(state.data), ctx.round, ctx.nominees)
    after = add_ballot(before, ctx.round, ctx.nominee_ids, marks, validity)
    data = stored_totals.encode(after)
    ballot_id, totals_id = state.ballot_id, state.totals_id
    written: dict[tuple[str, int], tuple[Any, ...]] = {
        ("ballots", ballot_id): (round_id, serial, pass_no, marks_text, validity.valid, reasons_text, "active", False),
        ("ballot_register", line.id): (round_id, serial, SerialStatus.COUNTED.value, line.mode),
        ("running_totals", totals_id): (round_id, pass_no, ctx.basis, data),
    }
    details: dict[str, Any] = {"round": round_id, "ballot": ballot_id, "pass": pass_no, "valid": validity.valid}
    sk, meeting_id = ctx.seal_keys, ctx.meeting_id
    entry = audit.entry_row(
        (state.seq, state.prev),
        ctx.actor,
        "ballot_saved",
        details,
        lambda place: fast_seal.seal_rows(sk, meeting_id, written, place),
    )
    values = {
        "ballot": ballot_id,
        "round": round_id,
        "serial": serial,
        "pass": pass_no,
        "marks": marks_text,
        "valid": validity.valid,
        "reasons": reasons_text,
        "line": line.id,
        "data": data,
        "totals": totals_id,
    }
    if not save.commit(values, entry, list(written), meeting_id):
        # Refused: rows noted that it did not write (the session path reads back and seals them), a conflict or
        # a duplicate (the session path decides and says why).
        return None
    if moved:  # the other pass's totals may have moved too: they are read again when that pass is entered
        for other in [p for p in ctx.totals if p != pass_no]:
            del ctx.totals[other]
    return SavedOnSession(ctx, ballot_id, int(entry[0]), serial, validity, after)
