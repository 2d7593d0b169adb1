"""A person at the keyboard and mouse: focus a field by clicking it, replace its text by typing, answer a
real modal dialog by the keys a person would press. No setText/setValue, no internal calls."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from tests.gui.conftest import type_text

LEFT = Qt.MouseButton.LeftButton
CTRL = Qt.KeyboardModifier.ControlModifier


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def click(qtbot: QtBot, widget: QWidget) -> None:
    """A left click in the middle of the widget (buttons, check boxes near their box)."""
    assert widget.isVisible() and widget.isEnabled(), widget
    pos = QPoint(8, widget.height() // 2) if not isinstance(widget, QAbstractButton) else widget.rect().center()
    qtbot.mouseClick(widget, LEFT, pos=pos)


def retype(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Click into a line edit or spin box, select what is there (Ctrl+A) and type over it."""
    target = widget.lineEdit() if isinstance(widget, QAbstractSpinBox) else widget
    assert target is not None
    qtbot.mouseClick(target, LEFT, pos=QPoint(6, target.height() // 2))
    assert focused() in (widget, target), f"the click did not focus {widget}"
    qtbot.keyClick(focused(), Qt.Key.Key_A, CTRL)
    type_text(focused(), text)


def commit(qtbot: QtBot) -> None:
    """Tab away, as a person leaves a field: spin boxes commit their typed value."""
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)


def press(qtbot: QtBot, key: Qt.Key) -> None:
    qtbot.keyClick(focused(), key)


def tab_to_button_and_press(dialog: QWidget, text: str) -> None:
    """Tab through the dialog until the button labelled `text` has the focus, then press Space on it."""
    for _ in range(30):
        widget = QApplication.focusWidget()
        if isinstance(widget, QAbstractButton) and widget.text().replace("&", "") == text:
            QTest.keyClick(widget, Qt.Key.Key_Space)
            return
        QTest.keyClick(widget or dialog, Qt.Key.Key_Tab)
    raise AssertionError(f"no button “{text}” reachable by Tab in {dialog.windowTitle()!r}")


class Modal:
    """Answers the next modal dialog the app opens, by keys, from inside its event loop.

    `act` gets the dialog (QApplication.activeModalWidget()) once it is up and sends the keys; `seen` keeps
    every dialog answered, so a test asserts the dialog really came."""

    def __init__(self, act: Callable[[QWidget], None], *, times: int = 1) -> None:
        self.act = act
        self.left = times
        self.seen: list[QWidget] = []
        self.titles: list[str] = []
        self.texts: list[str] = []
        self._tries = 0
        self.errors: list[BaseException] = []
        QTimer.singleShot(0, self._poll)

    def answered(self, times: int = 1) -> bool:
        """The dialog came `times` times and every answer went through (else the act's own error is raised)."""
        for error in self.errors:
            raise error
        return len(self.seen) == times

    def _poll(self) -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None or (self.seen and dialog is self.seen[-1]):
            self._tries += 1
            if self._tries < 2000:  # a dialog that never comes ends the polling; the test's assert says so
                QTimer.singleShot(5, self._poll)
            return
        self.seen.append(dialog)
        self.titles.append(dialog.windowTitle())
        self.texts.append(" ".join(label.text() for label in dialog.findChildren(QLabel)))
        # A new window gets the keyboard from the window manager; offscreen Qt has none, so ask for it.
        dialog.activateWindow()
        QApplication.processEvents()
        try:
            self.act(dialog)
        except BaseException as exc:  # never leave a test hanging on an unanswered dialog: close it, report
            self.errors.append(exc)
            if QApplication.activeModalWidget() is dialog:
                dialog.close()
        self.left -= 1
        if self.left > 0:
            self._tries = 0
            QTimer.singleShot(0, self._poll)
