"""Biên bản và xuất: what the minutes and export module will produce (placeholder until it lands)."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from vote_counter.ui import texts
from vote_counter.ui.context import AppContext
from vote_counter.ui.pages.base import Page
from vote_counter.ui.widgets import allow, heading


class MinutesPage(Page):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(texts.MINUTES_INTRO))
        for item in texts.MINUTES_ITEMS:
            label = QLabel("• " + item)
            label.setWordWrap(True)
            layout.addWidget(label)
        buttons = QHBoxLayout()
        self.buttons: list[QPushButton] = []
        for text in (texts.MINUTES_PRINT, texts.MINUTES_DOCX, texts.MINUTES_XLSX, texts.MINUTES_USB):
            button = QPushButton(text)
            allow(button, False, texts.WHY_MINUTES)
            self.buttons.append(button)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addSpacing(12)
        layout.addLayout(buttons)
        layout.addStretch(1)
