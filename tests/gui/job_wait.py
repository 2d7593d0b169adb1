"""Waiting for a window job (ui/jobs.py) as a person waits: the event loop keeps running meanwhile."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from vote_counter.ui.jobs import JobRunner

# Not a time limit on the product: only how long a broken job may hang the test run before it is reported.
HANG = 600_000


def wait_job(qtbot: QtBot, runner: JobRunner) -> None:
    qtbot.waitUntil(lambda: not runner.busy(), timeout=HANG)


def settle(runner: JobRunner) -> None:
    """wait_job for a test without qtbot: the event loop runs (the job's signals arrive) until it is done."""
    waited = 0.0
    while runner.busy():
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        time.sleep(0.002)
        waited += 0.002
        assert waited < HANG / 1000, "a job never finished"


def press_enter(box: QWidget) -> None:
    """Enter on whatever has the focus in the box: its default button (“Đóng”)."""
    QTest.keyClick(QApplication.focusWidget() or box, Qt.Key.Key_Return)


class Answer:
    """Answers every modal dialog of `kind` the window opens, from inside the event loop, by the keys `act` sends
    (a job's progress dialog is modal too and is never a question, so only dialogs of `kind` are answered). The
    titles and texts are kept for the test to check."""

    def __init__(self, act: Callable[[QWidget], None], kind: type[QWidget] = QMessageBox) -> None:
        self.act = act
        self.kind = kind
        self.seen: list[QWidget] = []
        self.texts: list[str] = []
        self.titles: list[str] = []
        self._last: QWidget | None = None
        self._timer = QTimer()
        self._timer.timeout.connect(self._poll)
        self._timer.start(5)

    def _poll(self) -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, self.kind) or box is self._last:
            return
        self._last = box
        self.seen.append(box)
        self.titles.append(box.windowTitle())
        self.texts.append(box.text() if isinstance(box, QMessageBox) else "")
        box.activateWindow()
        QApplication.processEvents()
        self.act(box)

    def stop(self) -> None:
        self._timer.stop()
