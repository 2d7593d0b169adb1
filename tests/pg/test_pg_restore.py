"""Restoring the hall's PostgreSQL from a pg_dump (issue 16): on the host, under the two-person rule, through the
command as the board runs it; what the database holds is read back with psycopg, not through the app."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from psycopg import sql

from tests.helpers.builders import (
    CHAIR_NAME,
    MEMBER_NAME,
    PASSPHRASES,
    ROUND_TITLES,
    Built,
    assert_vietnamese,
    build_round,
    sign_in_known_boards,
    valid_marks,
)
from tests.pg.conftest import Host, databases, new_database
from vote_counter.cli import main
from vote_counter.domain.model import BoardMemberId, RoundKind
from vote_counter.hosting import cluster
from vote_counter.services.errors import ErrorCode, ServiceError
from vote_counter.services.pg_backup import dump
from vote_counter.services.register import IssuedBallot
from vote_counter.services.workspace import Workspace
from vote_counter.storage import pg_schema

TWO = ["--as", CHAIR_NAME, "--with", MEMBER_NAME]


@dataclass
class Hall:
    host: Host
    url: str
    ws: Workspace  # a station that stays connected across the restore
    built: Built
    dumped: Path  # the dump made after the first three ballots

    @property
    def name(self) -> str:
        return self.url.rsplit("/", 1)[1]

    @property
    def data(self) -> str:
        return str(self.host.hall.folder)


def _state(host: Host, database: str) -> tuple[int, int, str]:
    """(ballots, audit entries, audit head), read with psycopg as the administrator."""
    with host.admin(database, autocommit=True) as conn:
        ballots = conn.execute("SELECT count(*) FROM main.ballots").fetchone()
        entries = conn.execute("SELECT count(*), max(seq) FROM main.audit_log").fetchone()
        head = conn.execute("SELECT hash FROM main.audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    assert ballots is not None and entries is not None and head is not None
    return int(str(ballots[0])), int(str(entries[0])), str(head[0])


def _record(ws: Workspace, built: Built, ballots: Sequence[IssuedBallot]) -> None:
    rng = random.Random(16)
    for ballot in ballots:
        ws.counting.record(built.round_id, ballot.payload, valid_marks(rng, RoundKind.CONFIDENCE, built.ids))


@pytest.fixture
def hall(pg_host: Host, pg_url: str, tmp_path: Path, drop_new_databases: None) -> Iterator[Hall]:
    cluster.remember(pg_host.hall)  # as `host` does at its first run: the administrator's credentials in DIR
    ws = Workspace.open(pg_url, station="Tổ 1")
    built = build_round(ws, RoundKind.CONFIDENCE, nominees=3, printed=12)  # the chair and a member signed in
    _record(ws, built, built.printed[:3])
    dumped = dump(ws.url, tmp_path / "dumps", "sau ba phiếu")
    _record(ws, built, built.printed[3:7])  # four more after the dump
    h = Hall(pg_host, pg_url, ws, built, dumped)
    try:
        yield h
    finally:
        ws.close()
        h.ws.close()  # the station as a test left it (reopened after a restore); drop_new_databases then drops
        # the replaced databases the tests kept


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _scratch_left(host: Host) -> list[str]:
    return sorted(n for n in databases(host) if n.startswith("kiemphieu_restore_"))


def test_the_dry_run_lists_the_ballots_entered_after_the_dump_and_changes_nothing(
    hall: Hall, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _state(hall.host, hall.name)
    assert before[0] == 7
    code, out, err = _run(capsys, "--db", hall.url, "restore", str(hall.dumped), "--data", hall.data)
    assert code == 0, err
    assert f"Bản sao lưu {hall.dumped.name} hợp lệ" in out
    dropped = [line for line in out.splitlines() if line.startswith("  - ")]
    assert dropped == [f"  - Lượt {hall.built.round_id} “{ROUND_TITLES[RoundKind.CONFIDENCE]}”: 4 phiếu đã nhập"]
    assert "CHƯA khôi phục" in out
    assert _state(hall.host, hall.name) == before
    assert _scratch_left(hall.host) == []


def test_restore_needs_the_chair_and_a_member_then_replaces_the_database_and_keeps_the_old_one(
    hall: Hall, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _state(hall.host, hall.name)
    code, out, err = _run(capsys, "--db", hall.url, "restore", str(hall.dumped), "--data", hall.data, "--confirm")
    assert code == 1 and "Trưởng ban và một thành viên" in err, err
    assert_vietnamese(err)
    monkeypatch.setenv("KP_PASSPHRASE", PASSPHRASES[CHAIR_NAME])
    monkeypatch.setenv("KP_PASSPHRASE2", "sai mật khẩu hoàn toàn")
    code, out, err = _run(capsys, "--db", hall.url, *TWO, "restore", str(hall.dumped), "--data", hall.data, "--confirm")
    assert code == 1 and "không đúng" in err, err
    # Refused twice: no ballot changed, no scratch database left; the wrong passphrase counted on the live board
    # (its lockout holds for restores too), logged there as any failed sign-in.
    after_refusals = _state(hall.host, hall.name)
    assert after_refusals[0] == before[0] and after_refusals[1] == before[1] + 1
    with hall.host.admin(hall.name, autocommit=True) as conn:
        failed = conn.execute("SELECT action, details FROM main.audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    assert failed is not None and failed[0] == "sign_in_failed" and MEMBER_NAME in str(failed[1])
    assert _scratch_left(hall.host) == []

    # Meanwhile the member mistyped their passphrase at a station (counted and logged on the live board): written
    # after the dry run, it is listed with what the restore drops (the --confirm run lists again), not a refusal.
    assert hall.built.meeting.id is not None
    (member,) = [m for m in hall.ws.setup.board(hall.built.meeting.id) if m.full_name == MEMBER_NAME]
    assert member.id is not None
    with pytest.raises(ServiceError):
        hall.ws.accounts.verify(BoardMemberId(member.id), "gõ nhầm mật khẩu")
    kept = _state(hall.host, hall.name)
    assert kept[1] == after_refusals[1] + 1  # the failure's entry

    monkeypatch.setenv("KP_PASSPHRASE2", PASSPHRASES[MEMBER_NAME])
    code, out, err = _run(capsys, "--db", hall.url, *TWO, "restore", str(hall.dumped), "--data", hall.data, "--confirm")
    assert code == 0, err
    assert "Đã khôi phục" in out and "Đã bỏ: Lượt" in out and "4 phiếu đã nhập" in out
    replaced = [n for n in databases(hall.host) if n.startswith("kiemphieu_replaced_")]
    assert len(replaced) == 1 and replaced[0] in out
    assert _scratch_left(hall.host) == []

    ballots, entries, _head = _state(hall.host, hall.name)
    assert ballots == 3  # the four entered after the dump are gone
    with hall.host.admin(hall.name, autocommit=True) as conn:
        last = conn.execute("SELECT actor, action, details FROM main.audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    assert last is not None and last[1] == "backup_restored"
    assert last[0] == f"{CHAIR_NAME} + {MEMBER_NAME}"
    details = json.loads(str(last[2]))
    assert details["backup"] == hall.dumped.name and details["replaced_database"] == replaced[0]
    assert details["dropped"] == [
        f"Lượt {hall.built.round_id} “{ROUND_TITLES[RoundKind.CONFIDENCE]}”: 4 phiếu đã nhập",
        "Hội nghị và Ban kiểm phiếu: 2 thay đổi khác",  # the two failed sign-ins
    ]
    # The replaced database is kept as it was when the restore began.
    replaced_state = _state(hall.host, replaced[0])
    assert replaced_state == kept

    code, out, err = _run(capsys, "--db", hall.url, "--as", CHAIR_NAME, "verify-audit")
    assert code == 0, err
    assert f"Nhật ký toàn vẹn: {entries} mục" in out

    # The station that stayed connected does not write into what it remembers of the old database.
    with pytest.raises(ServiceError) as info:
        _record(hall.ws, hall.built, hall.built.printed[7:8])
    assert info.value.code is ErrorCode.HALL_REPLACED
    assert hall.ws.watch is not None and hall.ws.watch.replaced
    assert_vietnamese(info.value.message)
    assert _state(hall.host, hall.name)[:2] == (3, entries)
    assert _state(hall.host, replaced[0]) == replaced_state
    # Reopened, it reads the restored database and saves again.
    hall.ws.close()
    hall.ws = Workspace.open(hall.url, station="Tổ 1")
    sign_in_known_boards(hall.ws)
    _record(hall.ws, hall.built, hall.built.printed[7:8])
    assert _state(hall.host, hall.name)[0] == 4


def _flip(source: Path, target: Path) -> Path:
    data = bytearray(source.read_bytes())
    for i in range(len(data) // 2, len(data) // 2 + 64):
        data[i] ^= 0xFF
    target.write_bytes(bytes(data))
    return target


def test_a_damaged_dump_another_meetings_dump_and_a_tampered_one_are_refused_leaving_nothing(
    hall: Hall, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KP_PASSPHRASE", PASSPHRASES[CHAIR_NAME])
    monkeypatch.setenv("KP_PASSPHRASE2", PASSPHRASES[MEMBER_NAME])
    damaged = _flip(hall.dumped, tmp_path / "20261130-010203-000000_hong.pgdump")

    other_url = new_database(hall.host)  # another meeting, made the same way on the same host
    other = Workspace.open(other_url)
    try:
        build_round(other, RoundKind.CONFIDENCE, nominees=2, printed=3)
        foreign = dump(other.url, tmp_path / "other", "hoi nghi khac")
    finally:
        other.close()

    # A sealed ballot changed behind the app's back, then dumped.
    with hall.host.admin(hall.name, autocommit=True) as owner:
        owner.execute(pg_schema.TOUCHED_DDL)
        owner.execute("UPDATE main.ballots SET valid = NOT valid WHERE id = (SELECT min(id) FROM main.ballots)")
    tampered = dump(hall.url, tmp_path / "tampered", "da bi sua")
    with hall.host.admin(hall.name, autocommit=True) as owner:
        owner.execute(pg_schema.TOUCHED_DDL)
        owner.execute("UPDATE main.ballots SET valid = NOT valid WHERE id = (SELECT min(id) FROM main.ballots)")

    before = _state(hall.host, hall.name)
    for path, words in (
        (damaged, "Chi tiết: pg_restore: "),  # the tool's own line, after the Vietnamese sentence
        (foreign, "là của hội nghị khác"),
        (tampered, "dữ liệu khác với lúc niêm phong"),
    ):
        for confirm in ([], ["--confirm"]):
            code, out, err = _run(capsys, "--db", hall.url, *TWO, "restore", str(path), "--data", hall.data, *confirm)
            assert code == 1 and words in err, (path.name, err)
            assert out == ""
            assert "Chưa có gì thay đổi" in err or "không bị thay đổi" in err
            assert_vietnamese(err)
            assert _state(hall.host, hall.name) == before
            assert _scratch_left(hall.host) == []


@pytest.mark.parametrize("spoilt", ["truncated", "random bytes"])
def test_a_truncated_dump_or_random_bytes_are_refused_in_vietnamese_with_the_tools_words_as_a_detail(
    hall: Hall, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spoilt: str
) -> None:
    """pg_restore's English error stays out of the sentence: a Vietnamese sentence that says what is wrong with
    the file, the tool's last line only after "Chi tiết:"; nothing changes, no scratch database is left."""
    monkeypatch.setenv("KP_PASSPHRASE", PASSPHRASES[CHAIR_NAME])
    monkeypatch.setenv("KP_PASSPHRASE2", PASSPHRASES[MEMBER_NAME])
    data = hall.dumped.read_bytes()
    path = tmp_path / "20261130-010203-000000_loi.pgdump"
    if spoilt == "truncated":  # a copy that stopped half-way (a stick pulled out)
        path.write_bytes(data[: len(data) // 2])
        sentence = "tệp sao lưu bị cắt ngắn hoặc hỏng, có thể chưa chép hết"
    else:
        path.write_bytes(random.Random(7).randbytes(len(data)))
        sentence = "tệp sao lưu hỏng hoặc không phải tệp pg_dump"
    before = _state(hall.host, hall.name)
    for confirm in ([], ["--confirm"]):
        code, out, err = _run(capsys, "--db", hall.url, *TWO, "restore", str(path), "--data", hall.data, *confirm)
        assert code == 1 and out == "", err
        lines = err.strip().splitlines()
        assert f"Bản sao lưu “{path.name}” không dùng được ({sentence})." in lines[0], err
        assert "không bị thay đổi" in lines[0] and "error" not in lines[0].lower(), err
        assert_vietnamese(lines[0])
        assert lines[-1].startswith("Chi tiết: pg_restore: error: "), err
        assert len([line for line in lines if line.startswith("Chi tiết:")]) == 1
        assert _state(hall.host, hall.name) == before
        assert _scratch_left(hall.host) == []


def test_restore_is_refused_off_the_host_and_for_the_wrong_kind_of_backup(
    hall: Hall, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    before = _state(hall.host, hall.name)
    empty = tmp_path / "not-a-host"
    empty.mkdir()
    sqlite_backup = tmp_path / "20261130-010203-000000_thu-cong.sqlite3"
    sqlite_backup.write_bytes(b"SQLite format 3\x00")
    cases = [
        (["restore", str(hall.dumped)], "chỉ làm được trên máy chủ hội trường"),
        (["restore", str(hall.dumped), "--confirm"], "chỉ làm được trên máy chủ hội trường"),
        (["restore", str(sqlite_backup), "--data", hall.data], "cần tệp .pgdump"),
        (["restore", str(hall.dumped), "--data", str(empty), "--confirm"], "không phải thư mục dữ liệu của máy chủ"),
    ]
    for argv, words in cases:
        code, out, err = _run(capsys, "--db", hall.url, *argv)
        assert code == 1 and out == "" and words in err, (argv, err)
        assert_vietnamese(err)
    assert _state(hall.host, hall.name) == before
    assert _scratch_left(hall.host) == []
    # A dump named for a SQLite file is refused there too, and the file is left as it was.
    db = tmp_path / "kp.sqlite3"
    code, out, err = _run(capsys, "--db", str(db), "restore", str(hall.dumped))
    assert code == 1 and "pg_dump của cơ sở dữ liệu chung" in err, err


def test_backups_lists_this_stations_dumps(hall: Hall, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "--db", hall.url, "backups")
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == 1  # the dump made when counting opened (the fixture's own went to another folder)
    assert f"luot{hall.built.round_id}-counting" in lines[0] and lines[0].endswith(".pgdump")
    assert " byte  " in lines[0]


def test_the_swap_stops_when_a_station_wrote_after_the_dry_run_and_renames_nothing(hall: Hall) -> None:
    from vote_counter.services import pg_restore

    host = pg_restore.host_access(hall.url, Path(hall.data))
    scratch = pg_restore.SCRATCH_PREFIX + "test"
    with hall.host.admin() as conn:
        conn.autocommit = True
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(scratch)))
    before = _state(hall.host, hall.name)
    with pytest.raises(ServiceError) as info:
        pg_restore.swap(host, scratch, "kiemphieu_replaced_test", live_head="0" * 64)  # not the live head now
    assert info.value.code is ErrorCode.RESTORE_CHANGED
    assert_vietnamese(info.value.message)
    names = databases(hall.host)
    assert hall.name in names and scratch in names and "kiemphieu_replaced_test" not in names
    assert _state(hall.host, hall.name) == before
    # The stations may connect again (CONNECT given back) and find the database they opened.
    hall.ws.close()
    hall.ws = Workspace.open(hall.url)
    sign_in_known_boards(hall.ws)
    _record(hall.ws, hall.built, hall.built.printed[7:8])
    assert _state(hall.host, hall.name)[0] == before[0] + 1
