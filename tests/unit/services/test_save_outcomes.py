"""What saving and correcting a ballot tell the board and leave in the file (mutation run 9 of 30 Nov 2026 on
services/counting.py's `record`, `_record_fast`, `correct`, services/ballot_save.py and storage/fast_seal.py:
each test here kills survivors of that run, see docs/TESTING.md). Outcomes are read back from the file with
sqlite3, checked by verify-audit or by a recount in a fresh workspace, never taken from the service's answer."""

from __future__ import annotations

import json
import os
import random
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.builders import (
    CHAIR_NAME,
    MEMBER_NAME,
    PASSPHRASES,
    Built,
    build_round,
    confidence_marks,
    count_and_close,
    expect_error,
    raw,
    sign_in_known_boards,
    valid_marks,
    workspace_at,
)
from vote_counter.domain.model import BallotMarks, Mode, Reason, RoundKind
from vote_counter.services import ballot_save
from vote_counter.services.accounts import Credential
from vote_counter.services.errors import ErrorCode, ServiceError
from vote_counter.services.workspace import Workspace
from vote_counter.storage import fast_seal, seals


@pytest.fixture
def conf(tmp_path: Path) -> Iterator[Built]:
    with workspace_at(tmp_path / "kp.sqlite3") as ws:
        yield build_round(ws, RoundKind.CONFIDENCE, nominees=3, printed=8, double_entry=True)


def last_entry(path: Path) -> tuple[str, str, dict[str, Any]]:
    with raw(path) as conn:
        actor, action, details = conn.execute(
            "SELECT actor, action, details FROM audit_log ORDER BY seq DESC LIMIT 1"
        ).fetchone()
    return str(actor), str(action), json.loads(details)


def test_a_correction_refused_says_why_and_changes_nothing(conf: Built) -> None:
    ws, rid = conf.ws, conf.round_id
    saved = ws.counting.record(rid, conf.printed[0].payload, confidence_marks(conf.ids, [0, 1, 2]))
    aside = ws.counting.set_aside(rid, Reason.NOT_ISSUED, "")
    ws.counting.void(saved.id, "nhập nhầm")
    for ballot_id in (saved.id, aside):
        err = expect_error(ws, ErrorCode.INVALID_INPUT, ws.counting.correct, ballot_id, BallotMarks({}), "sửa")
        assert err.message == "Dữ liệu không hợp lệ: chỉ sửa được phiếu đang được tính."


def test_a_correction_after_counting_closed_names_the_action(tmp_path: Path) -> None:
    with workspace_at(tmp_path / "kp.sqlite3") as ws:
        b = build_round(ws, RoundKind.CONFIDENCE, nominees=3, printed=4)
        count_and_close(b, 2)
        first = ws.counting.ballots(b.round_id)[0]
        err = expect_error(
            ws, ErrorCode.WRONG_STAGE, ws.counting.correct, first.id, confidence_marks(b.ids, [2, 2, 2]), "sửa"
        )
        assert err.message.startswith("Không thể sửa phiếu khi lượt bỏ phiếu"), err.message


def test_a_failed_rollback_does_not_hide_the_first_failure(tmp_path: Path) -> None:
    """ballot_save.rollback_quietly on a real file whose ROLLBACK is refused (an authorizer stands for a disk
    that fails again): it raises nothing, the caller's own error stands."""
    conn = sqlite3.connect(tmp_path / "plain.sqlite3", isolation_level=None)
    try:
        conn.execute("CREATE TABLE t (x)")
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t VALUES (1)")
        refused: list[str] = []

        def deny_transactions(action: int, arg1: str | None, *_: object) -> int:
            if action == sqlite3.SQLITE_TRANSACTION:
                refused.append(str(arg1))
                return sqlite3.SQLITE_DENY
            return sqlite3.SQLITE_OK

        conn.set_authorizer(deny_transactions)
        ballot_save.rollback_quietly(conn)
        assert refused == ["ROLLBACK"] and conn.in_transaction
        conn.set_authorizer(None)
        ballot_save.rollback_quietly(conn)
        assert not conn.in_transaction
        assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == 0
    finally:
        conn.close()


def test_the_lean_seal_of_the_rows_read_back_is_the_seal_the_save_wrote(tmp_path: Path) -> None:
    """fast_seal.seal_rows (PostgreSQL's save seals its rows before they are written) gives, for the rows of the
    last save read back with sqlite3, exactly the seal group that save's entry holds, which verify-audit
    recomputes from the file."""
    path = tmp_path / "kp.sqlite3"
    rng = random.Random(4)
    with workspace_at(path) as ws:
        # A test round without accounts: the meeting's key stays readable in the file, as sqlite3 shows it.
        b = build_round(ws, RoundKind.CONFIDENCE, nominees=3, printed=4, accounts=False, mode=Mode.TEST)
        for ib in b.printed[:3]:
            ws.counting.record(b.round_id, ib.payload, valid_marks(rng, RoundKind.CONFIDENCE, b.ids))
        report = ws.audit.verify()
        assert report.ok, report
    meeting_id = b.meeting.id
    assert meeting_id is not None
    with raw(path) as conn:
        key_id, plain = conn.execute(
            "SELECT key_id, plain FROM meeting_keys WHERE meeting_id = ?", (meeting_id,)
        ).fetchone()
        seq, at, actor, action, details, prev = conn.execute(
            "SELECT seq, at, actor, action, details, prev_hash FROM audit_log ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        group = json.loads(details)["seal"]
        written: dict[tuple[str, int], tuple[Any, ...]] = {}
        for name in group[0]["digests"]:
            table, _, row_id = name.partition(":")
            columns = ", ".join(f'"{c}"' for c in seals.SEALED[table].columns)
            written[(table, int(row_id))] = conn.execute(
                f"SELECT {columns} FROM {table} WHERE id = ?", (int(row_id),)
            ).fetchone()
    assert action == "ballot_saved" and {t for t, _ in written} == {"ballots", "ballot_register", "running_totals"}
    sk = fast_seal.SealKeys.of(str(key_id), bytes(plain))
    assert fast_seal.seal_rows(sk, meeting_id, written, [prev, seq, at, actor, action]) == group
    changed = dict(written)
    ballot = next(k for k in written if k[0] == "ballots")
    marks = str(written[ballot][3])  # one row's level changed, as a doctored file would hold it
    changed[ballot] = (*written[ballot][:3], marks[:-1] + ("1" if marks[-1] == "0" else "0"), *written[ballot][4:])
    assert fast_seal.seal_rows(sk, meeting_id, changed, [prev, seq, at, actor, action]) != group


def actors(path: Path) -> list[str]:
    with raw(path) as conn:
        return [
            str(r[0]) for r in conn.execute("SELECT actor FROM audit_log WHERE action = 'ballot_saved' ORDER BY seq")
        ]


def test_each_save_is_logged_under_the_name_it_was_made_by(tmp_path: Path) -> None:
    """A meeting without accounts logs the name given: the round's kept context (fast path) must not carry the
    previous save's name over."""
    path = tmp_path / "kp.sqlite3"
    rng = random.Random(11)
    names = ["Tổ kiểm phiếu số 1", "Tổ kiểm phiếu số 1", "Tổ kiểm phiếu số 2", "Tổ kiểm phiếu số 2", "Tổ số 1"]
    with workspace_at(path) as ws:
        b = build_round(ws, RoundKind.CONFIDENCE, nominees=3, printed=6, accounts=False, mode=Mode.TEST)
        for ib, name in zip(b.printed, names, strict=False):
            ws.counting.record(b.round_id, ib.payload, valid_marks(rng, RoundKind.CONFIDENCE, b.ids), actor=name)
    assert actors(path) == names


def test_a_save_with_other_credentials_is_checked_and_logged_under_them(conf: Built) -> None:
    """The kept context was authorised for the signed-in chair; a save that brings a member's credentials is
    logged under the member, and a wrong passphrase is refused and saves nothing, however current the context."""
    ws, rid, rng = conf.ws, conf.round_id, random.Random(12)
    meeting_id = conf.meeting.id
    assert meeting_id is not None
    board = {m.full_name: m.id for m in ws.setup.board(meeting_id)}
    member = Credential(board[MEMBER_NAME] or 0, PASSPHRASES[MEMBER_NAME])
    wrong = Credential(board[MEMBER_NAME] or 0, "không phải mật khẩu")

    def save(i: int, auth: Credential | None = None) -> None:
        ws.counting.record(rid, conf.printed[i].payload, valid_marks(rng, RoundKind.CONFIDENCE, conf.ids), auth=auth)

    save(0)
    save(1)
    save(2, member)
    save(3, member)
    save(4)
    with pytest.raises(ServiceError) as refused:
        save(5, wrong)
    assert refused.value.code is ErrorCode.WRONG_PASSPHRASE
    assert actors(ws.path) == [CHAIR_NAME, CHAIR_NAME, MEMBER_NAME, MEMBER_NAME, CHAIR_NAME]
    with raw(ws.path) as conn:  # the failed sign-in is counted and logged; no ballot saved, the serial not counted
        assert conn.execute("SELECT count(*) FROM ballots").fetchone()[0] == 5
        status = conn.execute("SELECT status FROM ballot_register WHERE serial = ?", (conf.printed[5].serial,))
        assert status.fetchone()[0] == "printed"
    assert last_entry(ws.path)[1] == "sign_in_failed"
    report = ws.audit.verify()
    assert report.ok, report


def test_a_save_in_a_pass_that_does_not_exist_says_why_and_saves_nothing(tmp_path: Path) -> None:
    with workspace_at(tmp_path / "kp.sqlite3") as ws:
        once = build_round(ws, RoundKind.CONFIDENCE, nominees=3, printed=4)
        twice = build_round(ws, RoundKind.CONFIDENCE, meeting=once.meeting, nominees=3, printed=4, double_entry=True)
        ws.counting.record(
            once.round_id, once.printed[0].payload, confidence_marks(once.ids, [0, 1, 2])
        )  # context kept
        for b, pass_no, words in (
            (twice, 0, "lần nhập phải là 1 hoặc 2."),
            (twice, 3, "lần nhập phải là 1 hoặc 2."),
            (once, 2, "lượt này không nhập hai lần."),
            (once, 3, "lần nhập phải là 1 hoặc 2."),
        ):
            marks = confidence_marks(b.ids, [2, 1, 0])
            err = expect_error(
                ws, ErrorCode.INVALID_INPUT, ws.counting.record, b.round_id, b.printed[1].payload, marks, pass_no
            )
            assert err.message == f"Dữ liệu không hợp lệ: {words}", (pass_no, err.message)


def test_no_save_while_the_audit_is_being_checked_even_with_the_rounds_context_kept(conf: Built) -> None:
    ws, rid, rng = conf.ws, conf.round_id, random.Random(13)
    ws.counting.record(rid, conf.printed[0].payload, valid_marks(rng, RoundKind.CONFIDENCE, conf.ids))
    ws.counting.record(rid, conf.printed[1].payload, valid_marks(rng, RoundKind.CONFIDENCE, conf.ids))
    ws.access.writes_held = True  # the window's check of the chain after opening (issue 15)
    marks = valid_marks(rng, RoundKind.CONFIDENCE, conf.ids)
    expect_error(ws, ErrorCode.AUDIT_CHECKING, ws.counting.record, rid, conf.printed[2].payload, marks)
    ws.access.writes_held = False
    ws.counting.record(rid, conf.printed[2].payload, marks)
    with raw(ws.path) as conn:
        assert conn.execute("SELECT count(*) FROM ballots").fetchone()[0] == 3


def _moved(path: Path) -> Path:
    """The file moved away and a copy put back under its name, as a user could with the file manager."""
    with raw(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    moved = path.with_name("moved.sqlite3")
    os.rename(path, moved)
    path.write_bytes(moved.read_bytes())
    return moved


def _ballots_in(path: Path) -> int:
    with raw(path) as conn:
        return int(conn.execute("SELECT count(*) FROM ballots").fetchone()[0])


@pytest.mark.skipif(sys.platform == "win32", reason="an open SQLite file cannot be renamed on Windows")
def test_a_save_after_the_file_was_replaced_is_refused_and_writes_nowhere(conf: Built) -> None:
    ws, rid, rng = conf.ws, conf.round_id, random.Random(14)
    for ib in conf.printed[:2]:  # the round's context kept: the next save takes the fast path
        ws.counting.record(rid, ib.payload, valid_marks(rng, RoundKind.CONFIDENCE, conf.ids))
    moved = _moved(ws.path)
    with pytest.raises(ServiceError) as replaced:
        ws.counting.record(rid, conf.printed[2].payload, valid_marks(rng, RoundKind.CONFIDENCE, conf.ids))
    assert replaced.value.code is ErrorCode.DATABASE_REPLACED
    assert (_ballots_in(ws.path), _ballots_in(moved)) == (2, 2)


@pytest.mark.skipif(sys.platform == "win32", reason="an open SQLite file cannot be renamed on Windows")
def test_a_save_whose_file_was_replaced_while_it_was_written_is_not_acknowledged(
    conf: Built, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws, rid, rng = conf.ws, conf.round_id, random.Random(15)
    for ib in conf.printed[:2]:
        ws.counting.record(rid, ib.payload, valid_marks(rng, RoundKind.CONFIDENCE, conf.ids))
    real = fast_seal.seal_written
    moved: list[Path] = []

    def move_then_seal(*args: Any) -> Any:  # the file moved between the save's first check and its COMMIT
        moved.append(_moved(ws.path))
        return real(*args)

    monkeypatch.setattr(fast_seal, "seal_written", move_then_seal)
    with pytest.raises(ServiceError) as replaced:
        ws.counting.record(rid, conf.printed[2].payload, valid_marks(rng, RoundKind.CONFIDENCE, conf.ids))
    # Checked before the save began, the file was still the one opened: only the check after COMMIT can say so.
    assert replaced.value.code is ErrorCode.DATABASE_REPLACED and len(moved) == 1


def test_a_fast_save_blocked_by_another_programs_lock_says_so_and_the_next_one_saves(tmp_path: Path) -> None:
    """Another program holds the file's write lock (sqlite3 here): the save on the kept connection fails with the
    storage message naming the lock in Vietnamese, saves nothing, and once the lock is gone the next save works."""
    path = tmp_path / "kp.sqlite3"
    rng = random.Random(16)
    with workspace_at(path) as ws:
        b = build_round(ws, RoundKind.CONFIDENCE, nominees=3, printed=4)
    ws = Workspace.open(path, busy_timeout=0.05)
    try:
        sign_in_known_boards(ws)
        ws.counting.record(b.round_id, b.printed[0].payload, valid_marks(rng, RoundKind.CONFIDENCE, b.ids))
        holder = sqlite3.connect(path, isolation_level=None)
        try:
            holder.execute("BEGIN IMMEDIATE")
            with pytest.raises(ServiceError) as locked:
                ws.counting.record(b.round_id, b.printed[1].payload, valid_marks(rng, RoundKind.CONFIDENCE, b.ids))
            holder.execute("ROLLBACK")
        finally:
            holder.close()
        assert locked.value.code is ErrorCode.STORAGE
        assert locked.value.message.startswith(
            "Không ghi được vào cơ sở dữ liệu (tệp dữ liệu đang bị một chương trình khác giữ — database is locked)."
        ), locked.value.message
        assert _ballots_in(path) == 1
        # A rescan: the kept connection begins, finds the serial counted, gives the save to the full check, which
        # must not wait for that connection's lock (it would fail as "locked" instead of naming the duplicate).
        marks = valid_marks(rng, RoundKind.CONFIDENCE, b.ids)
        expect_error(ws, ErrorCode.DUPLICATE, ws.counting.record, b.round_id, b.printed[0].payload, marks)
        ws.counting.record(b.round_id, b.printed[1].payload, valid_marks(rng, RoundKind.CONFIDENCE, b.ids))
        assert _ballots_in(path) == 2
        report = ws.audit.verify()
        assert report.ok, report
    finally:
        ws.close()


def test_a_single_entry_rounds_saves_take_the_kept_connection(conf: Built, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 15's fast path serves single-entry rounds too: after the first save (which loads the round's
    context) each save is sealed on the kept connection, and the file verifies."""
    sealed: list[int] = []
    real = fast_seal.seal_written
    monkeypatch.setattr(fast_seal, "seal_written", lambda *args: (sealed.append(1), real(*args))[1])
    ws, rng = conf.ws, random.Random(17)
    single = build_round(ws, RoundKind.APPROVAL, meeting=conf.meeting, nominees=2, printed=5)
    assert not single.round.double_entry
    for ib in single.printed:
        ws.counting.record(single.round_id, ib.payload, valid_marks(rng, RoundKind.APPROVAL, single.ids))
    assert len(sealed) == 4
    report = ws.audit.verify()
    assert report.ok, report


def test_each_save_logs_its_round_ballot_pass_and_validity_on_both_paths(conf: Built) -> None:
    ws, rid = conf.ws, conf.round_id
    bad = BallotMarks({conf.ids[0]: frozenset({0, 1})})  # two marks on one row, the others blank: invalid
    saves = [
        ws.counting.record(rid, conf.printed[0].payload, confidence_marks(conf.ids, [0, 1, 2])),  # loads: full path
        ws.counting.record(rid, conf.printed[1].payload, bad),  # fast path
        ws.counting.record(rid, conf.printed[0].payload, confidence_marks(conf.ids, [0, 1, 2]), pass_no=2),
    ]
    with raw(ws.path) as conn:
        logged = [
            json.loads(r[0])
            for r in conn.execute("SELECT details FROM audit_log WHERE action = 'ballot_saved' ORDER BY seq")
        ]
    for entry in logged:
        entry.pop("seal")
    assert logged == [
        {"round": rid, "ballot": saves[0].id, "pass": 1, "valid": True},
        {"round": rid, "ballot": saves[1].id, "pass": 1, "valid": False},
        {"round": rid, "ballot": saves[2].id, "pass": 2, "valid": True},
    ]
