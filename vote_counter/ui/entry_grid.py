"""The ballot grid: one row per person on the ballot, keyed with one key per row (SPEC §6).

Keys: 1/2/3 (confidence) or 1/2 (approval) set the row's mark and move down; Ctrl+digit adds a
second mark without moving (a row marked twice, as it is on the paper); 0 clears the row and moves
down; Space toggles a nomination choice; ↑/↓ move; F6/F7/F8 toggle the reasons the board sees on
the paper; F9 jumps to the write-in names; Enter saves; Ctrl+Enter saves a ballot with no marks
(a deliberate, distinct key: a scanner's extra Enter must never record a blank ballot); Esc cancels.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from vote_counter.domain.model import BallotMarks, Nominee, NomineeId, Reason, Round, RoundKind
from vote_counter.ui import texts
from vote_counter.ui.geometry import compact_rows
from vote_counter.ui.models import DISPLAY, Index, ReadOnlyTable, option_labels

MARKED_BRUSH = QBrush(QColor("#c8f0c8"))
BAD_ROW_BRUSH = QBrush(QColor("#ffd6d6"))
CURRENT_BRUSH = QBrush(QColor("#dde8ff"))
DECLARED_KEYS: Mapping[int, Reason] = {
    int(Qt.Key.Key_F6): Reason.CROSSED_NAME,
    int(Qt.Key.Key_F7): Reason.EXTRA_CONTENT,
    int(Qt.Key.Key_F8): Reason.UNREADABLE,
}
DIGIT_KEYS = {int(getattr(Qt.Key, f"Key_{d}")): d for d in range(10)}
# Up to 30 rows must all be visible at 1366×768 (issue 11): past this many, rows get compact.
COMPACT_FROM = 12
DENSE_FROM = 20


class EntryGridModel(ReadOnlyTable):
    """The marks of the ballot being keyed. Columns: STT, name, one per box."""

    def __init__(self) -> None:
        super().__init__()
        self._round: Round | None = None
        self._nominees: list[Nominee] = []
        self._marks: dict[NomineeId, set[int]] = {}
        self._bold = QFont()
        self._bold.setBold(True)

    # ------------------------------------------------------------ state
    def load(self, round_: Round | None, nominees: Sequence[Nominee], marks: BallotMarks | None = None) -> None:
        self.beginResetModel()
        self._round = round_
        self._nominees = [n for n in nominees if n.id is not None]
        self._marks = {n.id: set() for n in self._nominees if n.id is not None}
        if marks is not None:
            for nid, boxes in marks.rows.items():
                if nid in self._marks:
                    self._marks[nid] = set(boxes)
        self.headers = (texts.GRID_STT, texts.GRID_NAME, *(option_labels(round_) if round_ else ()))
        if round_ is not None and round_.kind is RoundKind.NOMINATION:
            self.headers = (texts.GRID_STT, texts.GRID_NAME, texts.NOMINATION_LABEL)
        self.endResetModel()

    def round(self) -> Round | None:
        return self._round

    def set_font(self, font: QFont) -> None:
        self._bold = QFont(font)
        self._bold.setBold(True)

    @property
    def options(self) -> int:
        return self._round.options if self._round is not None else 0

    def marks(self) -> dict[NomineeId, frozenset[int]]:
        return {nid: frozenset(boxes) for nid, boxes in self._marks.items()}

    def any_marked(self) -> bool:
        return any(self._marks.values())

    def copy_marks(self) -> dict[NomineeId, set[int]]:
        return {nid: set(boxes) for nid, boxes in self._marks.items()}

    def put_marks(self, marks: dict[NomineeId, set[int]]) -> None:
        self._marks = {nid: set(marks.get(nid, set())) for nid in self._marks}
        if self._nominees:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._nominees) - 1, self.columnCount() - 1))

    def row_boxes(self, row: int) -> frozenset[int]:
        nid = self._nominees[row].id
        assert nid is not None
        return frozenset(self._marks[nid])

    def set_row(self, row: int, boxes: set[int]) -> None:
        nid = self._nominees[row].id
        assert nid is not None
        self._marks[nid] = set(boxes)
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))

    def toggle(self, row: int, box: int) -> None:
        boxes = set(self.row_boxes(row))
        boxes ^= {box}
        self.set_row(row, boxes)

    # ------------------------------------------------------------ Qt
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._nominees)

    def _bad_row(self, row: int) -> bool:
        if self._round is None:
            return False
        boxes = self.row_boxes(row)
        if self._round.kind is RoundKind.CONFIDENCE:
            return len(boxes) > 1
        if self._round.kind is RoundKind.APPROVAL:
            return len(boxes) == 2
        return False

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._nominees):
            return None
        row, col = index.row(), index.column()
        boxes = self.row_boxes(row)
        marked = col >= 2 and (col - 2) in boxes
        if role == DISPLAY:
            if col == 0:
                return str(row + 1)
            if col == 1:
                return self._nominees[row].full_name
            return texts.MARK if marked else ""
        if role == Qt.ItemDataRole.TextAlignmentRole and col != 1:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.BackgroundRole:
            if self._bad_row(row):
                return BAD_ROW_BRUSH
            return MARKED_BRUSH if marked else None
        if role == Qt.ItemDataRole.FontRole and (marked or col == 1):
            return self._bold
        return None


GridState = tuple[dict[NomineeId, set[int]], int, bool, bool]


class EntryGrid(QTableView):
    saveRequested = Signal()
    saveBlankRequested = Signal()
    cancelRequested = Signal()
    declaredToggled = Signal(object)  # Reason
    writeInRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # A stray or out-of-range digit, or digits after the last row (a QR scanned into the grid
        # while a ballot is open): the next Enter only warns instead of saving.
        self.suspicious = False
        self._past_end = False
        self.grid_model = EntryGridModel()
        self.setModel(self.grid_model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTabKeyNavigation(False)
        self.verticalHeader().setVisible(False)
        self.setAlternatingRowColors(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setStretchLastSection(False)
        self.setStyleSheet("QTableView::item:selected { background: #9ec5ff; color: black; }")
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self._normal_font = QFont(self.font())

    def fit_rows(self, rows: int) -> None:
        """Compact rows for long ballots: a point smaller and little padding, so 30 rows fit at 1366×768."""
        font = QFont(self._normal_font)
        if rows > DENSE_FROM:
            font.setPointSizeF(font.pointSizeF() - 1)
        self.setFont(font)
        self.grid_model.set_font(font)
        compact_rows(self, 0 if rows > DENSE_FROM else 4 if rows > COMPACT_FROM else 10)

    def load(self, round_: Round | None, nominees: Sequence[Nominee], marks: BallotMarks | None = None) -> None:
        self.grid_model.load(round_, nominees, marks)
        self.fit_rows(self.grid_model.rowCount())
        self.suspicious = False
        header = self.horizontalHeader()
        cols = self.grid_model.columnCount()
        if cols:
            header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
            header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
            for c in range(2, cols):
                header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        self.go_to(0)

    def keyed_state(self) -> GridState:
        return (self.grid_model.copy_marks(), self.current_row(), self.suspicious, self._past_end)

    def set_keyed_state(self, state: GridState) -> None:
        marks, row, suspicious, past_end = state
        self.grid_model.put_marks(marks)
        self.go_to(row)
        self.suspicious, self._past_end = suspicious, past_end

    def current_row(self) -> int:
        return max(self.currentIndex().row(), 0)

    def go_to(self, row: int) -> None:
        rows = self.grid_model.rowCount()
        if rows == 0:
            return
        self._past_end = row >= rows
        row = min(max(row, 0), rows - 1)
        index = self.grid_model.index(row, 1)
        self.setCurrentIndex(index)
        self.scrollTo(index)

    def event(self, event: QEvent) -> bool:
        # Ctrl+digit is a second mark on the open ballot, not the window's Ctrl+1…5 page shortcut.
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.key() in DIGIT_KEYS
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
            and self.grid_model.rowCount() > 0
        ):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        round_ = self.grid_model.round()
        key = event.key()
        mods = event.modifiers()
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        row = self.current_row()
        rows = self.grid_model.rowCount()
        if round_ is None or rows == 0:
            super().keyPressEvent(event)
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and ctrl:
            self.saveBlankRequested.emit()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.saveRequested.emit()
        elif key == Qt.Key.Key_Escape:
            self.cancelRequested.emit()
        elif key == Qt.Key.Key_Up:
            self.go_to(row - 1)
        elif key in (Qt.Key.Key_Down, Qt.Key.Key_Tab):
            self.go_to(row + 1)
        elif key in DECLARED_KEYS:
            self.declaredToggled.emit(DECLARED_KEYS[key])
        elif key == Qt.Key.Key_F9:
            self.writeInRequested.emit()
        elif key == Qt.Key.Key_Space and round_.kind is RoundKind.NOMINATION:
            self.grid_model.toggle(row, 0)
        elif key in DIGIT_KEYS:
            self._digit(DIGIT_KEYS[key], row, ctrl, round_)
        else:
            event.accept()  # swallow letters: a stray key must never do something unseen

    def _digit(self, digit: int, row: int, ctrl: bool, round_: Round) -> None:
        if self._past_end or (digit - 1 >= round_.options and round_.kind is not RoundKind.NOMINATION):
            self.suspicious = True
            return
        if digit == 0:
            self.grid_model.set_row(row, set())
            self.go_to(row + 1)
            return
        box = digit - 1
        if round_.kind is RoundKind.NOMINATION:
            if box == 0:
                self.grid_model.toggle(row, 0)
            else:
                self.suspicious = True
        elif ctrl:
            self.grid_model.toggle(row, box)
        else:
            self.grid_model.set_row(row, {box})
            self.go_to(row + 1)
