"""Answering the app's real dialogs by the keys a board member presses, and reading the SQLite file with
python's sqlite3 to show that a declined or cancelled action changed nothing.

Each answer is an `act`: it gets the dialog once it is up (and has the keyboard) and sends keys to whatever has
the focus. `answer(a, b, …)` answers the next dialogs in turn (the confirmation, then the two-person approval,
then whatever follows) and fails the test on a dialog more than that (keys.Modal waits for one kind only).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from tests.gui.conftest import type_text
from tests.gui.keys import focused, tab_to_button_and_press
from tests.helpers.builders import CHAIR_NAME, MEMBER_NAME, PASSPHRASES
from vote_counter.ui import texts
from vote_counter.ui.jobs import ProgressDialog
from vote_counter.ui.sign_in import ApprovalDialog

Act = Callable[[QWidget], None]


def file_state(db: Path) -> list[str]:
    """Every table and row of the file, as another program reads it (committed data, the WAL included)."""
    with closing(sqlite3.connect(db)) as con:
        return list(con.iterdump())


def file_value(db: Path, sql: str, *params: object) -> object:
    with closing(sqlite3.connect(db)) as con:
        row = con.execute(sql, params).fetchone()
    return None if row is None else row[0]


def key(which: Qt.Key) -> Act:
    def act(_dialog: QWidget) -> None:
        QTest.keyClick(focused(), which)

    return act


ESCAPE = key(Qt.Key.Key_Escape)
ENTER = key(Qt.Key.Key_Return)


def button(text: str) -> Act:
    """Tab to the button labelled `text` (its "&" mnemonic marker ignored) and press Space on it."""

    def act(dialog: QWidget) -> None:
        tab_to_button_and_press(dialog, text.replace("&", ""))

    return act


def yes(dialog: QWidget) -> None:
    """ "Có" on a confirmation: not the default (Enter says "Không"), so it is reached with Tab."""
    assert isinstance(dialog, QMessageBox), dialog
    tab_to_button_and_press(dialog, texts.YES)


def type_then_enter(text: str) -> Act:
    """`text` typed into what has the focus (Vietnamese, as an input method delivers it), then Enter: a reason
    into the prompt, a passphrase into the sign-in dialog."""

    def act(_dialog: QWidget) -> None:
        type_text(focused(), text)
        QTest.keyClick(focused(), Qt.Key.Key_Return)

    return act


reason = type_then_enter


def approve(chair: str = PASSPHRASES[CHAIR_NAME], second: str = PASSPHRASES[MEMBER_NAME]) -> Act:
    """The two-person dialog: it opens on the chair's passphrase; the chair types hers, Tab passes the second
    member's name (already chosen), the member types theirs and presses Enter."""

    def act(dialog: QWidget) -> None:
        assert isinstance(dialog, ApprovalDialog), dialog
        assert focused() is dialog.chair_passphrase, focused()
        type_text(focused(), chair)
        QTest.keyClick(focused(), Qt.Key.Key_Tab)
        assert focused() is dialog.second, focused()
        QTest.keyClick(focused(), Qt.Key.Key_Tab)
        assert focused() is dialog.second_passphrase, focused()
        type_text(focused(), second)
        QTest.keyClick(focused(), Qt.Key.Key_Return)

    return act


def keyboard_back(qtbot: QtBot, window: QWidget) -> None:
    """A closed dialog's parent window gets the keyboard back from the window manager; offscreen Qt has none."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None, timeout=3000)


class Answers:
    """The next dialogs the app opens, answered by `acts` in turn from inside their event loop. A dialog beyond
    them is closed (rejected) and reported by `answered`, so a wrong change that asks one more question fails the
    test instead of hanging it. `seen`, `titles` and `texts` keep what came."""

    def __init__(self, *acts: Act) -> None:
        self.acts = list(acts)
        self.seen: list[QWidget] = []
        self.titles: list[str] = []
        self.texts: list[str] = []
        self.errors: list[BaseException] = []
        self._stopped = False
        self._idle = 0
        QTimer.singleShot(0, self._poll)

    def answered(self, times: int | None = None) -> bool:
        """Stop watching; every answer went through (else its error is raised) and `times` dialogs came
        (all the acts, by default)."""
        self._stopped = True
        for error in self.errors:
            raise error
        return len(self.seen) == (len(self.acts) if times is None else times)

    def _poll(self) -> None:
        if self._stopped:
            return
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, ProgressDialog):  # a job's progress (ui/jobs.py): never a question
            dialog = None
        if dialog is not None and not (self.seen and dialog is self.seen[-1]):
            self._idle = 0
            self._answer(dialog)
        else:
            self._idle += 1
            if self._idle > 4000:  # nothing more for 20 s: the test's assert on `answered` says what is missing
                return
        QTimer.singleShot(5, self._poll)

    def _answer(self, dialog: QWidget) -> None:
        self.seen.append(dialog)
        self.titles.append(dialog.windowTitle())
        self.texts.append(" ".join(label.text() for label in dialog.findChildren(QLabel)))
        # A new window gets the keyboard from the window manager; offscreen Qt has none, so ask for it.
        dialog.activateWindow()
        QApplication.processEvents()
        if len(self.seen) > len(self.acts):
            self.errors.append(AssertionError(f"a dialog nobody expected: {self.titles[-1]!r}: {self.texts[-1]!r}"))
            _close(dialog)
            return
        try:
            self.acts[len(self.seen) - 1](dialog)
        except BaseException as exc:  # never leave a test hanging on an unanswered dialog: close it, report
            self.errors.append(exc)
            if QApplication.activeModalWidget() is dialog:
                _close(dialog)


def _close(dialog: QWidget) -> None:
    if isinstance(dialog, QDialog):
        dialog.reject()
    else:
        dialog.close()


def answer(*acts: Act) -> Answers:
    """The next len(acts) dialogs, each answered by its act in turn; one more is an error."""
    return Answers(*acts)
