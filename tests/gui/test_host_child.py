"""ui/host_child.py ends the window's host child in the order hosting/server.stop_steps gives, each step tried on
a real child process (python) that answers only some of them: the stop file, SIGTERM (POSIX), kill."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QProcess
from PySide6.QtWidgets import QApplication

from vote_counter.hosting import server
from vote_counter.ui.host_child import end_host

# A stand-in for `vote-counter host`: says it is ready, then polls for the stop file as the host does (when
# told to), with SIGTERM left to kill it or ignored.
CHILD = """
import os, signal, sys, time
watch, ignore_term = sys.argv[1], sys.argv[2] == "ignore"
if ignore_term:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
print("ready", flush=True)
while True:
    if watch != "-" and os.path.exists(watch):
        sys.exit(0)
    time.sleep(0.02)
"""
QUICK = {"file": 20_000, "terminate": 20_000, "kill": 20_000}
SHORT = {"file": 300, "terminate": 300, "kill": 20_000}  # for the steps the child is made to ignore


@pytest.fixture
def stop_file() -> Iterator[Path]:
    path = server.new_stop_file()
    yield path
    server.forget_stop_file(path)


def child(qapp: QApplication, watch: Path | None, *, ignore_term: bool) -> QProcess:
    process = QProcess(qapp)
    process.start(sys.executable, ["-c", CHILD, str(watch) if watch else "-", "ignore" if ignore_term else "die"])
    assert process.waitForStarted(20_000)
    assert process.waitForReadyRead(20_000)  # its SIGTERM handling is in place
    assert bytes(process.readAllStandardOutput().data()).strip() == b"ready"
    return process


def test_a_host_that_watches_its_stop_file_ends_by_it(qapp: QApplication, stop_file: Path) -> None:
    process = child(qapp, stop_file, ignore_term=True)
    assert end_host(process, stop_file, QUICK) == "file"
    assert process.exitStatus() == QProcess.ExitStatus.NormalExit and process.exitCode() == 0


def test_a_host_that_misses_the_file_gets_sigterm_on_posix(qapp: QApplication, stop_file: Path) -> None:
    process = child(qapp, None, ignore_term=False)
    assert end_host(process, stop_file, {**SHORT, "terminate": 20_000}) == "terminate"
    assert stop_file.exists()  # it was asked first


def test_a_host_that_answers_nothing_is_killed(qapp: QApplication, stop_file: Path) -> None:
    process = child(qapp, None, ignore_term=True)
    assert end_host(process, stop_file, SHORT) == "kill"
    assert process.exitStatus() == QProcess.ExitStatus.CrashExit


def test_on_windows_no_terminate_is_sent_the_stop_file_then_kill(
    qapp: QApplication, stop_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(server, "is_windows", lambda: True)
    # A child that SIGTERM would end: on Windows's steps it is never sent, so the kill ends it.
    process = child(qapp, None, ignore_term=False)
    assert end_host(process, stop_file, SHORT) == "kill"
    process = child(qapp, stop_file.with_name("other"), ignore_term=False)
    assert end_host(process, stop_file.with_name("other"), QUICK) == "file"


def test_a_host_that_had_already_ended_is_left_alone(qapp: QApplication, stop_file: Path) -> None:
    process = child(qapp, stop_file, ignore_term=True)
    server.ask_to_stop(stop_file)
    assert process.waitForFinished(20_000)
    assert end_host(process, None, QUICK) == ""
