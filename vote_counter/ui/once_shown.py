"""A secret shown once (the encrypted export's passphrase, the sample board's passphrases): it can be copied,
and only the explicit "Tôi đã ghi lại" closes it. No button is the default, so the Enter a user presses by
habit (or a scanner's trailing CR) cannot dismiss it, and neither can Esc or the window's close button."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QFontDatabase, QGuiApplication, QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from vote_counter.ui import texts

_SWALLOWED = {Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape}


class OnceShownDialog(QDialog):
    def __init__(self, title: str, intro: str, secret: str, after: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.secret = secret
        self.acknowledged = False
        intro_label = QLabel(intro)
        intro_label.setWordWrap(True)
        self.secret_view = QPlainTextEdit(secret)
        self.secret_view.setReadOnly(True)
        self.secret_view.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.secret_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Enter never reaches an editor
        fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        fixed.setPointSizeF(max(self.font().pointSizeF(), 9.0) * 1.3)
        self.secret_view.setFont(fixed)
        lines = secret.count("\n") + 1
        self.secret_view.setFixedHeight(self.secret_view.fontMetrics().lineSpacing() * (lines + 1) + 12)
        after_label = QLabel(after)
        after_label.setWordWrap(True)
        self.copy_button = QPushButton(texts.ONCE_COPY)
        self.copy_button.clicked.connect(self.copy)
        self.done_button = QPushButton(texts.ONCE_DONE)
        self.done_button.clicked.connect(self._acknowledge)
        for button in (self.copy_button, self.done_button):
            button.setAutoDefault(False)  # a focused button would otherwise take Enter
            button.setDefault(False)
        self.copied = QLabel("")
        row = QHBoxLayout()
        row.addWidget(self.copy_button)
        row.addWidget(self.copied, 1)
        row.addWidget(self.done_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro_label)
        layout.addWidget(self.secret_view)
        layout.addWidget(after_label)
        layout.addLayout(row)
        self.resize(560, self.sizeHint().height())
        self.copy_button.setFocus()

    def copy(self) -> None:
        clipboard = QGuiApplication.clipboard()
        clipboard.setText(self.secret)
        self.copied.setText(texts.ONCE_COPIED)

    def _acknowledge(self) -> None:
        self.acknowledged = True
        self.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in _SWALLOWED:
            event.accept()  # neither Enter nor Esc closes a secret that is shown once
            return
        super().keyPressEvent(event)

    def reject(self) -> None:
        if self.acknowledged:
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.acknowledged:
            event.ignore()
            return
        super().closeEvent(event)


def show_once(parent: QWidget | None, title: str, intro: str, secret: str, after: str) -> None:
    """Show the secret until the user says it is written down (tests replace this)."""
    OnceShownDialog(title, intro, secret, after, parent).exec()
