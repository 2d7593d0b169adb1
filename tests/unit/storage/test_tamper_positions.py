"""Tamper tests at every position of the sealed chain: the first, a middle and the last entry or row.

A hostile user edits the SQLite file with python's sqlite3 module (dropping the append-only triggers first, as
anyone with the file can); `verify()` must fail and name the place, and so must `vote-counter verify-audit`.
Each sealed table is one line of SEALED below: a table the sealing covers is added there, and gets every
position and every edit kind for free.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers.builders import build_round, confidence_marks, raw, workspace_at
from tests.helpers.intruder import drop_append_only, put_back_append_only
from vote_counter.cli import main
from vote_counter.domain.model import Mode, RoundKind
from vote_counter.storage import audit
from vote_counter.storage.audit import ChainReport

POSITIONS = ("first", "middle", "last")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A counted test round: ballots saved, one corrected, one voided and restored; the last entry seals a ballot."""
    path = tmp_path_factory.mktemp("tamper") / "kp.sqlite3"
    with workspace_at(path) as ws:
        b = build_round(ws, RoundKind.CONFIDENCE, nominees=3, printed=8, mode=Mode.TEST, accounts=False)
        saved = [
            ws.counting.record(b.round_id, ib.payload, confidence_marks(b.ids, [k % 3, 1, 0]))
            for k, ib in enumerate(b.printed[:6])
        ]
        ws.counting.correct(saved[2].id, confidence_marks(b.ids, [2, 2, 2]), "Sửa theo phiếu giấy")
        ws.counting.void(saved[3].id, "Nhập nhầm")
        ws.counting.restore(saved[3].id, "Khôi phục")
        ws.counting.record(b.round_id, b.printed[6].payload, confidence_marks(b.ids, [0, 0, 0]))
        report = ws.audit.verify()
        assert report.ok and report.entries >= 12
    return path


@pytest.fixture
def db(template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "kp.sqlite3"
    shutil.copyfile(template, path)
    with raw(path) as conn:  # the intruder's first step: the file's own refusal of UPDATE and DELETE goes
        conn.execute("DROP TRIGGER audit_log_no_update")
        conn.execute("DROP TRIGGER audit_log_no_delete")
    return path


def _keys(path: Path, table: str, key: str) -> list[int]:
    with raw(path) as conn:
        return [r[0] for r in conn.execute(f"SELECT {key} FROM {table} ORDER BY {key}")]


def _pick(keys: list[int], position: str) -> int:
    return {"first": keys[0], "middle": keys[len(keys) // 2], "last": keys[-1]}[position]


def verify(path: Path) -> ChainReport:
    put_back_append_only(path)  # the careful intruder leaves the triggers as they were (schema_guard)
    with workspace_at(path) as ws:
        return ws.audit.verify()


def cli_says(path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    put_back_append_only(path)
    assert main(["--db", str(path), "verify-audit"]) == 2
    return capsys.readouterr().err


# ------------------------------------------------------------------ every sealed table, every row position


@dataclass(frozen=True)
class Sealed:
    table: str
    key: str
    edits: tuple[str, ...]  # SQL with {key}: what the intruder does to that row
    place: Callable[[int], str]  # the words verify-audit uses for that row


SEALED = (
    Sealed(
        "audit_log",
        "seq",
        (
            "UPDATE audit_log SET details = json_set(details, '$.forged', 1) WHERE seq = {key}",
            "UPDATE audit_log SET actor = 'Kẻ giả mạo' WHERE seq = {key}",
            "UPDATE audit_log SET at = '2020-01-01T00:00:00.000000+00:00' WHERE seq = {key}",
            "UPDATE audit_log SET action = 'meeting_updated' WHERE seq = {key}",
            "UPDATE audit_log SET hash = prev_hash WHERE seq = {key}",
        ),
        lambda seq: f"chuỗi nhật ký gãy tại mục số {seq}",
    ),
    Sealed(
        "ballots",
        "id",
        (
            "UPDATE ballots SET valid = 1 - valid WHERE id = {key}",
            # The last mark's level changed, whatever the stored format (compact "n:l,…" or older JSON).
            "UPDATE ballots SET marks = substr(marks, 1, length(marks) - 1) || "
            "CASE WHEN substr(marks, -1) = '0' THEN '1' ELSE '0' END WHERE id = {key}",
            "UPDATE ballots SET status = 'void' WHERE id = {key}",
            "UPDATE ballots SET reasons = 'unreadable' WHERE id = {key}",
            "UPDATE ballots SET serial = '000000000000' WHERE id = {key}",
            "DELETE FROM ballots WHERE id = {key}",
        ),
        lambda ballot: f"phiếu đã nhập số {ballot}",
    ),
    Sealed(
        "running_totals",
        "id",
        (
            "UPDATE running_totals SET data = replace(data, '\"valid\":', '\"valid\":1') WHERE id = {key}",
            "UPDATE running_totals SET basis = 'x' || basis WHERE id = {key}",
            "DELETE FROM running_totals WHERE id = {key}",
        ),
        lambda row: f"tổng cộng dồn số {row}",
    ),
)


def _found(report: ChainReport, sealed: Sealed, key: int) -> bool:
    if sealed.table == "audit_log":
        return report.first_bad_seq == key
    return report.first_bad_seq is None and report.bad_rows == ((sealed.table, key),)


@pytest.mark.parametrize("position", POSITIONS)
@pytest.mark.parametrize(
    ("sealed", "edit"),
    [pytest.param(s, e, id=f"{s.table}-{k}") for s in SEALED for k, e in enumerate(s.edits)],
)
def test_an_edit_at_any_position_is_found_and_named(
    db: Path, sealed: Sealed, edit: str, position: str, capsys: pytest.CaptureFixture[str]
) -> None:
    key = _pick(_keys(db, sealed.table, sealed.key), position)
    where = f"SELECT * FROM {sealed.table} WHERE {sealed.key} = ?"
    with raw(db) as conn:
        before = conn.execute(where, (key,)).fetchall()
        conn.execute(edit.format(key=key))
        after = conn.execute(where, (key,)).fetchall()
    assert after != before  # the edit really changed the row (a no-op would make this test pass vacuously)
    report = verify(db)
    assert not report.ok
    assert _found(report, sealed, key), report
    assert sealed.place(key) in cli_says(db, capsys)


# ------------------------------------------------------------------ the chain: forgers who rehash or delete


def _rehash(conn: object, seq: int, actor: str) -> None:
    row = conn.execute("SELECT seq, at, action, details, prev_hash FROM audit_log WHERE seq = ?", (seq,)).fetchone()  # type: ignore[attr-defined]
    seq, at, action, details, prev = row
    new_hash = audit._entry_hash(prev, seq, at, actor, action, details)
    conn.execute("UPDATE audit_log SET actor = ?, hash = ? WHERE seq = ?", (actor, new_hash, seq))  # type: ignore[attr-defined]


@pytest.mark.parametrize("position", ["first", "middle"])
def test_a_rehashed_entry_breaks_the_next_link(db: Path, position: str, capsys: pytest.CaptureFixture[str]) -> None:
    seq = _pick(_keys(db, "audit_log", "seq"), position)
    with raw(db) as conn:
        _rehash(conn, seq, "Kẻ giả mạo")
    report = verify(db)
    assert not report.ok and report.first_bad_seq == seq + 1
    assert f"mục số {seq + 1}" in cli_says(db, capsys)


def test_a_rehashed_last_entry_changes_the_head_printed_on_the_minutes(db: Path) -> None:
    """Nothing follows the last entry, so a forger who rehashes it keeps the chain whole: what catches it is the
    head, which the minutes, the export manifest and every backup carry. The head must move."""
    before = verify(db)
    last = _keys(db, "audit_log", "seq")[-1]
    with raw(db) as conn:
        drop_append_only(conn)  # verify() above had the careful intruder put them back
        _rehash(conn, last, "Kẻ giả mạo")
    after = verify(db)
    assert after.entries == before.entries and after.head != before.head


@pytest.mark.parametrize("position", ["first", "middle"])
def test_a_deleted_entry_is_found_where_it_was(db: Path, position: str, capsys: pytest.CaptureFixture[str]) -> None:
    seq = _pick(_keys(db, "audit_log", "seq"), position)
    with raw(db) as conn:
        conn.execute("DELETE FROM audit_log WHERE seq = ?", (seq,))
    report = verify(db)
    assert not report.ok and report.first_bad_seq == seq + 1
    assert f"mục số {seq + 1}" in cli_says(db, capsys)


def test_deleting_the_last_entry_unseals_the_ballot_it_sealed(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The last entry seals the last ballot saved: without it that ballot has no seal and is named."""
    with raw(db) as conn:
        seq, details = conn.execute("SELECT seq, details FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
        ballot = json.loads(details)["ballot"]
        conn.execute("DELETE FROM audit_log WHERE seq = ?", (seq,))
    report = verify(db)
    assert not report.ok and report.first_bad_seq is None and report.bad_ballots == (ballot,)
    assert f"phiếu đã nhập số {ballot}" in cli_says(db, capsys)


def test_the_untouched_copy_verifies(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The control: the same file, triggers dropped but nothing edited, is whole (so the failures above are the edits')."""
    assert verify(db).ok
    put_back_append_only(db)
    assert main(["--db", str(db), "verify-audit"]) == 0
    assert "Nhật ký toàn vẹn" in capsys.readouterr().out


@pytest.mark.parametrize("sealed", SEALED, ids=lambda s: s.table)
def test_every_single_row_is_checked(template: Path, tmp_path: Path, sealed: Sealed) -> None:
    """Not only first, middle and last: a check that took any one row on trust fails here at that row."""
    keys = _keys(template, sealed.table, sealed.key)
    for key in keys:
        path = tmp_path / f"{sealed.table}-{key}.sqlite3"
        shutil.copyfile(template, path)
        with raw(path) as conn:
            conn.execute("DROP TRIGGER audit_log_no_update")
            conn.execute(sealed.edits[0].format(key=key))
        report = verify(path)
        assert not report.ok and _found(report, sealed, key), (key, report)


# ------------------------------------------------------------------ what the report says (mutation testing found these)


def test_a_renumbered_and_rehashed_last_entry_is_caught_by_its_number(db: Path) -> None:
    """The forger renumbers the last entry and recomputes its hash: its link and hash are whole, only its
    number is wrong, and that alone must fail the check."""
    last = _keys(db, "audit_log", "seq")[-1]
    with raw(db) as conn:
        at, actor, action, details, prev = conn.execute(
            "SELECT at, actor, action, details, prev_hash FROM audit_log WHERE seq = ?", (last,)
        ).fetchone()
        new = last + 5
        digest = audit._entry_hash(prev, new, at, actor, action, details)
        conn.execute("UPDATE audit_log SET seq = ?, hash = ? WHERE seq = ?", (new, digest, last))
    report = verify(db)
    assert report.ok is False and report.first_bad_seq == new


def test_a_broken_chain_report_names_the_last_good_head(db: Path) -> None:
    """On failure: ok is False (not merely falsy), the entries before the break are counted, and the head is
    the last good entry's hash, so the board can compare it with the head printed on earlier minutes."""
    with raw(db) as conn:
        rows = conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq").fetchall()
        target = rows[len(rows) // 2][0]
        conn.execute("UPDATE audit_log SET actor = 'Kẻ giả mạo' WHERE seq = ?", (target,))
    report = verify(db)
    assert report.ok is False
    assert report.first_bad_seq == target and report.entries == target - 1
    assert report.head == rows[target - 2][1]
    assert report.bad_ballots == ()


def test_entries_read_back_exactly_as_stored(template: Path) -> None:
    with raw(template) as conn:
        stored = conn.execute("SELECT seq, at, actor, action, details, hash FROM audit_log ORDER BY seq").fetchall()
    with workspace_at(template) as ws:
        read = [(e.seq, e.at, e.actor, e.action, json.dumps(e.details), e.hash) for e in ws.audit.entries()]
        head = ws.audit.head()
    assert read == [(s, a, ac, act, json.dumps(json.loads(d)), h) for s, a, ac, act, d, h in stored]
    assert head == stored[-1][5]


def test_two_tampered_ballots_are_both_named_in_order(db: Path) -> None:
    ids = _keys(db, "ballots", "id")
    with raw(db) as conn:
        conn.execute("UPDATE ballots SET valid = 1 - valid WHERE id IN (?, ?)", (ids[-1], ids[0]))
    report = verify(db)
    assert report.ok is False and report.bad_ballots == (ids[0], ids[-1])


def test_entries_are_stored_in_one_canonical_form(template: Path) -> None:
    """What the hash covers is stored canonically, so any verifier (verify.py on another machine) recomputes it:
    UTC times with their offset, details as compact JSON with sorted keys and Vietnamese kept as written."""
    with raw(template) as conn:
        rows = conn.execute("SELECT at, details FROM audit_log ORDER BY seq").fetchall()
    assert any("Sửa theo phiếu giấy" in details for _, details in rows)  # not \\u-escaped
    for at, details in rows:
        moment = dt.datetime.fromisoformat(at)
        assert moment.utcoffset() == dt.timedelta(0) and at.endswith("+00:00") and len(at.split(".")[1]) == 12
        canonical = json.dumps(json.loads(details), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        assert details == canonical
