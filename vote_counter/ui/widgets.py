"""Small shared widgets and helpers: the status line, enabling with a reason, combo boxes over enums."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

E = TypeVar("E", bound=StrEnum)

OK_STYLE = "QLabel { background: #d7f5d7; color: #0b5d1e; border: 2px solid #2e9d4a; padding: 6px; }"
ERROR_STYLE = "QLabel { background: #ffdede; color: #9b0000; border: 3px solid #d00000; padding: 6px; }"
INFO_STYLE = "QLabel { background: #eef2f7; color: #222; border: 1px solid #b8c2cc; padding: 6px; }"


class StatusLine(QLabel):
    """One line that says what the last action did: green when saved, red (and loud) when refused."""

    def __init__(self, parent: QWidget | None = None, *, compact: bool = False) -> None:
        super().__init__(parent)
        self._compact = compact  # the entry page: every pixel of height goes to the ballot
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.font()
        font.setPointSize(font.pointSize() + 2)
        font.setBold(True)
        self.setFont(font)
        self.kind = "info"
        self.show_info("")

    def show_ok(self, text: str) -> None:
        self._show(text, "ok", OK_STYLE)

    def show_error(self, text: str) -> None:
        self._show(text, "error", ERROR_STYLE)

    def show_info(self, text: str) -> None:
        self._show(text, "info", INFO_STYLE)

    def report(self, text: str, ok: bool) -> None:
        if ok:
            self.show_ok(text)
        else:
            self.show_error(text)

    def _show(self, text: str, kind: str, style: str) -> None:
        self.kind = kind
        self.setStyleSheet(style.replace("padding: 6px", "padding: 1px 6px") if self._compact else style)
        self.setText(text)


def allow(widget: QWidget, allowed: bool, why: str = "", tip: str = "") -> None:
    """Enable a control, or disable it with a tooltip that says why (SPEC §9)."""
    widget.setEnabled(allowed)
    widget.setToolTip(tip if allowed else why)


def enum_combo(
    labels: Mapping[E, str], parent: QWidget | None = None, *, default_label: str | None = None
) -> QComboBox:
    """A combo over an enum's labels; item data is the enum value (None for an optional default)."""
    combo = QComboBox(parent)
    if default_label is not None:
        combo.addItem(default_label, None)
    for value, label in labels.items():
        combo.addItem(label, value.value)
    return combo


def set_combo(combo: QComboBox, value: StrEnum | None) -> None:
    if value is None:
        combo.setCurrentIndex(0)
        return
    combo.setCurrentIndex(max(combo.findData(value.value), 0))


def combo_value(combo: QComboBox, enum: type[E]) -> E | None:
    data = combo.currentData()
    return enum(data) if data is not None else None


def heading(text: str, parent: QWidget | None = None, *, size_delta: int = 2) -> QLabel:
    label = QLabel(text, parent)
    font = label.font()
    font.setPointSize(font.pointSize() + size_delta)
    font.setBold(True)
    label.setFont(font)
    return label


def button_row(*buttons: QWidget) -> QHBoxLayout:
    """Buttons at their own width, on the left of a form row (a spanning row would stretch them across)."""
    row = QHBoxLayout()
    for button in buttons:
        row.addWidget(button)
    row.addStretch(1)
    return row
