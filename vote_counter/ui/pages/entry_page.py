"""Kiểm phiếu: scan → grid → keys → Enter, keyboard first (SPEC §6).

The scan field takes a keyboard-wedge QR scanner (49 digits then Enter) or a typed 12-digit
serial. The grid gets the focus with row 1 current; Enter saves and the focus returns to the scan
field, so a board member never touches the mouse while counting. A scan landing anywhere else on the
page is recognised by the window's scan filter (ui/scanner.py, pages/entry_scans.py), never as marks.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from vote_counter.domain.model import Nominee, Reason, Round, RoundKind, Stage, nfc
from vote_counter.domain.rules import Totals
from vote_counter.domain.serials import PAYLOAD_DIGITS, PayloadError, format_serial, parse_payload
from vote_counter.services.counting import EnteredBallot
from vote_counter.services.errors import SET_ASIDE_REASON, ServiceError
from vote_counter.ui import sign_in, texts
from vote_counter.ui.context import AppContext
from vote_counter.ui.elided import ElidedLabel
from vote_counter.ui.entry_grid import EntryGrid
from vote_counter.ui.geometry import compact_rows
from vote_counter.ui.models import TotalsModel
from vote_counter.ui.pages.base import Page, stage_block
from vote_counter.ui.pages.entry_saving import EntrySaving
from vote_counter.ui.pages.entry_scans import EntryScans
from vote_counter.ui.pages.entry_tabs import ComparePanel, FindPanel
from vote_counter.ui.pages.tally_sheet import TallySheetPanel
from vote_counter.ui.paper_mirror import PaperMirror
from vote_counter.ui.widgets import StatusLine, allow, heading

# Below this page width the ballot grid and the totals cannot both show whole columns: the totals fold.
TOTALS_FROM_WIDTH = 1300
SIDE_FOLDED_WIDTH = 340
QWIDGETSIZE_MAX = 16_777_215


class EntryPage(EntrySaving, Page):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.undo_stack = QUndoStack(self)
        self._round: Round | None = None
        self._nominee_list: list[Nominee] = []
        self._scan_text = ""
        self._shown_scan: tuple[str, str] | None = None  # (the dashed serial shown, the payload scanned)
        self._serial: str | None = None
        self._correcting: EnteredBallot | None = None
        self._set_aside_reason: Reason | None = None

        # ---------------------------------------------------------- scan row
        self.scan = QLineEdit()
        self.scan.setPlaceholderText(texts.SCAN_PLACEHOLDER)
        scan_font = self.scan.font()
        scan_font.setPointSize(scan_font.pointSize() + 2)
        self.scan.setFont(scan_font)
        self.scan.setMaxLength(80)
        self.scan.returnPressed.connect(self.scan_entered)
        self.pass_combo = QComboBox()
        self.pass_combo.addItem(texts.PASS_N.format(n=1), 1)
        self.pass_combo.addItem(texts.PASS_N.format(n=2), 2)
        self.pass_combo.currentIndexChanged.connect(self._pass_changed)
        self.counter = ElidedLabel()  # "Đã nhập 0 / chưa đếm phiếu thu về": cut, not overlapped, at 980 px
        self.counter.setFont(heading("").font())
        # Ctrl+Z / Ctrl+Y reach undo()/redo() from anywhere on the page through the scan filter
        # (entry_scans.py); the buttons never keep the focus: the next scan must land in the scan field.
        self.undo_button = QPushButton(texts.UNDO_BUTTON)
        self.redo_button = QPushButton(texts.REDO_BUTTON)
        self.undo_button.clicked.connect(self.undo)
        self.redo_button.clicked.connect(self.redo)
        self.undo_stack.canUndoChanged.connect(self.undo_button.setEnabled)
        self.undo_stack.canRedoChanged.connect(self.redo_button.setEnabled)
        self.undo_button.setEnabled(False)
        self.redo_button.setEnabled(False)
        self.scans = EntryScans(self)
        # One row for the scan, the pass, the count and undo/redo: every other pixel goes to the ballot (issue 11).
        scan_label = QLabel(texts.SCAN_LABEL_SHORT)
        scan_label.setBuddy(self.scan)
        self.scan.setToolTip(texts.SCAN_LABEL)
        self.scan.setMinimumWidth(200)
        pass_label = QLabel(texts.PASS)
        pass_label.setBuddy(self.pass_combo)
        scan_row = QHBoxLayout()
        scan_row.addWidget(scan_label)
        scan_row.addWidget(self.scan, 1)
        scan_row.addWidget(pass_label)
        scan_row.addWidget(self.pass_combo)
        scan_row.addSpacing(8)
        scan_row.addWidget(self.counter)
        scan_row.addWidget(self.undo_button)
        scan_row.addWidget(self.redo_button)

        self.status = StatusLine(compact=True)
        self.set_aside_button = QPushButton(texts.SET_ASIDE)
        for button in (self.undo_button, self.redo_button, self.set_aside_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.set_aside_button.clicked.connect(self.set_aside)
        self.set_aside_button.hide()
        status_row = QHBoxLayout()
        status_row.addWidget(self.status, 1)
        status_row.addWidget(self.set_aside_button)

        # ---------------------------------------------------------- per-ballot tab
        self.grid_title = heading(texts.GRID_EMPTY)
        self.grid_title.setWordWrap(True)
        self.mirror = PaperMirror()
        self.mirror_line = QLabel()
        self.mirror_line.setStyleSheet("QLabel { color: #1b3a6b; font-weight: bold; }")
        self.write_ins = QLineEdit()
        self.grid = EntryGrid()
        self.grid.saveRequested.connect(self.save)
        self.grid.saveBlankRequested.connect(self.save_blank)
        self.grid.cancelRequested.connect(self.cancel)
        self.grid.declaredToggled.connect(self._toggle_declared)
        self.grid.writeInRequested.connect(self._focus_write_ins)
        self.grid.selectionModel().currentRowChanged.connect(lambda current, _old: self._mirror(current.row()))
        self.keys_hint = QLabel()
        self.keys_hint.setWordWrap(True)
        self.declared: dict[Reason, QCheckBox] = {}
        declared_column = QVBoxLayout()
        declared_column.setSpacing(2)
        for reason, key in texts.DECLARED_KEYS.items():
            box = QCheckBox(f"{key}: {texts.INVALID_REASON[reason]}")
            box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self.declared[reason] = box
            declared_column.addWidget(box)
        self.write_ins_label = QLabel(texts.F_WRITE_INS_ENTRY)
        self.write_ins_label.setBuddy(self.write_ins)
        self.write_ins.returnPressed.connect(self.save)
        # The grid has the whole height on the left; what belongs to the open ballot stands beside it.
        left = QVBoxLayout()
        left.setContentsMargins(0, 0, 0, 0)
        left.addWidget(self.grid, 1)

        self.totals_model = TotalsModel()
        self.totals_view = QTableView()
        self.totals_view.setModel(self.totals_model)
        self.totals_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.totals_view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.totals_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.totals_view.verticalHeader().setVisible(False)
        compact_rows(self.totals_view)
        self.valid_invalid = QLabel()
        # The running totals fold away (a small screen, a long ballot); the valid/invalid line stays.
        self.totals_toggle = QToolButton()
        self.totals_toggle.setText(texts.TOTALS_TITLE)
        self.totals_toggle.setCheckable(True)
        self.totals_toggle.setChecked(True)
        self.totals_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.totals_toggle.setArrowType(Qt.ArrowType.DownArrow)
        self.totals_toggle.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.totals_toggle.setStyleSheet("QToolButton { border: none; font-weight: bold; }")
        self.totals_toggle.toggled.connect(self._show_totals)
        self.totals_toggle.clicked.connect(self._totals_clicked)
        self.side = QWidget()
        right = QVBoxLayout(self.side)
        right.setContentsMargins(0, 0, 0, 0)
        right.addWidget(self.grid_title)
        right.addWidget(self.mirror_line)
        right.addLayout(declared_column)
        right.addWidget(self.write_ins_label)
        right.addWidget(self.write_ins)
        right.addWidget(self.keys_hint)
        right.addWidget(self.totals_toggle)
        right.addWidget(self.totals_view, 1)
        right.addWidget(self.valid_invalid)
        self.totals_spacer = QWidget()
        right.addWidget(self.totals_spacer, 1)
        self.totals_spacer.hide()
        per_ballot = QWidget()
        self.split = QHBoxLayout(per_ballot)
        self.split.setContentsMargins(4, 4, 4, 4)
        self.split.addLayout(left, 3)
        self.split.addWidget(self.side, 2)
        self._totals_chosen = False  # once a member folds or unfolds the totals, the width no longer decides

        # ---------------------------------------------------------- other tabs
        self.compare = ComparePanel(ctx, self)
        self.find_panel = FindPanel(ctx, self)
        self.sheet = TallySheetPanel(ctx, self.status)
        self.tabs = QTabWidget()
        self.tabs.addTab(per_ballot, texts.TAB_PER_BALLOT)
        self.tabs.addTab(self.compare, texts.TAB_COMPARE)
        self.tabs.addTab(self.find_panel, texts.TAB_FIND)
        self.tabs.addTab(self.sheet, texts.TAB_SHEET)
        self.tabs.currentChanged.connect(self._tab_changed)

        self.tabs.setDocumentMode(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 2)
        layout.setSpacing(4)
        layout.addLayout(scan_row)
        layout.addLayout(status_row)
        layout.addWidget(self.tabs, 1)
        self._close_grid()

    def _show_totals(self, on: bool) -> None:
        """Folded totals give their width back to the ballot (a narrow screen keeps every column whole)."""
        self.totals_view.setVisible(on)
        self.totals_spacer.setVisible(not on)
        self.totals_toggle.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)
        self.side.setMaximumWidth(QWIDGETSIZE_MAX if on else SIDE_FOLDED_WIDTH)
        self.split.setStretch(1, 2 if on else 0)

    def _totals_clicked(self) -> None:
        self._totals_chosen = True

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if not self._totals_chosen:
            self.totals_toggle.setChecked(event.size().width() >= TOTALS_FROM_WIDTH)

    # ------------------------------------------------------------ drawing
    @property
    def pass_no(self) -> int:
        return int(self.pass_combo.currentData())

    def refresh(self) -> None:
        previous = self._round.id if self._round is not None else None
        self._round = self.ctx.round()
        self._nominee_list = self.ctx.nominees()
        if self._round is None or self._round.id != previous:
            self.undo_stack.clear()
            self._close_grid()
            self.status.show_info("")
        r = self._round
        if r is not None and not r.double_entry and self.pass_no != 1:
            self.pass_combo.setCurrentIndex(0)
        allow(self.pass_combo, r is not None and r.double_entry, texts.WHY_NO_PASS2)
        why = stage_block(r.stage if r else None, Stage.COUNTING, template=texts.WHY_NOT_COUNTING)
        allow(self.scan, why is None, why or "")
        self.tabs.setTabEnabled(1, r is not None and r.double_entry)
        self.tabs.setTabToolTip(1, "" if r is not None and r.double_entry else texts.WHY_NO_PASS2)
        self.refresh_totals()
        current = self.tabs.currentWidget()
        if current in (self.compare, self.find_panel, self.sheet):
            self._tab_changed(self.tabs.currentIndex())

    def refresh_totals(self, totals: Totals | None = None) -> None:
        r = self._round
        if r is None or r.id is None:
            self.totals_model.set_totals(None, [], None)
            self.counter.setText("")
            self.valid_invalid.setText("")
            return
        if totals is None:
            totals = self.ctx.workspace.counting.totals(r.id, self.pass_no)
        self.totals_model.set_totals(r, self._nominees(), totals)
        header = self.totals_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        collected = str(r.counts.collected) if r.counts.collected is not None else texts.COLLECTED_UNKNOWN
        self.counter.setText(texts.ENTERED_OF.format(entered=totals.collected, collected=collected))
        self.valid_invalid.setText(texts.VALID_INVALID.format(valid=totals.valid, invalid=totals.invalid))

    def _nominees(self) -> list[Nominee]:
        return self._nominee_list

    def _tab_changed(self, index: int) -> None:
        widget = self.tabs.widget(index)
        if isinstance(widget, (ComparePanel, FindPanel, TallySheetPanel)):
            widget.refresh()

    def _pass_changed(self) -> None:
        self._close_grid()
        self.refresh_totals()
        self.scan.setFocus()

    def focus_scan(self) -> None:
        self.scan.setFocus()
        self.scan.selectAll()

    # ------------------------------------------------------------ scanning
    def scan_entered(self) -> None:
        r = self._round
        text = nfc(self.scan.text())
        if r is None or r.id is None or not text:
            return
        self._close_grid()
        ws, mid = self.ctx.workspace, self.ctx.meeting_id
        if sign_in.needs_accounts(ws, mid) and sign_in.signed_in_or_none(ws, mid) is None:
            # View-only: refused at the scan, before anyone keys a ballot that cannot be saved.
            self.status.show_error(texts.VIEW_ONLY_SCAN)
            QApplication.beep()
            self.scan.clear()
            self.focus_scan()
            return
        try:
            serial = self.ctx.workspace.counting.identify(r.id, text, self.pass_no)
        except ServiceError as exc:
            self._show_dashed(text, None)
            self.status.show_error(exc.message)
            self._set_aside_reason = SET_ASIDE_REASON.get(exc.code)
            self.set_aside_button.setVisible(self._set_aside_reason is not None)
            self.focus_scan()
            return
        self._scan_text = text
        self._show_dashed(text, serial)
        self._open_grid(serial, None)

    def _show_dashed(self, raw: str, serial: str | None) -> None:
        """The scan field shows the serial as printed under the QR (xxxx-xxxx-xxxx), never the 49-digit payload:
        one serial format everywhere (issue 17). What was scanned is kept for the save and the set-aside."""
        if serial is None:
            digits = raw.replace(" ", "")
            if len(digits) != PAYLOAD_DIGITS:
                return
            try:
                serial = parse_payload(digits).serial
            except PayloadError:
                return
        shown = format_serial(serial)
        self._shown_scan = (shown, raw)
        self.scan.setText(shown)
        self.scan.selectAll()  # the next scan or typed serial replaces it

    def scan_code(self) -> str:
        """What was scanned, when the field still shows its serial; else what the field holds (typed by hand)."""
        text = self.scan.text()
        if self._shown_scan is not None and text == self._shown_scan[0]:
            return self._shown_scan[1]
        return text

    def _open_grid(self, serial: str, entered: EnteredBallot | None) -> None:
        r = self._round
        if r is None:
            return
        self._serial = serial
        self._correcting = entered
        self.set_aside_button.hide()
        self.grid.load(r, self._nominees(), entered.marks if entered else None)
        for reason, box in self.declared.items():
            box.setChecked(entered is not None and reason in entered.marks.declared)
        self.write_ins.setText("; ".join(entered.marks.write_ins) if entered else "")
        if entered is None:
            self.grid_title.setText(texts.GRID_TITLE.format(serial=format_serial(serial)))
        else:
            self.grid_title.setText(
                texts.GRID_TITLE_CORRECT.format(serial=format_serial(serial), pass_no=entered.pass_no)
            )
        self._set_grid_enabled(True)
        self.mirror.load(self.ctx.meeting(), r, self._nominees())
        self._mirror(self.grid.current_row())
        self.tabs.setCurrentIndex(0)
        self.grid.setFocus()

    def _mirror(self, row: int) -> None:
        line = self.mirror.line(row) if self._serial is not None else ""
        self.mirror_line.setText(line)
        self.mirror_line.setVisible(bool(line))

    def ballot_open(self) -> bool:
        return self._serial is not None

    def open_serial(self) -> str | None:
        return self._serial

    def _close_grid(self) -> None:
        self._serial = None
        self._correcting = None
        self._scan_text = ""
        self._mirror(-1)
        self.grid.load(None, [])
        self.grid_title.setText(texts.GRID_EMPTY)
        for box in self.declared.values():
            box.setChecked(False)
        self.write_ins.clear()
        self._set_grid_enabled(False)
        self._show_keys()

    def _set_grid_enabled(self, on: bool) -> None:
        self.grid.setEnabled(on)
        for box in self.declared.values():
            box.setEnabled(on)
        allow_write_ins = on and self._round is not None and self._round.kind is RoundKind.NOMINATION
        self.write_ins.setVisible(self._round is not None and self._round.write_ins)
        self.write_ins_label.setVisible(self._round is not None and self._round.write_ins)
        self.write_ins.setEnabled(allow_write_ins)

    def _show_keys(self) -> None:
        r = self._round
        keys = {
            RoundKind.CONFIDENCE: texts.KEYS_CONFIDENCE,
            RoundKind.APPROVAL: texts.KEYS_APPROVAL,
            RoundKind.NOMINATION: texts.KEYS_NOMINATION,
        }
        self.keys_hint.setText(f"{keys[r.kind]}. {texts.KEYS_COMMON}." if r is not None else "")

    def _focus_write_ins(self) -> None:
        if self.write_ins.isVisible() and self.write_ins.isEnabled():
            self.write_ins.setFocus()

    def _toggle_declared(self, reason: Reason) -> None:
        box = self.declared.get(reason)
        if box is not None:
            box.setChecked(not box.isChecked())

    # ------------------------------------------------------------ corrections (called by the panels)
    def open_for_correction(self, entered: EnteredBallot) -> None:
        if entered.serial is None:
            return
        self._open_grid(entered.serial, entered)
