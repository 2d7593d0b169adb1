"""What a killed restore or dump leaves behind on the host (issue 16): the host drops the scratch databases of a
dry run or restore killed half-way when it starts, and says so; it never touches the kept replaced databases.
A pg_dump killed with its process leaves a `.….partial-…` file: never listed as a backup, removed by the next dump."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from psycopg import sql

from tests.helpers.builders import assert_vietnamese
from tests.pg.conftest import Host
from vote_counter.hosting import cluster, server
from vote_counter.services.errors import ServiceError
from vote_counter.services.pg_backup import DUMP_TIMEOUT, dump, list_dumps
from vote_counter.services.pg_restore import HostAccess, drop_leftover_scratch

SCRATCH = "kiemphieu_restore_dead0bad"
REPLACED = "kiemphieu_replaced_20261130_031500_ab12"


def _host(data: Path, port: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "vote_counter", "host", "--data", str(data), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )


def _line(proc: subprocess.Popen[str]) -> str:
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.startswith("KP_DB=postgresql+psycopg://"), line
    return line


def _stop(proc: subprocess.Popen[str]) -> str:
    proc.send_signal(signal.SIGTERM)
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    return err


def _names(creds: cluster.Credentials, port: int) -> set[str]:
    with cluster.admin_connect(creds, "127.0.0.1", port, "postgres") as conn:
        return {str(r[0]) for r in conn.execute("SELECT datname FROM pg_database").fetchall()}


def test_the_host_drops_a_killed_restores_scratch_database_at_start_and_keeps_the_replaced_one(
    data_dir: Path,
) -> None:
    port = server.free_port("127.0.0.1")
    first = _host(data_dir, port)
    _line(first)
    creds = cluster.read_credentials(data_dir)
    with cluster.admin_connect(creds, "127.0.0.1", port, "postgres") as conn:
        conn.autocommit = True
        for name in (SCRATCH, REPLACED):  # what a killed dry run and an earlier restore leave on the server
            conn.execute(
                sql.SQL("CREATE DATABASE {} OWNER {} TEMPLATE template0").format(
                    sql.Identifier(name), sql.Identifier(creds.admin_user)
                )
            )
    said = _stop(first)
    assert "cơ sở dữ liệu tạm" not in said  # the first start had nothing to clean

    again = _host(data_dir, port)
    try:
        _line(again)  # printed after the clean-up: no station can meet the scratch database
        names = _names(creds, port)
        assert SCRATCH not in names
        assert REPLACED in names and creds.database in names
    finally:
        err = _stop(again)
    told = [x for x in err.splitlines() if "cơ sở dữ liệu tạm" in x]
    assert len(told) == 1 and SCRATCH in told[0] and REPLACED not in told[0], err
    assert told[0].startswith("Đã xoá 1 cơ sở dữ liệu tạm còn sót lại")
    assert_vietnamese(told[0])


def test_dropping_leftovers_drops_only_scratch_databases(pg_host: Host) -> None:
    creds = pg_host.creds
    made = [SCRATCH, "kiemphieu_restore_0000beef", REPLACED, "kiemphieu_restorex"]
    with pg_host.admin() as conn:
        conn.autocommit = True
        for name in made:
            conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name)))
    try:
        # A connection still open on a scratch database (the killed process's server side) does not stop the drop.
        with pg_host.admin(SCRATCH):
            dropped = drop_leftover_scratch(HostAccess(creds, "127.0.0.1", pg_host.port, creds.database))
        assert dropped == ["kiemphieu_restore_0000beef", SCRATCH]
        left = _names(creds, pg_host.port)
        assert not {"kiemphieu_restore_0000beef", SCRATCH} & left
        assert {REPLACED, "kiemphieu_restorex"} <= left  # "restorex": not our prefix (no LIKE wildcard match)
        assert drop_leftover_scratch(HostAccess(creds, "127.0.0.1", pg_host.port, creds.database)) == []
    finally:
        with pg_host.admin() as conn:
            conn.autocommit = True
            for name in made:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def test_a_server_that_does_not_answer_is_said_in_vietnamese(pg_host: Host) -> None:
    creds = pg_host.creds
    with pytest.raises(ServiceError) as info:
        drop_leftover_scratch(HostAccess(creds, "127.0.0.1", server.free_port("127.0.0.1"), creds.database))
    assert_vietnamese(info.value.message)


def test_a_killed_dumps_partial_file_is_never_a_backup_and_the_next_dump_removes_it(
    pg_url: str, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    old = folder / ".20261130-031000-000000_giai-doan.pgdump.partial-0a1b2c3d"
    young = folder / ".20261130-035900-000000_giai-doan.pgdump.partial-99887766"
    other = folder / ".ghi-chu.txt"  # not ours: left alone
    for path in (old, young, other):
        path.write_bytes(b"PGDMP half")
    hours_ago = time.time() - DUMP_TIMEOUT - 3600
    os.utime(old, (hours_ago, hours_ago))
    assert list_dumps(folder) == []  # a half-written dump is not listed as a backup

    made = dump(pg_url, folder, "sau sự cố")
    assert not old.exists()
    assert young.exists()  # as young as a dump still running (another window of this laptop): left
    assert other.exists()
    assert [b.path for b in list_dumps(folder)] == [made]
