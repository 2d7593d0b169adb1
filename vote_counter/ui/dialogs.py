"""Message boxes and prompts with Vietnamese button texts (Qt ships no Vietnamese translation)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox, QInputDialog, QLineEdit, QMessageBox, QWidget

from vote_counter.ui import texts


def standard_texts() -> dict[QDialogButtonBox.StandardButton, str]:
    """Read when used: the language is chosen at start-up (ui/language.py)."""
    return {
        QDialogButtonBox.StandardButton.Ok: texts.OK,
        QDialogButtonBox.StandardButton.Cancel: texts.CANCEL,
        QDialogButtonBox.StandardButton.Yes: texts.YES,
        QDialogButtonBox.StandardButton.No: texts.NO,
        QDialogButtonBox.StandardButton.Close: texts.CLOSE,
        QDialogButtonBox.StandardButton.Save: texts.SAVE,
    }


def translate_buttons(box: QDialogButtonBox) -> None:
    for which, text in standard_texts().items():
        button = box.button(which)
        if button is not None:
            button.setText(text)


def _box(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.NoButton, parent)
    return box


def show_error(parent: QWidget | None, message: str) -> None:
    box = _box(parent, QMessageBox.Icon.Warning, texts.ERROR_TITLE, message)
    box.addButton(texts.CLOSE, QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def show_info(parent: QWidget | None, title: str, message: str) -> None:
    box = _box(parent, QMessageBox.Icon.Information, title, message)
    box.addButton(texts.CLOSE, QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def confirm(parent: QWidget | None, title: str, message: str) -> bool:
    box = _box(parent, QMessageBox.Icon.Question, title, message)
    yes = box.addButton(texts.YES, QMessageBox.ButtonRole.YesRole)
    no = box.addButton(texts.NO, QMessageBox.ButtonRole.NoRole)
    box.setDefaultButton(no)
    box.exec()
    return box.clickedButton() is yes


def ask_text(parent: QWidget | None, title: str, prompt: str, default: str = "") -> str | None:
    """A line of text (a reason), or None if cancelled."""
    dialog = QInputDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setLabelText(prompt)
    dialog.setTextValue(default)
    dialog.setTextEchoMode(QLineEdit.EchoMode.Normal)
    dialog.setOkButtonText(texts.OK)
    dialog.setCancelButtonText(texts.CANCEL)
    dialog.resize(520, dialog.sizeHint().height())
    if dialog.exec() != QInputDialog.DialogCode.Accepted:
        return None
    return dialog.textValue()


def alarm_box(parent: QWidget | None, title: str, message: str) -> QMessageBox:
    """A red, critical message (the audit chain broken): not to be missed."""
    box = _box(parent, QMessageBox.Icon.Critical, title, message)
    box.setStyleSheet("QMessageBox { background: #fde8e8; } QLabel { color: #a40000; font-weight: bold; }")
    box.addButton(texts.CLOSE, QMessageBox.ButtonRole.AcceptRole)
    return box
