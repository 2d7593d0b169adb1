"""`vote-counter host` run as the board runs it: a process in the foreground, stopped by a signal (issue 16)."""

from __future__ import annotations

import os
import random
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.builders import assert_vietnamese, build_round, valid_marks
from vote_counter.domain.model import RoundKind
from vote_counter.hosting import cluster, server
from vote_counter.services.errors import ErrorCode, ServiceError
from vote_counter.services.workspace import Workspace

LINE = re.compile(r"^KP_DB=postgresql\+psycopg://kp_app:[A-Za-z0-9_-]{20,}@127\.0\.0\.1:(\d+)/kiemphieu$")


def _host(data: Path, port: int, *extra: str, stdin: int | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "vote_counter", "host", "--data", str(data), "--port", str(port), *extra],
        stdin=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )


def _url_of(proc: subprocess.Popen[str]) -> str:
    assert proc.stdout is not None
    line = proc.stdout.readline().rstrip("\n")
    assert LINE.match(line), line
    return line.removeprefix("KP_DB=")


def _stop(proc: subprocess.Popen[str], sig: int) -> tuple[str, str]:
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    return out, err


def _save(ws: Workspace, round_id: int, payload: str, ids: list[int]) -> None:
    ws.counting.record(round_id, payload, valid_marks(random.Random(payload), RoundKind.CONFIDENCE, ids))  # type: ignore[arg-type]


def test_host_serves_stops_cleanly_keeps_its_cluster_and_stations_ride_through_a_restart(data_dir: Path) -> None:
    port = server.free_port("127.0.0.1")
    proc = _host(data_dir, port)
    url = _url_of(proc)
    creds = data_dir / cluster.CREDENTIALS
    assert creds.stat().st_mode & 0o077 == 0  # the password file: its owner only
    ws = Workspace.open(url, station="Tổ 1")
    try:
        built = build_round(ws, RoundKind.CONFIDENCE, nominees=3, printed=6)
        for b in built.printed[:3]:
            _save(ws, built.round_id, b.payload, built.ids)
        out, err = _stop(proc, signal.SIGTERM)
        assert out == ""  # the one line was the only output on stdout
        assert "Đã dừng máy chủ hội trường" in err
        hall = cluster.prepare(data_dir)
        assert not cluster.running(hall)  # stopped, not left behind

        # The host is away: the station says so in Vietnamese and nothing is saved.
        with pytest.raises(ServiceError) as info:
            _save(ws, built.round_id, built.printed[3].payload, built.ids)
        assert info.value.code is ErrorCode.HOST_UNREACHABLE
        assert_vietnamese(info.value.message)

        # The second run reuses the cluster and its credentials (SIGINT = Ctrl+C this time).
        again = _host(data_dir, port)
        try:
            assert _url_of(again) == url
            for b in built.printed[3:]:  # the same workspace resumes: its dead connections are replaced
                _save(ws, built.round_id, b.payload, built.ids)
            totals = ws.counting.totals(built.round_id)
            assert totals.valid + totals.invalid == 6
            assert ws.audit.verify().ok
        finally:
            _stop(again, signal.SIGINT)
    finally:
        ws.close()


def test_a_port_in_use_is_refused_in_vietnamese_before_anything_is_made(data_dir: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = _host(data_dir, port)
        out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1 and out == ""
    assert f"Cổng {port}" in err and "đang được chương trình khác dùng" in err
    assert_vietnamese(err)
    assert not data_dir.exists()


def test_a_folder_holding_something_else_is_refused_and_left_alone(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    (data_dir / "bao-cao.docx").write_bytes(b"not ours")
    proc = _host(data_dir, server.free_port("127.0.0.1"))
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1 and out == ""
    assert "đang chứa dữ liệu khác" in err
    assert_vietnamese(err)
    assert sorted(p.name for p in data_dir.iterdir()) == ["bao-cao.docx"]


def test_a_folder_that_cannot_be_written_is_refused(data_dir: Path) -> None:
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    blocker = data_dir.parent / "a-file"
    blocker.write_text("x")
    proc = _host(blocker / "inside", server.free_port("127.0.0.1"))
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1 and out == ""
    assert "Không ghi được vào thư mục" in err
    assert_vietnamese(err)


@pytest.mark.parametrize("listen", ["0.0.0.0", "hoi-truong.local", "192.168.1.10/40"])
def test_an_address_that_names_no_hall_network_is_refused(data_dir: Path, listen: str) -> None:
    proc = _host(data_dir, server.free_port("127.0.0.1"), "--listen", listen)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1 and out == ""
    assert f"“{listen}” không dùng được" in err
    assert_vietnamese(err)


def test_a_port_out_of_range_is_refused(data_dir: Path) -> None:
    proc = _host(data_dir, 80)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1 and out == ""
    assert "Cổng 80 không dùng được" in err
    assert os.path.exists(data_dir) is False


def _stopped_cleanly(proc: subprocess.Popen[str], hall: cluster.Cluster, log_before: str) -> str:
    """The host ended by itself (no signal sent), said so, and PostgreSQL's log shows a fast shutdown run to its
    end; the log's new part."""
    assert proc.stdout is not None and proc.stderr is not None
    with proc:  # its pipes closed after
        out, err = proc.stdout.read(), proc.stderr.read()  # to their end: the host has ended (little output)
        assert proc.wait(timeout=120) == 0, err
    assert out == "" and "Đã dừng máy chủ hội trường; mọi dữ liệu đã lưu." in err
    assert not cluster.running(hall)
    log = hall.log.read_text(encoding="utf-8")[len(log_before) :]
    assert "received fast shutdown request" in log and log.rstrip().endswith("database system is shut down")
    assert "immediate shutdown request" not in log  # ("checkpoint starting: shutdown immediate" is the fast one)
    return log


def test_host_stops_without_a_signal_by_its_stop_file_or_when_its_input_ends(data_dir: Path, tmp_path: Path) -> None:
    """The two ways the window stops its host on every OS (no SIGTERM on Windows): a file it makes, and its own
    end (the host's standard input closes with the window's process). Each a clean stop; the data kept."""
    port = server.free_port("127.0.0.1")
    stop_file = tmp_path / "dung-may-chu"
    proc = _host(data_dir, port, "--stop-file", str(stop_file))
    url = _url_of(proc)
    hall = cluster.prepare(data_dir)
    ws = Workspace.open(url, station="Tổ 1")
    try:
        built = build_round(ws, RoundKind.CONFIDENCE, nominees=3, printed=4)
        _save(ws, built.round_id, built.printed[0].payload, built.ids)
        server.ask_to_stop(stop_file)
        first = _stopped_cleanly(proc, hall, "")

        stop_file.unlink()
        again = _host(data_dir, port, "--stop-when-input-ends", stdin=subprocess.PIPE)
        try:
            assert _url_of(again) == url
            restarted = hall.log.read_text(encoding="utf-8")[len(first) :]
            assert "database system was shut down at" in restarted and "automatic recovery" not in restarted
            _save(ws, built.round_id, built.printed[1].payload, built.ids)  # the data of before, and more
            assert ws.counting.totals(built.round_id).valid + ws.counting.totals(built.round_id).invalid == 2
            assert ws.audit.verify().ok
            before = hall.log.read_text(encoding="utf-8")
        finally:
            assert again.stdin is not None
            again.stdin.close()  # what the operating system does when the window's process ends
        _stopped_cleanly(again, hall, before)
    finally:
        ws.close()
