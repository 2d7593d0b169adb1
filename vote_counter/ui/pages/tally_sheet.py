"""Biên bản tổng hợp: the board's hand-counted totals, checked as they are typed (SPEC §4.2, §6).

Each cell that does not add up (check_sheet names the row) turns red and says why in its tooltip.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vote_counter.domain.model import Nominee, NomineeId, Reason, Round, Stage, TallySheet, nfc
from vote_counter.domain.sheets import SheetProblem, check_sheet
from vote_counter.services.errors import ServiceError
from vote_counter.ui import texts
from vote_counter.ui.context import AppContext
from vote_counter.ui.geometry import compact_rows
from vote_counter.ui.models import option_labels
from vote_counter.ui.pages.base import Page, stage_block
from vote_counter.ui.widgets import StatusLine, allow

BAD_CELL = QBrush(QColor("#ff9d9d"))
MAX_COUNT = 100_000


class TallySheetPanel(Page):
    def __init__(self, ctx: AppContext, status: StatusLine, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._status = status
        self._round: Round | None = None
        self._nominees: list[Nominee] = []
        self._loading = False
        self.sheet_no = QSpinBox()
        self.sheet_no.setRange(1, 99)
        self.sheet_no.valueChanged.connect(self._load_sheet)
        self.valid = QSpinBox()
        self.valid.setRange(0, MAX_COUNT)
        self.valid.valueChanged.connect(self.check)
        self.invalid: dict[Reason, QSpinBox] = {}
        invalid_box = QGroupBox(texts.SHEET_INVALID)
        grid = QGridLayout(invalid_box)
        for i, reason in enumerate(Reason):
            spin = QSpinBox()
            spin.setRange(0, MAX_COUNT)
            spin.valueChanged.connect(self.check)
            self.invalid[reason] = spin
            label = QLabel(texts.INVALID_REASON[reason])
            label.setWordWrap(True)
            grid.addWidget(label, i, 0)
            grid.addWidget(spin, i, 1)
        self.table = QTableWidget()
        self.table.itemChanged.connect(lambda _item: self.check())
        self.table.verticalHeader().setVisible(False)
        compact_rows(self.table)
        self.write_ins_label = QLabel(texts.SHEET_WRITE_INS)
        self.write_ins = QPlainTextEdit()
        self.write_ins.setMaximumHeight(70)
        self.write_ins.textChanged.connect(self.check)
        self.problems = QListWidget()
        self.problems.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.save_button = QPushButton(texts.SHEET_SAVE)
        self.save_button.clicked.connect(self.save)
        form = QFormLayout()
        form.addRow(texts.SHEET_NO, self.sheet_no)
        form.addRow(texts.SHEET_VALID, self.valid)
        # The table has the whole height (at least 15 rows at 1366×768, issue 11); the sheet's other
        # figures, the problems and the save button stand in a column beside it.
        side = QWidget()
        side.setMaximumWidth(420)
        column = QVBoxLayout(side)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(form)
        column.addWidget(invalid_box)
        column.addWidget(self.write_ins_label)
        column.addWidget(self.write_ins)
        column.addWidget(self.problems, 1)
        column.addWidget(self.save_button)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.table, 1)
        layout.addWidget(side)

    # ------------------------------------------------------------ drawing
    def refresh(self) -> None:
        self._round = self.ctx.round()
        self._nominees = [n for n in self.ctx.nominees() if n.id is not None]
        r = self._round
        self._loading = True
        labels = option_labels(r) if r is not None else ()
        self.table.clear()
        self.table.setColumnCount(len(labels) + 1)
        self.table.setHorizontalHeaderLabels([texts.GRID_NAME, *labels])
        self.table.setRowCount(len(self._nominees))
        for row, n in enumerate(self._nominees):
            name = QTableWidgetItem(n.full_name)
            name.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.table.setItem(row, 0, name)
            for col in range(1, len(labels) + 1):
                cell = QTableWidgetItem("0")
                cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, col, cell)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        if labels:
            header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        show_write_ins = r is not None and r.write_ins
        self.write_ins.setVisible(show_write_ins)
        self.write_ins_label.setVisible(show_write_ins)
        self._loading = False
        why = stage_block(r.stage if r else None, Stage.COUNTING, template=texts.WHY_NOT_COUNTING)
        allow(self.save_button, why is None, why or "")
        self._load_sheet()

    def _load_sheet(self) -> None:
        rid = self.ctx.round_id
        sheet = self.ctx.workspace.counting.tally_sheets(rid).get(self.sheet_no.value()) if rid is not None else None
        self._loading = True
        self.valid.setValue(sheet.valid if sheet else 0)
        for reason, spin in self.invalid.items():
            spin.setValue(sheet.invalid.get(reason, 0) if sheet else 0)
        for row, n in enumerate(self._nominees):
            counts = sheet.rows.get(n.id, ()) if sheet and n.id is not None else ()
            for col in range(1, self.table.columnCount()):
                item = self.table.item(row, col)
                if item is not None:
                    item.setText(str(counts[col - 1]) if col - 1 < len(counts) else "0")
        self.write_ins.setPlainText("\n".join(f"{k} = {v}" for k, v in (sheet.write_ins.items() if sheet else [])))
        self._loading = False
        self.check()

    # ------------------------------------------------------------ checking
    def cell(self, nominee_row: int, option: int) -> QTableWidgetItem | None:
        return self.table.item(nominee_row, option + 1)

    def sheet(self) -> tuple[TallySheet, list[tuple[int, int]]]:
        """The sheet as typed, and the cells that are not whole numbers."""
        bad: list[tuple[int, int]] = []
        rows: dict[NomineeId, tuple[int, ...]] = {}
        for row, n in enumerate(self._nominees):
            values: list[int] = []
            for col in range(1, self.table.columnCount()):
                item = self.table.item(row, col)
                text = item.text().strip() if item is not None else "0"
                if text.isdigit():
                    values.append(int(text))
                else:
                    values.append(0)
                    bad.append((row, col))
            if n.id is not None:
                rows[n.id] = tuple(values)
        write_ins: dict[str, int] = {}
        for line in self.write_ins.toPlainText().splitlines():
            name, _, count = line.rpartition("=")
            if nfc(name) and count.strip().isdigit():
                write_ins[nfc(name)] = int(count.strip())
        sheet = TallySheet(
            valid=self.valid.value(),
            invalid={r: s.value() for r, s in self.invalid.items() if s.value()},
            rows=rows,
            write_ins=write_ins,
        )
        return sheet, bad

    def check(self) -> tuple[SheetProblem, ...]:
        if self._loading or self._round is None:
            return ()
        sheet, bad = self.sheet()
        problems = check_sheet(self._round, self._nominees, sheet)
        names = {n.id: n.full_name for n in self._nominees}
        flagged: dict[int, str] = {}
        messages: list[str] = []
        for p in problems:
            text = texts.SHEET_PROBLEM[p.code.value].format(
                name=names.get(p.nominee_id, "") if p.nominee_id is not None else "",
                expected=p.expected,
                actual=p.actual,
            )
            messages.append(text)
            if p.nominee_id is not None:
                for row, n in enumerate(self._nominees):
                    if n.id == p.nominee_id:
                        flagged[row] = text
        self.table.blockSignals(True)
        for row in range(self.table.rowCount()):
            for col in range(1, self.table.columnCount()):
                item = self.table.item(row, col)
                if item is None:
                    continue
                wrong = row in flagged or (row, col) in bad
                item.setBackground(BAD_CELL if wrong else QBrush())
                item.setToolTip(flagged.get(row, ""))
        self.table.blockSignals(False)
        if bad:
            messages.append(texts.SHEET_NOT_NUMBER)
        self.problems.clear()
        self.problems.addItems(messages or [texts.SHEET_OK])
        self.problems.setStyleSheet(
            "QListWidget { color: #b00020; font-weight: bold; }" if messages else "QListWidget { color: #0b5d1e; }"
        )
        return problems

    def problem_lines(self) -> list[str]:
        return [self.problems.item(i).text() for i in range(self.problems.count())]

    def flagged_rows(self) -> set[int]:
        rows: set[int] = set()
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 1)
            if item is not None and item.background().color() == BAD_CELL.color():
                rows.add(row)
        return rows

    def save(self) -> None:
        rid = self.ctx.round_id
        if rid is None:
            return
        sheet, bad = self.sheet()
        if bad:
            self._status.show_error(texts.SHEET_NOT_NUMBER)
            return
        try:
            self.ctx.workspace.counting.enter_tally_sheet(rid, self.sheet_no.value(), sheet)
        except ServiceError as exc:
            self._status.show_error(exc.message)
            return
        self._status.show_ok(texts.SHEET_SAVED.format(n=self.sheet_no.value()))
        self.ctx.changed()
