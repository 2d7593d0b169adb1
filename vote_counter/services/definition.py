"""Create a whole meeting from a definition file (TOML or JSON), in one transaction.

The format is documented by docs/meeting.example.toml.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
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
from vote_counter.domain.text_rules import CODE_LIMIT, NAME_LIMIT, TITLE_LIMIT
from vote_counter.i18n import _
from vote_counter.services.base import DEFAULT_ACTOR, ServiceBase
from vote_counter.services.documents import clean_details, parse_documents
from vote_counter.services.documents import save_in as save_documents
from vote_counter.services.errors import ServiceError
from vote_counter.services.input_files import Reader
from vote_counter.services.setup import MAX_SEATS, clean_counts, clean_meeting, clean_nominee, clean_round
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


MAX_DEFINITION = 1024 * 1024  # a meeting of 50 rounds of 60 people is far below this
MAX_ROUNDS = 50
MAX_NOMINEES = 200
MAX_BOARD = 20
MAX_COUNT = 100_000

# The keys each table of a definition may have (docs/meeting.example.toml); anything else is refused.
MEETING_KEYS = (
    "title",
    "organisation",
    "parent_body",
    "place",
    "date",
    "header_style",
    "secrecy",
    "document_code",
    "documents",
)
BOARD_KEYS = ("name", "role")
ROUND_KEYS = (
    "title",
    "kind",
    "position",
    "level_preset",
    "percent_base",
    "invalid_policy",
    "seats",
    "write_ins",
    "announced",
    "mode",
    "blank_is_disagree",
    "double_entry",
    "summoned",
    "present",
    "issued",
    "collected",
    "nominees",
    "document_number",
)
NOMINEE_KEYS = ("name", "birth_year", "current_position", "proposed_position", "unit")


def read_definition(path: Path) -> dict[str, Any]:
    """The definition file parsed (TOML, or JSON by its suffix), refused by size before it is read."""
    r = Reader(path.name)
    text = r.read(path, MAX_DEFINITION)
    if path.suffix.lower() == ".json":
        data = r.json(text, _("cả tệp"))
    else:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise r.fail(_("cả tệp"), _("sai cú pháp TOML ({error}).").format(error=exc)) from exc
        except RecursionError as exc:
            raise r.fail(_("cả tệp"), _("lồng nhau quá sâu.")) from exc
        r.depth(data, _("cả tệp"))
    return dict(r.table(data, _("cả tệp"), ("meeting", "board", "rounds"), required=("meeting", "rounds")))


def _enum(r: Reader, value: Any, enum: type[Any], where: str, default: Any = None) -> Any:
    if value is None:
        return default
    return r.choice(value, where, {e.value: e for e in enum})


def _opt_text(r: Reader, value: Any, where: str, limit: int = TITLE_LIMIT) -> str:
    return "" if value is None else r.text(value, where, limit=limit)


def _opt_int(r: Reader, value: Any, where: str, default: int | None, low: int = 0, high: int = MAX_COUNT) -> int | None:
    return default if value is None else r.integer(value, where, low, high)


def _opt_bool(r: Reader, value: Any, where: str, default: bool) -> bool:
    return default if value is None else r.boolean(value, where)


def _date(r: Reader, value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError as exc:
            raise r.fail("meeting.date", _("phải có dạng YYYY-MM-DD.")) from exc
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    raise r.fail("meeting.date", _("phải có dạng YYYY-MM-DD."))


def _cleaned(r: Reader, where: str, clean: Any, value: Any) -> Any:
    """The set-up rules of services.setup (the same as in the window's forms), named by where they failed."""
    try:
        return clean(value)
    except ServiceError as exc:
        raise r.fail(where, str(exc.details.get("detail", exc.message))) from exc


def parse_definition(data: dict[str, Any], name: str | None = None) -> MeetingPlan:
    """The whole definition checked against its schema before anything is written."""
    r = Reader(name if name is not None else _("định nghĩa hội nghị"))
    r.table(data, _("cả tệp"), ("meeting", "board", "rounds"), required=("meeting", "rounds"))
    m = r.table(data["meeting"], "[meeting]", MEETING_KEYS, required=("title", "organisation"))
    meeting = Meeting(
        id=None,
        title=r.text(m["title"], "meeting.title", limit=TITLE_LIMIT, required=True),
        organisation=r.text(m["organisation"], "meeting.organisation", limit=TITLE_LIMIT, required=True),
        parent_body=_opt_text(r, m.get("parent_body"), "meeting.parent_body"),
        place=_opt_text(r, m.get("place"), "meeting.place"),
        date=_date(r, m.get("date")),
        header_style=_enum(r, m.get("header_style"), HeaderStyle, "meeting.header_style", HeaderStyle.STATE),
        secrecy=_enum(r, m.get("secrecy"), Secrecy, "meeting.secrecy", Secrecy.MAT),
        document_code=_opt_text(r, m.get("document_code"), "meeting.document_code", CODE_LIMIT),
    )
    meeting = _cleaned(r, "[meeting]", clean_meeting, meeting)
    try:
        documents = parse_documents(m.get("documents"))
    except ServiceError as exc:
        raise r.fail("[meeting.documents]", str(exc.details.get("detail", exc.message))) from exc
    board = []
    for i, b in enumerate(r.listed(data.get("board", []), "[[board]]", limit=MAX_BOARD), start=1):
        where = f"board[{i}]"
        b = r.table(b, where, BOARD_KEYS, required=("name",))
        board.append(
            (
                r.text(b["name"], f"{where}.name", limit=NAME_LIMIT, required=True),
                _enum(r, b.get("role"), BoardRole, f"{where}.role", BoardRole.MEMBER),
            )
        )
    rounds_data = r.listed(data["rounds"], "[[rounds]]", limit=MAX_ROUNDS)
    if not rounds_data:
        raise r.fail("[[rounds]]", _("cần ít nhất một lượt bỏ phiếu."))
    rounds = [_round(r, raw, i) for i, raw in enumerate(rounds_data, start=1)]
    return MeetingPlan(meeting, tuple(board), tuple(rounds), documents)


def _round(r: Reader, raw: Any, i: int) -> RoundPlan:
    where = f"rounds[{i}]"
    t = r.table(raw, where, ROUND_KEYS, required=("title", "kind", "nominees"))
    kind = _enum(r, t["kind"], RoundKind, f"{where}.kind")
    counts = Counts(
        summoned=_opt_int(r, t.get("summoned"), f"{where}.summoned", 0) or 0,
        present=_opt_int(r, t.get("present"), f"{where}.present", 0) or 0,
        issued=_opt_int(r, t.get("issued"), f"{where}.issued", 0) or 0,
        collected=_opt_int(r, t.get("collected"), f"{where}.collected", None),
    )
    round_ = Round(
        id=None,
        meeting_id=None,
        title=r.text(t["title"], f"{where}.title", limit=TITLE_LIMIT, required=True),
        kind=kind,
        position=_opt_text(r, t.get("position"), f"{where}.position"),
        level_preset=_enum(r, t.get("level_preset"), LevelPreset, f"{where}.level_preset", LevelPreset.QD96),
        percent_base=_enum(r, t.get("percent_base"), PercentBase, f"{where}.percent_base"),
        invalid_policy=_enum(r, t.get("invalid_policy"), InvalidPolicy, f"{where}.invalid_policy"),
        seats=_opt_int(r, t.get("seats"), f"{where}.seats", 1, 1, MAX_SEATS) or 1,
        write_ins=_opt_bool(r, t.get("write_ins"), f"{where}.write_ins", False),
        announced=_opt_bool(r, t.get("announced"), f"{where}.announced", True),
        mode=_enum(r, t.get("mode"), Mode, f"{where}.mode", Mode.LIVE),
        blank_is_disagree=_opt_bool(r, t.get("blank_is_disagree"), f"{where}.blank_is_disagree", False),
        double_entry=_opt_bool(r, t.get("double_entry"), f"{where}.double_entry", False),
        counts=counts,
    )
    nominees = []
    for j, n in enumerate(r.listed(t["nominees"], f"{where}.nominees", limit=MAX_NOMINEES), start=1):
        nwhere = f"{where}.nominees[{j}]"
        n = r.table(n, nwhere, NOMINEE_KEYS, required=("name",))
        nominee = Nominee(
            id=None,
            round_id=None,
            full_name=r.text(n["name"], f"{nwhere}.name", limit=NAME_LIMIT, required=True),
            birth_year=_opt_int(r, n.get("birth_year"), f"{nwhere}.birth_year", None, 1900, 2100),
            current_position=_opt_text(r, n.get("current_position"), f"{nwhere}.current_position"),
            proposed_position=_opt_text(r, n.get("proposed_position"), f"{nwhere}.proposed_position"),
            unit=_opt_text(r, n.get("unit"), f"{nwhere}.unit"),
            order=j,
        )
        nominees.append(_cleaned(r, nwhere, clean_nominee, nominee))
    if not nominees:
        raise r.fail(f"{where}.nominees", _("chưa có người nào trong danh sách."))
    counts = _cleaned(r, where, clean_counts, counts)
    round_ = _cleaned(r, where, clean_round, dataclasses.replace(round_, counts=counts, order=i))
    number = _opt_text(r, t.get("document_number"), f"{where}.document_number", CODE_LIMIT)
    return RoundPlan(round_, tuple(nominees), number)


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
