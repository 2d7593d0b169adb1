"""Create a whole meeting from a definition file (TOML or JSON), in one transaction.

The format is documented by docs/meeting.example.toml.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import tomllib
from pathlib import Path
from typing import Any

from vote_counter.domain.documents import DocumentDetails
from vote_counter.domain.model import (
    BoardRole,
    Counts,
    HeaderStyle,
    InvalidPolicy,
    LevelPreset,
    Meeting,
    Mode,
    Nominee,
    PercentBase,
    Round,
    RoundKind,
    Secrecy,
    Stage,
)
from vote_counter.domain.serials import new_round_code, new_round_key
from vote_counter.services.base import DEFAULT_ACTOR, ServiceBase
from vote_counter.services.documents import clean_details, parse_documents
from vote_counter.services.documents import save_in as save_documents
from vote_counter.services.errors import ErrorCode, ServiceError
from vote_counter.services.setup import clean_counts, clean_meeting, clean_nominee, clean_round
from vote_counter.storage import audit, repositories
from vote_counter.storage.schema import BoardMemberRow, MeetingRow, NomineeRow, RoundRow


@dataclasses.dataclass(frozen=True)
class RoundPlan:
    round: Round
    nominees: tuple[Nominee, ...]
    document_number: str = ""  # số of the round's minutes


@dataclasses.dataclass(frozen=True)
class MeetingPlan:
    meeting: Meeting
    board: tuple[tuple[str, BoardRole], ...]
    rounds: tuple[RoundPlan, ...]
    documents: DocumentDetails = dataclasses.field(default_factory=DocumentDetails)  # [meeting.documents]


def _bad(detail: str) -> ServiceError:
    return ServiceError(ErrorCode.DEFINITION, detail=detail)


def read_definition(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise _bad(f"không đọc được tệp {path.name} ({exc.strerror}).") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _bad("tệp phải được lưu bằng mã UTF-8.") from exc
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        raise _bad(f"sai cú pháp: {exc}") from exc
    if not isinstance(data, dict):
        raise _bad("nội dung phải là một bảng (object).")
    return data


def _enum(value: Any, enum: type[Any], where: str, default: Any = None) -> Any:
    if value is None:
        return default
    try:
        return enum(value)
    except ValueError as exc:
        allowed = ", ".join(e.value for e in enum)
        raise _bad(f"{where}: giá trị “{value}” không hợp lệ (chọn một trong: {allowed}).") from exc


def _int(value: Any, where: str, default: int | None = 0) -> int | None:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise _bad(f"{where} phải là số nguyên.")
    return value


def _str(value: Any, where: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _bad(f"{where} phải là chuỗi chữ.")
    return value


def _bool(value: Any, where: str, default: bool) -> bool:
    if value is None:
        return default
    if not isinstance(value, bool):
        raise _bad(f"{where} phải là true hoặc false.")
    return value


def parse_definition(data: dict[str, Any]) -> MeetingPlan:
    m = data.get("meeting")
    if not isinstance(m, dict):
        raise _bad("thiếu mục [meeting].")
    date_value = m.get("date")
    if isinstance(date_value, str):
        try:
            date_value = dt.date.fromisoformat(date_value)
        except ValueError as exc:
            raise _bad("meeting.date phải có dạng YYYY-MM-DD.") from exc
    if date_value is not None and not isinstance(date_value, dt.date):
        raise _bad("meeting.date phải có dạng YYYY-MM-DD.")
    meeting = Meeting(
        id=None,
        title=_str(m.get("title"), "meeting.title"),
        organisation=_str(m.get("organisation"), "meeting.organisation"),
        parent_body=_str(m.get("parent_body"), "meeting.parent_body"),
        place=_str(m.get("place"), "meeting.place"),
        date=date_value,
        header_style=_enum(m.get("header_style"), HeaderStyle, "meeting.header_style", HeaderStyle.STATE),
        secrecy=_enum(m.get("secrecy"), Secrecy, "meeting.secrecy", Secrecy.MAT),
        document_code=_str(m.get("document_code"), "meeting.document_code"),
    )
    try:
        meeting = clean_meeting(meeting)
        documents = parse_documents(m.get("documents"))
    except ServiceError as exc:
        raise _bad(exc.message) from exc
    board = []
    for i, b in enumerate(data.get("board", []), start=1):
        if not isinstance(b, dict):
            raise _bad(f"board[{i}] phải là một bảng.")
        board.append(
            (
                _str(b.get("name"), f"board[{i}].name"),
                _enum(b.get("role"), BoardRole, f"board[{i}].role", BoardRole.MEMBER),
            )
        )
    rounds_data = data.get("rounds", [])
    if not isinstance(rounds_data, list) or not rounds_data:
        raise _bad("cần ít nhất một lượt bỏ phiếu [[rounds]].")
    rounds = []
    for i, r in enumerate(rounds_data, start=1):
        where = f"rounds[{i}]"
        if not isinstance(r, dict):
            raise _bad(f"{where} phải là một bảng.")
        kind = _enum(r.get("kind"), RoundKind, f"{where}.kind")
        if kind is None:
            raise _bad(f"{where}.kind chưa có (confidence, approval hoặc nomination).")
        counts = Counts(
            summoned=_int(r.get("summoned"), f"{where}.summoned") or 0,
            present=_int(r.get("present"), f"{where}.present") or 0,
            issued=_int(r.get("issued"), f"{where}.issued") or 0,
            collected=_int(r.get("collected"), f"{where}.collected", None),
        )
        round_ = Round(
            id=None,
            meeting_id=None,
            title=_str(r.get("title"), f"{where}.title"),
            kind=kind,
            position=_str(r.get("position"), f"{where}.position"),
            level_preset=_enum(r.get("level_preset"), LevelPreset, f"{where}.level_preset", LevelPreset.QD96),
            percent_base=_enum(r.get("percent_base"), PercentBase, f"{where}.percent_base"),
            invalid_policy=_enum(r.get("invalid_policy"), InvalidPolicy, f"{where}.invalid_policy"),
            seats=_int(r.get("seats"), f"{where}.seats", 1) or 0,
            write_ins=_bool(r.get("write_ins"), f"{where}.write_ins", False),
            announced=_bool(r.get("announced"), f"{where}.announced", True),
            mode=_enum(r.get("mode"), Mode, f"{where}.mode", Mode.LIVE),
            blank_is_disagree=_bool(r.get("blank_is_disagree"), f"{where}.blank_is_disagree", False),
            double_entry=_bool(r.get("double_entry"), f"{where}.double_entry", False),
            counts=counts,
        )
        nominees = []
        for j, n in enumerate(r.get("nominees", []), start=1):
            nwhere = f"{where}.nominees[{j}]"
            if not isinstance(n, dict):
                raise _bad(f"{nwhere} phải là một bảng.")
            nominees.append(
                Nominee(
                    id=None,
                    round_id=None,
                    full_name=_str(n.get("name"), f"{nwhere}.name"),
                    birth_year=_int(n.get("birth_year"), f"{nwhere}.birth_year", None),
                    current_position=_str(n.get("current_position"), f"{nwhere}.current_position"),
                    proposed_position=_str(n.get("proposed_position"), f"{nwhere}.proposed_position"),
                    unit=_str(n.get("unit"), f"{nwhere}.unit"),
                    order=j,
                )
            )
        if not nominees:
            raise _bad(f"{where} chưa có người nào trong danh sách (nominees).")
        try:
            round_ = clean_round(dataclasses.replace(round_, counts=clean_counts(counts), order=i))
            nominees = [clean_nominee(n) for n in nominees]
        except ServiceError as exc:
            raise _bad(f"{where}: {exc.message}") from exc
        number = _str(r.get("document_number"), f"{where}.document_number")
        rounds.append(RoundPlan(round_, tuple(nominees), number))
    return MeetingPlan(meeting, tuple(board), tuple(rounds), documents)


class DefinitionService(ServiceBase):
    def create(self, plan: MeetingPlan, actor: str = DEFAULT_ACTOR) -> Meeting:
        """The meeting, its board, rounds and nominees, all or nothing."""
        with self._write() as s:
            mrow = MeetingRow()
            repositories.fill_meeting(mrow, plan.meeting)
            s.add(mrow)
            s.flush()
            for order, (name, role) in enumerate(plan.board, start=1):
                s.add(BoardMemberRow(meeting_id=mrow.id, full_name=name, role=role.value, order=order))
            used: set[str] = set()
            numbers: dict[int, str] = {}
            for rp in plan.rounds:
                code = new_round_code()
                while code in used or s.query(RoundRow.id).filter(RoundRow.code == code).first():
                    code = new_round_code()
                used.add(code)
                rrow = RoundRow(meeting_id=mrow.id, code=code, hmac_key=new_round_key(), stage=Stage.PREPARATION.value)
                repositories.fill_round(rrow, rp.round)
                repositories.fill_counts(rrow, rp.round.counts)
                s.add(rrow)
                s.flush()
                if rp.document_number:
                    numbers[rrow.id] = rp.document_number
                for n in rp.nominees:
                    nrow = NomineeRow(round_id=rrow.id)
                    repositories.fill_nominee(nrow, n)
                    s.add(nrow)
            s.flush()
            if plan.documents != DocumentDetails() or numbers:
                details = clean_details(dataclasses.replace(plan.documents, numbers=numbers))
                save_documents(s, mrow.id, details, actor)
            audit.append(
                s,
                actor,
                "meeting_defined",
                {"meeting": mrow.id, "title": plan.meeting.title, "rounds": len(plan.rounds)},
            )
            return repositories.meeting(mrow)
