"""Entering the count (SPEC §6, §10): only this round's issued ballots are counted, once; corrections; double entry."""

from __future__ import annotations

import random
import tempfile
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers.builders import (
    Built,
    approval_marks,
    build_round,
    confidence_marks,
    expect_error,
    make_meeting,
    nomination_marks,
    random_marks,
    raw,
    row_counts,
    snapshot,
    valid_marks,
    workspace_at,
)
from vote_counter.domain.model import (
    CHOSEN,
    DECLARABLE_REASONS,
    BallotId,
    BallotMarks,
    InvalidPolicy,
    Mode,
    NomineeId,
    Reason,
    RoundKind,
    SerialStatus,
    TallySheet,
    option_count,
)
from vote_counter.domain.serials import (
    PAYLOAD_DIGITS,
    ROUND_CODE_DIGITS,
    SERIAL_DIGITS,
    format_serial,
    make_payload,
    new_serial,
)
from vote_counter.services.errors import ErrorCode, ServiceError
from vote_counter.services.workspace import Workspace
from vote_counter.storage.totals import encode

SERIAL_AT = range(1 + ROUND_CODE_DIGITS, 1 + ROUND_CODE_DIGITS + SERIAL_DIGITS)
MODE_AT = 1 + ROUND_CODE_DIGITS + SERIAL_DIGITS
NEVER_COUNTED = {ErrorCode.MALFORMED_CODE, ErrorCode.BAD_CHECK_DIGIT, ErrorCode.NOT_ISSUED}


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    with workspace_at(tmp_path / "kp.sqlite3") as w:
        yield w


@pytest.fixture
def conf(ws: Workspace) -> Built:
    return build_round(ws, RoundKind.CONFIDENCE, nominees=4, printed=30)


def _key(ws: Workspace, round_id: int) -> bytes:
    """The round's HMAC key, read the way only someone with the file could."""
    with raw(ws.path) as conn:
        return bytes(conn.execute("SELECT hmac_key FROM rounds WHERE id = ?", (round_id,)).fetchone()[0])


def _ballots(ws: Workspace) -> int:
    return row_counts(ws.path)["ballots"]


# ------------------------------------------------------------------ a forged or damaged code is never counted


def test_one_changed_digit_anywhere_is_never_counted(conf: Built) -> None:
    ws, rid = conf.ws, conf.round_id
    good = conf.printed[0].payload
    rng = random.Random(2024)
    before = snapshot(ws.path)
    tried = 0
    for pos in range(PAYLOAD_DIGITS):
        others = [d for d in "0123456789" if d != good[pos]]
        replacements = set(rng.sample(others, 3))
        if pos == MODE_AT:
            replacements |= {"1", "3"}  # a test-mode digit, and a digit that is no mode at all
        for digit in sorted(replacements - {good[pos]}):
            bad = good[:pos] + digit + good[pos + 1 :]
            for scan in (
                partial(ws.counting.identify, rid, bad),
                partial(ws.counting.record, rid, bad, confidence_marks(conf.ids, [0, 1, 2, 0])),
            ):
                with pytest.raises(ServiceError) as info:
                    scan()
                code = info.value.code
                assert code in NEVER_COUNTED, (pos, digit, code)
                # Where the digit sits decides which check catches it.
                if pos == 0 or (pos == MODE_AT and digit not in "12"):
                    assert code is ErrorCode.MALFORMED_CODE
                elif pos in SERIAL_AT:
                    assert code is ErrorCode.BAD_CHECK_DIGIT  # Damm: every single-digit error
                else:
                    assert code is ErrorCode.NOT_ISSUED  # round code, mode or tag: the HMAC fails
            tried += 1
    assert tried >= 3 * PAYLOAD_DIGITS
    assert snapshot(ws.path) == before
    # The genuine payload still counts.
    assert ws.counting.record(rid, good, confidence_marks(conf.ids, [0, 1, 2, 0])).serial == conf.printed[0].serial


def test_swapped_neighbours_in_the_serial_are_never_counted(conf: Built) -> None:
    ws, rid = conf.ws, conf.round_id
    for b in conf.printed[:5]:
        for pos in range(SERIAL_DIGITS - 1):
            s = b.serial
            if s[pos] == s[pos + 1]:
                continue
            swapped = s[:pos] + s[pos + 1] + s[pos] + s[pos + 2 :]
            typed = expect_error(ws, ErrorCode.BAD_CHECK_DIGIT, ws.counting.identify, rid, swapped)
            assert "chữ số kiểm tra" in typed.message
    assert _ballots(ws) == 0


@pytest.mark.parametrize(
    "text",
    ["", "   ", "12345", "1" * (PAYLOAD_DIGITS + 1), "abc", "4821-0937-551", "ââ" * 10, "１２３４５６７８９０１２"],
    ids=["empty", "blank", "short", "long", "letters", "eleven", "telex", "fullwidth"],
)
def test_malformed_input_is_refused(conf: Built, text: str) -> None:
    expect_error(conf.ws, ErrorCode.MALFORMED_CODE, conf.ws.counting.record, conf.round_id, text, BallotMarks({}))


def test_ballot_of_another_round_is_refused(ws: Workspace) -> None:
    a = build_round(ws, RoundKind.CONFIDENCE, nominees=3, printed=5)
    b = build_round(ws, RoundKind.APPROVAL, meeting=a.meeting, nominees=2, printed=5)
    err = expect_error(ws, ErrorCode.OTHER_ROUND, ws.counting.record, a.round_id, b.printed[0].payload, BallotMarks({}))
    assert b.round.title in err.message
    expect_error(ws, ErrorCode.OTHER_ROUND, ws.counting.record, b.round_id, a.printed[0].payload, BallotMarks({}))
    # Typed by hand, another round's serial is simply not in this round's register.
    expect_error(ws, ErrorCode.NOT_ISSUED, ws.counting.record, a.round_id, b.printed[1].serial, BallotMarks({}))


def test_test_ballots_never_mix_with_live_ones(ws: Workspace) -> None:
    live = build_round(ws, RoundKind.CONFIDENCE, nominees=3, printed=5, mode=Mode.LIVE)
    test = build_round(ws, RoundKind.CONFIDENCE, meeting=live.meeting, nominees=3, printed=5, mode=Mode.TEST)
    assert test.round.mode is Mode.TEST
    none = BallotMarks({})
    # A practice ballot from the test round scanned or typed into the live round, and the other way round:
    # each is named for what it is (a test ballot / a live ballot), never as "another round's ballot".
    expect_error(ws, ErrorCode.TEST_IN_LIVE, ws.counting.record, live.round_id, test.printed[0].payload, none)
    expect_error(ws, ErrorCode.LIVE_IN_TEST, ws.counting.record, test.round_id, live.printed[0].payload, none)
    expect_error(ws, ErrorCode.TEST_IN_LIVE, ws.counting.record, live.round_id, test.printed[0].serial, none)
    # Typed into the test round, a live serial is simply not in its register.
    expect_error(ws, ErrorCode.NOT_ISSUED, ws.counting.record, test.round_id, live.printed[0].serial, none)
    # A test-mode ballot of the live round itself (as its own practice print would be) is refused by mode.
    forged = make_payload(live.round.code, live.printed[1].serial, Mode.TEST, _key(ws, live.round_id))
    err = expect_error(ws, ErrorCode.TEST_IN_LIVE, ws.counting.record, live.round_id, forged, none)
    assert "THỬ NGHIỆM" in err.message
    forged = make_payload(test.round.code, test.printed[1].serial, Mode.LIVE, _key(ws, test.round_id))
    expect_error(ws, ErrorCode.LIVE_IN_TEST, ws.counting.record, test.round_id, forged, none)
    # A test round counts its own test ballots.
    saved = ws.counting.record(test.round_id, test.printed[2].payload, confidence_marks(test.ids, [0, 0, 2]))
    assert saved.validity.valid
    assert ws.counting.totals(live.round_id).collected == 0


def test_tag_made_without_the_key_is_not_issued(conf: Built) -> None:
    forged = make_payload(conf.round.code, conf.printed[0].serial, Mode.LIVE, b"\x00" * 32)
    expect_error(conf.ws, ErrorCode.NOT_ISSUED, conf.ws.counting.record, conf.round_id, forged, BallotMarks({}))
    # A correct tag for a serial that was never printed: the register still refuses it.
    unprinted = make_payload(conf.round.code, new_serial(), Mode.LIVE, _key(conf.ws, conf.round_id))
    expect_error(conf.ws, ErrorCode.NOT_ISSUED, conf.ws.counting.record, conf.round_id, unprinted, BallotMarks({}))


def test_rescan_is_a_duplicate_and_saves_nothing(conf: Built) -> None:
    ws, rid = conf.ws, conf.round_id
    b = conf.printed[0]
    ws.counting.record(rid, b.payload, confidence_marks(conf.ids, [0, 0, 0, 0]))
    err = expect_error(ws, ErrorCode.DUPLICATE, ws.counting.record, rid, b.payload, confidence_marks(conf.ids, [2] * 4))
    assert format_serial(b.serial) in err.message or b.serial in err.message
    expect_error(ws, ErrorCode.DUPLICATE, ws.counting.record, rid, format_serial(b.serial), BallotMarks({}))
    expect_error(ws, ErrorCode.DUPLICATE, ws.counting.identify, rid, b.payload)
    assert ws.counting.totals(rid).collected == 1
    assert ws.counting.totals(rid).rows[conf.ids[0]] == (1, 0, 0)


def test_exchanged_ballot_is_spoiled_and_its_replacement_counts(conf: Built) -> None:
    ws, rid = conf.ws, conf.round_id
    fresh = ws.register.exchange(rid, conf.printed[0].serial)
    expect_error(ws, ErrorCode.SPOILED, ws.counting.record, rid, conf.printed[0].payload, BallotMarks({}))
    expect_error(ws, ErrorCode.SPOILED, ws.counting.record, rid, conf.printed[0].serial, BallotMarks({}))
    ws.counting.record(rid, fresh.payload, confidence_marks(conf.ids, [1, 1, 1, 1]))
    assert ws.counting.totals(rid).valid == 1


def test_ballot_returned_unused_is_not_issued(conf: Built) -> None:
    ws, rid = conf.ws, conf.round_id
    ws.register.mark_unused(rid, [conf.printed[0].serial])
    expect_error(ws, ErrorCode.NOT_ISSUED, ws.counting.record, rid, conf.printed[0].payload, BallotMarks({}))


@pytest.mark.parametrize("style", ["plain", "dashes", "spaces", "nfd-padded"])
def test_typed_serial_works_with_dashes_and_spaces(conf: Built, style: str) -> None:
    serial = conf.printed[3].serial
    text = {
        "plain": serial,
        "dashes": format_serial(serial),
        "spaces": format_serial(serial).replace("-", " "),
        "nfd-padded": unicodedata.normalize("NFD", "  " + format_serial(serial) + "  "),
    }[style]
    assert conf.ws.counting.identify(conf.round_id, text) == serial
    saved = conf.ws.counting.record(conf.round_id, text, confidence_marks(conf.ids, [0, 1, 2, 1]))
    assert saved.serial == serial
    assert conf.ws.counting.find(conf.round_id, format_serial(serial))[0].id == saved.id


def test_typed_serial_not_in_register_is_not_issued(conf: Built) -> None:
    ws = conf.ws
    stranger = new_serial()
    assert stranger not in {b.serial for b in conf.printed}
    err = expect_error(
        ws, ErrorCode.NOT_ISSUED, ws.counting.record, conf.round_id, format_serial(stranger), BallotMarks({})
    )
    assert "để riêng" in err.message
    wrong_check = stranger[:-1] + str((int(stranger[-1]) + 5) % 10)
    expect_error(ws, ErrorCode.BAD_CHECK_DIGIT, ws.counting.record, conf.round_id, wrong_check, BallotMarks({}))


def test_set_aside_is_an_invalid_ballot_in_c_and_x(conf: Built) -> None:
    ws, rid = conf.ws, conf.round_id
    ws.counting.record(rid, conf.printed[0].payload, confidence_marks(conf.ids, [0, 0, 1, 2]))
    stranger = format_serial(new_serial())
    aside = ws.counting.set_aside(rid, Reason.NOT_ISSUED, stranger)
    ws.counting.set_aside(rid, Reason.DUPLICATE, conf.printed[0].serial)
    ws.counting.set_aside(rid, Reason.NOT_ISSUED)
    entered = ws.counting.ballot(aside)
    assert entered.set_aside and not entered.valid and entered.active
    assert entered.reasons == {Reason.NOT_ISSUED}
    assert entered.serial == stranger.replace("-", "")
    t = ws.counting.totals(rid)
    assert (t.collected, t.valid, t.invalid) == (4, 1, 3)
    assert t.invalid_reasons == {Reason.NOT_ISSUED: 2, Reason.DUPLICATE: 1}
    r = ws.counting.result(rid)
    assert (r.collected, r.valid, r.invalid) == (4, 1, 3)
    with workspace_at(ws.path) as fresh:  # the running totals kept after each set-aside equal a recount
        assert fresh.counting.totals(rid) == t
    # Setting aside does not make the first ballot a duplicate of itself, nor count the serial.
    assert ws.register.summary(rid).counted == 1
    for reason in (Reason.ROW_MARKS, Reason.UNREADABLE, Reason.TOO_MANY):
        expect_error(ws, ErrorCode.INVALID_INPUT, ws.counting.set_aside, rid, reason, stranger)


def test_marks_that_do_not_fit_the_ballot_are_refused(conf: Built) -> None:
    ws, rid = conf.ws, conf.round_id
    p = conf.printed[0].payload
    expect_error(ws, ErrorCode.BAD_MARKS, ws.counting.record, rid, p, BallotMarks({NomineeId(9999): frozenset({0})}))
    expect_error(ws, ErrorCode.BAD_MARKS, ws.counting.record, rid, p, BallotMarks({conf.ids[0]: frozenset({3})}))
    expect_error(ws, ErrorCode.BAD_MARKS, ws.counting.record, rid, p, BallotMarks({conf.ids[0]: frozenset({-1})}))
    declared = BallotMarks({}, declared=frozenset({Reason.DUPLICATE}))
    expect_error(ws, ErrorCode.BAD_MARKS, ws.counting.record, rid, p, declared)
    assert ws.register.summary(rid).counted == 0


def test_counting_only_in_the_counting_stage(ws: Workspace) -> None:
    b = build_round(ws, RoundKind.APPROVAL, nominees=2, printed=4, counting=False)
    m = approval_marks(b.ids, [0, 1])
    expect_error(ws, ErrorCode.WRONG_STAGE, ws.counting.record, b.round_id, b.printed[0].payload, m)
    expect_error(ws, ErrorCode.WRONG_STAGE, ws.counting.set_aside, b.round_id, Reason.NOT_ISSUED)


# ------------------------------------------------------------------ what is saved


def test_saved_ballot_and_running_totals(conf: Built) -> None:
    ws, rid = conf.ws, conf.round_id
    s1 = ws.counting.record(rid, conf.printed[0].payload, confidence_marks(conf.ids, [0, 1, 2, 2]))
    assert s1.validity.valid and s1.pass_no == 1
    assert s1.totals.rows[conf.ids[2]] == (0, 0, 1)
    bad = BallotMarks({conf.ids[0]: frozenset({0, 1})})  # two marks on one row, the others blank
    s2 = ws.counting.record(rid, conf.printed[1].payload, bad)
    assert not s2.validity.valid and Reason.ROW_MARKS in s2.validity.reasons
    assert (s2.totals.valid, s2.totals.invalid) == (1, 1)
    assert s2.totals == ws.counting.totals(rid)
    assert ws.register.summary(rid).counted == 2
    entered = ws.counting.ballot(s2.id)
    assert entered.marks == bad and entered.serial == conf.printed[1].serial and not entered.valid


def test_write_ins_are_stored_as_nfc(ws: Workspace) -> None:
    b = build_round(ws, RoundKind.NOMINATION, nominees=3, printed=4, write_ins=True, seats=2)
    name = "Trương Thị Ượng"
    marks = BallotMarks(rows={b.ids[0]: frozenset({CHOSEN})}, write_ins=(unicodedata.normalize("NFD", name), "  "))
    saved = ws.counting.record(b.round_id, b.printed[0].payload, marks)
    assert saved.validity.valid
    assert ws.counting.ballot(saved.id).marks.write_ins == (name,)
    assert ws.counting.totals(b.round_id).write_ins == {name: 1}
    with workspace_at(ws.path) as again:
        assert again.counting.totals(b.round_id).write_ins == {name: 1}
        assert [n.name for n in again.counting.result(b.round_id).nominees][-1] == name


# ------------------------------------------------------------------ corrections


def test_correct_void_restore(conf: Built) -> None:
    ws, rid = conf.ws, conf.round_id
    first = ws.counting.record(rid, conf.printed[0].payload, confidence_marks(conf.ids, [0, 0, 0, 0]))
    second = ws.counting.record(rid, conf.printed[1].payload, confidence_marks(conf.ids, [1, 1, 1, 1]))
    third = ws.counting.record(rid, conf.printed[2].payload, confidence_marks(conf.ids, [2, 2, 2, 2]))
    t = ws.counting.totals(rid)
    assert t.rows[conf.ids[0]] == (1, 1, 1)

    fixed = ws.counting.correct(first.id, confidence_marks(conf.ids, [2, 0, 0, 0]), "gõ nhầm mức")
    assert fixed.marks == confidence_marks(conf.ids, [2, 0, 0, 0])
    t = ws.counting.totals(rid)
    assert t.rows[conf.ids[0]] == (0, 1, 2) and t.rows[conf.ids[1]] == (1, 1, 1)
    made_invalid = ws.counting.correct(first.id, BallotMarks({conf.ids[0]: frozenset({0})}), "phiếu bỏ trống dòng")
    assert not made_invalid.valid
    assert (ws.counting.totals(rid).valid, ws.counting.totals(rid).invalid) == (2, 1)
    ws.counting.correct(first.id, confidence_marks(conf.ids, [2, 0, 0, 0]), "đúng như phiếu giấy")

    voided = ws.counting.void(second.id, "nhập nhầm phiếu")
    assert not voided.active
    t = ws.counting.totals(rid)
    assert t.collected == 2 and t.rows[conf.ids[0]] == (0, 0, 2)
    assert _status(ws, conf.printed[1].serial) == SerialStatus.PRINTED.value

    back = ws.counting.restore(second.id, "hủy nhầm")
    assert back.active and ws.counting.totals(rid).collected == 3
    assert _status(ws, conf.printed[1].serial) == SerialStatus.COUNTED.value

    # Voided, the serial can be entered again; then the old entry can no longer be restored.
    ws.counting.void(second.id, "nhập lại cho đúng")
    again = ws.counting.record(rid, conf.printed[1].payload, confidence_marks(conf.ids, [0, 2, 1, 0]))
    expect_error(ws, ErrorCode.DUPLICATE, ws.counting.restore, second.id, "khôi phục")
    assert ws.counting.totals(rid).rows[conf.ids[1]] == (1, 0, 2)
    assert len(ws.counting.find(rid, conf.printed[1].serial)) == 2
    assert [b.id for b in ws.counting.ballots(rid)] == [first.id, third.id, again.id]
    assert len(ws.counting.ballots(rid, active_only=False)) == 4

    # The in-memory totals after all that equal an independent recount from the file.
    live = ws.counting.totals(rid)
    with workspace_at(ws.path) as fresh:
        assert fresh.counting.totals(rid) == live
        assert fresh.counting.result(rid) == ws.counting.result(rid)


def _status(ws: Workspace, serial: str) -> str:
    with raw(ws.path) as conn:
        return str(conn.execute("SELECT status FROM ballot_register WHERE serial = ?", (serial,)).fetchone()[0])


@pytest.mark.parametrize("reason", ["", "   ", "\t\n"])
def test_corrections_need_a_reason(conf: Built, reason: str) -> None:
    ws, rid = conf.ws, conf.round_id
    saved = ws.counting.record(rid, conf.printed[0].payload, confidence_marks(conf.ids, [0, 0, 0, 0]))
    expect_error(ws, ErrorCode.REASON_REQUIRED, ws.counting.correct, saved.id, BallotMarks({}), reason)
    expect_error(ws, ErrorCode.REASON_REQUIRED, ws.counting.void, saved.id, reason)
    ws.counting.void(saved.id, "nhập nhầm")
    expect_error(ws, ErrorCode.REASON_REQUIRED, ws.counting.restore, saved.id, reason)


def test_correction_refusals(conf: Built) -> None:
    ws, rid = conf.ws, conf.round_id
    saved = ws.counting.record(rid, conf.printed[0].payload, confidence_marks(conf.ids, [0, 0, 0, 0]))
    aside = ws.counting.set_aside(rid, Reason.NOT_ISSUED, "")
    expect_error(ws, ErrorCode.INVALID_INPUT, ws.counting.correct, aside, BallotMarks({}), "sửa")
    expect_error(ws, ErrorCode.INVALID_INPUT, ws.counting.restore, saved.id, "đang được tính")
    expect_error(
        ws, ErrorCode.BAD_MARKS, ws.counting.correct, saved.id, BallotMarks({NomineeId(999): frozenset()}), "sửa"
    )
    ws.counting.void(saved.id, "nhầm")
    expect_error(ws, ErrorCode.INVALID_INPUT, ws.counting.void, saved.id, "hủy lần hai")
    expect_error(ws, ErrorCode.INVALID_INPUT, ws.counting.correct, saved.id, BallotMarks({}), "sửa")
    expect_error(ws, ErrorCode.NOT_FOUND, ws.counting.void, BallotId(12345), "không có")


def test_totals_follow_writes_from_another_process(conf: Built) -> None:
    """Two workspaces on one file (GUI and CLI): each sees the other's saves at once."""
    ws, rid = conf.ws, conf.round_id
    ws.counting.record(rid, conf.printed[0].payload, confidence_marks(conf.ids, [0, 0, 0, 0]))
    with workspace_at(ws.path) as other:
        other.counting.record(rid, conf.printed[1].payload, confidence_marks(conf.ids, [2, 2, 2, 2]))
        s = ws.counting.record(rid, conf.printed[2].payload, confidence_marks(conf.ids, [1, 1, 1, 1]))
        assert s.totals.rows[conf.ids[0]] == (1, 1, 1)
        other.counting.void(s.id, "nhầm")
        assert ws.counting.totals(rid) == other.counting.totals(rid)
        assert ws.counting.totals(rid).collected == 2


# ------------------------------------------------------------------ tally sheets


def test_tally_sheet_adds_to_the_result_and_bad_sheet_is_refused(ws: Workspace) -> None:
    b = build_round(ws, RoundKind.APPROVAL, nominees=2, printed=4)
    ws.counting.record(b.round_id, b.printed[0].payload, approval_marks(b.ids, [0, 1]))
    sheet = TallySheet(valid=10, invalid={Reason.UNREADABLE: 1}, rows={b.ids[0]: (7, 3), b.ids[1]: (5, 4)})
    ws.counting.enter_tally_sheet(b.round_id, 1, sheet)
    r = ws.counting.result(b.round_id)
    assert (r.collected, r.valid, r.invalid) == (12, 11, 1)
    assert [n.counts for n in r.nominees] == [(8, 3), (5, 5)]
    over = TallySheet(valid=3, invalid={}, rows={b.ids[0]: (3, 1)})
    err = expect_error(ws, ErrorCode.INVALID_INPUT, ws.counting.enter_tally_sheet, b.round_id, 2, over)
    assert b.nominees[0].full_name in err.message


# ------------------------------------------------------------------ double entry


def test_second_pass_only_for_double_entry_rounds(conf: Built) -> None:
    m = confidence_marks(conf.ids, [0, 0, 0, 0])
    expect_error(
        conf.ws, ErrorCode.INVALID_INPUT, conf.ws.counting.record, conf.round_id, conf.printed[0].payload, m, 2
    )
    expect_error(
        conf.ws, ErrorCode.INVALID_INPUT, conf.ws.counting.record, conf.round_id, conf.printed[0].payload, m, 3
    )


def test_double_entry_lists_differences_until_corrected(ws: Workspace) -> None:
    b = build_round(ws, RoundKind.CONFIDENCE, nominees=3, printed=6, double_entry=True)
    rid, p = b.round_id, b.printed
    marks = [confidence_marks(b.ids, lv) for lv in ([0, 1, 2], [2, 2, 2], [1, 0, 1], [0, 0, 0])]
    for ib, m in zip(p[:4], marks, strict=True):
        ws.counting.record(rid, ib.payload, m)
    assert [d.serial for d in ws.counting.pass_differences(rid)] == sorted(ib.serial for ib in p[:4])

    ws.counting.record(rid, p[0].payload, marks[0], pass_no=2)
    ws.counting.record(rid, p[1].payload, marks[1], pass_no=2)
    wrong = ws.counting.record(rid, p[2].payload, confidence_marks(b.ids, [1, 0, 2]), pass_no=2)
    expect_error(ws, ErrorCode.DUPLICATE, ws.counting.record, rid, p[0].payload, marks[0], 2)
    diffs = ws.counting.pass_differences(rid)
    assert {d.serial for d in diffs} == {p[2].serial, p[3].serial}
    by = {d.serial: d for d in diffs}
    assert by[p[2].serial].first == marks[2] and by[p[2].serial].second == confidence_marks(b.ids, [1, 0, 2])
    assert by[p[3].serial].second is None
    # Passes are counted apart; the result is pass 1.
    assert ws.counting.totals(rid, 2).collected == 3 and ws.counting.totals(rid, 1).collected == 4
    assert ws.counting.result(rid).collected == 4

    ws.counting.correct(wrong.id, marks[2], "đối chiếu phiếu giấy")
    ws.counting.record(rid, p[3].serial, marks[3], pass_no=2)
    assert ws.counting.pass_differences(rid) == ()
    assert ws.counting.totals(rid, 1) == ws.counting.totals(rid, 2)


# ------------------------------------------------------------------ property: the books always balance

ALTERNATE_NAMES = ("Trần Thị Ượng", unicodedata.normalize("NFD", "Lê Ấn"))


@dataclass(frozen=True)
class Record:
    marks: BallotMarks


@dataclass(frozen=True)
class Aside:
    reason: Reason


@dataclass(frozen=True)
class Void:
    index: int  # of the ballots recorded so far; ignored if out of range or already void


@dataclass(frozen=True)
class Correct:
    index: int
    marks: BallotMarks


@dataclass(frozen=True)
class Scenario:
    kind: RoundKind
    nominees: int
    settings: dict[str, Any]
    ops: list[Record | Aside | Void | Correct]


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    kind = draw(st.sampled_from(list(RoundKind)))
    n = draw(st.integers(1, 6))
    conf: dict[str, Any] = {"invalid_policy": draw(st.sampled_from([None, *InvalidPolicy]))}
    if kind is RoundKind.APPROVAL:
        conf["blank_is_disagree"] = draw(st.booleans())
    if kind is RoundKind.NOMINATION:
        conf["seats"] = draw(st.integers(1, 3))
        conf["write_ins"] = draw(st.booleans())
    # Rows are keyed by position (1..n): nominee ids are 1..n in a fresh file.
    row = st.frozensets(st.integers(0, option_count(kind) - 1))
    writes = st.lists(st.sampled_from(ALTERNATE_NAMES), max_size=2) if kind is RoundKind.NOMINATION else st.just([])
    ballot = st.builds(
        lambda rows, declared, names: BallotMarks(
            rows={NomineeId(i + 1): boxes for i, boxes in enumerate(rows)}, write_ins=tuple(names), declared=declared
        ),
        st.lists(row, min_size=n, max_size=n),
        st.frozensets(st.sampled_from(sorted(DECLARABLE_REASONS)), max_size=2),
        writes,
    )
    op = st.one_of(
        st.builds(Record, ballot),
        st.builds(Record, ballot),
        st.builds(Aside, st.sampled_from([Reason.NOT_ISSUED, Reason.DUPLICATE])),
        st.builds(Void, st.integers(0, 20)),
        st.builds(Correct, st.integers(0, 20), ballot),
    )
    return Scenario(kind, n, conf, draw(st.lists(op, max_size=24)))


@settings(max_examples=25, deadline=None)
@given(scenarios())
def test_recorded_ballots_always_balance(scenario: Scenario) -> None:
    kind = scenario.kind
    records = sum(1 for op in scenario.ops if isinstance(op, Record))
    with tempfile.TemporaryDirectory() as d, workspace_at(Path(d) / "kp.sqlite3") as ws:
        b = build_round(ws, kind, nominees=scenario.nominees, printed=max(records, 1), **scenario.settings)
        assert b.ids == [NomineeId(i + 1) for i in range(scenario.nominees)]
        payloads = iter(b.printed)
        saved: list[BallotId] = []
        active: set[BallotId] = set()
        asides = 0
        for op in scenario.ops:
            if isinstance(op, Record):
                s = ws.counting.record(b.round_id, next(payloads).payload, op.marks)
                saved.append(s.id)
                active.add(s.id)
                assert s.totals == ws.counting.totals(b.round_id)
            elif isinstance(op, Aside):
                ws.counting.set_aside(b.round_id, op.reason)
                asides += 1
            elif op.index < len(saved) and saved[op.index] in active:
                if isinstance(op, Void):
                    ws.counting.void(saved[op.index], "nhập nhầm")
                    active.discard(saved[op.index])
                else:
                    ws.counting.correct(saved[op.index], op.marks, "đối chiếu phiếu giấy")

        live = ws.counting.totals(b.round_id)
        result = ws.counting.result(b.round_id)
        assert live.valid + live.invalid == live.collected == len(active) + asides
        assert result.valid + result.invalid == result.collected
        for nid in b.ids:
            row = live.rows[nid]
            counted = row[CHOSEN] if kind is RoundKind.NOMINATION else sum(row)
            assert counted <= live.valid
            assert counted + live.not_counted.get(nid, 0) <= live.valid
        if kind is RoundKind.NOMINATION:
            votes = sum(live.rows[nid][CHOSEN] for nid in b.ids) + sum(live.write_ins.values())
            assert votes <= scenario.settings["seats"] * live.valid
        with workspace_at(ws.path) as recount:
            assert recount.counting.totals(b.round_id) == live
            assert recount.counting.result(b.round_id) == result


def test_valid_marks_helper_really_is_valid(ws: Workspace) -> None:
    """The builders' 'valid' ballot is valid under every kind's default policy (used by other tests)."""
    m = make_meeting(ws)
    rng = random.Random(5)
    for kind in RoundKind:
        b = build_round(ws, kind, meeting=m, nominees=3, printed=3)
        for ib in b.printed:
            assert ws.counting.record(b.round_id, ib.payload, valid_marks(rng, kind, b.ids)).validity.valid
    assert nomination_marks([]) == BallotMarks({})


@pytest.mark.parametrize("kind", list(RoundKind))
def test_corrections_update_the_persisted_totals_in_their_transaction(tmp_path: Path, kind: RoundKind) -> None:
    """Void, correct, restore and set-aside rewrite the stored totals with the change: after each one the row
    in the file (read with sqlite3) equals a full recount, and the audit chain seals it."""
    path = tmp_path / "kp.sqlite3"
    with workspace_at(path) as ws:
        b = build_round(ws, kind, nominees=4, printed=6)
        rng = random.Random(7)
        saved = [ws.counting.record(b.round_id, p.payload, random_marks(rng, kind, b.ids)) for p in b.printed[:4]]
        ws.counting.set_aside(b.round_id, Reason.DUPLICATE, "x")
        actions = [
            lambda: ws.counting.void(saved[0].id, "Nhập nhầm"),
            lambda: ws.counting.correct(saved[1].id, valid_marks(rng, kind, b.ids), "Sửa theo phiếu giấy"),
            lambda: ws.counting.restore(saved[0].id, "Hoàn tác"),
            lambda: ws.counting.void(saved[2].id, "Nhập nhầm"),
        ]
        for act in actions:
            act()
            with raw(path) as conn:
                (data,) = conn.execute("SELECT data FROM running_totals WHERE round_id = ?", (b.round_id,)).fetchone()
            check = ws.counting.recount_check(b.round_id)
            assert check.matches
            assert data == encode(check.passes[0].recounted)
            assert ws.audit.verify().ok
