"""A person at the keyboard and mouse: focus a field by clicking it, replace its text by typing, answer a
real modal dialog by the keys a person would press. No setText/setValue, no internal calls."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QLabel,
    QPushButton,
    QTableWidget,
    QTabWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from tests.gui.conftest import type_text
from vote_counter.ui.jobs import ProgressDialog

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
        if isinstance(dialog, ProgressDialog):  # a job running (ui/jobs.py): not a question, wait for what follows
            self._tries = 0
            QTimer.singleShot(5, self._poll)
            return
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


def open_tab(qtbot: QtBot, tabs: QTabWidget, page: QWidget) -> None:
    """Click the page's tab in the tab bar."""
    index = tabs.indexOf(page)
    assert index >= 0, page
    bar = tabs.tabBar()
    qtbot.mouseClick(bar, LEFT, pos=bar.tabRect(index).center())
    assert tabs.currentWidget() is page, f"tab {tabs.tabText(index)!r} did not open"


def edit_cell(qtbot: QtBot, table: QTableWidget, row: int, column: int, text: str) -> None:
    """Double-click a cell, type over it, Tab to the next one."""
    item = table.item(row, column)
    assert item is not None
    table.scrollToItem(item)
    centre = table.visualItemRect(item).center()
    qtbot.mouseClick(table.viewport(), LEFT, pos=centre)
    qtbot.mouseDClick(table.viewport(), LEFT, pos=centre)
    qtbot.keyClick(focused(), Qt.Key.Key_A, CTRL)
    type_text(focused(), text)
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)  # commits and moves on, as a person fills a sheet row by row


def clipped(root: QWidget) -> list[str]:
    """Every visible label or button whose text does not fit the space its layout gave it, and every visible
    widget that sticks out of its parent (scrolled contents excepted: they are meant to be larger)."""
    problems: list[str] = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisibleTo(root) or (widget.isWindow() and widget is not root):
            continue
        name = f"{type(widget).__name__} {getattr(widget, 'text', lambda: '')()!r}"[:90]
        if isinstance(widget, QLabel) and widget.text() and widget.pixmap().isNull():
            if widget.property("elides"):  # ui/elided.py: cut with "…" on purpose, whole in the tooltip
                if widget.minimumSizeHint().width() > widget.width() + 1:
                    problems.append(
                        f"{name}: needs {widget.minimumSizeHint().width()} px even cut, has {widget.width()}"
                    )
                elif widget.sizeHint().width() > widget.width() + 1 and widget.toolTip() != widget.text():
                    problems.append(f"{name}: cut without its whole text in the tooltip")
            elif widget.wordWrap():
                need = widget.heightForWidth(widget.width())
                if need > widget.height() + 1:
                    problems.append(f"{name}: needs {need} px high, has {widget.height()}")
            elif widget.sizeHint().width() > widget.width() + 1 or widget.sizeHint().height() > widget.height() + 1:
                problems.append(f"{name}: needs {widget.sizeHint().toTuple()}, has {widget.size().toTuple()}")
        elif isinstance(widget, QAbstractButton) and widget.text():  # push buttons, check boxes, radio buttons
            need = widget.minimumSizeHint() if isinstance(widget, QPushButton) else widget.sizeHint()
            if need.width() > widget.width() + 1 or need.height() > widget.height() + 1:
                problems.append(f"{name}: needs {need.toTuple()}, has {widget.size().toTuple()}")
        problems.extend(_overlapping(widget))
        parent = widget.parentWidget()
        if parent is None or widget is root or _scrolled(widget, root):
            continue
        if not parent.rect().contains(widget.geometry()):
            problems.append(f"{name}: {widget.geometry().getRect()} outside its parent {parent.rect().getRect()}")
    return problems


def _overlapping(widget: QWidget) -> list[str]:
    """Visible widgets that one layout placed over each other (it had less room than they need: Qt then draws
    them on top of one another, as a too-narrow or too-short window does)."""
    layout = widget.layout()
    if layout is None:
        return []
    placed: list[QWidget] = []
    stack = [layout]
    while stack:
        current = stack.pop()
        for i in range(current.count()):
            item = current.itemAt(i)
            if item is None:
                continue
            if item.widget() is not None and item.widget().isVisible():
                placed.append(item.widget())
            elif item.layout() is not None:
                stack.append(item.layout())
    found = []
    for i, a in enumerate(placed):
        for b in placed[i + 1 :]:
            if a.geometry().intersects(b.geometry()):
                names = [f"{type(w).__name__} {getattr(w, 'text', lambda: '')()!r}"[:60] for w in (a, b)]
                found.append(f"{names[0]} and {names[1]} drawn over each other")
    return found


def _scrolled(widget: QWidget, root: QWidget) -> bool:
    """Inside a scroll area's viewport (or a view's): allowed past the visible part."""
    w: QWidget | None = widget.parentWidget()
    while w is not None and w is not root:
        if isinstance(w.parentWidget(), QAbstractScrollArea) and w is w.parentWidget().viewport():  # type: ignore[union-attr]
            return True
        w = w.parentWidget()
    return False
