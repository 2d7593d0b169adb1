"""The ballot save's fast path (issue 15): rows sealed from the values written, per-context keys, no noting.

Each save's audit entry must seal exactly what the file holds (verify-audit recomputes every digest from the rows
read back with the meeting key), with the meeting's current key after a passphrase is set or changed, and a
write that something else made in the same transaction (a trigger put in the file with sqlite3) must never be
sealed as the board's: verify-audit names the row it changed, or the row whose marks it rewrote.
"""

from __future__ import annotations

import contextlib
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.builders import (
    CHAIR_NAME,
    PASSPHRASES,
    Built,
    board_accounts,
    build_round,
    expect_error,
    random_marks,
    raw,
    valid_marks,
    workspace_at,
)
from vote_counter.domain.model import BallotMarks, Mode, Reason, RoundKind
from vote_counter.services.accounts import Approval
from vote_counter.services.errors import ErrorCode
from vote_counter.storage import seals
from vote_counter.storage.engine import WRITE
from vote_counter.storage.schema_guard import Finding


def entries(path: Path, action: str = "ballot_saved") -> list[dict[str, Any]]:
    with raw(path) as conn:
        rows = conn.execute("SELECT details FROM audit_log WHERE action = ? ORDER BY seq", (action,)).fetchall()
    return [json.loads(r[0]) for r in rows]


def key_id(path: Path, meeting_id: int) -> str:
    with raw(path) as conn:
        return str(conn.execute("SELECT key_id FROM meeting_keys WHERE meeting_id = ?", (meeting_id,)).fetchone()[0])


def sealed_names(entry: dict[str, Any]) -> set[str]:
    return {name for g in entry["seal"] for name in g["digests"]}


@pytest.fixture
def built(tmp_path: Path) -> Iterator[Built]:
    with workspace_at(tmp_path / "kp.sqlite3") as ws:
        yield build_round(ws, RoundKind.CONFIDENCE, nominees=4, printed=30, double_entry=True)


def test_fast_saves_seal_exactly_the_rows_they_wrote_as_the_file_holds_them(
    built: Built, spied: dict[str, int]
) -> None:
    ws, rng = built.ws, random.Random(7)
    saved = []
    for i, ib in enumerate(built.printed[:12]):
        marks = random_marks(rng, RoundKind.CONFIDENCE, built.ids, odd=0.4)
        if i == 3:  # a name written on a confidence ballot: invalid, stored with the JSON tail
            marks = BallotMarks(marks.rows, ('Lê Văn Ượng "Tư"',), marks.declared)
        saved.append(ws.counting.record(built.round_id, ib.payload, marks, pass_no=1 + i % 2))
    assert spied == {"sealed": 10}  # the first save of each pass loads the round's context
    assert not all(s.validity.valid for s in saved) and any(s.validity.valid for s in saved)
    with raw(ws.path) as conn:
        register = dict(conn.execute("SELECT serial, id FROM ballot_register").fetchall())
        totals = dict(conn.execute("SELECT pass_no, id FROM running_totals").fetchall())
    for entry, s in zip(entries(ws.path), saved, strict=True):
        assert entry["ballot"] == s.id
        assert sealed_names(entry) == {
            f"ballots:{s.id}",
            f"ballot_register:{register[s.serial]}",
            f"running_totals:{totals[s.pass_no]}",
        }
        assert [g["key"] for g in entry["seal"]] == [key_id(ws.path, built.meeting.id or 0)]
    report = ws.audit.verify()  # every digest recomputed from the rows read back
    assert report.ok, report


def test_a_save_after_the_key_changes_seals_with_the_new_key(tmp_path: Path, spied: dict[str, int]) -> None:
    path = tmp_path / "kp.sqlite3"
    rng = random.Random(3)
    with workspace_at(path) as ws:
        # A test round: a live one cannot open for counting before the chair has a passphrase.
        b = build_round(ws, RoundKind.CONFIDENCE, nominees=3, printed=12, accounts=False, mode=Mode.TEST)
        meeting_id = b.meeting.id or 0
        plain = key_id(path, meeting_id)
        for ib in b.printed[:3]:  # the key still readable from the file: no accounts yet
            ws.counting.record(b.round_id, ib.payload, valid_marks(rng, RoundKind.CONFIDENCE, b.ids))
        accounts = board_accounts(ws, b.meeting)  # the first passphrase: a fresh key, every row sealed again
        wrapped = key_id(path, meeting_id)
        assert wrapped != plain
        for ib in b.printed[3:6]:
            ws.counting.record(b.round_id, ib.payload, valid_marks(rng, RoundKind.CONFIDENCE, b.ids))
        chair = accounts.chair.id or 0
        ws.accounts.set_passphrase(chair, "một câu mật khẩu mới hơn", PASSPHRASES[CHAIR_NAME])
        new = Approval(accounts.credential(accounts.chair, "một câu mật khẩu mới hơn"), accounts.two.credentials()[1])
        ws.access.remember(meeting_id, new)
        assert key_id(path, meeting_id) == wrapped  # changing a passphrase wraps the same key again
        for ib in b.printed[6:9]:
            ws.counting.record(b.round_id, ib.payload, valid_marks(rng, RoundKind.CONFIDENCE, b.ids))
        # After each change the first save loads the round's context again (full path), the next two take the
        # fast path with that context's keys: sealed with the old key they would fail verify-audit below.
        assert spied["sealed"] == 6
        keys_used = [[g["key"] for g in e["seal"]] for e in entries(path)]
        assert keys_used == [[plain]] * 3 + [[wrapped]] * 6
        report = ws.audit.verify()
        assert report.ok, report


def add_trigger(path: Path, body: str) -> None:
    """A trigger put in the file with sqlite3, as someone at the laptop could."""
    with raw(path) as conn:
        conn.execute(f"CREATE TRIGGER outsider AFTER INSERT ON ballots BEGIN {body}; END")


def remove_trigger(path: Path) -> None:
    with raw(path) as conn:
        conn.execute("DROP TRIGGER outsider")


def test_a_trigger_writing_another_row_during_a_fast_save_is_not_sealed_as_the_boards(
    built: Built, spied: dict[str, int]
) -> None:
    """A trigger planted while the app runs changes an earlier ballot whenever a ballot is saved: the fast save
    seals only what it wrote, so verify-audit names the earlier ballot (with notes on the kept connection the
    trigger's write would have been sealed in the save's own entry and the file would verify)."""
    ws, rng = built.ws, random.Random(5)
    first = ws.counting.record(
        built.round_id, built.printed[0].payload, valid_marks(rng, RoundKind.CONFIDENCE, built.ids)
    )
    doctored = "2|" + ",".join(f"{nid}:1" for nid in built.ids)  # every row "rất tín nhiệm"
    add_trigger(ws.path, f"UPDATE ballots SET marks = '{doctored}' WHERE id = {first.id}")
    second = ws.counting.record(
        built.round_id, built.printed[1].payload, valid_marks(rng, RoundKind.CONFIDENCE, built.ids)
    )
    assert spied == {"sealed": 1}  # (the first save loaded the context: full path)
    with raw(ws.path) as conn:
        assert conn.execute("SELECT marks FROM ballots WHERE id = ?", (first.id,)).fetchone()[0] == doctored
    last = entries(ws.path)[-1]
    assert last["ballot"] == second.id
    assert f"ballots:{first.id}" not in sealed_names(last)
    assert f"ballots:{second.id}" in sealed_names(last)
    assert ws.audit.verify().foreign == (Finding("trigger", "outsider", "foreign"),)  # storage/schema_guard.py
    remove_trigger(ws.path)
    report = ws.audit.verify()
    assert not report.ok
    assert report.bad_rows == (("ballots", first.id),)


def test_a_trigger_rewriting_the_saved_marks_is_reported_by_verify_audit(built: Built, spied: dict[str, int]) -> None:
    ws, rng = built.ws, random.Random(6)
    ws.counting.record(built.round_id, built.printed[0].payload, valid_marks(rng, RoundKind.CONFIDENCE, built.ids))
    doctored = "2|" + ",".join(f"{nid}:1" for nid in built.ids)  # every row "rất tín nhiệm"
    add_trigger(ws.path, f"UPDATE ballots SET marks = '{doctored}' WHERE id = NEW.id")
    saved = ws.counting.record(
        built.round_id, built.printed[1].payload, valid_marks(rng, RoundKind.CONFIDENCE, built.ids)
    )
    assert spied == {"sealed": 1}
    with raw(ws.path) as conn:
        assert conn.execute("SELECT marks FROM ballots WHERE id = ?", (saved.id,)).fetchone()[0] == doctored
    assert ws.audit.verify().foreign == (Finding("trigger", "outsider", "foreign"),)  # named first
    remove_trigger(ws.path)  # and without it, the row it rewrote is still caught by its seal
    report = ws.audit.verify()
    assert not report.ok
    assert report.bad_rows == (("ballots", saved.id),)  # sealed as the board entered it, not as the file holds it


def test_the_kept_connection_notes_nothing_and_the_pool_seals_again_after_it(
    built: Built, spied: dict[str, int]
) -> None:
    """The lane's connection has no sealing triggers while it is kept (a connection the pool had used for a
    session's writes loses them), and once the workspace gives it back the next session write makes them again:
    a change written by the full path on that connection is still sealed."""
    ws, rng = built.ws, random.Random(8)

    def save(i: int) -> None:
        ws.counting.record(built.round_id, built.printed[i].payload, valid_marks(rng, RoundKind.CONFIDENCE, built.ids))

    for i in range(4):
        save(i)
    assert spied["sealed"] == 3
    lane = ws.counting._lane
    assert lane is not None
    conn = lane.connection()
    temp = {r[0] for r in conn.execute("SELECT name FROM sqlite_temp_master")}
    assert not {name for name in temp if name.startswith("kp_") or name == seals.TOUCHED}, temp
    lane.close()  # back to the pool: a session's write transaction on that very connection notes again
    with contextlib.ExitStack() as held:
        for _ in range(16):  # the pool's connections, held at once until it hands out the lane's
            c = held.enter_context(ws.engine.connect()).execution_options(**WRITE)
            held.enter_context(c.begin())
            if id(c.connection.dbapi_connection) == id(conn):
                break
        else:
            pytest.fail("the pool never handed out the lane's connection")
        made = {r[0] for r in c.exec_driver_sql("SELECT name FROM sqlite_temp_master WHERE type = 'trigger'")}
    assert {f"kp_seal_ballots_{event}" for event in ("insert", "update", "delete")} <= made
    ws.counting.set_aside(built.round_id, Reason.NOT_ISSUED, "")  # a session write, sealed
    for i in range(4, 7):
        save(i)
    assert spied["sealed"] == 5  # the set-aside's entry makes the first of these load the context (full path)
    report = ws.audit.verify()
    assert report.ok, report


def test_a_refused_fast_save_leaves_the_lane_sealing(built: Built, spied: dict[str, int]) -> None:
    """A duplicate goes to the full path and is refused there; the next save is sealed on the kept connection."""
    ws, rng = built.ws, random.Random(9)
    ib = built.printed[0]
    ws.counting.record(built.round_id, ib.payload, valid_marks(rng, RoundKind.CONFIDENCE, built.ids))
    marks = valid_marks(rng, RoundKind.CONFIDENCE, built.ids)
    expect_error(ws, ErrorCode.DUPLICATE, ws.counting.record, built.round_id, ib.payload, marks)
    ws.counting.record(built.round_id, built.printed[1].payload, valid_marks(rng, RoundKind.CONFIDENCE, built.ids))
    assert spied == {"sealed": 1}
    report = ws.audit.verify()
    assert report.ok, report
