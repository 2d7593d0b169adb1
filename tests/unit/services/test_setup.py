"""Set-up: meetings, rounds, nominees, board, counts. Every refusal is a Vietnamese ServiceError that changes nothing."""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.builders import (
    Built,
    build_round,
    count_and_close,
    expect_error,
    make_meeting,
    raw,
    vietnamese_names,
    workspace_at,
)
from vote_counter.domain.model import (
    BoardMember,
    BoardRole,
    Counts,
    LevelPreset,
    Meeting,
    MeetingId,
    Mode,
    Nominee,
    NomineeId,
    Round,
    RoundId,
    RoundKind,
    Stage,
)
from vote_counter.services.errors import ErrorCode
from vote_counter.services.workspace import Workspace


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    with workspace_at(tmp_path / "kp.sqlite3") as w:
        yield w


@pytest.fixture
def prep(ws: Workspace) -> Built:
    """A confidence round still in preparation, nothing printed."""
    return build_round(ws, RoundKind.CONFIDENCE, nominees=4, printed=0, counting=False)


@pytest.fixture
def printed(ws: Workspace) -> Built:
    """A round in preparation whose ballots are printed."""
    return build_round(ws, RoundKind.NOMINATION, nominees=4, printed=6, counting=False)


# ------------------------------------------------------------------ NFC at every boundary


def test_vietnamese_text_in_nfd_is_stored_and_read_back_as_nfc(tmp_path: Path) -> None:
    path = tmp_path / "kp.sqlite3"
    title = "Hội nghị lấy phiếu tín nhiệm Ủy ban nhân dân tỉnh Quảng Ngãi"
    org = "Ủy ban nhân dân tỉnh Quảng Ngãi"
    round_title = "Lấy phiếu tín nhiệm đối với Chủ tịch, Phó Chủ tịch"
    names = vietnamese_names(12)
    member = "Lương Thế Hiển"
    assert all(nfd(x) != x for x in [title, org, round_title, member, *names])  # the input really is decomposed
    with workspace_at(path) as ws:
        m = ws.setup.create_meeting(Meeting(id=None, title=nfd(title), organisation="  " + nfd(org) + " "))
        assert (m.title, m.organisation) == (title, org)
        assert m.id is not None
        r = ws.setup.create_round(Round(id=None, meeting_id=m.id, title=nfd(round_title), kind=RoundKind.CONFIDENCE))
        assert r.title == round_title and r.id is not None
        added = ws.setup.add_nominees(
            r.id,
            [Nominee(id=None, round_id=r.id, full_name=nfd(n), current_position=nfd("Phó Chủ tịch")) for n in names],
        )
        assert [n.full_name for n in added] == names
        assert all(n.current_position == "Phó Chủ tịch" for n in added)
        bm = ws.setup.add_board_member(BoardMember(id=None, meeting_id=m.id, full_name=nfd(member)))
        assert bm.full_name == member
        updated = ws.setup.update_nominee(dataclasses.replace(added[0], full_name=nfd("Đặng Thùy Dương")))
        assert updated.full_name == "Đặng Thùy Dương"
    with workspace_at(path) as again:
        assert again.setup.meeting(m.id).title == title
        assert [n.full_name for n in again.setup.nominees(r.id)] == ["Đặng Thùy Dương", *names[1:]]
        assert again.setup.board(m.id)[0].full_name == member
        assert again.setup.round(r.id).title == round_title
    with raw(path) as conn:  # the bytes in the file are NFC, not just what the services return
        stored = [row[0] for row in conn.execute("SELECT full_name FROM nominees")]
        stored += [row[0] for row in conn.execute("SELECT title FROM meetings")]
        stored += [row[0] for row in conn.execute("SELECT details FROM audit_log")]
    assert all(nfc(x) == x for x in stored)


# ------------------------------------------------------------------ the happy paths


def test_round_defaults_and_order(ws: Workspace) -> None:
    m = make_meeting(ws)
    assert m.id is not None
    kinds = [RoundKind.NOMINATION, RoundKind.APPROVAL, RoundKind.CONFIDENCE]
    made = [ws.setup.create_round(Round(id=None, meeting_id=m.id, title=f"Lượt {k}", kind=k)) for k in kinds]
    assert [r.kind for r in ws.setup.rounds(m.id)] == kinds
    assert [r.order for r in made] == [1, 2, 3]
    assert all(r.stage is Stage.PREPARATION for r in made)
    assert len({r.code for r in made}) == 3 and all(len(r.code) == 6 and r.code.isdigit() for r in made)


def test_nominees_keep_their_order_and_can_be_reordered(prep: Built) -> None:
    ws = prep.ws
    assert [n.full_name for n in ws.setup.nominees(prep.round_id)] == vietnamese_names(4)
    ws.setup.reorder_nominees(prep.round_id, list(reversed(prep.ids)))
    assert [n.id for n in ws.setup.nominees(prep.round_id)] == list(reversed(prep.ids))
    ws.setup.remove_nominee(prep.ids[0])
    assert len(ws.setup.nominees(prep.round_id)) == 3


def test_counts_can_be_set_while_preparing_and_counting(prep: Built) -> None:
    ws = prep.ws
    r = ws.setup.set_counts(prep.round_id, Counts(summoned=45, present=40, issued=40))
    assert r.counts == Counts(45, 40, 40, None)
    ws.register.print_batch(prep.round_id, 3)
    ws.stages.change(prep.round_id, Stage.COUNTING)
    assert ws.setup.set_counts(prep.round_id, Counts(45, 40, 40, 38)).counts.collected == 38


def test_settings_that_leave_the_boxes_alone_may_change_after_printing(printed: Built) -> None:
    r = printed.ws.setup.update_round(dataclasses.replace(printed.round, percent_base=None, announced=False))
    assert r.announced is False


# ------------------------------------------------------------------ refusals


@pytest.mark.parametrize(
    ("title", "organisation"),
    [("", "Sở Tài chính"), ("   ", "Sở Tài chính"), ("Hội nghị", ""), ("Hội nghị", "\t"), ("x" * 301, "Sở")],
)
def test_meeting_needs_a_title_and_an_organisation(ws: Workspace, title: str, organisation: str) -> None:
    err = expect_error(
        ws, ErrorCode.INVALID_INPUT, ws.setup.create_meeting, Meeting(id=None, title=title, organisation=organisation)
    )
    assert "Dữ liệu không hợp lệ" in err.message


def test_updating_a_meeting_with_an_empty_title_is_refused(ws: Workspace) -> None:
    m = make_meeting(ws)
    expect_error(ws, ErrorCode.INVALID_INPUT, ws.setup.update_meeting, dataclasses.replace(m, title=" "))


@pytest.mark.parametrize("name", ["", "  ", "\n", "Nguyễn " * 30])
def test_nominee_needs_a_name(prep: Built, name: str) -> None:
    ws = prep.ws
    expect_error(
        ws, ErrorCode.INVALID_INPUT, ws.setup.add_nominee, Nominee(id=None, round_id=prep.round_id, full_name=name)
    )
    expect_error(
        ws, ErrorCode.INVALID_INPUT, ws.setup.update_nominee, dataclasses.replace(prep.nominees[0], full_name=name)
    )


def test_one_bad_nominee_in_a_list_adds_none(prep: Built) -> None:
    people = [Nominee(id=None, round_id=prep.round_id, full_name=n) for n in ("Lê Văn Hùng", "", "Võ Thị Ấn")]
    expect_error(prep.ws, ErrorCode.INVALID_INPUT, prep.ws.setup.add_nominees, prep.round_id, people)


def test_birth_year_out_of_range_is_refused(prep: Built) -> None:
    n = Nominee(id=None, round_id=prep.round_id, full_name="Phan Văn Khánh", birth_year=1850)
    expect_error(prep.ws, ErrorCode.INVALID_INPUT, prep.ws.setup.add_nominee, n)


def test_board_member_needs_a_name(ws: Workspace) -> None:
    m = make_meeting(ws)
    member = BoardMember(id=None, meeting_id=m.id, full_name=" ", role=BoardRole.CHAIR)
    expect_error(ws, ErrorCode.INVALID_INPUT, ws.setup.add_board_member, member)


def test_round_needs_a_title(ws: Workspace) -> None:
    m = make_meeting(ws)
    r = Round(id=None, meeting_id=m.id, title="   ", kind=RoundKind.APPROVAL)
    expect_error(ws, ErrorCode.INVALID_INPUT, ws.setup.create_round, r)


@pytest.mark.parametrize("seats", [0, -1, 61])
def test_seats_must_be_between_1_and_60(ws: Workspace, seats: int) -> None:
    m = make_meeting(ws)
    r = Round(id=None, meeting_id=m.id, title="Giới thiệu nhân sự", kind=RoundKind.NOMINATION, seats=seats)
    expect_error(ws, ErrorCode.INVALID_INPUT, ws.setup.create_round, r)
    ok = ws.setup.create_round(dataclasses.replace(r, seats=1))
    expect_error(ws, ErrorCode.INVALID_INPUT, ws.setup.update_round, dataclasses.replace(ok, seats=seats))


BAD_COUNTS = [
    pytest.param(Counts(-1, 0, 0), "không được âm", id="negative-summoned"),
    pytest.param(Counts(10, -2, 0), "không được âm", id="negative-present"),
    pytest.param(Counts(10, 8, -1), "không được âm", id="negative-issued"),
    pytest.param(Counts(10, 8, 8, -1), "không được âm", id="negative-collected"),
    pytest.param(Counts(10, 11, 9), "số có mặt (11) lớn hơn số triệu tập (10)", id="P>S"),
    pytest.param(Counts(10, 8, 9), "số phiếu phát ra (9) lớn hơn số có mặt (8)", id="I>P"),
]


@pytest.mark.parametrize(("counts", "words"), BAD_COUNTS)
def test_impossible_counts_are_refused(ws: Workspace, counts: Counts, words: str) -> None:
    m = make_meeting(ws)
    r = Round(id=None, meeting_id=m.id, title="Biểu quyết", kind=RoundKind.APPROVAL, counts=counts)
    err = expect_error(ws, ErrorCode.INVALID_INPUT, ws.setup.create_round, r)
    assert words in err.message
    ok = ws.setup.create_round(dataclasses.replace(r, counts=Counts(10, 8, 8)))
    assert ok.id is not None
    err = expect_error(ws, ErrorCode.INVALID_INPUT, ws.setup.set_counts, ok.id, counts)
    assert words in err.message


def test_unknown_meeting_or_round_is_not_found(ws: Workspace) -> None:
    r = Round(id=None, meeting_id=MeetingId(77), title="Lượt", kind=RoundKind.APPROVAL)
    expect_error(ws, ErrorCode.NOT_FOUND, ws.setup.create_round, r)
    expect_error(ws, ErrorCode.NOT_FOUND, ws.setup.meeting, MeetingId(77))
    expect_error(ws, ErrorCode.NOT_FOUND, ws.setup.round, RoundId(77))
    expect_error(ws, ErrorCode.NOT_FOUND, ws.setup.nominees, RoundId(77))
    expect_error(ws, ErrorCode.NOT_FOUND, ws.setup.remove_nominee, NomineeId(77))
    expect_error(ws, ErrorCode.NOT_FOUND, ws.setup.set_counts, RoundId(77), Counts(1, 1, 1))


# ------------------------------------------------------------------ locked after printing


def test_nominee_list_is_locked_after_printing(printed: Built) -> None:
    ws, rid = printed.ws, printed.round_id
    locked = ErrorCode.LOCKED_AFTER_PRINT
    expect_error(ws, locked, ws.setup.add_nominee, Nominee(id=None, round_id=rid, full_name="Hồ Thị Quỳnh"))
    expect_error(ws, locked, ws.setup.add_nominees, rid, [Nominee(id=None, round_id=rid, full_name="Ngô Ượng")])
    expect_error(ws, locked, ws.setup.update_nominee, dataclasses.replace(printed.nominees[1], full_name="Bùi Sơn"))
    expect_error(ws, locked, ws.setup.remove_nominee, printed.ids[0])
    expect_error(ws, locked, ws.setup.reorder_nominees, rid, list(reversed(printed.ids)))


@pytest.mark.parametrize(
    "change",
    [
        {"kind": RoundKind.APPROVAL},
        {"seats": 2},
        {"write_ins": True},
        {"level_preset": LevelPreset.LEGACY},
        {"mode": Mode.TEST},
    ],
    ids=["kind", "seats", "write_ins", "levels", "mode"],
)
def test_ballot_shape_is_locked_after_printing(printed: Built, change: dict[str, Any]) -> None:
    ws = printed.ws
    expect_error(ws, ErrorCode.LOCKED_AFTER_PRINT, ws.setup.update_round, dataclasses.replace(printed.round, **change))


def test_list_cannot_change_once_counting(ws: Workspace) -> None:
    b = build_round(ws, RoundKind.APPROVAL, nominees=2, printed=3)
    new = Nominee(id=None, round_id=b.round_id, full_name="Vũ Ngọc Tuyết")
    expect_error(ws, ErrorCode.WRONG_STAGE, ws.setup.add_nominee, new)
    expect_error(ws, ErrorCode.WRONG_STAGE, ws.setup.update_round, dataclasses.replace(b.round, title="Khác"))


# ------------------------------------------------------------------ sealed


def test_sealed_round_refuses_every_change(ws: Workspace) -> None:
    b = build_round(ws, RoundKind.APPROVAL, nominees=2, printed=4)
    count_and_close(b, 2, seal=True)
    sealed = ErrorCode.SEALED
    expect_error(ws, sealed, ws.setup.update_meeting, dataclasses.replace(b.meeting, place="Phòng họp số 2"))
    expect_error(ws, sealed, ws.setup.set_counts, b.round_id, Counts(4, 4, 4, 2))
    expect_error(ws, sealed, ws.setup.update_round, dataclasses.replace(b.refresh(), title="Sửa sau niêm phong"))
    expect_error(ws, sealed, ws.setup.add_nominee, Nominee(id=None, round_id=b.round_id, full_name="Đỗ Văn Lộc"))
    expect_error(ws, sealed, ws.setup.update_nominee, dataclasses.replace(b.nominees[0], unit="Phòng A"))
