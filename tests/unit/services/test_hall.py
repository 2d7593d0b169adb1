"""services/hall.py: the connection line read, the host's command line, this laptop's addresses, the station."""

from __future__ import annotations

import ipaddress
import socket
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest

from vote_counter.hosting import server
from vote_counter.services import hall
from vote_counter.services.errors import ErrorCode, ServiceError
from vote_counter.services.workspace import Workspace

URL = "postgresql+psycopg://kp_app:s3cret@192.168.1.10:5432/kiemphieu"


@pytest.fixture(autouse=True)
def _no_station_left() -> Iterator[None]:
    yield
    hall.set_station("")


@pytest.mark.parametrize(
    "line",
    [
        "KP_DB=" + URL,
        URL,
        "  KP_DB=" + URL + "\r\n",
        '"' + URL + '"',
        "KP_DB=postgresql://kp_app:s3cret@192.168.1.10:5432/kiemphieu",
    ],
)
def test_a_connection_line_pasted_or_scanned_gives_the_url(line: str) -> None:
    assert hall.parse_connection(line) == URL


@pytest.mark.parametrize(
    "line",
    ["", "   ", "C:\\KiemPhieu\\kiem_phieu.sqlite3", "https://example.org", "KP_DB=", "postgresql+psycopg://x y@h/db"],
)
def test_anything_else_is_refused_in_vietnamese(line: str) -> None:
    with pytest.raises(ServiceError) as caught:
        hall.parse_connection(line)
    assert caught.value.code is ErrorCode.HALL_BAD_LINE
    assert "không phải dòng kết nối" in caught.value.message
    assert unicodedata.is_normalized("NFC", caught.value.message)


def test_the_kp_db_line_is_found_in_the_host_output() -> None:
    assert hall.kp_db_line("") is None
    assert hall.kp_db_line("Đang khởi tạo…\n") is None
    assert hall.kp_db_line("noise\nKP_DB=" + URL + "\nmore\n") == URL


def test_the_screen_never_shows_the_password() -> None:
    assert "s3cret" not in hall.shown(URL)
    assert "192.168.1.10:5432/kiemphieu" in hall.shown(URL)


def test_host_command_runs_the_module_or_the_frozen_app(monkeypatch: pytest.MonkeyPatch) -> None:
    program, args = hall.host_command(Path("D:/hoi truong"), "192.168.1.10/24", 5433)
    assert program == sys.executable
    assert args == ["-m", "vote_counter", "host", "--data", str(Path("D:/hoi truong")), "--listen", "192.168.1.10/24",
                    "--port", "5433"]  # fmt: skip
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    program, args = hall.host_command(Path("data"), "127.0.0.1")
    assert program == sys.executable
    assert args[:3] == ["host", "--data", "data"]
    assert args[-1] == str(hall.DEFAULT_PORT)
    program, args = hall.host_command(Path("data"), "127.0.0.1", 5433, stop_file=Path("C:/Temp/kp-host-1/dung"))
    assert args[-3:] == ["--stop-file", str(Path("C:/Temp/kp-host-1/dung")), "--stop-when-input-ends"]


def test_local_addresses_start_with_loopback_and_are_ipv4_once_each() -> None:
    found = hall.local_addresses()
    assert found[0] == "127.0.0.1"
    assert len(found) == len(set(found))
    for address in found:
        ipaddress.IPv4Address(address)


def test_local_addresses_without_a_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_a: object, **_k: object) -> object:
        raise OSError("Network is unreachable")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "socket", refuse)
    assert hall.local_addresses() == ["127.0.0.1"]


def test_station_names_are_nfc_trimmed_and_bounded() -> None:
    decomposed = unicodedata.normalize("NFD", "  Tổ 3 — Hội trường A ")
    assert hall.set_station(decomposed) == "Tổ 3 — Hội trường A"
    assert hall.station() == "Tổ 3 — Hội trường A"
    for bad in ("x" * (hall.STATION_MAX + 1), "Tổ\x1b3", "Tổ\n3"):
        with pytest.raises(ServiceError) as caught:
            hall.set_station(bad)
        assert caught.value.code is ErrorCode.STATION_BAD
        assert hall.station() == "Tổ 3 — Hội trường A"  # the old name is kept
    assert hall.set_station("   ") is None
    assert hall.station() is None


def test_the_station_is_written_into_the_audit_entries(tmp_path: Path) -> None:
    ws = Workspace.open(tmp_path / "db.sqlite3")
    try:
        hall.set_station("Tổ 4")
        ws.audit.record("ghi_chu", {"text": "thử"})
        hall.set_station("")
        ws.audit.record("ghi_chu", {"text": "thử"})
        entries = ws.audit.entries()
        assert entries[-2].details.get("station") == "Tổ 4"
        assert "station" not in entries[-1].details
        assert ws.audit.verify().ok
    finally:
        ws.close()


def test_probing_a_host_that_is_not_there_says_host_unreachable() -> None:
    port = server.free_port("127.0.0.1")  # nothing listens there
    with pytest.raises(ServiceError) as caught:
        hall.probe_url(f"postgresql+psycopg://kp_app:x@127.0.0.1:{port}/kiemphieu")
    assert caught.value.code is ErrorCode.HOST_UNREACHABLE
    assert caught.value.message.startswith("Mất kết nối tới máy chủ hội trường")


def test_an_open_sqlite_file_is_reachable(tmp_path: Path) -> None:
    ws = Workspace.open(tmp_path / "db.sqlite3")
    try:
        assert hall.reachable(ws)
    finally:
        ws.close()
