"""The ballot register (SPEC §5): printed, spoiled (đổi phiếu), counted, unused; never who got which ballot."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.builders import (
    Built,
    build_round,
    count_and_close,
    expect_error,
    raw,
    snapshot,
    valid_marks,
    workspace_at,
)
from vote_counter.domain.model import Mode, RoundId, RoundKind, Stage
from vote_counter.domain.serials import PAYLOAD_DIGITS, format_serial, is_valid_serial, parse_payload
from vote_counter.services.errors import ErrorCode
from vote_counter.services.register import MAX_BATCH
from vote_counter.services.workspace import Workspace


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    with workspace_at(tmp_path / "kp.sqlite3") as w:
        yield w


@pytest.fixture
def counting(ws: Workspace) -> Built:
    return build_round(ws, RoundKind.CONFIDENCE, nominees=3, printed=40)


def test_printed_serials_are_random_checked_and_carried_in_the_payload(counting: Built) -> None:
    serials = [b.serial for b in counting.printed]
    assert len(set(serials)) == 40
    assert all(is_valid_serial(s) for s in serials)
    ordered = sorted(int(s) for s in serials)
    assert not all(b - a == 1 for a, b in itertools.pairwise(ordered))  # never sequential
    assert serials != sorted(serials)  # printed in random order (1 in 40! to fail by chance)
    for b in counting.printed:
        assert len(b.payload) == PAYLOAD_DIGITS and b.payload.isdigit()
        p = parse_payload(b.payload)
        assert (p.serial, p.round_code, p.mode) == (b.serial, counting.round.code, Mode.LIVE)
    s = counting.ws.register.summary(counting.round_id)
    assert (s.printed, s.counted, s.spoiled, s.unused, s.outstanding) == (40, 0, 0, 0, 40)


def test_test_round_prints_test_ballots(ws: Workspace) -> None:
    b = build_round(ws, nominees=2, printed=5, mode=Mode.TEST)
    assert all(parse_payload(x.payload).mode is Mode.TEST for x in b.printed)
    with raw(ws.path) as conn:
        assert {r[0] for r in conn.execute("SELECT mode FROM ballot_register")} == {"test"}


def test_register_holds_no_voter(counting: Built) -> None:
    with raw(counting.ws.path) as conn:
        columns = {r[1] for r in conn.execute("PRAGMA table_info(ballot_register)")}
    assert columns == {"id", "round_id", "serial", "status", "mode"}


def test_the_register_adds_up(counting: Built) -> None:
    ws, rid = counting.ws, counting.round_id
    rng = random.Random(3)
    for ib in counting.printed[:10]:
        ws.counting.record(rid, ib.payload, valid_marks(rng, RoundKind.CONFIDENCE, counting.ids))
    fresh = ws.register.exchange(rid, counting.printed[10].serial)
    ws.register.exchange(rid, format_serial(counting.printed[11].serial))  # typed with dashes
    ws.register.mark_unused(rid, [counting.printed[12].serial, counting.printed[13].serial])
    s = ws.register.summary(rid)
    assert s.printed == 42  # two fresh ballots for the two exchanged
    assert (s.counted, s.spoiled, s.unused) == (10, 2, 2)
    assert s.printed == s.counted + s.spoiled + s.unused + s.outstanding
    assert s.outstanding == 28
    assert is_valid_serial(fresh.serial) and fresh.serial not in {b.serial for b in counting.printed}
    assert parse_payload(fresh.payload).serial == fresh.serial


def test_exchange_refusals(counting: Built) -> None:
    ws, rid = counting.ws, counting.round_id
    serial = counting.printed[0].serial
    ws.register.exchange(rid, serial)
    err = expect_error(ws, ErrorCode.INVALID_INPUT, ws.register.exchange, rid, serial)
    assert format_serial(serial) in err.message  # shown as printed under the QR: xxxx-xxxx-xxxx
    assert "đã đổi" in err.message and "spoiled" not in err.message  # the status in words, not its code
    expect_error(ws, ErrorCode.INVALID_INPUT, ws.register.mark_unused, rid, [serial])
    bad_check = serial[:-1] + str((int(serial[-1]) + 1) % 10)
    expect_error(ws, ErrorCode.BAD_CHECK_DIGIT, ws.register.exchange, rid, bad_check)
    expect_error(ws, ErrorCode.MALFORMED_CODE, ws.register.exchange, rid, "12ab")
    other = build_round(ws, nominees=1, printed=1, counting=False)
    expect_error(ws, ErrorCode.NOT_ISSUED, ws.register.exchange, rid, other.printed[0].serial)


def test_mark_unused_is_all_or_nothing(counting: Built) -> None:
    ws, rid = counting.ws, counting.round_id
    ws.register.exchange(rid, counting.printed[1].serial)
    serials = [counting.printed[0].serial, counting.printed[1].serial]  # the second is spoiled
    expect_error(ws, ErrorCode.INVALID_INPUT, ws.register.mark_unused, rid, serials)


@pytest.mark.parametrize("count", [0, -3, MAX_BATCH + 1])
def test_batch_size_is_bounded(counting: Built, count: int) -> None:
    expect_error(counting.ws, ErrorCode.INVALID_INPUT, counting.ws.register.print_batch, counting.round_id, count)


def test_nothing_to_print_without_nominees(ws: Workspace) -> None:
    b = build_round(ws, nominees=0, printed=0, counting=False)
    err = expect_error(ws, ErrorCode.INVALID_INPUT, ws.register.print_batch, b.round_id, 5)
    assert "chưa có người" in err.message


def test_no_printing_after_counting_closes(ws: Workspace) -> None:
    b = build_round(ws, RoundKind.APPROVAL, nominees=2, printed=4)
    count_and_close(b, 2)
    expect_error(ws, ErrorCode.WRONG_STAGE, ws.register.print_batch, b.round_id, 1)
    expect_error(ws, ErrorCode.WRONG_STAGE, ws.register.exchange, b.round_id, b.printed[3].serial)
    ws.stages.change(b.round_id, Stage.SEALED)
    expect_error(ws, ErrorCode.SEALED, ws.register.print_batch, b.round_id, 1)
    expect_error(ws, ErrorCode.NOT_FOUND, ws.register.print_batch, RoundId(404), 1)


def test_reprint_gives_the_same_payloads_and_registers_nothing(counting: Built) -> None:
    ws, rid = counting.ws, counting.round_id
    wanted = counting.printed[:3]
    before = snapshot(ws.path)
    again = ws.register.reprint(rid, [format_serial(b.serial) for b in wanted])
    assert [(b.serial, b.payload) for b in again] == [(b.serial, b.payload) for b in wanted]
    assert snapshot(ws.path) == before
    ws.register.exchange(rid, wanted[0].serial)
    expect_error(ws, ErrorCode.INVALID_INPUT, ws.register.reprint, rid, [wanted[0].serial])
