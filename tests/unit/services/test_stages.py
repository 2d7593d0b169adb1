"""Stages of a round (SPEC §9): Chuẩn bị → Kiểm phiếu → Đã kết thúc → Niêm phong, one step at a time."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.builders import (
    Built,
    build_round,
    confidence_marks,
    count_and_close,
    expect_error,
    valid_marks,
    workspace_at,
)
from vote_counter.domain.model import BallotMarks, Counts, Reason, RoundId, RoundKind, Stage
from vote_counter.services.errors import ErrorCode
from vote_counter.services.workspace import Workspace


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    with workspace_at(tmp_path / "kp.sqlite3") as w:
        yield w


@pytest.fixture
def counting(ws: Workspace) -> Built:
    return build_round(ws, RoundKind.CONFIDENCE, nominees=3, printed=10, counts=Counts(12, 10, 10))


def _enter(b: Built, n: int) -> None:
    rng = random.Random(n)
    for ib in b.printed[:n]:
        b.ws.counting.record(b.round_id, ib.payload, valid_marks(rng, b.round.kind, b.ids))


def _collected(b: Built, collected: int | None) -> None:
    c = b.refresh().counts
    b.ws.setup.set_counts(b.round_id, Counts(c.summoned, c.present, c.issued, collected))


def test_forward_one_step_at_a_time_each_logged(ws: Workspace) -> None:
    b = build_round(ws, RoundKind.APPROVAL, nominees=2, printed=5, counting=False)
    assert b.round.stage is Stage.PREPARATION
    assert ws.stages.change(b.round_id, Stage.COUNTING) is Stage.COUNTING
    _enter(b, 3)
    _collected(b, 3)
    assert ws.stages.change(b.round_id, Stage.CLOSED) is Stage.CLOSED
    assert ws.stages.change(b.round_id, Stage.SEALED) is Stage.SEALED
    moves = [(e.details["from"], e.details["to"]) for e in ws.audit.entries() if e.action == "stage_changed"]
    assert moves == [("preparation", "counting"), ("counting", "closed"), ("closed", "sealed")]
    assert b.refresh().stage is Stage.SEALED


def test_staying_put_changes_nothing(counting: Built) -> None:
    head = counting.ws.audit.head()
    assert counting.ws.stages.change(counting.round_id, Stage.COUNTING) is Stage.COUNTING
    assert counting.ws.audit.head() == head


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (Stage.PREPARATION, Stage.CLOSED),
        (Stage.PREPARATION, Stage.SEALED),
        (Stage.COUNTING, Stage.SEALED),
    ],
)
def test_skipping_a_stage_is_refused(ws: Workspace, start: Stage, target: Stage) -> None:
    b = build_round(ws, RoundKind.APPROVAL, nominees=2, printed=4, counting=start is not Stage.PREPARATION)
    if start is Stage.COUNTING:
        _enter(b, 2)
        _collected(b, 2)  # closing would be allowed: only the skip is wrong
    err = expect_error(ws, ErrorCode.WRONG_STAGE, ws.stages.change, b.round_id, target)
    assert "Không thể chuyển sang" in err.message


@pytest.mark.parametrize("reason", ["", "  ", "\u00a0"])
def test_going_back_needs_a_reason(ws: Workspace, reason: str) -> None:
    b = build_round(ws, RoundKind.APPROVAL, nominees=2, printed=4)
    count_and_close(b, 2)
    expect_error(ws, ErrorCode.REASON_REQUIRED, ws.stages.change, b.round_id, Stage.COUNTING, reason)
    expect_error(ws, ErrorCode.REASON_REQUIRED, ws.stages.change, b.round_id, Stage.PREPARATION, reason)


def test_going_back_with_a_reason_is_logged(ws: Workspace) -> None:
    b = build_round(ws, RoundKind.APPROVAL, nominees=2, printed=4)
    count_and_close(b, 2, seal=True)
    why = "Trưởng ban yêu cầu kiểm tra lại phiếu số 4821"
    assert ws.stages.change(b.round_id, Stage.CLOSED, why) is Stage.CLOSED
    assert ws.stages.change(b.round_id, Stage.COUNTING, why) is Stage.COUNTING
    last = ws.audit.entries()[-1]
    assert last.action == "stage_changed"
    sealed = last.details.pop("seal")  # the round row as written, sealed by this entry (issue 12)
    assert [list(g["digests"]) for g in sealed] == [[f"rounds:{b.round_id}"]]
    assert last.details == {"round": b.round_id, "from": "closed", "to": "counting", "reason": why}
    # Counting again: a ballot can be entered.
    ws.counting.record(b.round_id, b.printed[2].payload, valid_marks(random.Random(1), b.round.kind, b.ids))


def test_cannot_close_without_the_physical_count(counting: Built) -> None:
    _enter(counting, 4)
    err = expect_error(counting.ws, ErrorCode.CANNOT_CLOSE, counting.ws.stages.change, counting.round_id, Stage.CLOSED)
    assert "chưa nhập số phiếu thu về" in err.message


def test_cannot_close_when_physical_count_differs(counting: Built) -> None:
    _enter(counting, 4)
    _collected(counting, 5)
    err = expect_error(counting.ws, ErrorCode.CANNOT_CLOSE, counting.ws.stages.change, counting.round_id, Stage.CLOSED)
    assert "Số phiếu đã nhập khác số phiếu Ban kiểm phiếu đếm được (cần 5, đang 4)" in err.message
    _collected(counting, 4)
    assert counting.ws.stages.change(counting.round_id, Stage.CLOSED) is Stage.CLOSED


def test_set_aside_papers_count_towards_the_physical_count(counting: Built) -> None:
    _enter(counting, 3)
    counting.ws.counting.set_aside(counting.round_id, Reason.NOT_ISSUED, "")
    _collected(counting, 3)
    expect_error(counting.ws, ErrorCode.CANNOT_CLOSE, counting.ws.stages.change, counting.round_id, Stage.CLOSED)
    _collected(counting, 4)
    assert counting.ws.stages.change(counting.round_id, Stage.CLOSED) is Stage.CLOSED


def test_cannot_close_with_more_ballots_than_issued(ws: Workspace) -> None:
    b = build_round(ws, RoundKind.CONFIDENCE, nominees=2, printed=6, counts=Counts(5, 4, 3))
    _enter(b, 4)
    _collected(b, 4)
    err = expect_error(ws, ErrorCode.CANNOT_CLOSE, ws.stages.change, b.round_id, Stage.CLOSED)
    assert "Số phiếu thu về nhiều hơn số phiếu phát ra (cần 3, đang 4)" in err.message


def test_cannot_close_a_confidence_round_with_no_ballots(counting: Built) -> None:
    _collected(counting, 0)
    err = expect_error(counting.ws, ErrorCode.CANNOT_CLOSE, counting.ws.stages.change, counting.round_id, Stage.CLOSED)
    assert "Số dùng để tính tỷ lệ bằng 0" in err.message


def test_opening_counting_below_quorum_needs_a_reason(ws: Workspace) -> None:
    # 3·P ≥ 2·S fails (3·5 = 15 < 18 = 2·9): the app says so and does not proceed silently (SPEC §4.1).
    b = build_round(ws, RoundKind.CONFIDENCE, nominees=2, printed=5, counts=Counts(9, 5, 5), counting=False)
    err = expect_error(ws, ErrorCode.NO_QUORUM, ws.stages.change, b.round_id, Stage.COUNTING)
    assert "(5/9)" in err.message
    why = "Hội nghị biểu quyết tiến hành dù chưa đủ 2/3"
    assert ws.stages.change(b.round_id, Stage.COUNTING, why) is Stage.COUNTING
    assert ws.audit.entries()[-1].details["reason"] == why
    # Exactly 2/3 is a quorum (3·6 = 18 = 2·9): no reason needed.
    ok = build_round(ws, RoundKind.CONFIDENCE, meeting=b.meeting, nominees=2, printed=5, counts=Counts(9, 6, 5))
    assert ok.round.stage is Stage.COUNTING


def test_no_quorum_does_not_block_closing(ws: Workspace) -> None:
    b = build_round(ws, RoundKind.CONFIDENCE, nominees=2, printed=5, counts=Counts(9, 5, 5), counting=False)
    ws.stages.change(b.round_id, Stage.COUNTING, "Hội nghị quyết định vẫn bỏ phiếu")
    _enter(b, 5)
    _collected(b, 5)
    assert ws.stages.change(b.round_id, Stage.CLOSED) is Stage.CLOSED
    assert not ws.counting.result(b.round_id).quorum


def test_cannot_close_double_entry_round_whose_passes_differ(ws: Workspace) -> None:
    b = build_round(ws, RoundKind.CONFIDENCE, nominees=3, printed=4, double_entry=True)
    rid = b.round_id
    first = [confidence_marks(b.ids, lv) for lv in ([0, 1, 2], [2, 1, 0], [1, 1, 1])]
    for ib, m in zip(b.printed, first, strict=False):
        b.ws.counting.record(rid, ib.payload, m)
    _collected(b, 3)
    err = expect_error(ws, ErrorCode.CANNOT_CLOSE, ws.stages.change, rid, Stage.CLOSED)
    assert "3 phiếu có hai lần nhập khác nhau" in err.message
    ws.counting.record(rid, b.printed[0].payload, first[0], pass_no=2)
    ws.counting.record(rid, b.printed[1].payload, first[1], pass_no=2)
    odd = ws.counting.record(rid, b.printed[2].payload, confidence_marks(b.ids, [1, 1, 2]), pass_no=2)
    err = expect_error(ws, ErrorCode.CANNOT_CLOSE, ws.stages.change, rid, Stage.CLOSED)
    assert "1 phiếu có hai lần nhập khác nhau" in err.message
    ws.counting.correct(odd.id, first[2], "đối chiếu phiếu giấy")
    assert ws.stages.change(rid, Stage.CLOSED) is Stage.CLOSED


def test_closed_and_sealed_rounds_refuse_counting(ws: Workspace) -> None:
    b = build_round(ws, RoundKind.APPROVAL, nominees=2, printed=5)
    count_and_close(b, 2)
    saved = ws.counting.ballots(b.round_id)[0]
    none = BallotMarks({})
    wrong = ErrorCode.WRONG_STAGE
    expect_error(ws, wrong, ws.counting.record, b.round_id, b.printed[3].payload, none)
    expect_error(ws, wrong, ws.counting.set_aside, b.round_id, Reason.NOT_ISSUED)
    expect_error(ws, wrong, ws.counting.correct, saved.id, none, "sửa")
    expect_error(ws, wrong, ws.counting.void, saved.id, "hủy")
    expect_error(ws, wrong, ws.setup.set_counts, b.round_id, Counts(5, 5, 5, 2))
    ws.stages.change(b.round_id, Stage.SEALED)
    sealed = ErrorCode.SEALED
    err = expect_error(ws, sealed, ws.counting.record, b.round_id, b.printed[3].payload, none)
    assert "niêm phong" in err.message
    expect_error(ws, sealed, ws.counting.set_aside, b.round_id, Reason.NOT_ISSUED)
    expect_error(ws, sealed, ws.counting.correct, saved.id, none, "sửa")
    expect_error(ws, sealed, ws.counting.void, saved.id, "hủy")
    expect_error(ws, sealed, ws.counting.restore, saved.id, "khôi phục")
    expect_error(ws, sealed, ws.register.print_batch, b.round_id, 1)
    # Results stay readable.
    assert ws.counting.result(b.round_id).collected == 2


def test_unknown_round(ws: Workspace) -> None:
    expect_error(ws, ErrorCode.NOT_FOUND, ws.stages.change, RoundId(31), Stage.COUNTING)
    expect_error(ws, ErrorCode.NOT_FOUND, ws.stages.change, RoundId(31), Stage.CLOSED)
