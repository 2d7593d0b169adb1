"""Issue 12, nothing counted is lost: a run-level error ends the run once; the database file removed or
replaced under a running command is noticed before the next acknowledgement; print-ballots and minutes
leave either a logged, complete file or nothing."""

from __future__ import annotations

import json
import os
import resource
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.helpers.builders import (
    CHAIR_NAME,
    MEMBER_NAME,
    PASSPHRASES,
    assert_vietnamese,
    build_round,
    count_and_close,
    raw,
    snapshot,
    workspace_at,
)
from vote_counter import cli
from vote_counter.domain.model import Mode, RoundKind
from vote_counter.services import durable_files
from vote_counter.services.counting import CountingService
from vote_counter.services.errors import ErrorCode, ServiceError
from vote_counter.services.workspace import Workspace
from vote_counter.storage.file_identity import file_identity

ROOT = Path(__file__).resolve().parents[2]
TWO = ["--as", CHAIR_NAME, "--with", MEMBER_NAME]


@pytest.fixture(autouse=True)
def _passphrases(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cli.ENV_PASSPHRASE, PASSPHRASES[CHAIR_NAME])
    monkeypatch.setenv(cli.ENV_PASSPHRASE2, PASSPHRASES[MEMBER_NAME])


@pytest.fixture
def counting(tmp_path: Path) -> Iterator[tuple[Path, int, list[str]]]:
    db = tmp_path / "kp.sqlite3"
    with workspace_at(db) as ws:
        b = build_round(ws, RoundKind.CONFIDENCE, nominees=3, printed=60)
        payloads = [p.payload for p in b.printed]
        rid = b.round_id
    yield db, rid, payloads


def _ballot_file(path: Path, payloads: list[str]) -> Path:
    lines = [json.dumps({"code": p, "marks": {"1": [0], "2": [1], "3": [2]}}) for p in payloads]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _ballots(db: Path) -> int:
    with raw(db) as conn:
        return int(conn.execute("SELECT count(*) FROM ballots").fetchone()[0])


# ---------------------------------------------------------------- the database file taken away


def test_file_identity_tells_the_same_file_from_a_replacement(tmp_path: Path) -> None:
    path, other = tmp_path / "a.sqlite3", tmp_path / "b.sqlite3"
    path.write_bytes(b"one")
    first = file_identity(path)
    assert first is not None and file_identity(path) == first
    with path.open("ab") as fh:
        fh.write(b" more")  # written to: still the same file
    assert file_identity(path) == first
    other.write_bytes(b"one")
    os.replace(other, path)  # replaced by another file with the same content
    assert file_identity(path) not in (None, first)
    path.unlink()
    assert file_identity(path) is None


def test_database_deleted_while_enter_ballots_runs(
    counting: tuple[Path, int, list[str]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The file is removed (as by another program) after the 10th ballot: the run stops before the next
    acknowledgement, says so once, exits non-zero; the next command does not create an empty database."""
    db, rid, payloads = counting
    record = CountingService.record
    calls = {"n": 0}

    def record_then_delete(self: CountingService, *args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] == 11:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
        return record(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(CountingService, "record", record_then_delete)
    path = _ballot_file(tmp_path / "b.jsonl", payloads[:50])
    assert cli.main(["--db", str(db), *TWO, "enter-ballots", str(rid), str(path)]) == 3
    out, err = capsys.readouterr()
    assert "Đã lưu 50" not in out and "Đã lưu" not in out
    assert err.count("đã bị xóa, di chuyển hoặc thay bằng tệp khác") == 1, err
    assert "Dừng ở dòng 11: đã lưu 10 phiếu" in err
    assert_vietnamese(err)
    assert calls["n"] == 11  # no line after the failure was tried
    assert not db.exists()
    assert cli.main(["--db", str(db), *TWO, "list"]) == 1
    assert "Không có tệp cơ sở dữ liệu" in capsys.readouterr().err
    assert not db.exists(), "an empty database was created in place of the missing one"
    assert cli.main(["--db", str(db), "--new", "list"]) == 0  # on purpose only
    assert db.exists()


def test_database_replaced_under_an_open_workspace(counting: tuple[Path, int, list[str]], tmp_path: Path) -> None:
    """Moved away and a copy put back under the same name: the workspace's next save is refused."""
    db, rid, payloads = counting
    ws = Workspace.open(db)
    try:
        from tests.helpers.builders import sign_in_known_boards

        sign_in_known_boards(ws)
        ids = [n.id for n in ws.setup.nominees(rid) if n.id is not None]
        from vote_counter.domain.model import BallotMarks, NomineeId, RoundId

        marks = BallotMarks({NomineeId(i): frozenset({0}) for i in ids})
        ws.counting.record(RoundId(rid), payloads[0], marks)
        with raw(db) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        moved = tmp_path / "moved.sqlite3"
        os.rename(db, moved)
        db.write_bytes(moved.read_bytes())
        with pytest.raises(ServiceError) as info:
            ws.counting.record(RoundId(rid), payloads[1], marks)
        assert info.value.code is ErrorCode.DATABASE_REPLACED
        assert_vietnamese(info.value.message)
    finally:
        ws.close()


def test_a_held_lock_ends_the_run_once(
    counting: tuple[Path, int, list[str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, rid, payloads = counting
    path = _ballot_file(tmp_path / "b.jsonl", payloads[:40])
    holder = sqlite3.connect(db, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another program holds the write lock
        assert cli.main(["--db", str(db), *TWO, "enter-ballots", str(rid), str(path)]) == 3
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    out, err = capsys.readouterr()
    assert err.count("tệp dữ liệu đang bị một chương trình khác giữ") == 1, err
    assert "Dừng ở dòng 1: đã lưu 0 phiếu" in err and "Đã lưu" not in out
    assert _ballots(db) == 0


# ---------------------------------------------------------------- files the database vouches for


def _limited(limit: int) -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail with EFBIG, as on a full disk
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX")
def test_print_ballots_to_a_full_disk_registers_no_serial(tmp_path: Path) -> None:
    db = tmp_path / "kp.sqlite3"
    with workspace_at(db) as ws:
        b = build_round(ws, RoundKind.CONFIDENCE, nominees=5, printed=0, counting=False)
        rid = b.round_id
    with raw(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before, content = snapshot(db), db.read_bytes()
    out = tmp_path / "in"
    out.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    argv = [sys.executable, "-m", "vote_counter", "--db", str(db), *TWO, "print-ballots", str(rid), "--count", "200"]
    done = subprocess.run(
        [*argv, "--out", str(out / "phieu.pdf")],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
        check=False,
        preexec_fn=lambda: _limited(max(db.stat().st_size, 96 * 1024)),
    )
    print(done.stderr)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert "Không ghi được tệp phieu.pdf (ổ đĩa đã đầy" in done.stderr
    assert "chưa đăng ký số phiếu nào" in done.stderr
    assert_vietnamese(done.stderr.strip())
    assert list(out.iterdir()) == [], "a PDF or a temporary file was left"
    assert snapshot(db) == before and db.read_bytes() == content, "serials were registered without their PDF"

    # Space is back: the same command registers the serials with their PDF.
    ok = subprocess.run([*argv, "--out", str(out / "phieu.pdf")], capture_output=True, text=True, env=env, cwd=ROOT)
    assert ok.returncode == 0, ok.stderr
    assert len(PdfReader(out / "phieu.pdf").pages) == 200
    with raw(db) as conn:
        assert conn.execute("SELECT count(*) FROM ballot_register").fetchone()[0] == 200


def test_minutes_not_logged_leave_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The files are placed, then the log entry fails (another program holds the lock): both files go."""
    db = tmp_path / "kp.sqlite3"
    with workspace_at(db) as ws:
        b = build_round(ws, RoundKind.APPROVAL, nominees=2, printed=6, mode=Mode.LIVE)
        count_and_close(b, 4)
        rid = b.round_id
    ws = Workspace.open(db, busy_timeout=0.2)
    from tests.helpers.builders import sign_in_known_boards

    sign_in_known_boards(ws)
    holder = sqlite3.connect(db, isolation_level=None)
    place = durable_files.place_files

    def place_then_lock(files: dict[Path, bytes]) -> list[Path]:
        placed = place(files)
        assert all(p.exists() for p in placed)
        holder.execute("BEGIN IMMEDIATE")
        return placed

    monkeypatch.setattr(durable_files, "place_files", place_then_lock)
    out = tmp_path / "bien_ban"
    before = snapshot(db)
    try:
        with pytest.raises(ServiceError) as info:
            ws.reports.write_minutes(rid, out)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        ws.close()
    assert info.value.code is ErrorCode.STORAGE
    assert list(out.iterdir()) == [], "an unlogged minutes file or a temporary file was left"
    assert snapshot(db) == before


def test_first_print_of_the_minutes_needs_two_people(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "kp.sqlite3"
    with workspace_at(db) as ws:
        b = build_round(ws, RoundKind.APPROVAL, nominees=2, printed=6)
        count_and_close(b, 4)
        rid = b.round_id
    before = snapshot(db)
    out = tmp_path / "bien_ban"
    assert cli.main(["--db", str(db), "--as", CHAIR_NAME, "minutes", str(rid), "--out", str(out)]) == 1
    assert "Trưởng ban và thêm một thành viên" in capsys.readouterr().err
    assert snapshot(db) == before and not out.exists()
    assert cli.main(["--db", str(db), *TWO, "minutes", str(rid), "--out", str(out)]) == 0


def test_a_tampered_database_prints_and_exports_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "kp.sqlite3"
    with workspace_at(db) as ws:
        b = build_round(ws, RoundKind.APPROVAL, nominees=2, printed=6)
        count_and_close(b, 4)
        rid, mid = b.round_id, b.meeting.id
    with raw(db) as conn:  # a ballot's last mark changed with sqlite3 (compact "n:l,…" format)
        (bid, marks) = conn.execute("SELECT id, marks FROM ballots ORDER BY id LIMIT 1").fetchone()
        changed = marks[:-1] + ("1" if marks[-1] == "0" else "0")
        assert changed != marks
        conn.execute("UPDATE ballots SET marks = ? WHERE id = ?", (changed, bid))
    before = snapshot(db)
    out = tmp_path / "out"
    for argv in (
        ["minutes", str(rid), "--out", str(out)],
        ["minutes", str(rid), "--out", str(out), "--annex"],
        ["results-files", str(mid), "--out", str(out)],
        ["export", str(mid), "--out", str(tmp_path)],
    ):
        assert cli.main(["--db", str(db), *TWO, *argv]) == 1, argv
        err = capsys.readouterr().err
        assert "Dữ liệu bị sửa ngoài phần mềm" in err, (argv, err)
    assert not out.exists() and not [p for p in tmp_path.iterdir() if p.name.startswith("KetQua")]
    assert snapshot(db) == before


def test_the_window_is_not_opened_on_a_new_file_in_place_of_a_missing_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from vote_counter.app import main

    missing = tmp_path / "usb" / "kp.sqlite3"
    assert main(["--db", str(missing)]) == 2
    assert "Không có tệp cơ sở dữ liệu" in capsys.readouterr().err
    assert not missing.exists() and not missing.parent.exists()
