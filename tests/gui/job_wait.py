"""Waiting for a window job (ui/jobs.py) as a person waits: the event loop keeps running meanwhile."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from vote_counter.ui.jobs import JobRunner

# Not a time limit on the product: only how long a broken job may hang the test run before it is reported.
HANG = 600_000


def wait_job(qtbot: QtBot, runner: JobRunner) -> None:
    qtbot.waitUntil(lambda: not runner.busy(), timeout=HANG)


class MessageBoxes:
    """Answers the message boxes the window opens (QMessageBox only: a job's progress dialog is modal too, and is
    not a question). `act` gets each box; the texts are kept."""

    def __init__(self, act: Callable[[QMessageBox], None]) -> None:
        self.act = act
        self.texts: list[str] = []
        self.titles: list[str] = []
        self._last: QWidget | None = None
        self._timer = QTimer()
        self._timer.timeout.connect(self._poll)
        self._timer.start(5)

    def _poll(self) -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox) or box is self._last:
            return
        self._last = box
        self.titles.append(box.windowTitle())
        self.texts.append(box.text())
        box.activateWindow()
        self.act(box)

    def stop(self) -> None:
        self._timer.stop()
