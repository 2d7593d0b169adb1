"""The lock screen (SPEC §9): it holds until a board member's passphrase opens it.

While it shows, the window's scan filter (ui/scanner.py) drops every key, click, wheel and shortcut aimed
at anything behind it, and the window disables the pages and menus under it, so Tab cannot reach them.
A scanner firing at the passphrase field is recognised as a scan: the field is put back as it was, the
member is told, and no passphrase is tried (a wrong try would lock the member out for growing times).
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QComboBox, QFormLayout, QFrame, QLabel, QPushButton, QVBoxLayout, QWidget

from vote_counter.domain.model import BoardMember, BoardMemberId, MeetingId
from vote_counter.services.accounts import Credential
from vote_counter.services.errors import ServiceError
from vote_counter.services.workspace import Workspace
from vote_counter.ui import texts
from vote_counter.ui.scanner import within
from vote_counter.ui.sign_in import password_field, select_member

PANEL_WIDTH = 560


class LockOverlay(QFrame):
    """Covers the window while locked; the same or another member's passphrase opens it again."""

    unlocked = Signal()

    def __init__(self, ws: Workspace, parent: QWidget) -> None:
        super().__init__(parent)
        self._ws = ws
        self._meeting_id: MeetingId | None = None
        self.setObjectName("lockOverlay")
        self.setStyleSheet(
            "#lockOverlay { background: #1b3a6b; } QLabel { color: white; }"
            " QComboBox { min-height: 28px; padding: 0 6px; background: white; color: black; }"
            " QLineEdit { min-height: 28px; padding: 0 6px; background: white; color: black; }"
        )
        self.setAutoFillBackground(True)
        self.title = QLabel(texts.LOCKED_TITLE)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() + 8)
        font.setBold(True)
        self.title.setFont(font)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.member = QComboBox()
        self.passphrase = password_field()
        self.passphrase.returnPressed.connect(self.unlock)
        self.unlock_button = QPushButton(texts.UNLOCK_BUTTON)
        self.unlock_button.clicked.connect(self.unlock)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #ffd0d0; font-weight: bold;")
        self.panel = QWidget()
        self.panel.setFixedWidth(PANEL_WIDTH)
        column = QVBoxLayout(self.panel)
        column.addWidget(self.title)
        column.addWidget(self.text)
        form = QFormLayout()
        member_label = QLabel(texts.F_MEMBER_ACCEL)
        member_label.setBuddy(self.member)
        pass_label = QLabel(texts.F_PASSPHRASE_ACCEL)
        pass_label.setBuddy(self.passphrase)
        form.addRow(member_label, self.member)
        form.addRow(pass_label, self.passphrase)
        column.addLayout(form)
        column.addWidget(self.unlock_button)
        column.addWidget(self.error)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.panel, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        self.setTabOrder(self.member, self.passphrase)
        self.setTabOrder(self.passphrase, self.unlock_button)
        self.hide()

    def use(self, ws: Workspace) -> None:
        """The workspace opened again after a restore (AppContext.reopen)."""
        self._ws = ws

    @property
    def locked(self) -> bool:
        return self.isVisible()

    def lock(self, meeting_id: MeetingId, minutes: float, last: BoardMember | None) -> None:
        self._meeting_id = meeting_id
        self.member.clear()
        for m in self._ws.setup.board(meeting_id):
            if m.has_passphrase:
                self.member.addItem(f"{m.full_name} ({texts.ROLE[m.role]})", m.id)
        select_member(self.member, last.id if last is not None else None)
        self.text.setText(texts.LOCKED_TEXT.format(minutes=f"{minutes:g}"))
        self.error.clear()
        self.passphrase.clear()
        parent = self.parentWidget()
        assert parent is not None
        self.fit(parent.rect())
        self.show()
        self.raise_()
        self.passphrase.setFocus()

    def fit(self, rect: QRect) -> None:
        """Cover the window; the panel keeps its width unless the window is narrower (1024×768, 150 %)."""
        self.setGeometry(rect)
        self.panel.setFixedWidth(min(PANEL_WIDTH, max(rect.width() - 40, 280)))

    def unlock(self) -> None:
        member_id = self.member.currentData()
        if member_id is None:
            return
        try:
            self._ws.accounts.sign_in(Credential(BoardMemberId(int(member_id)), self.passphrase.text()))
        except ServiceError as exc:
            self.error.setText(exc.message)
            self.passphrase.clear()
            return
        self.passphrase.clear()
        self.hide()
        self.unlocked.emit()

    # ------------------------------------------------------------ a scan at the lock (ScanOwner)
    def owns(self, widget: QWidget) -> bool:
        return self.isVisible() and within(widget, self)

    def snapshot(self) -> object:
        return self.passphrase.text()

    def restore(self, state: object) -> None:
        if isinstance(state, str):
            self.passphrase.setText(state)

    def scanned(self, payload: str) -> None:
        self.error.setText(texts.LOCK_SCAN)
        QApplication.beep()
        self.passphrase.setFocus()

    def command(self, event: QKeyEvent) -> bool:
        return False
