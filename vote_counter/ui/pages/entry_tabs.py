"""Beside the per-ballot entry: the double-entry comparison and finding a saved ballot to correct or void."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from vote_counter.domain.model import Stage
from vote_counter.domain.serials import format_serial
from vote_counter.services.counting import EnteredBallot
from vote_counter.services.errors import ServiceError
from vote_counter.ui import dialogs, texts
from vote_counter.ui.context import AppContext
from vote_counter.ui.models import DifferencesModel, row_keys
from vote_counter.ui.pages.base import Page, stage_block
from vote_counter.ui.undo import VoidBallotCommand
from vote_counter.ui.widgets import allow

if TYPE_CHECKING:
    from vote_counter.ui.pages.entry_page import EntryPage


def _dashed(serial: str | None) -> str:
    if not serial:
        return "—"
    return format_serial(serial)


class ComparePanel(Page):
    def __init__(self, ctx: AppContext, entry: EntryPage) -> None:
        super().__init__(ctx)
        self._entry = entry
        self.model = DifferencesModel()
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().setVisible(False)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.open_buttons = [QPushButton(texts.OPEN_PASS.format(n=n)) for n in (1, 2)]
        self.open_buttons[0].clicked.connect(lambda: self.open_selected(1))
        self.open_buttons[1].clicked.connect(lambda: self.open_selected(2))
        self.refresh_button = QPushButton(texts.REFRESH)
        self.refresh_button.clicked.connect(self.refresh)
        self.view.doubleClicked.connect(lambda _index: self.open_selected(1))
        buttons = QHBoxLayout()
        for b in (*self.open_buttons, self.refresh_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)

    def refresh(self) -> None:
        round_ = self.ctx.round()
        if round_ is None or round_.id is None or not round_.double_entry:
            self.model.set_differences(None, [], [])
            self.summary.setText(texts.WHY_NO_PASS2 if round_ is not None else "")
            return
        diffs = self.ctx.workspace.counting.pass_differences(round_.id)
        self.model.set_differences(round_, self.ctx.nominees(), diffs)
        self.view.resizeColumnsToContents()
        self.summary.setText(texts.DIFF_COUNT.format(n=len(diffs)) if diffs else texts.DIFF_NONE)
        self.summary.setStyleSheet("color: #b00020; font-weight: bold;" if diffs else "color: #0b5d1e;")
        why = stage_block(round_.stage, Stage.COUNTING, template=texts.WHY_NOT_COUNTING)
        for b in self.open_buttons:
            allow(b, why is None, why or "")

    def open_selected(self, pass_no: int) -> None:
        rid = self.ctx.round_id
        rows = self.view.selectionModel().selectedRows()
        if rid is None or not rows:
            self._entry.status.show_error(texts.SELECT_BALLOT)
            return
        serial = self.model.difference(rows[0].row()).serial
        found = [
            b
            for b in self.ctx.workspace.counting.find(rid, serial)
            if b.pass_no == pass_no and b.active and not b.set_aside
        ]
        if not found:
            self._entry.status.show_error(texts.DIFF_NOT_ENTERED.format(serial=_dashed(serial), n=pass_no))
            self._entry.pass_combo.setCurrentIndex(pass_no - 1)
            self._entry.tabs.setCurrentIndex(0)
            self._entry.focus_scan()
            return
        self._entry.open_for_correction(found[0])


class FindPanel(Page):
    def __init__(self, ctx: AppContext, entry: EntryPage) -> None:
        super().__init__(ctx)
        self._entry = entry
        self._found: list[EnteredBallot] = []
        self.query = QLineEdit()
        self.query.setPlaceholderText("0000-0000-0000")
        self.query.returnPressed.connect(self.search)
        self.find_button = QPushButton(texts.FIND)
        self.find_button.clicked.connect(self.search)
        self.table = QTableWidget(0, len(texts.FIND_HEADERS))
        self.table.setHorizontalHeaderLabels(list(texts.FIND_HEADERS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.correct_button = QPushButton(texts.CORRECT)
        self.void_button = QPushButton(texts.VOID)
        self.correct_button.clicked.connect(self.correct_selected)
        self.void_button.clicked.connect(self.void_selected)
        top = QHBoxLayout()
        top.addWidget(QLabel(texts.FIND_LABEL))
        top.addWidget(self.query, 1)
        top.addWidget(self.find_button)
        buttons = QHBoxLayout()
        buttons.addWidget(self.correct_button)
        buttons.addWidget(self.void_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def refresh(self) -> None:
        round_ = self.ctx.round()
        why = stage_block(round_.stage if round_ else None, Stage.COUNTING, template=texts.WHY_NOT_COUNTING)
        for b in (self.correct_button, self.void_button):
            allow(b, why is None, why or "")
        if self.query.text().strip() and round_ is not None:
            self.search(quiet=True)

    def search(self, quiet: bool = False) -> None:
        rid = self.ctx.round_id
        round_ = self.ctx.round()
        if rid is None or round_ is None:
            return
        try:
            self._found = self.ctx.workspace.counting.find(rid, self.query.text())
        except ServiceError as exc:
            self._found = []
            if not quiet:
                self._entry.status.show_error(exc.message)
        nominees = self.ctx.nominees()
        self.table.setRowCount(len(self._found))
        for i, b in enumerate(self._found):
            if b.set_aside:
                state = texts.STATUS_SET_ASIDE
            elif not b.active:
                state = texts.STATUS_VOID
            else:
                state = texts.STATUS_ACTIVE_VALID if b.valid else texts.STATUS_ACTIVE_INVALID
            cells = (_dashed(b.serial), str(b.pass_no), state, row_keys(b.marks, round_, nominees))
            for col, text in enumerate(cells):
                self.table.setItem(i, col, QTableWidgetItem(text))
        if self._found:
            self.table.selectRow(0)
        elif not quiet:
            self._entry.status.show_info(texts.FOUND_NONE)

    def _selected(self) -> EnteredBallot | None:
        row = self.table.currentRow()
        if not 0 <= row < len(self._found):
            self._entry.status.show_error(texts.SELECT_BALLOT)
            return None
        return self._found[row]

    def correct_selected(self) -> None:
        b = self._selected()
        if b is None:
            return
        if not b.active or b.set_aside:
            self._entry.status.show_error(texts.ONLY_ACTIVE)
            return
        self._entry.open_for_correction(b)

    def void_selected(self) -> None:
        b = self._selected()
        if b is None:
            return
        serial = _dashed(b.serial)
        reason = dialogs.ask_text(self, texts.VOID_TITLE, texts.VOID_PROMPT.format(serial=serial))
        if reason is None:
            return
        counting = self.ctx.workspace.counting
        try:
            counting.void(b.id, reason, auth=self._entry.approve(texts.ACTION_VOID.format(serial=serial)))
        except ServiceError as exc:
            self._entry.status.show_error(exc.message)
            return
        self._entry.undo_stack.push(
            VoidBallotCommand(counting, b.id, serial, reason, self._entry.report, self._entry.approve)
        )
        self._entry.status.show_ok(texts.VOIDED.format(serial=serial))
        self._entry.refresh_totals()
        self.search(quiet=True)
