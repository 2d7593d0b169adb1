"""The audit chain's and the seals' smaller promises, each stated here by hand (issue 18's mutation run on
storage/seals.py and storage/audit.py found them unchecked): how a bad row is named in words; that a table
registered later is sealed and checked like the others (its free columns excepted); that both write paths store
entries in one canonical form, hashed as the verifier shipped on the USB stick recomputes them; that one
meeting's check leaves another's rows alone; that rows changed after the last entry are sealed at commit."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from tests.helpers.builders import Built, build_round, confidence_marks, make_meeting, raw, workspace_at
from tests.helpers.intruder import put_back_append_only
from vote_counter.domain.model import BoardMember, BoardRole, RoundKind, Stage
from vote_counter.exchange import standalone_verify
from vote_counter.services.workspace import Workspace
from vote_counter.storage import audit, keys, schema_guard, seals
from vote_counter.storage.seals import SealedTable

# ------------------------------------------------------------------ the bad rows, in words


def test_describe_names_each_row_by_its_table_label() -> None:
    assert seals.describe([("tally_sheets", 3), ("rounds", 2)]) == "phiếu tổng hợp số 3, lượt bỏ phiếu số 2"
    assert seals.describe([("ballots", 17)]) == "phiếu đã nhập số 17"
    assert seals.describe([]) == ""


def test_describe_names_an_unknown_table_by_its_own_name() -> None:
    assert seals.describe([("bang_la", 5), ("meetings", 1)]) == "bang_la số 5, hội nghị số 1"


def test_describe_lists_six_rows_and_counts_the_rest() -> None:
    six = [("ballots", i) for i in range(1, 7)]
    listed = ", ".join(f"phiếu đã nhập số {i}" for i in range(1, 7))
    assert seals.describe(six) == listed  # exactly six: all of them, nothing "khác"
    assert seals.describe([*six, ("ballots", 7)]) == listed + " và 1 dòng khác"
    assert seals.describe([*six, ("ballots", 7), ("rounds", 2), ("nominees", 4)]) == listed + " và 3 dòng khác"
    assert seals.describe(six, limit=2) == "phiếu đã nhập số 1, phiếu đã nhập số 2 và 4 dòng khác"


# ------------------------------------------------------------------ a table sealed later


@pytest.fixture
def built(tmp_path: Path) -> Iterator[Built]:
    with workspace_at(tmp_path / "kp.sqlite3") as ws:
        yield build_round(ws, RoundKind.CONFIDENCE, nominees=3, printed=4)


NOTES = SealedTable("ghi_chu", "ghi chú của Ban", ("meeting_id", "noi_dung"), "meeting")


def _add_note(ws: Workspace, meeting_id: int, words: str) -> int:
    """A module's own write: its row and its audit entry in one transaction, as services do."""
    with ws.setup._write() as s:
        s.execute(
            text("INSERT INTO ghi_chu (meeting_id, noi_dung, lan_doc) VALUES (:m, :w, 0)"),
            {"m": meeting_id, "w": words},
        )
        note_id = int(s.execute(text("SELECT max(id) FROM ghi_chu")).scalar_one())
        audit.append(s, "Hoàng Thị Lan", "note_added", {"note": note_id})
    return note_id


def test_a_table_registered_later_is_sealed_and_checked(built: Built, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = built.ws
    meeting_id = built.meeting.id
    assert meeting_id is not None
    with raw(ws.path) as conn:
        conn.execute(
            "CREATE TABLE ghi_chu (id INTEGER PRIMARY KEY, meeting_id INTEGER NOT NULL, noi_dung TEXT NOT NULL, "
            "lan_doc INTEGER NOT NULL)"
        )
    monkeypatch.setattr(seals, "SEALED", dict(seals.SEALED))  # the registry as it was, after the test
    # A table the app makes in a later version is one the schema guard knows (a revision adds both).
    monkeypatch.setattr(schema_guard, "TABLES", schema_guard.TABLES | {"ghi_chu"})
    seals.register(NOTES)
    assert seals.SEALED["ghi_chu"] is NOTES

    note = _add_note(ws, meeting_id, "Phiếu số 3 bị rách góc")
    entry = ws.audit.entries()[-1]
    assert entry.action == "note_added"
    (group,) = entry.details["seal"]
    assert group["meeting"] == meeting_id and list(group["digests"]) == [f"ghi_chu:{note}"]
    report = ws.audit.verify()
    assert report.ok
    with ws.audit._read() as s:
        assert seals.verify(s).checked["ghi_chu"] == 1

    with raw(ws.path) as conn:  # a column left out of the seal may change (as the lockout counters do)
        conn.execute("UPDATE ghi_chu SET lan_doc = 5 WHERE id = ?", (note,))
    assert ws.audit.verify().ok

    with raw(ws.path) as conn:  # a sealed column may not
        conn.execute("UPDATE ghi_chu SET noi_dung = 'Không có gì' WHERE id = ?", (note,))
    report = ws.audit.verify()
    assert not report.ok and report.bad_rows == (("ghi_chu", note),)
    assert seals.describe(report.bad_rows) == f"ghi chú của Ban số {note}"


# ------------------------------------------------------------------ one canonical form, fast path included


def _stored(path: Path, action: str) -> list[str]:
    with raw(path) as conn:
        return [d for (d,) in conn.execute("SELECT details FROM audit_log WHERE action = ? ORDER BY seq", (action,))]


def test_the_fast_path_stores_its_entry_in_the_canonical_form(built: Built, monkeypatch: pytest.MonkeyPatch) -> None:
    """Compact JSON, keys in sorted order at every level: "ballot", "pass", "round", "seal", "valid"; each seal
    group "digests", "key", "mac", "meeting" (the save builds its details in another order)."""
    ws = built.ws
    fast: list[int] = []
    real = audit.append_raw

    def counted(*args: Any, **kwargs: Any) -> int:
        fast.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(audit, "append_raw", counted)
    ws.counting.record(built.round_id, built.printed[0].payload, confidence_marks(built.ids, [0, 1, 2]))
    assert fast == [1]  # the save went through the fast path
    (details,) = _stored(ws.path, "ballot_saved")
    ballot = ws.counting.find(built.round_id, built.printed[0].serial)[0].id
    pattern = (
        rf'\{{"ballot":{ballot},"pass":1,"round":{built.round_id},'
        r'"seal":\[\{"digests":\{("[a-z_]+:\d+":"[0-9a-f]{32}",?)+\},"key":"[0-9a-f]+","mac":"[0-9a-f]{32}",'
        rf'"meeting":{built.meeting.id}\}}\],"valid":true\}}'
    )
    assert re.fullmatch(pattern, details), details
    assert ws.audit.verify().ok
    _utc_with_offset(ws.audit.entries()[-1].at)


def test_the_orm_path_keeps_vietnamese_as_written_and_sorts_keys(built: Built) -> None:
    ws = built.ws
    ws.stages.change(built.round_id, Stage.PREPARATION, "Sửa danh sách người có tên")
    details = _stored(ws.path, "stage_changed")[-1]
    rid = built.round_id
    pattern = (
        rf'\{{"from":"counting","reason":"Sửa danh sách người có tên","round":{rid},'  # Vietnamese not \\u-escaped
        rf'"seal":\[\{{"digests":\{{"rounds:{rid}":"[0-9a-f]{{32}}"\}},"key":"[0-9a-f]+","mac":"[0-9a-f]{{32}}",'
        rf'"meeting":{built.meeting.id}\}}\],"to":"preparation"\}}'
    )
    assert re.fullmatch(pattern, details), details
    _utc_with_offset(ws.audit.entries()[-1].at)


def test_append_raw_stores_any_details_as_append_does(built: Built) -> None:
    """The fast path's writer takes any details a caller gives (Vietnamese, keys in any order) and stores them
    in the one form: compact, sorted, not \\u-escaped; the chain then verifies and reads them back."""
    ws = built.ws
    details = {"z": [1, 2], "lý do": "Nhập nhầm phiếu", "a": 1}
    with raw(ws.path) as conn:
        cur = conn.cursor()
        cur.execute("BEGIN IMMEDIATE")
        last = cur.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
        seq = audit.append_raw(cur, (last[0], last[1]), "Hoàng Thị Lan", "note_added", details, lambda _place: None)
        cur.execute("COMMIT")
    assert seq == last[0] + 1
    (stored,) = _stored(ws.path, "note_added")
    assert stored == '{"a":1,"lý do":"Nhập nhầm phiếu","z":[1,2]}'
    assert ws.audit.verify().ok
    entry = ws.audit.entries()[-1]
    assert (entry.seq, entry.actor, entry.details) == (seq, "Hoàng Thị Lan", details)
    _utc_with_offset(entry.at)


def _utc_with_offset(at: str) -> None:
    """The entry's time: UTC, with its offset written, to the microsecond (2026-11-30T00:12:03.123456+00:00)."""
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00", at), at
    moment = dt.datetime.fromisoformat(at)
    assert abs(moment - dt.datetime.now(dt.UTC)) < dt.timedelta(hours=1)  # now, not the local clock's hour


# ------------------------------------------------------------------ one meeting's check, another's rows


@pytest.fixture
def two(tmp_path: Path) -> Iterator[tuple[Built, Built]]:
    """Two meetings, each with its own board, key and round."""
    with workspace_at(tmp_path / "kp.sqlite3") as ws:
        first = build_round(ws, RoundKind.CONFIDENCE, nominees=3, printed=4)
        second = build_round(
            ws, RoundKind.CONFIDENCE, meeting=make_meeting(ws, "Hội nghị thứ hai"), nominees=3, printed=4
        )
        for b in (first, second):
            ws.counting.record(b.round_id, b.printed[0].payload, confidence_marks(b.ids, [0, 1, 2]))
        assert first.meeting.id != second.meeting.id
        yield first, second


def _verify(ws: Workspace, meeting_id: int | None = None) -> seals.SealReport:
    with ws.audit._read() as s:
        return seals.verify(s, meeting_id)


def test_a_meeting_is_checked_apart_from_the_other(two: tuple[Built, Built]) -> None:
    first, second = two
    ws = first.ws
    m1, m2 = first.meeting.id, second.meeting.id
    assert m1 is not None and m2 is not None
    with raw(ws.path) as conn:
        conn.execute("UPDATE nominees SET full_name = 'Người khác' WHERE id = ?", (second.ids[0],))
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("DELETE FROM nominees WHERE id = ?", (second.ids[2],))
    edited, deleted = ("nominees", second.ids[0]), ("nominees", second.ids[2])
    assert _verify(ws, m1).ok and _verify(ws, m1).bad_rows == ()
    assert _verify(ws, m2).bad_rows == tuple(sorted([edited, deleted]))
    assert _verify(ws).bad_rows == tuple(sorted([edited, deleted]))
    with ws.audit._read() as s:  # the chain and one meeting's rows, as results and minutes ask before they show
        assert audit.verify(s, m1).ok
        assert not audit.verify(s, m2).ok and audit.verify(s, m2).bad_rows == tuple(sorted([edited, deleted]))
    with raw(ws.path) as conn:  # the first meeting's own row edited: its check sees it, the second's does not
        conn.execute("UPDATE nominees SET full_name = 'Người khác' WHERE id = ?", (first.ids[1],))
    assert _verify(ws, m1).bad_rows == (("nominees", first.ids[1]),)
    assert _verify(ws, m2).bad_rows == tuple(sorted([edited, deleted]))


def test_a_meeting_whose_key_is_shut_is_named_and_its_rows_left_unchecked(two: tuple[Built, Built]) -> None:
    first, second = two
    ws = first.ws
    m1, m2 = first.meeting.id, second.meeting.id
    assert m1 is not None and m2 is not None
    with raw(ws.path) as conn:
        conn.execute("UPDATE nominees SET full_name = 'Người khác' WHERE id = ?", (second.ids[0],))
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("DELETE FROM nominees WHERE id = ?", (second.ids[2],))
    keys.forget_all()  # a new process …
    ws.access.open_keys(m1)  # … where only the first meeting's board has signed in
    report = _verify(ws)
    assert report.locked == (m2,)
    assert report.ok and report.bad_rows == ()  # the second meeting's rows, changed or gone, were not checked
    assert _verify(ws, m1).locked == () and _verify(ws, m2).locked == (m2,)
    assert report.checked["nominees"] == 3  # the first meeting's three
    ws.access.open_keys(m2)
    report = _verify(ws)
    assert report.locked == () and report.bad_rows == (("nominees", second.ids[0]), ("nominees", second.ids[2]))


# ------------------------------------------------------------------ nothing left unsealed at commit


def test_rows_changed_after_the_last_entry_get_an_entry_of_their_own_by_the_same_actor(built: Built) -> None:
    """A transaction that writes a sealed row after its entry is sealed at commit by one more entry,
    "rows_sealed", in the name of whoever acted in it; with no entry at all, in the app's name."""
    ws = built.ws
    nominee = built.ids[0]
    with ws.setup._write() as s:
        audit.append(s, "Ngô Quốc Việt", "note_added", {"note": 1})
        s.execute(text("UPDATE nominees SET unit = 'Phòng Tổ chức' WHERE id = :i"), {"i": nominee})
    last, before_last = ws.audit.entries()[-1], ws.audit.entries()[-2]
    assert (before_last.action, before_last.actor) == ("note_added", "Ngô Quốc Việt")
    assert "seal" not in before_last.details  # nothing was written before it
    assert (last.action, last.actor) == ("rows_sealed", "Ngô Quốc Việt")
    assert list(last.details["seal"][0]["digests"]) == [f"nominees:{nominee}"]
    assert ws.audit.verify().ok

    with ws.setup._write() as s:
        s.execute(text("UPDATE nominees SET unit = 'Phòng Kế hoạch' WHERE id = :i"), {"i": nominee})
    last = ws.audit.entries()[-1]
    assert (last.action, last.actor) == ("rows_sealed", "Kiểm Phiếu")
    assert ws.audit.verify().ok


# ------------------------------------------------------------------ the chain, against the verifier on the stick


GENESIS = "0" * 64


def test_every_hash_is_what_the_shipped_verifier_computes(built: Built) -> None:
    """verify.py, written apart from storage/audit.py and copied onto the USB stick, recomputes each entry's
    hash from its row: the app's chain must be exactly that one, Vietnamese actors and details included."""
    ws = built.ws
    ws.stages.change(built.round_id, Stage.PREPARATION, "Sửa danh sách người có tên")
    with raw(ws.path) as conn:
        rows = conn.execute(
            "SELECT seq, at, actor, action, details, prev_hash, hash FROM audit_log ORDER BY seq"
        ).fetchall()
    assert any(not actor.isascii() for _, _, actor, *_ in rows)
    prev = GENESIS
    for seq, at, actor, action, details, prev_hash, digest in rows:
        entry = {"seq": seq, "at": at, "actor": actor, "action": action, "details": json.loads(details)}
        assert prev_hash == prev, seq
        assert digest == standalone_verify.audit_entry_hash(prev, entry), seq
        prev = digest
    assert ws.audit.head() == prev


def test_a_renumbered_and_rehashed_last_entry_that_seals_nothing_is_caught_by_its_number(built: Built) -> None:
    """No seal group to give it away: only its number is wrong (its link and hash are whole)."""
    ws = built.ws
    with ws.setup._write() as s:
        audit.append(s, "Hoàng Thị Lan", "note_added", {"note": 1})
    with raw(ws.path) as conn:
        conn.execute("DROP TRIGGER audit_log_no_update")
        seq, at, actor, action, details, prev = conn.execute(
            "SELECT seq, at, actor, action, details, prev_hash FROM audit_log ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        assert action == "note_added" and "seal" not in json.loads(details)
        new = seq + 5
        forged = {"seq": new, "at": at, "actor": actor, "action": action, "details": json.loads(details)}
        conn.execute(
            "UPDATE audit_log SET seq = ?, hash = ? WHERE seq = ?",
            (new, standalone_verify.audit_entry_hash(prev, forged), seq),
        )
        put_back_append_only(conn)  # the careful intruder leaves the schema as it was: only the number is wrong
    report = ws.audit.verify()
    assert report.ok is False and report.first_bad_seq == new and report.entries == seq - 1


def test_the_first_passphrase_reseals_the_meeting_in_a_new_process(tmp_path: Path) -> None:
    """A meeting set up without accounts; the app is closed and opened again, and the first thing done is the
    chair setting her passphrase: the meeting gets a fresh key that only the passphrase opens, and every row of
    the meeting is sealed again with it in that same transaction (the first write on the new connection)."""
    path = tmp_path / "kp.sqlite3"
    with workspace_at(path) as ws:
        built = build_round(ws, RoundKind.CONFIDENCE, nominees=3, printed=4, counting=False, accounts=False)
        meeting_id = built.meeting.id
        assert meeting_id is not None
        chair = ws.setup.add_board_member(BoardMember(None, meeting_id, "Hoàng Thị Lan", BoardRole.CHAIR))
        assert chair.id is not None
    keys.forget_all()
    with workspace_at(path) as ws:
        ws.accounts.set_passphrase(chair.id, "trưởng ban kiểm phiếu")
        last = ws.audit.entries()[-1]
        assert last.action == "passphrase_set"
        sealed = set(last.details["seal"][0]["digests"])
        assert {f"nominees:{i}" for i in built.ids} <= sealed and f"rounds:{built.round_id}" in sealed
        assert f"meetings:{meeting_id}" in sealed and f"board_members:{chair.id}" in sealed
        report = ws.audit.verify()
        assert report.ok, report


def test_a_thousand_rows_written_at_once_are_all_sealed(built: Built) -> None:
    """Rows are read back for their digests 500 at a time: a batch of 1,001 printed serials (three chunks, the
    last of one row) is sealed row by row, none taken for deleted."""
    ws = built.ws
    ws.register.print_batch(built.round_id, 1001)
    entry = ws.audit.entries()[-1]
    assert entry.action == "ballots_printed"
    digests = entry.details["seal"][0]["digests"]
    with raw(ws.path) as conn:
        newest = [i for (i,) in conn.execute("SELECT id FROM ballot_register ORDER BY id DESC LIMIT 1001")]
    assert len(newest) == 1001
    assert all(re.fullmatch(r"[0-9a-f]{32}", str(digests.get(f"ballot_register:{i}"))) for i in newest)
    assert ws.audit.verify().ok


def test_rows_deleted_by_a_cascade_are_sealed_as_gone_with_their_parent(built: Built) -> None:
    """A round deleted with everything that hangs on it (the foreign keys cascade): its nominees and printed
    serials can no longer say which meeting they belonged to, yet the entry seals them as gone, in the meeting's
    own group, so the check does not report them missing."""
    ws = built.ws
    other = build_round(ws, RoundKind.APPROVAL, meeting=built.meeting, nominees=2, printed=3, counting=False)
    children = [f"nominees:{i}" for i in other.ids]
    with raw(ws.path) as conn:
        children += [
            f"ballot_register:{i}"
            for (i,) in conn.execute("SELECT id FROM ballot_register WHERE round_id = ?", (other.round_id,))
        ]
    assert len(children) == 5
    with ws.setup._write() as s:
        s.execute(text("DELETE FROM rounds WHERE id = :r"), {"r": other.round_id})
        audit.append(s, "Hoàng Thị Lan", "round_deleted", {"round": other.round_id})
    entry = ws.audit.entries()[-1]
    (group,) = entry.details["seal"]
    assert group["meeting"] == built.meeting.id
    assert group["digests"] == dict.fromkeys(sorted([f"rounds:{other.round_id}", *children]))  # every one null
    report = ws.audit.verify()
    assert report.ok and report.bad_rows == ()
