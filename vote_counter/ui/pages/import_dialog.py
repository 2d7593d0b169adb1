"""Nhập danh sách từ tệp: read a CSV or Excel list, show it, and add it only when the user confirms.

Nothing reaches the database before "Thêm vào danh sách": the file is read into a preview, and the
whole list is then added in one call (one transaction), so a refused list leaves no half of it behind.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from vote_counter import i18n
from vote_counter.domain.model import Nominee, RoundId
from vote_counter.services.errors import ServiceError
from vote_counter.services.importers import CHOICE_LABEL, EncodingGuessError, ImportPreview, read_nominee_file
from vote_counter.services.setup import SetupService
from vote_counter.ui import dialogs, texts
from vote_counter.ui.models import ReadOnlyTable

Index = QModelIndex | QPersistentModelIndex
DISPLAY = Qt.ItemDataRole.DisplayRole
ALIGN_NUMBER = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
CP1258 = "cp1258"
WARNING_STYLE = "color: #6b4e00; background: #fff1c9; padding: 4px;"


class PreviewModel(ReadOnlyTable):
    """The nominees read from the file, as they will be added (read-only)."""

    def __init__(self, nominees: Sequence[Nominee] = ()) -> None:
        super().__init__()
        self.headers = texts.NOMINEE_HEADERS  # read when built: the language is chosen at start-up
        self._nominees = list(nominees)

    def nominees(self) -> list[Nominee]:
        return list(self._nominees)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008  (Qt's default)
        return 0 if parent.isValid() else len(self._nominees)

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._nominees):
            return None
        col = index.column()
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (0, 2):
            return ALIGN_NUMBER
        if role != DISPLAY:
            return None
        n = self._nominees[index.row()]
        values = (
            str(index.row() + 1),
            n.full_name,
            str(n.birth_year) if n.birth_year else texts.NO_BIRTH_YEAR,
            n.current_position,
            n.proposed_position,
            n.unit,
        )
        return values[col] if 0 <= col < len(values) else None


class PreviewDialog(QDialog):
    def __init__(self, path: Path, preview: ImportPreview, round_title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(texts.IMPORT_TITLE)
        self.preview = preview
        self.model = PreviewModel(preview.nominees)
        file_label = QLabel(texts.IMPORT_FILE.format(path=path))
        file_label.setWordWrap(True)
        file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        encoding = texts.ENCODING_NAMES.get(preview.encoding, preview.encoding)
        self.encoding_label = QLabel(texts.IMPORT_ENCODING.format(encoding=encoding))
        # Which of the file's columns were understood: a column missing here was not read at all.
        self.columns_label = QLabel(texts.IMPORT_COLUMNS.format(columns=", ".join(preview.columns)))
        self.columns_label.setWordWrap(True)
        self.warnings_label = QLabel(
            "\n".join((texts.IMPORT_WARNINGS, *("• " + w for w in preview.warnings))) if preview.warnings else ""
        )
        self.warnings_label.setWordWrap(True)
        self.warnings_label.setStyleSheet(WARNING_STYLE)
        self.warnings_label.setVisible(bool(preview.warnings))
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.count_label = QLabel(texts.IMPORT_COUNT.format(count=len(preview.nominees), round=round_title))
        self.count_label.setWordWrap(True)
        font = self.count_label.font()
        font.setBold(True)
        self.count_label.setFont(font)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button.setText(texts.IMPORT_CONFIRM)
        self.cancel_button.setText(texts.CANCEL)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(file_label)
        layout.addWidget(self.encoding_label)
        layout.addWidget(self.columns_label)
        layout.addWidget(self.warnings_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)
        layout.addWidget(self.buttons)
        self.resize(960, 560)


# ---------------------------------------------------------------- hooks the tests replace
def choose_file(parent: QWidget) -> Path | None:
    path, _ = QFileDialog.getOpenFileName(parent, texts.IMPORT_CHOOSE, "", texts.IMPORT_FILTER)
    return Path(path) if path else None


def offer_cp1258(parent: QWidget, message: str, label: str | None = None) -> bool:
    """The file is not Unicode: say so, and offer to read it with the old encoding it seems to use."""
    box = QMessageBox(QMessageBox.Icon.Warning, texts.ERROR_TITLE, message, QMessageBox.StandardButton.NoButton, parent)
    retry = box.addButton(label or texts.IMPORT_RETRY_1258, QMessageBox.ButtonRole.AcceptRole)
    close = box.addButton(texts.CLOSE, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(close)
    box.exec()
    return box.clickedButton() is retry


def run_dialog(dialog: PreviewDialog) -> bool:
    return dialog.exec() == QDialog.DialogCode.Accepted


# ---------------------------------------------------------------- the flow
def read_preview(parent: QWidget, path: Path) -> ImportPreview | None:
    """The file read into a preview, or None after telling the user why it could not be read."""
    try:
        return read_nominee_file(path)
    except EncodingGuessError as exc:
        # Legacy Vietnamese text (TCVN3, VNI, Windows-1258): converted only once the user says so.
        if exc.guess is None:
            dialogs.show_error(parent, exc.message)
            return None
        if not offer_cp1258(
            parent,
            exc.message,
            i18n._(CHOICE_LABEL[exc.guess]) if exc.guess in CHOICE_LABEL else texts.IMPORT_RETRY_1258,
        ):
            return None
        encoding = exc.guess
    except ServiceError as exc:
        # Only an undecodable file is worth a second try with the old Vietnamese code page.
        if "1258" not in exc.message:
            dialogs.show_error(parent, exc.message)
            return None
        if not offer_cp1258(parent, exc.message):
            return None
        encoding = CP1258
    try:
        return read_nominee_file(path, encoding)
    except ServiceError as exc:
        dialogs.show_error(parent, exc.message)
        return None


def import_nominees(
    parent: QWidget, setup: SetupService, round_id: RoundId, round_title: str
) -> tuple[Path, list[Nominee]] | None:
    """Choose, read, preview, confirm, add: the nominees added, or None if nothing was added."""
    path = choose_file(parent)
    if path is None:
        return None
    preview = read_preview(parent, path)
    if preview is None:
        return None
    dialog = PreviewDialog(path, preview, round_title, parent)
    try:
        if not run_dialog(dialog):
            return None
    finally:
        dialog.deleteLater()
    # The file's order is kept, after whoever is already on the list (order 0 = append).
    nominees = [dataclasses.replace(n, round_id=round_id, order=0) for n in preview.nominees]
    try:
        return path, setup.add_nominees(round_id, nominees)
    except ServiceError as exc:
        dialogs.show_error(parent, exc.message)
        return None
