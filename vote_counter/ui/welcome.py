"""The first screen when the database holds no meeting (and from the menu): open the sample meeting, create a new
one, or reopen a meeting: those opened recently on this laptop first, then the others the database holds (on a
hall database, the meetings another station set up, issue 16)."""

from __future__ import annotations

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
from vote_counter.services import hall
from vote_counter.services.workspace import Workspace
from vote_counter.ui import texts
from vote_counter.ui.widgets import allow, heading

COLUMN_WIDTH = 860


def database_text(workspace: Workspace) -> str:
    """Which database the window uses: the file's path, or the hall's database by its address (no password)."""
    if workspace.shared:
        return texts.WELCOME_DATABASE_HALL.format(where=hall.shown(workspace.url))
    return texts.WELCOME_DATABASE.format(path=workspace.path)


class WelcomePage(QWidget):
    demoRequested = Signal()
    newRequested = Signal()
    openRequested = Signal(int)  # a meeting id
    continueRequested = Signal()

    def __init__(self, icon: QIcon, workspace: Workspace, parent: QWidget | None = None) -> None:
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
        self.recent.itemActivated.connect(lambda _item: self.open_chosen())  # Enter, or a double click
        self.recent.currentRowChanged.connect(lambda _row: self._draw_open())
        self.recent_none = QLabel(texts.WELCOME_RECENT_NONE)
        self.open_button = QPushButton(texts.WELCOME_OPEN)
        self.open_button.clicked.connect(self.open_chosen)
        self.continue_button = QPushButton(texts.WELCOME_CONTINUE)
        self.continue_button.clicked.connect(self.continueRequested)
        self.recent_box = recent_box = QGroupBox(texts.WELCOME_RECENT)
        recent_layout = QVBoxLayout(recent_box)
        recent_layout.addWidget(self.recent_none)
        recent_layout.addWidget(self.recent)
        recent_buttons = QHBoxLayout()
        recent_buttons.addWidget(self.open_button)
        recent_buttons.addStretch(1)
        recent_buttons.addWidget(self.continue_button)
        recent_layout.addLayout(recent_buttons)

        self.meeting_ids: list[int | None] = []  # every meeting in the database, as last listed
        self.database = QLabel(database_text(workspace))
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

    def refresh(self, recent: list[Meeting], present: list[Meeting]) -> None:
        """`recent`: opened on this laptop lately, most recent first; `present`: every meeting in the database. The
        list shows the recent ones, then the rest; when the first meetings appear (another station made them),
        the list takes the keyboard so Enter opens the one chosen."""
        had = self.recent.count()
        listed = {m.id for m in recent}
        meetings = recent + [m for m in present if m.id not in listed]
        self.meeting_ids = [m.id for m in present]
        self.recent.clear()
        for meeting in meetings:
            item = QListWidgetItem(meeting.title)
            item.setData(Qt.ItemDataRole.UserRole, meeting.id)
            item.setToolTip(meeting.title)
            self.recent.addItem(item)
        self.recent_box.setTitle(texts.WELCOME_RECENT if len(meetings) == len(recent) else texts.WELCOME_MEETINGS)
        self.recent.setVisible(bool(meetings))
        self.recent_none.setVisible(not meetings)
        if meetings:
            self.recent.setCurrentRow(0)
        self.continue_button.setVisible(bool(present))
        self._draw_open()
        if meetings and not had and self.isVisible():
            self.recent.setFocus()

    def _draw_open(self) -> None:
        allow(self.open_button, self.recent.currentItem() is not None, texts.WELCOME_RECENT_NONE)
        self.open_button.setVisible(self.recent.count() > 0)

    def open_chosen(self) -> None:
        item = self.recent.currentItem()
        if item is not None:
            self.openRequested.emit(int(item.data(Qt.ItemDataRole.UserRole)))
