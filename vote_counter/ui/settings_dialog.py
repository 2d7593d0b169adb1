"""Cài đặt (the database file, the idle lock, the language) and Giới thiệu (the version)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QUrl
from PySide6.QtGui import QDesktopServices, QIcon
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from vote_counter import __version__
from vote_counter.ui import dialogs, texts
from vote_counter.ui.language import LANGUAGES, saved_language
from vote_counter.ui.settings import KEY_IDLE_MINUTES, KEY_LANGUAGE

MAX_IDLE_MINUTES = 240


class SettingsDialog(QDialog):
    def __init__(self, settings: QSettings, db_path: Path, idle_minutes: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(texts.SETTINGS_TITLE)
        self.settings = settings
        self.db_path = db_path
        self.database = QLineEdit(str(db_path))
        self.database.setReadOnly(True)
        self.database.setCursorPosition(0)
        self.open_folder = QPushButton(texts.OPEN_FOLDER)
        self.open_folder.clicked.connect(self.show_folder)
        db_row = QHBoxLayout()
        db_row.addWidget(self.database, 1)
        db_row.addWidget(self.open_folder)
        db_hint = QLabel(texts.DATABASE_HINT)
        db_hint.setWordWrap(True)
        self.idle = QSpinBox()
        self.idle.setRange(1, MAX_IDLE_MINUTES)
        self.idle.setSuffix(texts.IDLE_SUFFIX)
        self.idle.setValue(max(1, round(idle_minutes)))
        self.language = QComboBox()
        for code in LANGUAGES:
            self.language.addItem(texts.LANGUAGE_NAMES[code], code)
        self.language.setCurrentIndex(max(self.language.findData(saved_language(settings)), 0))
        restart = QLabel(texts.LANGUAGE_RESTART)
        restart.setWordWrap(True)
        form = QFormLayout()
        form.addRow(texts.F_DATABASE, db_row)
        form.addRow("", db_hint)
        form.addRow(texts.F_IDLE_MINUTES, self.idle)
        form.addRow(texts.F_LANGUAGE, self.language)
        form.addRow("", restart)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        dialogs.translate_buttons(buttons)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(760, self.sizeHint().height())

    def show_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.db_path.parent)))

    def save(self) -> bool:
        """Store the choices; True when the language changed (it applies at the next start)."""
        before = saved_language(self.settings)
        self.settings.setValue(KEY_IDLE_MINUTES, self.idle.value())
        self.settings.setValue(KEY_LANGUAGE, str(self.language.currentData()))
        self.settings.sync()
        return saved_language(self.settings) != before


def show_about(parent: QWidget | None, icon: QIcon, db_path: Path) -> None:
    box = QMessageBox(parent)
    box.setWindowTitle(texts.ABOUT_TITLE)
    box.setIconPixmap(icon.pixmap(96, 96))
    box.setText(texts.ABOUT_TEXT.format(version=__version__, path=db_path))
    box.addButton(texts.CLOSE, QMessageBox.ButtonRole.AcceptRole)
    box.exec()
