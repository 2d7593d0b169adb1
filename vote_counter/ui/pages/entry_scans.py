"""The entry page as a taker of scans and of its window-level keys (SPEC §6; ui/scanner.py finds the bursts).

A scan arriving while a ballot is open and unsaved never touches it: the ballot is put back exactly as it
was before the burst's first digit, and the member is told, visibly and with a sound, to finish (Enter) or
cancel (Esc) it first. Undo and redo work wherever the focus is on the page, the scan field included (a
line edit would otherwise take Ctrl+Z for its own text).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget

from vote_counter.domain.serials import format_serial
from vote_counter.ui import texts
from vote_counter.ui.entry_grid import GridState
from vote_counter.ui.scanner import is_redo_y, within

if TYPE_CHECKING:
    from vote_counter.ui.pages.entry_page import EntryPage


@dataclass(frozen=True)
class EntryState:
    grid: GridState | None
    field: QLineEdit | None
    text: str


class EntryScans:
    def __init__(self, page: EntryPage) -> None:
        self.page = page

    def owns(self, widget: QWidget) -> bool:
        page = self.page
        # The find field takes a scanned serial as its own text: finding a ballot by scanning it.
        return page.isVisible() and within(widget, page) and not within(widget, page.find_panel.query)

    def snapshot(self) -> object:
        page = self.page
        focus = QApplication.focusWidget()
        field = focus if isinstance(focus, QLineEdit) else None
        grid = page.grid.keyed_state() if page.ballot_open() else None
        return EntryState(grid, field, field.text() if field is not None else "")

    def restore(self, state: object) -> None:
        if not isinstance(state, EntryState):
            return
        if state.grid is not None and self.page.ballot_open():
            self.page.grid.set_keyed_state(state.grid)
        if state.field is not None:
            state.field.setText(state.text)

    def scanned(self, payload: str) -> None:
        page = self.page
        serial = page.open_serial()
        if serial is not None:
            page.status.show_error(texts.SCAN_WHILE_OPEN.format(serial=format_serial(serial)))
            QApplication.beep()
            page.grid.setFocus()
            return
        page.scan.setText(payload)
        page.scan_entered()

    def command(self, event: QKeyEvent) -> bool:
        if event.matches(QKeySequence.StandardKey.Undo):
            self.page.undo()
            return True
        if event.matches(QKeySequence.StandardKey.Redo) or is_redo_y(event):
            self.page.redo()
            return True
        return False
