"""Workspaces with a meeting, a round of each kind, Vietnamese names, printed ballots, counting opened.

Everything goes through the real services on a real SQLite file, as the app does.
Test modules import it as `tests.helpers.builders` (pytest runs with pythonpath = ["."]).
"""

from __future__ import annotations

import contextlib
import random
import sqlite3
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from vote_counter.domain.model import (
    CHOSEN,
    BallotMarks,
    BoardMember,
    BoardRole,
    Counts,
    Meeting,
    Mode,
    Nominee,
    NomineeId,
    Reason,
    Round,
    RoundId,
    RoundKind,
    Stage,
)
from vote_counter.services.accounts import Approval, Credential
from vote_counter.services.errors import ErrorCode, ServiceError
from vote_counter.services.register import IssuedBallot
from vote_counter.services.workspace import Workspace

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô")
MIDDLE = ("Văn", "Thị", "Đức", "Minh", "Quốc", "Thùy", "Hữu", "Ngọc", "Xuân", "Thế")
GIVEN = (
    "Ánh",
    "Ưng",
    "Hùng",
    "Nhung",
    "Đạt",
    "Khánh",
    "Dương",
    "Trường",
    "Yến",
    "Lộc",
    "Sơn",
    "Thảo",
    "Hiển",
    "Tuyết",
    "Ngữ",
    "Quỳnh",
    "Ượng",
    "Ấn",
)
POSITIONS = ("Giám đốc Sở", "Phó Giám đốc Sở", "Chánh Văn phòng", "Trưởng phòng Tổ chức cán bộ", "Chánh Thanh tra")
MEETING_TITLE = "Hội nghị cán bộ chủ chốt Sở Tài chính năm 2026"
ORGANISATION = "Sở Tài chính tỉnh Thừa Thiên Huế"

# A round of each kind, titled as a counting board would title it.
ROUND_TITLES: Mapping[RoundKind, str] = {
    RoundKind.CONFIDENCE: "Lấy phiếu tín nhiệm đối với người giữ chức vụ lãnh đạo, quản lý",
    RoundKind.APPROVAL: "Biểu quyết bổ nhiệm Phó Giám đốc Sở",
    RoundKind.NOMINATION: "Giới thiệu nhân sự Phó Giám đốc Sở (bước 3)",
}

# The board every built meeting gets (SPEC §9): a chair and a member who can sign in.
CHAIR_NAME = "Hoàng Thị Lan"
MEMBER_NAME = "Ngô Quốc Việt"
THIRD_NAME = "Đặng Thu Hà"
PASSPHRASES: Mapping[str, str] = {
    CHAIR_NAME: "trưởng ban kiểm phiếu",
    MEMBER_NAME: "thành viên thứ hai",
    THIRD_NAME: "thành viên thứ ba",
}

TABLES = (
    "meetings",
    "board_members",
    "rounds",
    "nominees",
    "ballot_register",
    "ballots",
    "running_totals",
    "tally_sheets",
    "audit_log",
)


def vietnamese_names(n: int) -> list[str]:
    """n distinct full names with diacritics of every tone (family, middle, given)."""
    out: list[str] = []
    i = 0
    while len(out) < n:
        name = f"{FAMILY[i % len(FAMILY)]} {MIDDLE[(i // len(FAMILY)) % len(MIDDLE)]} {GIVEN[i % len(GIVEN)]}"
        if name not in out:
            out.append(name)
        i += 1
    return out


def sign_in_known_boards(ws: Workspace) -> None:
    """At a freshly opened workspace, sign in the chair and member of every meeting built with board_accounts."""
    for m in ws.setup.meetings():
        assert m.id is not None
        board = {b.full_name: b for b in ws.setup.board(m.id) if b.has_passphrase and b.id is not None}
        if CHAIR_NAME in board and MEMBER_NAME in board:
            chair, member = board[CHAIR_NAME], board[MEMBER_NAME]
            assert chair.id is not None and member.id is not None
            ws.access.remember(
                m.id,
                Approval(
                    Credential(chair.id, PASSPHRASES[CHAIR_NAME]), Credential(member.id, PASSPHRASES[MEMBER_NAME])
                ),
            )


@contextlib.contextmanager
def workspace_at(path: Path) -> Iterator[Workspace]:
    """The workspace on `path`, with the built boards signed in (as the window would have them)."""
    ws = Workspace.open(path)
    sign_in_known_boards(ws)
    try:
        yield ws
    finally:
        ws.close()


def make_meeting(ws: Workspace, title: str = MEETING_TITLE, organisation: str = ORGANISATION) -> Meeting:
    return ws.setup.create_meeting(Meeting(id=None, title=title, organisation=organisation))


@dataclass(frozen=True)
class Accounts:
    """The board of a built meeting, each member with a passphrase."""

    chair: BoardMember
    member: BoardMember
    third: BoardMember

    def credential(self, who: BoardMember, passphrase: str | None = None) -> Credential:
        assert who.id is not None
        return Credential(who.id, PASSPHRASES[who.full_name] if passphrase is None else passphrase)

    @property
    def two(self) -> Approval:
        """The chair and a member: enough for every action."""
        return Approval(self.credential(self.chair), self.credential(self.member))


def board_accounts(ws: Workspace, meeting: Meeting, *, sign_in: bool = True, third: bool = True) -> Accounts:
    """Give the meeting a board whose members hold passphrases (once), and sign the chair and a member in
    at this workspace: calls that pass no credentials then act as both, as the tests before accounts did."""
    assert meeting.id is not None
    have = {m.full_name: m for m in ws.setup.board(meeting.id)}
    wanted = ((CHAIR_NAME, BoardRole.CHAIR), (MEMBER_NAME, BoardRole.MEMBER), (THIRD_NAME, BoardRole.MEMBER))
    for name, role in wanted if third else wanted[:2]:
        if name not in have:
            have[name] = ws.setup.add_board_member(BoardMember(None, meeting.id, name, role))
    holder: Credential | None = None  # once one member has a passphrase, a signed-in member sets the others'
    for name, member in list(have.items()):
        if name not in PASSPHRASES:
            continue
        assert member.id is not None
        if not member.has_passphrase:
            have[name] = ws.accounts.set_passphrase(member.id, PASSPHRASES[name], auth=holder)
        holder = holder or Credential(member.id, PASSPHRASES[name])
    accounts = Accounts(have[CHAIR_NAME], have[MEMBER_NAME], have.get(THIRD_NAME, have[MEMBER_NAME]))
    if sign_in:
        ws.access.remember(meeting.id, accounts.two)
    return accounts


@dataclass(frozen=True)
class Built:
    """One round ready to count: its nominees and the printed ballots, in print order."""

    ws: Workspace
    meeting: Meeting
    round: Round
    nominees: tuple[Nominee, ...]
    printed: tuple[IssuedBallot, ...]

    @property
    def round_id(self) -> RoundId:
        assert self.round.id is not None
        return self.round.id

    @property
    def ids(self) -> list[NomineeId]:
        return [n.id for n in self.nominees if n.id is not None]

    def refresh(self) -> Round:
        return self.ws.setup.round(self.round_id)


def build_round(
    ws: Workspace,
    kind: RoundKind = RoundKind.CONFIDENCE,
    *,
    meeting: Meeting | None = None,
    nominees: int = 5,
    printed: int = 20,
    counting: bool = True,
    mode: Mode = Mode.LIVE,
    counts: Counts | None = None,
    accounts: bool = True,
    **settings: Any,
) -> Built:
    """A round of `kind` with `nominees` persons and `printed` ballots; counting opened unless told.

    With `accounts` (the default) the meeting's board holds passphrases and the chair and a member are
    signed in at `ws` (see board_accounts)."""
    m = meeting or make_meeting(ws)
    assert m.id is not None
    if accounts:
        board_accounts(ws, m)
    r = ws.setup.create_round(
        Round(
            id=None,
            meeting_id=m.id,
            title=ROUND_TITLES[kind],
            kind=kind,
            position="Phó Giám đốc Sở" if kind is not RoundKind.CONFIDENCE else "",
            mode=mode,
            counts=counts or Counts(summoned=max(printed, 1), present=max(printed, 1), issued=printed),
            **settings,
        )
    )
    assert r.id is not None
    names = vietnamese_names(nominees)
    people = ws.setup.add_nominees(
        r.id,
        [
            Nominee(id=None, round_id=r.id, full_name=name, current_position=POSITIONS[i % len(POSITIONS)])
            for i, name in enumerate(names)
        ],
    )
    issued: list[IssuedBallot] = []
    remaining = printed
    while remaining > 0:
        batch = min(remaining, 5000)
        issued += ws.register.print_batch(r.id, batch)
        remaining -= batch
    if counting:
        ws.stages.change(r.id, Stage.COUNTING)
    return Built(ws, m, ws.setup.round(r.id), tuple(people), tuple(issued))


# ------------------------------------------------------------------ marks


def confidence_marks(ids: Sequence[NomineeId], levels: Sequence[int]) -> BallotMarks:
    return BallotMarks(rows={nid: frozenset({lv}) for nid, lv in zip(ids, levels, strict=True)})


def approval_marks(ids: Sequence[NomineeId], boxes: Sequence[int]) -> BallotMarks:
    return BallotMarks(rows={nid: frozenset({b}) for nid, b in zip(ids, boxes, strict=True)})


def nomination_marks(chosen: Sequence[NomineeId]) -> BallotMarks:
    return BallotMarks(rows={nid: frozenset({CHOSEN}) for nid in chosen})


def random_marks(rng: random.Random, kind: RoundKind, ids: Sequence[NomineeId], *, odd: float = 0.1) -> BallotMarks:
    """Marks a voter could make: mostly one box per row, sometimes none, two, or a declared reason."""
    options = {RoundKind.CONFIDENCE: 3, RoundKind.APPROVAL: 2, RoundKind.NOMINATION: 1}[kind]
    rows: dict[NomineeId, frozenset[int]] = {}
    if kind is RoundKind.NOMINATION:
        k = rng.choice((0, 1, 1, 1, 2)) if rng.random() < odd else 1
        for nid in rng.sample(list(ids), min(k, len(ids))):
            rows[nid] = frozenset({CHOSEN})
    else:
        for nid in ids:
            if rng.random() < odd:
                rows[nid] = frozenset(rng.sample(range(options), rng.choice((0, 2))))
            else:
                rows[nid] = frozenset({rng.randrange(options)})
    declared: frozenset[Reason] = frozenset()
    if rng.random() < odd / 3:
        declared = frozenset({rng.choice((Reason.CROSSED_NAME, Reason.EXTRA_CONTENT, Reason.UNREADABLE))})
    return BallotMarks(rows=rows, declared=declared)


def valid_marks(rng: random.Random, kind: RoundKind, ids: Sequence[NomineeId]) -> BallotMarks:
    """A ballot every policy counts as valid: one box per row (nomination: one person chosen)."""
    if kind is RoundKind.NOMINATION:
        return nomination_marks([rng.choice(list(ids))])
    options = 3 if kind is RoundKind.CONFIDENCE else 2
    return BallotMarks(rows={nid: frozenset({rng.randrange(options)}) for nid in ids})


def count_and_close(b: Built, n: int = 2, *, seal: bool = False) -> Round:
    """Enter n valid ballots, give the board's physical count, close (and seal) the round."""
    rng = random.Random(n)
    for ib in b.printed[:n]:
        b.ws.counting.record(b.round_id, ib.payload, valid_marks(rng, b.round.kind, b.ids))
    counts = b.refresh().counts
    b.ws.setup.set_counts(b.round_id, Counts(counts.summoned, counts.present, counts.issued, collected=n))
    b.ws.stages.change(b.round_id, Stage.CLOSED)
    if seal:
        b.ws.stages.change(b.round_id, Stage.SEALED)
    return b.refresh()


# ------------------------------------------------------------------ looking at the file from outside


@contextlib.contextmanager
def raw(path: Path) -> Iterator[sqlite3.Connection]:
    """A plain sqlite3 connection on the workspace file, in autocommit mode (as an intruder would have)."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        yield conn
    finally:
        conn.close()


def row_counts(path: Path) -> dict[str, int]:
    with raw(path) as conn:
        return {t: int(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in TABLES}


def snapshot(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table: equal snapshots mean nothing changed (audit head included)."""
    with raw(path) as conn:
        return {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in TABLES}


def audit_count(path: Path) -> int:
    return row_counts(path)["audit_log"]


# ------------------------------------------------------------------ errors a board member can act on

_VIETNAMESE = set("àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ")


def assert_vietnamese(message: str) -> None:
    """A whole Vietnamese sentence: NFC, diacritics present, every placeholder filled in."""
    assert message.strip(), "empty message"
    assert unicodedata.normalize("NFC", message) == message
    assert _VIETNAMESE & set(message.lower()), message
    assert "{" not in message and "}" not in message, message


def expect_error(ws: Workspace, code: ErrorCode, call: Any, *args: Any, **kwargs: Any) -> ServiceError:
    """`call` fails with `code` and a Vietnamese message, and the file is exactly as before."""
    before = snapshot(ws.path)
    with pytest.raises(ServiceError) as info:
        call(*args, **kwargs)
    err = info.value
    assert err.code is code, (err.code, err.message)
    assert_vietnamese(err.message)
    assert str(err) == err.message
    assert snapshot(ws.path) == before, f"{code} changed the database"
    return err
