"""Sign-in, screen lock, two-person approval and passphrase dialogs (SPEC §9).

These only collect passphrases: the services verify them on every call. Every dialog is run through
run_dialog(), which tests replace to fill the real fields and accept, as they would by hand.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from vote_counter.domain.model import BoardMember, BoardMemberId, BoardRole, MeetingId
from vote_counter.services.accounts import Approval, Credential
from vote_counter.services.errors import ServiceError
from vote_counter.services.workspace import Workspace
from vote_counter.ui import dialogs, texts

ERROR_STYLE = "color: #a40000; font-weight: bold;"
INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)


def run_dialog(dialog: QDialog) -> bool:
    """exec() the dialog: True when accepted. Tests replace this to drive the dialog's own fields."""
    return dialog.exec() == QDialog.DialogCode.Accepted


def password_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setMinimumWidth(260)
    return field


def member_combo(members: Sequence[BoardMember]) -> QComboBox:
    combo = QComboBox()
    for m in members:
        combo.addItem(f"{m.full_name} ({texts.ROLE[m.role]})", m.id)
    return combo


def select_member(combo: QComboBox, member_id: int | None) -> None:
    if member_id is not None and (i := combo.findData(member_id)) >= 0:
        combo.setCurrentIndex(i)


def _error_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet(ERROR_STYLE)
    label.hide()
    return label


def _buttons(dialog: QDialog, ok_text: str, cancel_text: str | None = None) -> QDialogButtonBox:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    ok = box.button(QDialogButtonBox.StandardButton.Ok)
    ok.setText(ok_text)
    box.button(QDialogButtonBox.StandardButton.Cancel).setText(cancel_text or texts.CANCEL)
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


class SignInDialog(QDialog):
    """One member: who (from the board) and their passphrase."""

    def __init__(self, members: Sequence[BoardMember], prompt: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(texts.SIGN_IN_TITLE)
        self.member = member_combo(members)
        self.passphrase = password_field()
        self.error = _error_label()
        text = QLabel(prompt)
        text.setWordWrap(True)
        form = QFormLayout()
        form.addRow(texts.F_MEMBER, self.member)
        form.addRow(texts.F_PASSPHRASE, self.passphrase)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(_buttons(self, texts.SIGN_IN_BUTTON, texts.SIGN_IN_SKIP))
        self.passphrase.setFocus()

    def credential(self) -> Credential | None:
        member_id = self.member.currentData()
        if member_id is None:
            return None
        return Credential(BoardMemberId(int(member_id)), self.passphrase.text())

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
        self.passphrase.clear()


class ApprovalDialog(QDialog):
    """Two people for one action: the chair and another member, each typing their own passphrase."""

    def __init__(
        self, members: Sequence[BoardMember], action: str, reason: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(texts.APPROVAL_TITLE)
        chairs = [m for m in members if m.role is BoardRole.CHAIR]
        self.chair = member_combo(chairs)
        self.chair_passphrase = password_field()
        self.second = member_combo([m for m in members if m.role is not BoardRole.CHAIR] + chairs[1:])
        self.second_passphrase = password_field()
        self.error = _error_label()
        text = QLabel(texts.APPROVAL_PROMPT.format(action=action))
        text.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        if reason:
            why = QLabel(texts.APPROVAL_REASON.format(reason=reason))
            why.setWordWrap(True)
            layout.addWidget(why)
        form = QFormLayout()
        form.addRow(texts.F_CHAIR, self.chair)
        form.addRow(texts.F_PASSPHRASE, self.chair_passphrase)
        form.addRow(texts.F_SECOND, self.second)
        form.addRow(texts.F_PASSPHRASE, self.second_passphrase)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(_buttons(self, texts.OK))
        self.chair_passphrase.setFocus()  # opens ready for typing: the chair's passphrase first

    def approval(self) -> Approval | None:
        chair, second = self.chair.currentData(), self.second.currentData()
        if chair is None or second is None:
            return None
        return Approval(
            Credential(BoardMemberId(int(chair)), self.chair_passphrase.text()),
            Credential(BoardMemberId(int(second)), self.second_passphrase.text()),
        )


class PassphraseDialog(QDialog):
    """A member sets (or changes) their own passphrase: typed twice, the current one if there is one."""

    def __init__(self, member: BoardMember, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(texts.SET_PASSPHRASE_TITLE.format(name=member.full_name))
        self.current = password_field()
        self.new = password_field()
        self.repeat = password_field()
        self.error = _error_label()
        text = QLabel(texts.SET_PASSPHRASE_PROMPT)
        text.setWordWrap(True)
        form = QFormLayout()
        if member.has_passphrase:
            form.addRow(texts.F_CURRENT_PASSPHRASE, self.current)
        form.addRow(texts.F_NEW_PASSPHRASE, self.new)
        form.addRow(texts.F_REPEAT_PASSPHRASE, self.repeat)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(_buttons(self, texts.SAVE))
        self._has = member.has_passphrase

    def accept(self) -> None:
        if self.new.text() != self.repeat.text():
            self.error.setText(texts.PASSPHRASES_DIFFER)
            self.error.show()
            return
        super().accept()

    def values(self) -> tuple[str, str | None]:
        return self.new.text(), (self.current.text() if self._has else None)


# ---------------------------------------------------------------- what pages call


def signed_in_or_none(ws: Workspace, meeting_id: MeetingId | None) -> BoardMember | None:
    return ws.accounts.signed_in_member(meeting_id) if meeting_id is not None else None


def ask_sign_in(parent: QWidget | None, ws: Workspace, meeting_id: MeetingId, *, attempts: int = 5) -> bool:
    """The sign-in dialog until a member's passphrase is accepted (signed in at `ws`), or cancelled."""
    members = [m for m in ws.setup.board(meeting_id) if m.has_passphrase]
    if not members:
        return False
    meeting = ws.setup.meeting(meeting_id)
    dialog = SignInDialog(members, texts.SIGN_IN_PROMPT.format(meeting=meeting.title), parent)
    for _ in range(attempts):
        if not run_dialog(dialog):
            return False
        credential = dialog.credential()
        if credential is None:
            return False
        try:
            ws.accounts.sign_in(credential)
        except ServiceError as exc:
            dialog.show_error(exc.message)
            continue
        return True
    return False


def ask_chair(parent: QWidget | None, ws: Workspace, meeting_id: MeetingId) -> Credential | None:
    """The chair's own credential for an action only the chair may take (opening counting)."""
    chairs = [m for m in ws.setup.board(meeting_id) if m.has_passphrase and m.role is BoardRole.CHAIR]
    if not chairs:
        return None
    dialog = SignInDialog(chairs, texts.SIGN_IN_CHAIR_PROMPT, parent)
    return dialog.credential() if run_dialog(dialog) else None


def ask_approval(
    parent: QWidget | None, ws: Workspace, meeting_id: MeetingId, action: str, reason: str = ""
) -> Approval | None:
    """The chair's and a second member's passphrases; the service checks them when the action runs."""
    members = [m for m in ws.setup.board(meeting_id) if m.has_passphrase]
    dialog = ApprovalDialog(members, action, reason, parent)
    signed = signed_in_or_none(ws, meeting_id)
    if signed is not None:  # whoever is signed in is one of the two: put them where they belong
        select_member(dialog.chair if signed.role is BoardRole.CHAIR else dialog.second, signed.id)
    while run_dialog(dialog):
        approval = dialog.approval()
        if approval is None:
            return None
        if approval.second is not None and approval.first.member_id == approval.second.member_id:
            dialog.error.setText(texts.APPROVAL_SAME_PERSON)
            dialog.error.show()
            continue
        return approval
    return None


def ask_new_passphrase(parent: QWidget | None, member: BoardMember) -> tuple[str, str | None] | None:
    """(new, current or None), or None if cancelled."""
    dialog = PassphraseDialog(member, parent)
    return dialog.values() if run_dialog(dialog) else None


def needs_accounts(ws: Workspace, meeting_id: MeetingId | None) -> bool:
    return meeting_id is not None and ws.accounts.has_accounts(meeting_id)


def show_alarm(parent: QWidget | None, message: str) -> None:
    """The red start-up alarm (a broken audit chain or ballot rows edited in the file)."""
    box = dialogs.alarm_box(parent, texts.AUDIT_ALARM_TITLE, message)
    box.exec()


# ---------------------------------------------------------------- idle lock


class IdleWatcher(QObject):
    """An application-wide event filter: any key, click or mouse move restarts the idle timer."""

    def __init__(self, minutes: float, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.minutes = minutes
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(max(int(minutes * 60_000), 1000))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in INPUT_EVENTS and self.timer.isActive():
            self.timer.start()
        return False
