"""Qt table models over domain values (STYLE habit 6): nominees, running totals, results, pass differences.

Each model holds a frozen domain value and redraws when given a new one; none of them writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from vote_counter.domain.model import BallotMarks, Nominee, NomineeId, Round, RoundKind
from vote_counter.domain.rules import NomineeResult, PassDifference, Result, Totals, same_marks
from vote_counter.domain.serials import format_serial
from vote_counter.ui import texts

Index = QModelIndex | QPersistentModelIndex
DISPLAY = Qt.ItemDataRole.DisplayRole
ALIGN_NUMBER = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
TIE_BRUSH = QBrush(QColor("#fff3b0"))
WARN_BRUSH = QBrush(QColor("#ffd6d6"))


def option_labels(round_: Round) -> tuple[str, ...]:
    if round_.kind is RoundKind.CONFIDENCE:
        return round_.level_labels
    if round_.kind is RoundKind.APPROVAL:
        return texts.APPROVAL_LABELS
    return (texts.TOTALS_VOTES,)


def outcome_text(result: NomineeResult) -> str:
    if result.band is not None:
        return texts.BAND[result.band]
    if result.approval is not None:
        return texts.APPROVAL[result.approval]
    if result.selection is not None:
        return texts.SELECTION[result.selection]
    return ""


def row_keys(marks: BallotMarks | None, round_: Round, nominees: Sequence[Nominee]) -> str:
    """A ballot as the keys a board member would press: '1 2 3 – 1+2', nomination: chosen STT."""
    if marks is None:
        return texts.DIFF_MISSING
    parts: list[str] = []
    if round_.kind is RoundKind.NOMINATION:
        chosen = [str(i) for i, n in enumerate(nominees, start=1) if n.id is not None and marks.rows.get(n.id)]
        parts.append(texts.NOMINATION_LABEL + ": " + (", ".join(chosen) or texts.BLANK_ROW))
    else:
        for n in nominees:
            boxes = marks.rows.get(n.id, frozenset()) if n.id is not None else frozenset()
            parts.append("+".join(str(b + 1) for b in sorted(boxes)) or "–")
    if marks.write_ins:
        parts.append("; ".join(marks.write_ins))
    if marks.declared:
        parts.append("[" + ", ".join(texts.INVALID_REASON[r] for r in sorted(marks.declared)) + "]")
    return " ".join(parts)


class ReadOnlyTable(QAbstractTableModel):
    headers: tuple[str, ...] = ()

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008  (Qt's default)
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if role != DISPLAY:
            return None
        if orientation is Qt.Orientation.Horizontal:
            return self.headers[section] if 0 <= section < len(self.headers) else None
        return str(section + 1)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class NomineesModel(ReadOnlyTable):
    def __init__(self) -> None:
        super().__init__()
        self.headers = texts.NOMINEE_HEADERS  # read when built: the language is chosen at start-up
        self._nominees: list[Nominee] = []

    def set_nominees(self, nominees: Sequence[Nominee]) -> None:
        self.beginResetModel()
        self._nominees = list(nominees)
        self.endResetModel()

    def nominee(self, row: int) -> Nominee:
        return self._nominees[row]

    def nominees(self) -> list[Nominee]:
        return list(self._nominees)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._nominees)

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._nominees):
            return None
        n = self._nominees[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (0, 2):
            return ALIGN_NUMBER
        if role != DISPLAY:
            return None
        values = (
            str(index.row() + 1),
            n.full_name,
            str(n.birth_year) if n.birth_year else texts.NO_BIRTH_YEAR,
            n.current_position,
            n.proposed_position,
            n.unit,
        )
        return values[col] if 0 <= col < len(values) else None


class TotalsModel(ReadOnlyTable):
    """Running totals while ballots are entered: one row per nominee (and write-in)."""

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[tuple[str, tuple[int, ...], int]] = []

    def set_totals(self, round_: Round | None, nominees: Sequence[Nominee], totals: Totals | None) -> None:
        self.beginResetModel()
        self._rows = []
        self.headers = ()
        if round_ is not None:
            labels = option_labels(round_)
            self.headers = (texts.TOTALS_NAME, *labels, texts.TOTALS_NOT_COUNTED)
            width = len(labels)
            rows = totals.rows if totals is not None else {}
            not_counted = totals.not_counted if totals is not None else {}
            for n in nominees:
                if n.id is None:
                    continue
                counts = tuple(rows.get(n.id, (0,) * width))[:width]
                self._rows.append((n.full_name, counts, not_counted.get(n.id, 0)))
            if totals is not None and round_.kind is RoundKind.NOMINATION:
                for name, votes in sorted(totals.write_ins.items(), key=lambda kv: (-kv[1], kv[0])):
                    self._rows.append((name + texts.WRITE_IN_SUFFIX, (votes,), 0))
        self.endResetModel()

    def counts(self, row: int) -> tuple[int, ...]:
        return self._rows[row][1]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        name, counts, not_counted = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.TextAlignmentRole and col > 0:
            return ALIGN_NUMBER
        if role != DISPLAY:
            return None
        if col == 0:
            return name
        if 1 <= col <= len(counts):
            return str(counts[col - 1])
        if col == len(counts) + 1:
            return str(not_counted)
        return None


class ResultsModel(ReadOnlyTable):
    """A round's Result: counts and percentages per option, and the outcome in words."""

    def __init__(self) -> None:
        super().__init__()
        self._result: Result | None = None
        self._options = 0

    def set_result(self, result: Result | None) -> None:
        self.beginResetModel()
        self._result = result
        self.headers = ()
        self._options = 0
        if result is not None:
            labels = option_labels(result.round)
            self._options = len(labels)
            cols: list[str] = [texts.GRID_STT, texts.RESULT_NAME]
            for label in labels:
                cols += [label, "%"]
            if result.round.kind is not RoundKind.NOMINATION:
                cols.append(texts.RESULT_NOT_COUNTED)
            cols.append(texts.RESULT_OUTCOME)
            self.headers = tuple(cols)
        self.endResetModel()

    def result(self) -> Result | None:
        return self._result

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self._result is None:
            return 0
        return len(self._result.nominees)

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if self._result is None or not index.isValid() or not 0 <= index.row() < len(self._result.nominees):
            return None
        nr = self._result.nominees[index.row()]
        col = index.column()
        last = len(self.headers) - 1
        if role == Qt.ItemDataRole.BackgroundRole:
            if nr.tied:
                return TIE_BRUSH
            if nr.band is not None:
                return WARN_BRUSH
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and 0 < col < last and col != 1:
            return ALIGN_NUMBER
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 0:
            return ALIGN_NUMBER
        if role != DISPLAY:
            return None
        if col == 0:
            return str(index.row() + 1)
        if col == 1:
            return nr.name + (texts.WRITE_IN_SUFFIX if nr.nominee_id is None else "")
        if col == last:
            return outcome_text(nr)
        k = col - 2
        if k < 2 * self._options:
            option, is_percent = divmod(k, 2)
            return nr.percents[option].display if is_percent else str(nr.counts[option])
        return str(nr.not_counted)


class DifferencesModel(ReadOnlyTable):
    """Every serial whose two passes differ, side by side (SPEC §6 double entry)."""

    def __init__(self) -> None:
        super().__init__()
        self.headers = texts.DIFF_HEADERS
        self._diffs: list[PassDifference] = []
        self._round: Round | None = None
        self._nominees: list[Nominee] = []

    def set_differences(
        self, round_: Round | None, nominees: Sequence[Nominee], diffs: Sequence[PassDifference]
    ) -> None:
        self.beginResetModel()
        self._round, self._nominees, self._diffs = round_, list(nominees), list(diffs)
        self.endResetModel()

    def difference(self, row: int) -> PassDifference:
        return self._diffs[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._diffs)

    def _rows_differing(self, d: PassDifference) -> str:
        if d.first is None or d.second is None:
            return ""
        if same_marks(BallotMarks(d.first.rows), BallotMarks(d.second.rows)):
            return "—"
        names: list[str] = []
        for i, n in enumerate(self._nominees, start=1):
            nid: NomineeId | None = n.id
            if nid is not None and d.first.rows.get(nid, frozenset()) != d.second.rows.get(nid, frozenset()):
                names.append(f"{i}. {n.full_name}")
        return ", ".join(names)

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if self._round is None or not index.isValid() or not 0 <= index.row() < len(self._diffs):
            return None
        d = self._diffs[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.ForegroundRole and col in (1, 2):
            return QBrush(QColor("#b00020"))
        if role != DISPLAY:
            return None
        if col == 0:
            return format_serial(d.serial)
        if col == 1:
            return row_keys(d.first, self._round, self._nominees)
        if col == 2:
            return row_keys(d.second, self._round, self._nominees)
        if col == 3:
            return self._rows_differing(d)
        return None
