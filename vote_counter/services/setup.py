"""Set-up use cases: meetings, rounds, nominees, board, counts. One transaction each."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vote_counter.domain.model import (
    BoardMember,
    BoardMemberId,
    Counts,
    Meeting,
    MeetingId,
    Nominee,
    NomineeId,
    Round,
    RoundId,
    Stage,
    nfc,
)
from vote_counter.domain.serials import new_round_code, new_round_key
from vote_counter.domain.text_rules import (
    CODE_LIMIT,
    NAME_LIMIT,
    REASON_LIMIT,
    TITLE_LIMIT,
    TextError,
    TextProblem,
    clean_text,
)
from vote_counter.i18n import _
from vote_counter.services.accounts import Auth, Need
from vote_counter.services.base import (
    DEFAULT_ACTOR,
    ServiceBase,
    get_meeting_row,
    get_round_row,
    require_stage,
    require_unsealed,
)
from vote_counter.services.errors import ErrorCode, ServiceError
from vote_counter.storage import audit, repositories
from vote_counter.storage.schema import BoardMemberRow, MeetingRow, NomineeRow, RoundRow, SerialRow

MAX_SEATS = 60


def _text(value: str, field: str, *, required: bool = True, limit: int = TITLE_LIMIT) -> str:
    """The text rules of domain.text_rules (NFC, no control or bidi characters, a length limit)."""
    try:
        return clean_text(value, limit=limit, required=required)
    except TextError as exc:
        if exc.problem is TextProblem.EMPTY:
            raise ServiceError(ErrorCode.INVALID_INPUT, detail=_("chưa nhập {field}.").format(field=field)) from exc
        raise ServiceError(
            ErrorCode.INVALID_INPUT, detail=_("{field} {problem}.").format(field=field, problem=exc.words(_))
        ) from exc


def clean_reason(value: str) -> str:
    """A typed reason (going back a stage, a reprint): the text rules, at most REASON_LIMIT characters; it may
    be empty here (the caller says when a reason is required)."""
    return _text(value, _("lý do"), required=False, limit=REASON_LIMIT)


def clean_meeting(m: Meeting) -> Meeting:
    return dataclasses.replace(
        m,
        title=_text(m.title, _("tên hội nghị")),
        organisation=_text(m.organisation, _("tên cơ quan")),
        parent_body=_text(m.parent_body, _("cơ quan cấp trên"), required=False),
        place=_text(m.place, _("địa điểm"), required=False),
        document_code=_text(m.document_code, _("ký hiệu văn bản"), required=False, limit=CODE_LIMIT),
    )


def clean_round(r: Round) -> Round:
    if not 1 <= r.seats <= MAX_SEATS:
        raise ServiceError(
            ErrorCode.INVALID_INPUT,
            detail=_("số người được chọn phải từ 1 đến {max_seats}.").format(max_seats=MAX_SEATS),
        )
    return dataclasses.replace(
        r, title=_text(r.title, _("tên lượt bỏ phiếu")), position=_text(r.position, _("chức danh"), required=False)
    )


def clean_nominee(n: Nominee) -> Nominee:
    if n.birth_year is not None and not 1900 <= n.birth_year <= 2100:
        raise ServiceError(
            ErrorCode.INVALID_INPUT, detail=_("năm sinh {birth_year} không hợp lệ.").format(birth_year=n.birth_year)
        )
    return dataclasses.replace(
        n,
        full_name=_text(n.full_name, _("họ và tên"), limit=NAME_LIMIT),
        current_position=_text(n.current_position, _("chức vụ"), required=False),
        proposed_position=_text(n.proposed_position, _("chức vụ dự kiến"), required=False),
        unit=_text(n.unit, _("đơn vị"), required=False),
    )


def clean_counts(c: Counts) -> Counts:
    values = [c.summoned, c.present, c.issued] + ([c.collected] if c.collected is not None else [])
    if any(v < 0 for v in values):
        raise ServiceError(ErrorCode.INVALID_INPUT, detail=_("các con số không được âm."))
    if c.present > c.summoned:
        raise ServiceError(
            ErrorCode.INVALID_INPUT,
            detail=_("số có mặt ({present}) lớn hơn số triệu tập ({summoned}).").format(
                present=c.present, summoned=c.summoned
            ),
        )
    if c.issued > c.present:
        raise ServiceError(
            ErrorCode.INVALID_INPUT,
            detail=_("số phiếu phát ra ({issued}) lớn hơn số có mặt ({present}).").format(
                issued=c.issued, present=c.present
            ),
        )
    return c


def _same_name_key(name: str) -> str:
    """How two names are compared for "the same name": NFC, spacing collapsed, case folded."""
    return " ".join(nfc(name).split()).casefold()


def duplicate_name_warnings(nominees: Sequence[Nominee]) -> list[str]:
    """One sentence per name that appears more than once, with the rows (STT) where it does."""
    rows: dict[str, list[int]] = {}
    shown: dict[str, str] = {}
    for stt, n in enumerate(nominees, start=1):
        key = _same_name_key(n.full_name)
        rows.setdefault(key, []).append(stt)
        shown.setdefault(key, " ".join(nfc(n.full_name).split()))
    return [
        _(
            "Có {count} người cùng tên “{name}” (STT {numbers}). Hãy kiểm tra lại; "
            "nếu đúng là trùng tên, ghi thêm năm sinh hoặc chức vụ để phân biệt."
        ).format(count=len(stts), name=shown[key], numbers=", ".join(map(str, stts)))
        for key, stts in rows.items()
        if len(stts) > 1
    ]


def _printed_any(session: Session, round_id: int) -> bool:
    n = session.execute(select(func.count()).select_from(SerialRow).where(SerialRow.round_id == round_id))
    return int(n.scalar_one()) > 0


class SetupService(ServiceBase):
    # ------------------------------------------------------------ meetings
    def create_meeting(self, meeting: Meeting, actor: str = DEFAULT_ACTOR) -> Meeting:
        m = clean_meeting(meeting)
        with self._write() as s:
            row = MeetingRow()
            repositories.fill_meeting(row, m)
            s.add(row)
            s.flush()
            audit.append(s, actor, "meeting_created", {"meeting": row.id, "title": m.title})
            return repositories.meeting(row)

    def update_meeting(self, meeting: Meeting, actor: str = DEFAULT_ACTOR, *, auth: Auth | None = None) -> Meeting:
        assert meeting.id is not None
        m = clean_meeting(meeting)
        with self._write() as s:
            row = get_meeting_row(s, meeting.id)
            actor = self._authorise_meeting(s, row.id, auth, actor)
            require_unsealed(s, row.id)
            repositories.fill_meeting(row, m)
            audit.append(s, actor, "meeting_updated", {"meeting": row.id})
            return repositories.meeting(row)

    def meetings(self) -> list[Meeting]:
        with self._read() as s:
            rows = s.execute(select(MeetingRow).order_by(MeetingRow.id.desc())).scalars()
            return [repositories.meeting(r) for r in rows]

    def meeting(self, meeting_id: MeetingId) -> Meeting:
        with self._read() as s:
            return repositories.meeting(get_meeting_row(s, meeting_id))

    # ------------------------------------------------------------ board
    def add_board_member(
        self, member: BoardMember, actor: str = DEFAULT_ACTOR, *, auth: Auth | None = None
    ) -> BoardMember:
        assert member.meeting_id is not None
        name = _text(member.full_name, _("họ và tên thành viên"), limit=NAME_LIMIT)
        with self._write() as s:
            get_meeting_row(s, member.meeting_id)
            actor = self._authorise_meeting(s, member.meeting_id, auth, actor)
            require_unsealed(s, member.meeting_id)
            order = member.order or self._next_order(s, BoardMemberRow, BoardMemberRow.meeting_id, member.meeting_id)
            row = BoardMemberRow(meeting_id=member.meeting_id, full_name=name, role=member.role.value, order=order)
            s.add(row)
            s.flush()
            audit.append(s, actor, "board_member_added", {"meeting": member.meeting_id, "name": name})
            return repositories.member(row)

    def remove_board_member(
        self, member_id: BoardMemberId, actor: str = DEFAULT_ACTOR, *, auth: Auth | None = None
    ) -> None:
        """Removing a member who holds a passphrase removes an account: the chair and another member."""
        with self._write() as s:
            row = s.get(BoardMemberRow, member_id)
            if row is None:
                raise ServiceError(ErrorCode.NOT_FOUND, what=_("thành viên Ban kiểm phiếu"))
            need = Need.CHAIR_AND_MEMBER if row.passphrase_hash is not None else Need.MEMBER
            actor = self._authorise_meeting(s, row.meeting_id, auth, actor, need)
            require_unsealed(s, row.meeting_id)
            meeting_id, name = row.meeting_id, row.full_name
            s.delete(row)  # before the entry, which seals the deletion
            audit.append(s, actor, "board_member_removed", {"meeting": meeting_id, "name": name})

    def board(self, meeting_id: MeetingId) -> list[BoardMember]:
        with self._read() as s:
            return repositories.board_of(s, meeting_id)

    # ------------------------------------------------------------ rounds
    def create_round(
        self,
        round_: Round,
        actor: str = DEFAULT_ACTOR,
        *,
        auth: Auth | None = None,
        nominees: Sequence[Nominee] = (),
    ) -> Round:
        """A new round in preparation, with its list if given, in one transaction (e.g. going live)."""
        assert round_.meeting_id is not None
        r = clean_round(round_)
        people = [clean_nominee(n) for n in nominees]
        with self._write() as s:
            get_meeting_row(s, round_.meeting_id)
            actor = self._authorise_meeting(s, round_.meeting_id, auth, actor)
            order = r.order or self._next_order(s, RoundRow, RoundRow.meeting_id, round_.meeting_id)
            row = RoundRow(meeting_id=r.meeting_id, code=self._fresh_code(s), hmac_key=new_round_key())
            repositories.fill_round(row, dataclasses.replace(r, order=order))
            repositories.fill_counts(row, clean_counts(r.counts))
            row.stage = Stage.PREPARATION.value
            s.add(row)
            s.flush()
            for i, n in enumerate(people, start=1):
                nrow = NomineeRow(round_id=row.id)
                repositories.fill_nominee(nrow, dataclasses.replace(n, order=i))
                s.add(nrow)
            details: dict[str, object] = {"round": row.id, "kind": r.kind.value, "title": r.title}
            if people:
                details["names"] = [n.full_name for n in people]
            audit.append(s, actor, "round_created", details)
            return repositories.round_(row)

    def update_round(self, round_: Round, actor: str = DEFAULT_ACTOR, *, auth: Auth | None = None) -> Round:
        assert round_.id is not None
        r = clean_round(round_)
        with self._write() as s:
            row = get_round_row(s, round_.id)
            actor = self._authorise_round(s, row, auth, actor)
            require_stage(row, _("sửa cách bỏ phiếu"), Stage.PREPARATION)
            ballot_shape_changed = (row.kind, row.seats, row.write_ins, row.level_preset, row.mode) != (
                r.kind.value,
                r.seats,
                r.write_ins,
                r.level_preset.value,
                r.mode.value,
            )
            if ballot_shape_changed and _printed_any(s, row.id):
                raise ServiceError(ErrorCode.LOCKED_AFTER_PRINT)
            repositories.fill_round(row, r)
            audit.append(s, actor, "round_updated", {"round": row.id})
            return repositories.round_(row)

    def set_counts(
        self, round_id: RoundId, counts: Counts, actor: str = DEFAULT_ACTOR, *, auth: Auth | None = None
    ) -> Round:
        c = clean_counts(counts)
        with self._write() as s:
            row = get_round_row(s, round_id)
            actor = self._authorise_round(s, row, auth, actor)
            require_stage(row, _("sửa số liệu"), Stage.PREPARATION, Stage.COUNTING)
            repositories.fill_counts(row, c)
            audit.append(
                s,
                actor,
                "counts_set",
                {"round": round_id, "S": c.summoned, "P": c.present, "I": c.issued, "C": c.collected},
            )
            return repositories.round_(row)

    def rounds(self, meeting_id: MeetingId) -> list[Round]:
        with self._read() as s:
            rows = s.execute(
                select(RoundRow).where(RoundRow.meeting_id == meeting_id).order_by(RoundRow.order, RoundRow.id)
            ).scalars()
            return [repositories.round_(r) for r in rows]

    def round(self, round_id: RoundId) -> Round:
        with self._read() as s:
            return repositories.round_(get_round_row(s, round_id))

    # ------------------------------------------------------------ nominees
    def add_nominee(self, nominee: Nominee, actor: str = DEFAULT_ACTOR, *, auth: Auth | None = None) -> Nominee:
        assert nominee.round_id is not None
        return self.add_nominees(nominee.round_id, [nominee], actor, auth=auth)[0]

    def add_nominees(
        self, round_id: RoundId, nominees: Sequence[Nominee], actor: str = DEFAULT_ACTOR, *, auth: Auth | None = None
    ) -> list[Nominee]:
        cleaned = [clean_nominee(n) for n in nominees]
        with self._write() as s:
            row, actor = self._editable_list(s, round_id, auth, actor)
            order = self._next_order(s, NomineeRow, NomineeRow.round_id, round_id)
            added = []
            for i, n in enumerate(cleaned):
                nrow = NomineeRow(round_id=row.id)
                repositories.fill_nominee(nrow, dataclasses.replace(n, order=n.order or order + i))
                s.add(nrow)
                added.append(nrow)
            s.flush()
            audit.append(s, actor, "nominees_added", {"round": round_id, "names": [n.full_name for n in cleaned]})
            return [repositories.nominee(r) for r in added]

    def update_nominee(self, nominee: Nominee, actor: str = DEFAULT_ACTOR, *, auth: Auth | None = None) -> Nominee:
        assert nominee.id is not None
        n = clean_nominee(nominee)
        with self._write() as s:
            nrow = s.get(NomineeRow, nominee.id)
            if nrow is None:
                raise ServiceError(ErrorCode.NOT_FOUND, what=_("người trong danh sách"))
            _row, actor = self._editable_list(s, nrow.round_id, auth, actor)
            repositories.fill_nominee(nrow, dataclasses.replace(n, order=n.order or nrow.order))
            audit.append(s, actor, "nominee_updated", {"round": nrow.round_id, "nominee": nrow.id})
            return repositories.nominee(nrow)

    def remove_nominee(self, nominee_id: NomineeId, actor: str = DEFAULT_ACTOR, *, auth: Auth | None = None) -> None:
        with self._write() as s:
            nrow = s.get(NomineeRow, nominee_id)
            if nrow is None:
                raise ServiceError(ErrorCode.NOT_FOUND, what=_("người trong danh sách"))
            _row, actor = self._editable_list(s, nrow.round_id, auth, actor)
            round_id, name = nrow.round_id, nrow.full_name
            s.delete(nrow)  # before the entry, which seals the deletion
            audit.append(s, actor, "nominee_removed", {"round": round_id, "name": name})

    def reorder_nominees(
        self,
        round_id: RoundId,
        ordered_ids: Sequence[NomineeId],
        actor: str = DEFAULT_ACTOR,
        *,
        auth: Auth | None = None,
    ) -> None:
        with self._write() as s:
            _row, actor = self._editable_list(s, round_id, auth, actor)
            rows = {r.id: r for r in s.execute(select(NomineeRow).where(NomineeRow.round_id == round_id)).scalars()}
            if sorted(rows) != sorted(ordered_ids):
                raise ServiceError(ErrorCode.INVALID_INPUT, detail=_("thứ tự mới không khớp với danh sách."))
            for i, nid in enumerate(ordered_ids, start=1):
                rows[nid].order = i
            audit.append(s, actor, "nominees_reordered", {"round": round_id})

    def nominees(self, round_id: RoundId) -> list[Nominee]:
        with self._read() as s:
            get_round_row(s, round_id)
            return repositories.nominees_of(s, round_id)

    def name_warnings(self, round_id: RoundId) -> list[str]:
        """Vietnamese warnings for the round's list: two persons with the same name (NFC, case and spacing
        ignored). Not refused, since namesakes happen, but the board must tell them apart on the ballot."""
        return duplicate_name_warnings(self.nominees(round_id))

    # ------------------------------------------------------------ helpers
    def _editable_list(self, s: Session, round_id: int, auth: Auth | None, actor: str) -> tuple[RoundRow, str]:
        """The round if its list may change, and the audit actor."""
        row = get_round_row(s, round_id)
        actor = self._authorise_round(s, row, auth, actor)
        require_stage(row, _("sửa danh sách"), Stage.PREPARATION)
        if _printed_any(s, round_id):
            raise ServiceError(ErrorCode.LOCKED_AFTER_PRINT)
        return row, actor

    @staticmethod
    def _next_order(s: Session, table: type[BoardMemberRow | RoundRow | NomineeRow], column: Any, owner: int) -> int:
        current = s.execute(select(func.max(table.order)).where(column == owner)).scalar()
        return int(current or 0) + 1

    @staticmethod
    def _fresh_code(s: Session) -> str:
        while True:
            code = new_round_code()
            if s.execute(select(RoundRow.id).where(RoundRow.code == code)).first() is None:
                return code
