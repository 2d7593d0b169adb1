"""The ballot save against what a hostile user writes in the file with sqlite3, and against what a scanner or a
board member types (mutation run 10 of 30 Nov 2026 on services/ballot_save.py, storage/fast_seal.py and
storage/seals.py's `uninstall`: each test here kills survivors of that run, see docs/TESTING.md). Outcomes are
read back from the file with sqlite3 and checked with verify-audit, never taken from the service's answer."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.builders import Built, build_round, confidence_marks, expect_error, raw, valid_marks, workspace_at
from vote_counter.domain.model import RoundKind
from vote_counter.domain.serials import format_serial
from vote_counter.services.errors import ErrorCode
from vote_counter.storage import audit

TEST_IN_LIVE = (
    "Phiếu thử nghiệm: phiếu này được in cho lượt THỬ NGHIỆM, không có giá trị trong lượt bỏ phiếu chính thức. "
    "Không được tính; để riêng phiếu này."
)
NOT_ISSUED = (
    "Phiếu không do Ban kiểm phiếu phát ra cho lượt này (không có trong sổ phiếu hoặc mã không khớp). "
    "Không được tính; để riêng phiếu này."
)


@pytest.fixture
def conf(tmp_path: Path) -> Iterator[Built]:
    with workspace_at(tmp_path / "kp.sqlite3") as ws:
        yield build_round(ws, RoundKind.CONFIDENCE, nominees=3, printed=8)


def active_ballots(path: Path) -> list[str]:
    with raw(path) as conn:
        return [str(r[0]) for r in conn.execute("SELECT serial FROM ballots WHERE status = 'active' ORDER BY id")]


def test_a_spoiled_or_returned_ballot_whose_register_line_was_edited_is_still_never_counted(conf: Built) -> None:
    """A ballot exchanged (spoiled) and one returned unused, their register lines then edited with sqlite3 to a
    status the app never writes ("SPOILED", "UNUSED"): scanned or typed, each is refused as not issued and
    nothing changes. Before run 10 the full check let them through, counted them and sealed the lines as
    "counted", so verify-audit found nothing: a wrong count, laundered."""
    ws, rid = conf.ws, conf.round_id
    ws.counting.record(rid, conf.printed[1].payload, confidence_marks(conf.ids, [0, 1, 2]))
    spoiled, returned = conf.printed[0], conf.printed[2]
    ws.register.exchange(rid, spoiled.serial)
    ws.register.mark_unused(rid, [returned.serial])
    with raw(ws.path) as conn:
        conn.execute(
            "UPDATE ballot_register SET status = upper(status) WHERE serial IN (?, ?)",
            (spoiled.serial, returned.serial),
        )
        lines = dict(conn.execute("SELECT serial, id FROM ballot_register").fetchall())
    edited = (("ballot_register", lines[spoiled.serial]), ("ballot_register", lines[returned.serial]))
    for ib in (spoiled, returned):
        for text in (ib.payload, format_serial(ib.serial)):
            err = expect_error(  # the file unchanged, row for row
                ws, ErrorCode.NOT_ISSUED, ws.counting.record, rid, text, confidence_marks(conf.ids, [0, 0, 0])
            )
            assert err.message == NOT_ISSUED
    assert active_ballots(ws.path) == [conf.printed[1].serial]
    with raw(ws.path) as conn:
        statuses = dict(conn.execute("SELECT serial, status FROM ballot_register").fetchall())
    assert (statuses[spoiled.serial], statuses[returned.serial]) == ("SPOILED", "UNUSED")
    report = ws.audit.verify()
    assert not report.ok and sorted(report.bad_rows) == sorted(edited)


def test_a_register_line_edited_to_test_mode_in_a_live_round_is_refused_as_a_test_ballot(conf: Built) -> None:
    """A live round's register line edited with sqlite3 to mode "test": scanned or typed, the ballot is refused
    as a test ballot, nothing changes, and verify-audit still names the line (counted, the line would have been
    rewritten and sealed by the save, and the edit hidden)."""
    ws, rid = conf.ws, conf.round_id
    ws.counting.record(rid, conf.printed[1].payload, confidence_marks(conf.ids, [0, 1, 2]))
    ib = conf.printed[0]
    with raw(ws.path) as conn:
        conn.execute("UPDATE ballot_register SET mode = 'test' WHERE serial = ?", (ib.serial,))
        line = conn.execute("SELECT id FROM ballot_register WHERE serial = ?", (ib.serial,)).fetchone()[0]
    for text in (ib.payload, ib.serial):
        err = expect_error(
            ws, ErrorCode.TEST_IN_LIVE, ws.counting.record, rid, text, confidence_marks(conf.ids, [0, 0, 0])
        )
        assert err.message == TEST_IN_LIVE
    assert active_ballots(ws.path) == [conf.printed[1].serial]
    report = ws.audit.verify()
    assert not report.ok and report.bad_rows == (("ballot_register", line),)


def test_a_spoiled_ballot_is_refused_naming_its_serial_as_printed(conf: Built) -> None:
    ws, rid = conf.ws, conf.round_id
    ib = conf.printed[0]
    ws.register.exchange(rid, ib.serial)
    for text in (ib.payload, ib.serial):
        err = expect_error(ws, ErrorCode.SPOILED, ws.counting.record, rid, text, confidence_marks(conf.ids, [0, 0, 0]))
        assert err.message == f"Phiếu số {format_serial(ib.serial)} đã được đổi (phiếu hỏng), không được tính."
    assert active_ballots(ws.path) == []


def test_a_payload_or_a_serial_typed_with_spaces_is_saved_on_the_kept_connection(
    conf: Built, spied: dict[str, int]
) -> None:
    """A payload the scanner sends in groups of digits, and a serial typed in groups: the kept connection saves
    them as the full check reads them (spaces ignored), without the full path's cost (issue 15)."""
    ws, rid, rng = conf.ws, conf.round_id, random.Random(10)
    ws.counting.record(rid, conf.printed[0].payload, valid_marks(rng, RoundKind.CONFIDENCE, conf.ids))
    assert spied["sealed"] == 0  # the first save loads the round's context (full path)
    payload = conf.printed[1].payload
    grouped = " ".join(payload[i : i + 4] for i in range(0, len(payload), 4))
    typed = format_serial(conf.printed[2].serial).replace("-", " ")
    # The full check, which the scanning service asks first, reads them the same way.
    assert [ws.counting.identify(rid, grouped), ws.counting.identify(rid, typed)] == [
        conf.printed[1].serial,
        conf.printed[2].serial,
    ]
    for text in (grouped, " " + typed + " "):
        ws.counting.record(rid, text, valid_marks(rng, RoundKind.CONFIDENCE, conf.ids))
    assert spied["sealed"] == 2
    assert active_ballots(ws.path) == [ib.serial for ib in conf.printed[:3]]
    with raw(ws.path) as conn:
        statuses = dict(conn.execute("SELECT serial, status FROM ballot_register").fetchall())
    assert [statuses[ib.serial] for ib in conf.printed[:4]] == ["counted", "counted", "counted", "printed"]
    report = ws.audit.verify()
    assert report.ok, report


def test_a_save_after_the_log_was_wiped_starts_again_from_genesis_and_verify_audit_names_every_older_row(
    conf: Built,
) -> None:
    """Every audit entry deleted with sqlite3 while the app runs (its append-only triggers dropped and put back):
    the next save cannot extend the old chain, so it writes entry 1 after the genesis hash, and verify-audit names
    every row the deleted entries had sealed (the earlier ballot, the round, the meeting), not the rows of the
    save itself."""
    ws, rid = conf.ws, conf.round_id
    first = ws.counting.record(rid, conf.printed[0].payload, confidence_marks(conf.ids, [0, 1, 2]))
    with raw(ws.path) as conn:
        guards = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'")
        triggers = guards.fetchall()
        assert len(triggers) == 2
        for name, _sql in triggers:
            conn.execute(f'DROP TRIGGER "{name}"')
        conn.execute("DELETE FROM audit_log")
        for _name, sql in triggers:
            conn.execute(sql)
    second = ws.counting.record(rid, conf.printed[1].payload, confidence_marks(conf.ids, [2, 1, 0]))
    with raw(ws.path) as conn:
        log = conn.execute("SELECT seq, action, prev_hash FROM audit_log").fetchall()
    assert log == [(1, "ballot_saved", audit.GENESIS)]
    assert active_ballots(ws.path) == [conf.printed[0].serial, conf.printed[1].serial]
    report = ws.audit.verify()
    assert not report.ok and report.first_bad_seq is None and report.entries == 1
    bad = set(report.bad_rows)
    assert {("ballots", first.id), ("rounds", rid), ("meetings", conf.meeting.id)} <= bad
    assert ("ballots", second.id) not in bad


def test_a_register_line_whose_mode_was_edited_to_a_value_the_app_never_writes_is_named(conf: Built) -> None:
    """A register line's mode edited with sqlite3 to "LIVE" (the app writes "live" or "test"): scanned, typed or
    identified, the ballot is refused with the tamper message naming that line, not a parser's traceback, and
    nothing changes; verify-audit names the same line."""
    ws, rid = conf.ws, conf.round_id
    ws.counting.record(rid, conf.printed[1].payload, confidence_marks(conf.ids, [0, 1, 2]))  # the context kept
    edited = conf.printed[0]
    with raw(ws.path) as conn:
        conn.execute("UPDATE ballot_register SET mode = upper(mode) WHERE serial = ?", (edited.serial,))
        line = int(conn.execute("SELECT id FROM ballot_register WHERE serial = ?", (edited.serial,)).fetchone()[0])
    expected = (
        f"Dữ liệu bị sửa ngoài phần mềm: sổ số phiếu số {line} khác với lúc niêm phong. "
        "Không được xuất kết quả; báo Trưởng ban."
    )
    for text in (edited.payload, format_serial(edited.serial)):
        err = expect_error(
            ws, ErrorCode.AUDIT_BROKEN, ws.counting.record, rid, text, confidence_marks(conf.ids, [0, 0, 0])
        )
        assert err.message == expected
    assert expect_error(ws, ErrorCode.AUDIT_BROKEN, ws.counting.identify, rid, edited.payload).message == expected
    assert active_ballots(ws.path) == [conf.printed[1].serial]
    report = ws.audit.verify()
    assert report.bad_rows == (("ballot_register", line),)
