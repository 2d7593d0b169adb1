"""The first screen when the database holds no meeting (and from the menu): open the sample meeting, create a new
one, or reopen a meeting opened recently."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from vote_counter import __version__
from vote_counter.domain.model import Meeting
from vote_counter.ui import texts
from vote_counter.ui.widgets import allow, heading

COLUMN_WIDTH = 860


class WelcomePage(QWidget):
    demoRequested = Signal()
    newRequested = Signal()
    openRequested = Signal(int)  # a meeting id
    continueRequested = Signal()

    def __init__(self, icon: QIcon, db_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        logo = QLabel()
        logo.setPixmap(icon.pixmap(96, 96))
        title = heading(texts.WELCOME_TITLE, size_delta=10)
        version = QLabel(texts.WELCOME_VERSION.format(version=__version__))
        intro = QLabel(texts.WELCOME_INTRO)
        intro.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(logo)
        words = QVBoxLayout()
        words.addWidget(title)
        words.addWidget(version)
        top.addLayout(words, 1)

        self.demo_button = QPushButton(texts.WELCOME_DEMO)
        self.demo_button.setToolTip(texts.WELCOME_DEMO_TIP)
        self.new_button = QPushButton(texts.WELCOME_NEW)
        self.new_button.setToolTip(texts.WELCOME_NEW_TIP)
        for button, hint in ((self.demo_button, texts.WELCOME_DEMO_TIP), (self.new_button, texts.WELCOME_NEW_TIP)):
            font = button.font()
            font.setPointSize(font.pointSize() + 3)
            font.setBold(True)
            button.setFont(font)
            button.setMinimumHeight(64)
            button.setAccessibleDescription(hint)
        self.demo_button.clicked.connect(self.demoRequested)
        self.new_button.clicked.connect(self.newRequested)
        actions = QHBoxLayout()
        for button, hint in ((self.demo_button, texts.WELCOME_DEMO_TIP), (self.new_button, texts.WELCOME_NEW_TIP)):
            pair = QVBoxLayout()
            pair.addWidget(button)
            explain = QLabel(hint)
            explain.setWordWrap(True)
            pair.addWidget(explain)
            actions.addLayout(pair, 1)

        self.recent = QListWidget()
        self.recent.setMinimumHeight(120)
        self.recent.setMaximumHeight(260)
        self.recent.itemDoubleClicked.connect(lambda _item: self._open())
        self.recent.currentRowChanged.connect(lambda _row: self._draw_open())
        self.recent_none = QLabel(texts.WELCOME_RECENT_NONE)
        self.open_button = QPushButton(texts.WELCOME_OPEN)
        self.open_button.clicked.connect(self._open)
        self.continue_button = QPushButton(texts.WELCOME_CONTINUE)
        self.continue_button.clicked.connect(self.continueRequested)
        recent_box = QGroupBox(texts.WELCOME_RECENT)
        recent_layout = QVBoxLayout(recent_box)
        recent_layout.addWidget(self.recent_none)
        recent_layout.addWidget(self.recent)
        recent_buttons = QHBoxLayout()
        recent_buttons.addWidget(self.open_button)
        recent_buttons.addStretch(1)
        recent_buttons.addWidget(self.continue_button)
        recent_layout.addLayout(recent_buttons)

        self.database = QLabel(texts.WELCOME_DATABASE.format(path=db_path))
        self.database.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.database.setWordWrap(True)

        column = QWidget()
        column.setMaximumWidth(COLUMN_WIDTH)
        inner = QVBoxLayout(column)
        inner.addLayout(top)
        inner.addSpacing(8)
        inner.addWidget(intro)
        inner.addSpacing(12)
        inner.addLayout(actions)
        inner.addSpacing(12)
        inner.addWidget(recent_box)
        inner.addStretch(1)
        inner.addWidget(self.database)
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(column, 8)
        outer.addStretch(1)

    def refresh(self, recent: list[Meeting], has_meetings: bool) -> None:
        self.recent.clear()
        for meeting in recent:
            item = QListWidgetItem(meeting.title)
            item.setData(Qt.ItemDataRole.UserRole, meeting.id)
            self.recent.addItem(item)
        self.recent.setVisible(bool(recent))
        self.recent_none.setVisible(not recent)
        if recent:
            self.recent.setCurrentRow(0)
        self.continue_button.setVisible(has_meetings)
        self._draw_open()

    def _draw_open(self) -> None:
        allow(self.open_button, self.recent.currentItem() is not None, texts.WELCOME_RECENT_NONE)
        self.open_button.setVisible(self.recent.count() > 0)

    def _open(self) -> None:
        item = self.recent.currentItem()
        if item is not None:
            self.openRequested.emit(int(item.data(Qt.ItemDataRole.UserRole)))
