"""The ballot register: serials printed, exchanged (spoiled), counted, unused (SPEC §5).

Nothing here records which voter received which serial.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vote_counter.domain.entry_tags import entries_key, entry_tag
from vote_counter.domain.model import Mode, RoundId, SerialStatus, Stage
from vote_counter.domain.serials import PayloadError, format_serial, make_payload, new_serial, parse_typed_serial
from vote_counter.i18n import N_, _
from vote_counter.services.accounts import Auth
from vote_counter.services.base import DEFAULT_ACTOR, ServiceBase, get_round_row, require_stage
from vote_counter.services.errors import ErrorCode, ServiceError
from vote_counter.storage import audit
from vote_counter.storage.schema import NomineeRow, RoundRow, SerialRow

MAX_BATCH = 5000
STATUS_WORDS = {
    SerialStatus.PRINTED.value: N_("đã in"),
    SerialStatus.COUNTED.value: N_("đã tính"),
    SerialStatus.SPOILED.value: N_("đã đổi (phiếu hỏng)"),
    SerialStatus.UNUSED.value: N_("không dùng"),
}


@dataclass(frozen=True)
class IssuedBallot:
    serial: str
    payload: str


@dataclass(frozen=True)
class RegisterSummary:
    printed: int  # every serial ever printed for the round
    counted: int
    spoiled: int
    unused: int

    @property
    def outstanding(self) -> int:
        """Printed but neither counted, exchanged nor returned unused (not returned)."""
        return self.printed - self.counted - self.spoiled - self.unused


@dataclass(frozen=True)
class RegisterEntry:
    """One line of the register: a serial and what became of it (never who had it, never its marks)."""

    serial: str
    status: SerialStatus
    mode: Mode


def summary_of(s: Session, round_id: int) -> RegisterSummary:
    rows = s.execute(
        select(SerialRow.status, func.count()).where(SerialRow.round_id == round_id).group_by(SerialRow.status)
    ).all()
    by = {status: int(n) for status, n in rows}
    return RegisterSummary(
        printed=sum(by.values()),
        counted=by.get(SerialStatus.COUNTED.value, 0),
        spoiled=by.get(SerialStatus.SPOILED.value, 0),
        unused=by.get(SerialStatus.UNUSED.value, 0),
    )


class RegisterService(ServiceBase):
    def print_batch(
        self,
        round_id: RoundId,
        count: int,
        actor: str = DEFAULT_ACTOR,
        *,
        layout_json: str | None = None,
        auth: Auth | None = None,
        planned: Sequence[IssuedBallot] | None = None,
    ) -> list[IssuedBallot]:
        """Register `count` fresh serials as printed, in one transaction, in random order.

        `layout_json` is the ballot's box geometry as printed, kept so scans can be read automatically later.
        `planned` (from plan_batch) are the serials already drawn into a PDF that is on the disk: they are
        registered as they are, so the register never holds a serial whose ballot was not written.
        """
        if planned is not None:
            count = len(planned)
        if not 1 <= count <= MAX_BATCH:
            raise ServiceError(
                ErrorCode.INVALID_INPUT,
                detail=_("số phiếu in mỗi lần phải từ 1 đến {max_batch}.").format(max_batch=MAX_BATCH),
            )
        with self._write() as s:
            row, actor = self._printable(s, round_id, auth, actor)
            if planned is None:
                issued = self._fresh(s, row, count)
            else:
                issued = list(planned)
                self._insert(s, row, issued)
            if layout_json is not None:
                row.layout_json = layout_json
            audit.append(s, actor, "ballots_printed", {"round": round_id, "count": count, "mode": row.mode})
        secrets.SystemRandom().shuffle(issued)
        return issued

    def plan_batch(self, round_id: RoundId, count: int, *, auth: Auth | None = None) -> list[IssuedBallot]:
        """`count` fresh serials and their QR payloads for a PDF, checked as print_batch checks them but not
        registered: print_batch(planned=…) registers them once the PDF is written."""
        if not 1 <= count <= MAX_BATCH:
            raise ServiceError(
                ErrorCode.INVALID_INPUT,
                detail=_("số phiếu in mỗi lần phải từ 1 đến {max_batch}.").format(max_batch=MAX_BATCH),
            )
        with self._write() as s:
            row, _actor = self._printable(s, round_id, auth, DEFAULT_ACTOR)
            issued = self._generate(s, row, count)
        secrets.SystemRandom().shuffle(issued)
        return issued

    def _printable(self, s: Session, round_id: RoundId, auth: Auth | None, actor: str) -> tuple[RoundRow, str]:
        row = get_round_row(s, round_id)
        actor = self._authorise_round(s, row, auth, actor)
        require_stage(row, _("in phiếu"), Stage.PREPARATION, Stage.COUNTING)
        has_nominees = s.execute(select(NomineeRow.id).where(NomineeRow.round_id == round_id)).first()
        if has_nominees is None:
            raise ServiceError(ErrorCode.INVALID_INPUT, detail=_("lượt bỏ phiếu chưa có người trong danh sách."))
        return row, actor

    def exchange(
        self,
        round_id: RoundId,
        serial_text: str,
        actor: str = DEFAULT_ACTOR,
        *,
        auth: Auth | None = None,
        planned: IssuedBallot | None = None,
    ) -> IssuedBallot:
        """Đổi phiếu: the spoiled ballot's serial is marked spoiled and one fresh ballot is printed
        (`planned`: the fresh serial from plan_batch, already drawn into a PDF on the disk)."""
        serial = _typed(serial_text)
        with self._write() as s:
            row = get_round_row(s, round_id)
            actor = self._authorise_round(s, row, auth, actor)
            require_stage(row, _("đổi phiếu"), Stage.PREPARATION, Stage.COUNTING)
            reg = self._serial(s, round_id, serial)
            if reg.status != SerialStatus.PRINTED.value:
                raise ServiceError(
                    ErrorCode.INVALID_INPUT,
                    detail=_("phiếu số {serial} không ở trạng thái đã in (đang: {status_words}).").format(
                        serial=format_serial(serial), status_words=_(STATUS_WORDS[reg.status])
                    ),
                )
            reg.status = SerialStatus.SPOILED.value
            if planned is None:
                fresh = self._fresh(s, row, 1)[0]
            else:
                fresh = planned
                self._insert(s, row, [planned])
            audit.append(s, actor, "ballot_exchanged", {"round": round_id, "spoiled": serial, "new": fresh.serial})
            return fresh

    def mark_unused(
        self, round_id: RoundId, serials: Sequence[str], actor: str = DEFAULT_ACTOR, *, auth: Auth | None = None
    ) -> int:
        cleaned = [_typed(t) for t in serials]
        with self._write() as s:
            row = get_round_row(s, round_id)
            actor = self._authorise_round(s, row, auth, actor)
            require_stage(row, _("ghi phiếu không dùng"), Stage.PREPARATION, Stage.COUNTING)
            for serial in cleaned:
                reg = self._serial(s, round_id, serial)
                if reg.status != SerialStatus.PRINTED.value:
                    raise ServiceError(
                        ErrorCode.INVALID_INPUT,
                        detail=_("phiếu số {serial} không còn ở trạng thái đã in.").format(
                            serial=format_serial(serial)
                        ),
                    )
                reg.status = SerialStatus.UNUSED.value
            audit.append(s, actor, "ballots_unused", {"round": round_id, "count": len(cleaned)})
            return len(cleaned)

    def entry_tags(self, round_id: RoundId) -> dict[str, str]:
        """tag → serial for every serial in the round's register: what an entries package carries instead of
        the serial (domain.entry_tags), and how the importing station finds its own serial again."""
        with self._read() as s:
            row = get_round_row(s, round_id)
            key = entries_key(row.hmac_key)
            serials = s.execute(select(SerialRow.serial).where(SerialRow.round_id == round_id)).scalars()
            return {entry_tag(key, serial): serial for serial in serials}

    def layout(self, round_id: RoundId) -> str | None:
        """The stored layout description of the round's printed ballots (JSON), if any were printed."""
        with self._read() as s:
            return get_round_row(s, round_id).layout_json

    def summary(self, round_id: RoundId) -> RegisterSummary:
        with self._read() as s:
            get_round_row(s, round_id)
            return summary_of(s, round_id)

    def entries(self, round_id: RoundId) -> list[RegisterEntry]:
        """Every serial printed for the round with its status, in serial order (not print order)."""
        with self._read() as s:
            get_round_row(s, round_id)
            rows = s.execute(
                select(SerialRow.serial, SerialRow.status, SerialRow.mode)
                .where(SerialRow.round_id == round_id)
                .order_by(SerialRow.serial)
            ).all()
        return [RegisterEntry(serial, SerialStatus(status), Mode(mode)) for serial, status, mode in rows]

    def reprint(self, round_id: RoundId, serials: Sequence[str]) -> list[IssuedBallot]:
        """The payloads of serials already printed (e.g. the printer jammed); registers nothing."""
        cleaned = [_typed(t) for t in serials]
        with self._read() as s:
            row = get_round_row(s, round_id)
            out = []
            for serial in cleaned:
                reg = self._serial(s, round_id, serial)
                if reg.status != SerialStatus.PRINTED.value:
                    raise ServiceError(
                        ErrorCode.INVALID_INPUT,
                        detail=_("phiếu số {serial} không còn ở trạng thái đã in.").format(
                            serial=format_serial(serial)
                        ),
                    )
                out.append(IssuedBallot(serial, make_payload(row.code, serial, Mode(reg.mode), row.hmac_key)))
            return out

    @staticmethod
    def _serial(s: Session, round_id: int, serial: str) -> SerialRow:
        reg = s.execute(
            select(SerialRow).where(SerialRow.round_id == round_id, SerialRow.serial == serial)
        ).scalar_one_or_none()
        if reg is None:
            raise ServiceError(ErrorCode.NOT_ISSUED)
        return reg

    @classmethod
    def _fresh(cls, s: Session, row: RoundRow, count: int) -> list[IssuedBallot]:
        out = cls._generate(s, row, count)
        cls._insert(s, row, out)
        return out

    @staticmethod
    def _generate(s: Session, row: RoundRow, count: int) -> list[IssuedBallot]:
        existing = set(s.execute(select(SerialRow.serial).where(SerialRow.round_id == row.id)).scalars())
        mode = Mode(row.mode)
        out: list[IssuedBallot] = []
        while len(out) < count:
            serial = new_serial()
            if serial in existing:
                continue
            existing.add(serial)
            out.append(IssuedBallot(serial, make_payload(row.code, serial, mode, row.hmac_key)))
        return out

    @staticmethod
    def _insert(s: Session, row: RoundRow, issued: Sequence[IssuedBallot]) -> None:
        mode = Mode(row.mode)
        serials = [b.serial for b in issued]
        taken = s.execute(
            select(SerialRow.serial).where(SerialRow.round_id == row.id, SerialRow.serial.in_(serials))
        ).first()
        if taken is not None or len(set(serials)) != len(serials):
            raise ServiceError(ErrorCode.INVALID_INPUT, detail=_("số phiếu đã có trong sổ phiếu; hãy in lại."))
        for b in issued:
            if b.payload != make_payload(row.code, b.serial, mode, row.hmac_key):
                raise ServiceError(ErrorCode.INVALID_INPUT, detail=_("mã QR không khớp với lượt bỏ phiếu; hãy in lại."))
        s.add_all(
            SerialRow(round_id=row.id, serial=b.serial, status=SerialStatus.PRINTED.value, mode=mode.value)
            for b in issued
        )
        s.flush()


def _typed(text: str) -> str:
    try:
        return parse_typed_serial(text)
    except PayloadError as exc:
        code = ErrorCode.BAD_CHECK_DIGIT if exc.code == "bad_check_digit" else ErrorCode.MALFORMED_CODE
        raise ServiceError(code) from exc
