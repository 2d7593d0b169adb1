"""Entering the count: verify a scanned or typed ballot, save its marks, correct, void, tally sheets.

One user action = one transaction with its audit entry. Audit details never hold marks.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from vote_counter.domain.keyed import HmacSha256
from vote_counter.domain.model import (
    BallotId,
    BallotMarks,
    Mode,
    NomineeId,
    Reason,
    Round,
    RoundId,
    SerialStatus,
    Stage,
    TallySheet,
    Validity,
    nfc,
)
from vote_counter.domain.rules import (
    BallotShapeError,
    PassDifference,
    Result,
    Totals,
    classify,
    compare_passes,
    decide,
    set_aside_totals,
    sheet_totals,
    tally,
)
from vote_counter.domain.serials import (
    PAYLOAD_DIGITS,
    PayloadError,
    PayloadProblem,
    parse_payload,
    parse_typed_serial,
)
from vote_counter.domain.sheets import check_sheet
from vote_counter.i18n import _
from vote_counter.services import ballot_save, ballot_save_pg, recount
from vote_counter.services.accounts import Access, Auth, Need
from vote_counter.services.base import DEFAULT_ACTOR, ServiceBase, get_round_row, require_stage
from vote_counter.services.errors import ErrorCode, ServiceError, storage_detail, tamper_place
from vote_counter.services.live import LiveTotals, RoundContext
from vote_counter.services.retry import retrying
from vote_counter.storage import audit, fast_seal, keys, pg_lane, repositories, seals
from vote_counter.storage import totals as stored_totals
from vote_counter.storage.schema import BallotRow, RoundRow, SerialRow, TallySheetRow

_MODES = frozenset(m.value for m in Mode)  # what the app writes in a register line's mode


@dataclass(frozen=True)
class SavedBallot:
    id: BallotId
    serial: str | None
    pass_no: int
    validity: Validity
    totals: Totals  # the running totals of this pass after the save


@dataclass(frozen=True)
class EnteredBallot:
    id: BallotId
    serial: str | None
    pass_no: int
    marks: BallotMarks
    valid: bool
    reasons: frozenset[Reason]
    active: bool
    set_aside: bool


def _entered(row: BallotRow) -> EnteredBallot:
    return EnteredBallot(
        id=BallotId(row.id),
        serial=row.serial,
        pass_no=row.pass_no,
        marks=repositories.marks_from_text(row.marks),
        valid=row.valid,
        reasons=repositories.reasons_from_text(row.reasons),
        active=row.status == "active",
        set_aside=row.set_aside,
    )


def _reason_text(reason: str) -> str:
    cleaned = nfc(reason)
    if not cleaned:
        raise ServiceError(ErrorCode.REASON_REQUIRED)
    return cleaned


class CountingService(ServiceBase):
    def __init__(self, sessions: sessionmaker[Session], live: LiveTotals, access: Access | None = None) -> None:
        super().__init__(sessions, access)
        self._live = live
        bind = sessions.kw.get("bind")
        # An in-memory database is one per connection: saves there take the session's connection.
        on_file = isinstance(bind, Engine) and bind.url.database not in (None, "", ":memory:")
        self._on_postgres = isinstance(bind, Engine) and bind.dialect.name == "postgresql"
        on_file = on_file and not self._on_postgres  # the fast lane is raw SQLite: PostgreSQL takes the session path
        self._lane = ballot_save.FastLane(bind) if isinstance(bind, Engine) and on_file else None
        self._pg_lane = pg_lane.Lane(bind) if isinstance(bind, Engine) and self._on_postgres else None
        # Set by Workspace.open: raises DATABASE_REPLACED once the file is not the one opened. The fast lane's
        # saves do not pass through the session's events, so it calls this itself, before and after COMMIT.
        self.check_file: Callable[[], None] = lambda: None

    # ------------------------------------------------------------ verification
    def identify(self, round_id: RoundId, text: str, pass_no: int = 1) -> str:
        """The serial of a scanned payload or typed serial, if it may be counted now; else ServiceError."""
        with self._read() as s:
            row = get_round_row(s, round_id)
            return self._verify(s, row, text, pass_no)

    def _verify(self, s: Session, row: RoundRow, text: str, pass_no: int) -> str:
        digits = nfc(text).replace(" ", "")
        round_mode = Mode(row.mode)
        if len(digits) == PAYLOAD_DIGITS:
            try:
                payload = parse_payload(digits)
            except PayloadError as exc:
                bad = exc.code == PayloadProblem.BAD_CHECK_DIGIT
                raise ServiceError(ErrorCode.BAD_CHECK_DIGIT if bad else ErrorCode.MALFORMED_CODE) from exc
            if payload.round_code != row.code:
                other = s.execute(select(RoundRow).where(RoundRow.code == payload.round_code)).scalar_one_or_none()
                if other is not None and payload.verifies(other.hmac_key):
                    # A test ballot in the live round made from it: the title is the same, say what it is.
                    self._check_mode(payload.mode, round_mode)
                    raise ServiceError(ErrorCode.OTHER_ROUND, other=other.title)
                raise ServiceError(ErrorCode.NOT_ISSUED)
            if not payload.verifies(row.hmac_key):
                raise ServiceError(ErrorCode.NOT_ISSUED)
            self._check_mode(payload.mode, round_mode)
            serial = payload.serial
        else:
            try:
                serial = parse_typed_serial(digits)
            except PayloadError as exc:
                bad = exc.code == PayloadProblem.BAD_CHECK_DIGIT
                raise ServiceError(ErrorCode.BAD_CHECK_DIGIT if bad else ErrorCode.MALFORMED_CODE) from exc
        reg = s.execute(
            select(SerialRow).where(SerialRow.round_id == row.id, SerialRow.serial == serial)
        ).scalar_one_or_none()
        if reg is None:
            if round_mode is Mode.LIVE and self._is_test_serial(s, serial):
                raise ServiceError(ErrorCode.TEST_IN_LIVE)
            raise ServiceError(ErrorCode.NOT_ISSUED)
        if reg.mode not in _MODES:  # a line edited with sqlite3 ("LIVE"): named, never a parser's traceback
            raise ServiceError(ErrorCode.AUDIT_BROKEN, where=tamper_place(None, (), (("ballot_register", reg.id),)))
        self._check_mode(Mode(reg.mode), round_mode)
        if reg.status == SerialStatus.SPOILED.value:
            raise ServiceError(ErrorCode.SPOILED, serial=serial)
        if reg.status not in (SerialStatus.PRINTED.value, SerialStatus.COUNTED.value):
            # Returned unused, or a status the app never writes (a line edited with sqlite3, "SPOILED" say): as
            # ballot_save.countable reads it, never counted (issue 15's mutation run 10, docs/TESTING.md).
            raise ServiceError(ErrorCode.NOT_ISSUED)
        if self._active_entry(s, row.id, serial, pass_no) is not None:
            raise ServiceError(ErrorCode.DUPLICATE, serial=serial)
        return serial

    @staticmethod
    def _is_test_serial(s: Session, serial: str) -> bool:
        """A serial typed by hand that a test round printed (only looked up on the refusal path)."""
        found = s.execute(
            select(SerialRow.id).where(SerialRow.serial == serial, SerialRow.mode == Mode.TEST.value).limit(1)
        ).first()
        return found is not None

    @staticmethod
    def _check_mode(ballot: Mode, round_mode: Mode) -> None:
        if ballot is Mode.TEST and round_mode is Mode.LIVE:
            raise ServiceError(ErrorCode.TEST_IN_LIVE)
        if ballot is Mode.LIVE and round_mode is Mode.TEST:
            raise ServiceError(ErrorCode.LIVE_IN_TEST)

    @staticmethod
    def _active_entry(s: Session, round_id: int, serial: str, pass_no: int) -> BallotRow | None:
        return s.execute(
            select(BallotRow).where(
                BallotRow.round_id == round_id,
                BallotRow.serial == serial,
                BallotRow.pass_no == pass_no,
                BallotRow.status == "active",
                BallotRow.set_aside.is_(False),
            )
        ).scalar_one_or_none()

    # ------------------------------------------------------------ saving
    def record(
        self,
        round_id: RoundId,
        text: str,
        marks: BallotMarks,
        pass_no: int = 1,
        actor: str = DEFAULT_ACTOR,
        *,
        auth: Auth | None = None,
        audit_extra: Callable[[Session, int], Mapping[str, Any]] | None = None,
    ) -> SavedBallot:
        """Save one ballot's marks after verifying its payload or serial (SPEC §6).

        One transaction: the ballot, its register line, the pass's running totals and the audit entry sealing
        both. The round's context (services/live.py) spares the repeated look-ups while nothing else changed.
        `audit_extra` runs inside the same transaction once the ballot row exists and returns details added
        to its audit entry (a scanned ballot: its images' SHA-256 and the queue rows it settles)."""
        if pass_no not in (1, 2):
            raise ServiceError(ErrorCode.INVALID_INPUT, detail=_("lần nhập phải là 1 hoặc 2."))
        marks = BallotMarks(marks.rows, tuple(nfc(w) for w in marks.write_ins if nfc(w)), marks.declared)
        # A save with extra audit details (a scanned ballot's image hashes) takes the full path, which carries them.
        fast = self._record_fast(round_id, text, marks, pass_no, auth, actor) if audit_extra is None else None
        if fast is not None:
            return fast
        if self._on_postgres:
            return retrying(lambda: self._record_pg(round_id, text, marks, pass_no, auth, actor, audit_extra))
        with self._write() as s:
            cur = ballot_save.raw_cursor(s)
            last = ballot_save.head(cur)
            ctx = self._live.context(round_id, last[0])
            if ctx is None or pass_no not in ctx.totals or ctx.who != self._who(ctx.meeting_id, auth, actor):
                ctx = self._load_context(s, round_id, last[0], pass_no, auth, actor)
            if pass_no == 2 and not ctx.round.double_entry:
                raise ServiceError(ErrorCode.INVALID_INPUT, detail=_("lượt này không nhập hai lần."))
            line = ballot_save.quick_serial(cur, ctx, text, pass_no)
            # The full check says why not (or, rarely, lets it through).
            serial = line.serial if line is not None else self._verify(s, get_round_row(s, round_id), text, pass_no)
            validity = self._classify(marks, ctx.round, ctx.id_set)
            extra = None if audit_extra is None else (lambda ballot_id: audit_extra(s, ballot_id))
            written = ballot_save.write_ballot(
                lambda place, _rows: seals.seal_pending(s, place),
                cur,
                ctx,
                last,
                serial,
                line,
                pass_no,
                marks,
                validity,
                extra,
            )
        self._live.advance(ctx, written.seq, pass_no, written.totals)
        return SavedBallot(BallotId(written.ballot_id), serial, pass_no, validity, written.totals)

    def _record_pg(
        self,
        round_id: RoundId,
        text: str,
        marks: BallotMarks,
        pass_no: int,
        auth: Auth | None,
        actor: str,
        audit_extra: Callable[[Session, int], Mapping[str, Any]] | None,
    ) -> SavedBallot:
        """The save on the hall's PostgreSQL (services/ballot_save_pg.py): one attempt, retried by `record`."""
        done = None
        if self._pg_lane is not None and audit_extra is None and not self._access.writes_held:
            done = ballot_save_pg.save_lean(self, self._pg_lane, round_id, text, marks, pass_no, auth, actor)
        if done is None:
            with self._write() as s:
                done = ballot_save_pg.save(self, s, round_id, text, marks, pass_no, auth, actor, audit_extra)
        self._live.advance(done.ctx, done.seq, pass_no, done.totals)
        return SavedBallot(BallotId(done.ballot_id), done.serial, pass_no, done.validity, done.totals)

    def _record_fast(
        self, round_id: RoundId, text: str, marks: BallotMarks, pass_no: int, auth: Auth | None, actor: str
    ) -> SavedBallot | None:
        """The common save on the kept connection, when the round's context is current and the ballot is plainly
        countable; None sends it through the full path (which also says why a ballot is refused)."""
        if self._lane is None:
            return None
        if self._access.writes_held:
            raise ServiceError(ErrorCode.AUDIT_CHECKING)
        ctx = self._live.latest(round_id)  # current only if the audit head read below is its seq
        if ctx is None or pass_no not in ctx.totals or ctx.who != self._who(ctx.meeting_id, auth, actor):
            return None
        if pass_no == 2 and not ctx.round.double_entry:
            return None
        serial = ballot_save.payload_serial(ctx, text)
        if serial is None:
            return None
        self.check_file()
        conn = self._lane.connection()
        committed = False
        try:
            conn.execute("BEGIN IMMEDIATE")
            cur = conn.cursor()
            found = ballot_save.head_and_line(cur, ctx, serial, pass_no)
            if found is None:
                return None
            seq, prev, line = found
            validity = self._classify(marks, ctx.round, ctx.id_set)
            sk, meeting_id = ctx.seal_keys, ctx.meeting_id
            written = ballot_save.write_ballot(
                lambda place, rows: fast_seal.seal_written(sk, meeting_id, rows, place),
                cur,
                ctx,
                (seq, prev),
                line.serial,
                line,
                pass_no,
                marks,
                validity,
            )
            conn.execute("COMMIT")
            committed = True
        except sqlite3.OperationalError as exc:
            raise ServiceError(ErrorCode.STORAGE, detail=storage_detail(exc)) from exc
        finally:
            if not committed:
                ballot_save.rollback_quietly(conn)
        self.check_file()  # before the save is acknowledged: it may have gone into a removed file (issue 12)
        self._live.advance(ctx, written.seq, pass_no, written.totals)
        return SavedBallot(BallotId(written.ballot_id), line.serial, pass_no, validity, written.totals)

    def close(self) -> None:
        """Give back the kept connection (Workspace.close)."""
        if self._lane is not None:
            self._lane.close()
        if self._pg_lane is not None:
            self._pg_lane.close()

    def _who(self, meeting_id: int, auth: Auth | None, actor: str) -> tuple[object, str]:
        return (auth if auth is not None else self._access.signed_in.get(meeting_id), actor)

    def _load_context(
        self, s: Session, round_id: int, seq: int, pass_no: int, auth: Auth | None, actor: str
    ) -> RoundContext:
        """Everything a save checks once (round, stage, who acts, nominees, totals), kept while seq holds."""
        row = get_round_row(s, round_id)
        who = self._who(row.meeting_id, auth, actor)
        name = self._authorise_round(s, row, auth, actor)
        require_stage(row, _("nhập phiếu"), Stage.COUNTING)
        round_ = repositories.round_(row)
        nominees = repositories.nominees_of(s, row.id)
        known = self._live.context(round_id, seq)
        totals = dict(known.totals) if known is not None else {}
        totals[pass_no] = self._live.get(s, round_, nominees, pass_no)
        ctx = RoundContext(
            seq=seq,
            round=round_,
            meeting_id=row.meeting_id,
            code=row.code,
            key=HmacSha256(bytes(row.hmac_key)),
            nominees=nominees,
            nominee_ids=[n.id for n in nominees if n.id is not None],
            id_set=frozenset(n.id for n in nominees if n.id is not None),
            basis=stored_totals.basis(round_, nominees),
            totals=totals,
            who=who,
            actor=name,
            seal_keys=fast_seal.SealKeys.of(*keys.require(s, row.meeting_id)),
        )
        return ctx

    def set_aside(
        self,
        round_id: RoundId,
        reason: Reason,
        serial_text: str = "",
        actor: str = DEFAULT_ACTOR,
        *,
        auth: Auth | None = None,
    ) -> BallotId:
        """Keep a rejected paper (not issued, duplicate) as an invalid ballot: it was in the box (C, X)."""
        if reason not in (Reason.NOT_ISSUED, Reason.DUPLICATE):
            raise ServiceError(
                ErrorCode.INVALID_INPUT, detail=_("chỉ để riêng phiếu không do Ban phát ra hoặc trùng số.")
            )
        digits = "".join(ch for ch in nfc(serial_text) if ch.isdigit())[:64]
        with self._write() as s:
            row = get_round_row(s, round_id)
            actor = self._authorise_round(s, row, auth, actor)
            require_stage(row, _("nhập phiếu"), Stage.COUNTING)
            self._shift_totals(s, row, 1, add=set_aside_totals([frozenset({reason})]))
            ballot = BallotRow(
                round_id=row.id,
                serial=digits[:12] or None,
                pass_no=1,
                marks=repositories.marks_to_text(BallotMarks({})),
                valid=False,
                reasons=reason.value,
                status="active",
                set_aside=True,
            )
            s.add(ballot)
            s.flush()
            audit.append(
                s,
                actor,
                "ballot_set_aside",
                {
                    "round": row.id,
                    "ballot": ballot.id,
                    "pass": 1,
                    "reason": reason.value,
                },
            )
        return BallotId(ballot.id)

    def correct(
        self,
        ballot_id: BallotId,
        marks: BallotMarks,
        reason: str,
        actor: str = DEFAULT_ACTOR,
        *,
        auth: Auth | None = None,
    ) -> EnteredBallot:
        why = _reason_text(reason)
        marks = BallotMarks(marks.rows, tuple(nfc(w) for w in marks.write_ins if nfc(w)), marks.declared)
        with self._write() as s:
            ballot = self._ballot(s, ballot_id)
            row = get_round_row(s, ballot.round_id)
            actor = self._authorise_round(s, row, auth, actor)
            require_stage(row, _("sửa phiếu"), Stage.COUNTING)
            if ballot.status != "active" or ballot.set_aside:
                raise ServiceError(ErrorCode.INVALID_INPUT, detail=_("chỉ sửa được phiếu đang được tính."))
            round_ = repositories.round_(row)
            nominees = repositories.nominees_of(s, row.id)
            validity = self._classify(marks, round_, [n.id for n in nominees if n.id is not None])
            old = repositories.marks_from_text(ballot.marks)
            self._shift_totals(
                s, row, ballot.pass_no, add=tally(round_, nominees, [marks]), take=tally(round_, nominees, [old])
            )
            ballot.marks = repositories.marks_to_text(marks)
            ballot.valid = validity.valid
            ballot.reasons = repositories.reasons_to_text(validity.reasons)
            s.flush()
            audit.append(
                s,
                actor,
                "ballot_corrected",
                {
                    "round": row.id,
                    "ballot": ballot.id,
                    "pass": ballot.pass_no,
                    "reason": why,
                },
            )
            return _entered(ballot)

    def void(
        self, ballot_id: BallotId, reason: str, actor: str = DEFAULT_ACTOR, *, auth: Auth | None = None
    ) -> EnteredBallot:
        """Take a saved ballot out of the count (entered by mistake); its serial can be entered again.

        The chair and one more member (SPEC §9)."""
        why = _reason_text(reason)
        with self._write() as s:
            ballot = self._ballot(s, ballot_id)
            row = get_round_row(s, ballot.round_id)
            actor = self._authorise_round(s, row, auth, actor, Need.CHAIR_AND_MEMBER)
            require_stage(row, _("hủy phiếu đã nhập"), Stage.COUNTING)
            if ballot.status != "active":
                raise ServiceError(ErrorCode.INVALID_INPUT, detail=_("phiếu này đã bị hủy trước đó."))
            self._shift_totals(s, row, ballot.pass_no, take=self._delta(s, row, ballot))
            ballot.status = "void"
            s.flush()
            self._sync_register(s, row.id, ballot.serial)
            s.flush()
            audit.append(
                s,
                actor,
                "ballot_voided",
                {
                    "round": row.id,
                    "ballot": ballot.id,
                    "pass": ballot.pass_no,
                    "reason": why,
                },
            )
            return _entered(ballot)

    def restore(
        self, ballot_id: BallotId, reason: str, actor: str = DEFAULT_ACTOR, *, auth: Auth | None = None
    ) -> EnteredBallot:
        """Undo a void: the ballot counts again unless its serial has been entered since."""
        why = _reason_text(reason)
        with self._write() as s:
            ballot = self._ballot(s, ballot_id)
            row = get_round_row(s, ballot.round_id)
            actor = self._authorise_round(s, row, auth, actor)
            require_stage(row, _("khôi phục phiếu"), Stage.COUNTING)
            if ballot.status == "active":
                raise ServiceError(ErrorCode.INVALID_INPUT, detail=_("phiếu này đang được tính."))
            if ballot.serial and not ballot.set_aside and self._active_entry(s, row.id, ballot.serial, ballot.pass_no):
                raise ServiceError(ErrorCode.DUPLICATE, serial=ballot.serial)
            self._shift_totals(s, row, ballot.pass_no, add=self._delta(s, row, ballot))
            ballot.status = "active"
            s.flush()
            self._sync_register(s, row.id, ballot.serial)
            s.flush()
            audit.append(
                s,
                actor,
                "ballot_restored",
                {
                    "round": row.id,
                    "ballot": ballot.id,
                    "pass": ballot.pass_no,
                    "reason": why,
                },
            )
            return _entered(ballot)

    # ------------------------------------------------------------ running totals, persisted
    def _delta(self, s: Session, row: RoundRow, ballot: BallotRow) -> Totals:
        """What this one entry adds to its pass's totals."""
        if ballot.set_aside:
            return set_aside_totals([repositories.reasons_from_text(ballot.reasons)])
        round_ = repositories.round_(row)
        return tally(round_, repositories.nominees_of(s, row.id), [repositories.marks_from_text(ballot.marks)])

    def _shift_totals(
        self, s: Session, row: RoundRow, pass_no: int, *, add: Totals | None = None, take: Totals | None = None
    ) -> None:
        """Apply one change to the pass's persisted totals before the ballot row changes (sealed by its entry).

        Read first: if the stored totals do not fit the round any more, they are counted from the ballots
        as they are before this change."""
        round_ = repositories.round_(row)
        nominees = repositories.nominees_of(s, row.id)
        after = self._live.get(s, round_, nominees, pass_no)
        if take is not None:
            after = after - take
        if add is not None:
            after = after + add
        base = stored_totals.basis(round_, nominees)
        stored_totals.write(s, row.id, pass_no, base, after)

    @staticmethod
    def _sync_register(s: Session, round_id: int, serial: str | None) -> None:
        if not serial:
            return
        reg = s.execute(
            select(SerialRow).where(SerialRow.round_id == round_id, SerialRow.serial == serial)
        ).scalar_one_or_none()
        if reg is None or reg.status in (SerialStatus.SPOILED.value, SerialStatus.UNUSED.value):
            return
        still = s.execute(
            select(BallotRow.id).where(
                BallotRow.round_id == round_id,
                BallotRow.serial == serial,
                BallotRow.status == "active",
                BallotRow.set_aside.is_(False),
            )
        ).first()
        reg.status = SerialStatus.COUNTED.value if still else SerialStatus.PRINTED.value

    @staticmethod
    def _classify(marks: BallotMarks, round_: Round, nominee_ids: Iterable[NomineeId]) -> Validity:
        try:
            return classify(marks, round_, nominee_ids)
        except BallotShapeError as exc:
            raise ServiceError(ErrorCode.BAD_MARKS, detail=str(exc)) from exc

    @staticmethod
    def _ballot(s: Session, ballot_id: int) -> BallotRow:
        ballot = s.get(BallotRow, ballot_id)
        if ballot is None:
            raise ServiceError(ErrorCode.NOT_FOUND, what=_("phiếu đã nhập số {ballot_id}").format(ballot_id=ballot_id))
        return ballot

    # ------------------------------------------------------------ look-ups
    def find(self, round_id: RoundId, serial_text: str) -> list[EnteredBallot]:
        try:
            serial = parse_typed_serial(nfc(serial_text))
        except PayloadError:
            try:
                serial = parse_payload(nfc(serial_text)).serial
            except PayloadError as exc:
                raise ServiceError(ErrorCode.MALFORMED_CODE) from exc
        with self._read() as s:
            get_round_row(s, round_id)
            rows = s.execute(
                select(BallotRow)
                .where(BallotRow.round_id == round_id, BallotRow.serial == serial)
                .order_by(BallotRow.id)
            ).scalars()
            return [_entered(r) for r in rows]

    def ballot(self, ballot_id: BallotId) -> EnteredBallot:
        with self._read() as s:
            return _entered(self._ballot(s, ballot_id))

    def ballots(self, round_id: RoundId, pass_no: int | None = 1, *, active_only: bool = True) -> list[EnteredBallot]:
        with self._read() as s:
            get_round_row(s, round_id)
            q = select(BallotRow).where(BallotRow.round_id == round_id)
            if pass_no is not None:
                q = q.where(BallotRow.pass_no == pass_no)
            if active_only:
                q = q.where(BallotRow.status == "active")
            return [_entered(r) for r in s.execute(q.order_by(BallotRow.id)).scalars()]

    # ------------------------------------------------------------ tally sheets
    def enter_tally_sheet(
        self,
        round_id: RoundId,
        sheet_no: int,
        sheet: TallySheet,
        actor: str = DEFAULT_ACTOR,
        *,
        auth: Auth | None = None,
    ) -> TallySheet:
        with self._write() as s:
            row = get_round_row(s, round_id)
            actor = self._authorise_round(s, row, auth, actor)
            require_stage(row, _("nhập biên bản tổng hợp"), Stage.COUNTING)
            round_ = repositories.round_(row)
            nominees = repositories.nominees_of(s, row.id)
            problems = check_sheet(round_, nominees, sheet)
            if problems:
                names = {n.id: n.full_name for n in nominees}
                first = problems[0]
                where = _(" (dòng {name})").format(name=names.get(first.nominee_id, "")) if first.nominee_id else ""
                detail = _("số liệu tổng hợp không khớp{where}: {code}").format(where=where, code=first.code.value)
                if first.expected is not None:
                    detail += _(", cần {expected}, đang {actual}").format(expected=first.expected, actual=first.actual)
                raise ServiceError(ErrorCode.INVALID_INPUT, detail=detail + ".")
            existing = s.execute(
                select(TallySheetRow).where(TallySheetRow.round_id == row.id, TallySheetRow.sheet_no == sheet_no)
            ).scalar_one_or_none()
            if existing is None:
                s.add(TallySheetRow(round_id=row.id, sheet_no=sheet_no, data=repositories.sheet_to_json(sheet)))
            else:
                existing.data = repositories.sheet_to_json(sheet)
            audit.append(
                s,
                actor,
                "tally_sheet_saved",
                {
                    "round": row.id,
                    "sheet": sheet_no,
                    "valid": sheet.valid,
                    "invalid": sum(sheet.invalid.values()),
                },
            )
            return sheet

    def tally_sheets(self, round_id: RoundId) -> dict[int, TallySheet]:
        with self._read() as s:
            rows = s.execute(select(TallySheetRow).where(TallySheetRow.round_id == round_id)).scalars()
            return {r.sheet_no: repositories.sheet_from_row(r) for r in rows}

    # ------------------------------------------------------------ totals and results
    def totals(self, round_id: RoundId, pass_no: int = 1) -> Totals:
        """Running totals of the entered ballots of one pass (no tally sheets)."""
        with self._read() as s:
            row = get_round_row(s, round_id)
            round_ = repositories.round_(row)
            return self._live.get(s, round_, repositories.nominees_of(s, row.id), pass_no)

    def recount_check(self, round_id: RoundId, progress: recount.Progress | None = None) -> recount.RecountCheck:
        """Count every entered ballot again and compare with the persisted totals (the window runs it in the
        background; closing runs it inside its own transaction)."""
        with self._read() as s:
            row = get_round_row(s, round_id)
            return recount.check(s, repositories.round_(row), repositories.nominees_of(s, row.id), progress)

    def result(self, round_id: RoundId) -> Result:
        """SPEC §4 applied to pass 1 plus every tally sheet."""
        with self._read() as s:
            return self.result_in(s, get_round_row(s, round_id))

    def result_in(self, s: Session, row: RoundRow) -> Result:
        """The result as seen inside the caller's transaction (closing decides on exactly what it saw)."""
        round_ = repositories.round_(row)
        nominees = repositories.nominees_of(s, row.id)
        totals = self._live.get(s, round_, nominees, 1)
        for sheet_row in s.execute(select(TallySheetRow).where(TallySheetRow.round_id == row.id)).scalars():
            totals = totals + sheet_totals(repositories.sheet_from_row(sheet_row))
        return decide(round_, nominees, round_.counts, totals)

    def pass_differences(self, round_id: RoundId) -> tuple[PassDifference, ...]:
        with self._read() as s:
            get_round_row(s, round_id)
            return self.differences_in(s, round_id)

    @staticmethod
    def differences_in(s: Session, round_id: int) -> tuple[PassDifference, ...]:
        passes: dict[int, dict[str, BallotMarks]] = {1: {}, 2: {}}
        rows = s.execute(
            select(BallotRow).where(
                BallotRow.round_id == round_id, BallotRow.status == "active", BallotRow.set_aside.is_(False)
            )
        ).scalars()
        for r in rows:
            if r.serial and r.pass_no in passes:
                passes[r.pass_no][r.serial] = repositories.marks_from_text(r.marks)
        return compare_passes(passes[1], passes[2])
