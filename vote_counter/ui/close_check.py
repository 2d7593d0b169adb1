"""Checks before passphrases (SPEC §4.2, §9): closing or sealing lists what blocks it before anyone types one.

Each blocker comes with a way to go and fix it: the board's physical count C (Chuẩn bị → Số liệu), the ballots
whose two passes disagree (Kiểm phiếu → So sánh), the figures that do not add up (Kết quả).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QListWidget, QPushButton, QVBoxLayout, QWidget

from vote_counter.ui import texts

FIX_COUNTS = "counts"
FIX_COMPARE = "compare"
FIX_RESULTS = "results"
FIX_LABELS = {FIX_COUNTS: "FIX_COUNTS", FIX_COMPARE: "FIX_COMPARE", FIX_RESULTS: "FIX_RESULTS"}


class BlockersDialog(QDialog):
    def __init__(self, action: str, lines: Sequence[str], fixes: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(texts.BLOCKERS_TITLE.format(action=action))
        self.choice: str | None = None
        intro = QLabel(texts.BLOCKERS_INTRO.format(action=action))
        intro.setWordWrap(True)
        self.list = QListWidget()
        self.list.addItems([line[:1].upper() + line[1:] for line in lines])
        self.list.setStyleSheet("QListWidget { color: #9b0000; font-weight: bold; }")
        self.list.setWordWrap(True)
        self.fix_buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for fix in fixes:
            button = QPushButton(getattr(texts, FIX_LABELS[fix]))
            button.clicked.connect(lambda _=False, f=fix: self._choose(f))
            self.fix_buttons[fix] = button
            row.addWidget(button)
        row.addStretch(1)
        self.close_button = QPushButton(texts.CLOSE)
        self.close_button.clicked.connect(self.reject)
        row.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addLayout(row)
        first = next(iter(self.fix_buttons.values()), self.close_button)
        first.setDefault(True)
        first.setFocus(Qt.FocusReason.OtherFocusReason)
        self.resize(640, 320)

    def _choose(self, fix: str) -> None:
        self.choice = fix
        self.accept()


def run_dialog(dialog: BlockersDialog) -> str | None:
    """exec() the dialog: the fix chosen, or None. Tests replace this to press the dialog's own buttons."""
    dialog.exec()
    return dialog.choice
