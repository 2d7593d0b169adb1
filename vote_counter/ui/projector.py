"""Trình chiếu: the results for the hall, full screen, large type (SPEC §7).

Never shown for rounds whose results are not announced (SPEC §4.6: step-2 results are
"không công bố tại hội nghị"); the window itself refuses such a result, not only the button.
The type is as large as the screen allows: the font shrinks until every column fits.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vote_counter.domain.model import Mode, RoundKind
from vote_counter.domain.rules import Result
from vote_counter.ui import texts
from vote_counter.ui.models import TIE_BRUSH, WARN_BRUSH, option_labels, outcome_text

PROJECTOR_STYLE = """
QWidget#projector { background: #0f1e3c; }
QLabel { color: white; }
QTableWidget { background: #ffffff; color: #000000; gridline-color: #8890a0; }
QHeaderView::section { background: #d9e2f3; color: #000; padding: 4px; }
"""
MAX_POINTS = 40
MIN_POINTS = 10


class NotAnnounced(ValueError):
    """The round's results are not announced at the meeting."""


class ProjectorView(QWidget):
    def __init__(self, result: Result, parent: QWidget | None = None) -> None:
        if not result.round.announced:
            raise NotAnnounced(texts.WHY_NOT_ANNOUNCED)
        super().__init__(parent, Qt.WindowType.Window)
        self.result = result
        self.setObjectName("projector")
        self.setWindowTitle(f"{texts.APP_TITLE} — {texts.PROJECTOR_TITLE}")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setStyleSheet(PROJECTOR_STYLE)

        self.title = QLabel(result.round.title.upper())
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.summary = QLabel(
            texts.SUMMARY.format(
                s=result.summoned,
                p=result.present,
                absent=result.absent,
                i=result.issued,
                c=result.collected,
                v=result.valid,
                x=result.invalid,
            )
        )
        self.summary.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.base = QLabel(f"{texts.BASE_HEADING[result.base]} ({result.base_value})")
        self.base.setAlignment(Qt.AlignmentFlag.AlignCenter)
        for label in (self.title, self.summary, self.base):
            # Long titles wrap; they never widen the window past the screen.
            label.setWordWrap(True)
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.table = self._table(result)
        hint = QLabel(texts.PROJECTOR_CLOSE_HINT)
        hint.setAlignment(Qt.AlignmentFlag.AlignRight)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 20, 32, 12)
        if result.round.mode is Mode.TEST:
            watermark = QLabel(texts.TEST_WATERMARK)
            watermark.setStyleSheet("color: #ffb4b4; font-weight: bold;")
            watermark.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(watermark)
        layout.addWidget(self.title)
        layout.addWidget(self.summary)
        layout.addWidget(self.base)
        layout.addWidget(self.table, 1)
        layout.addWidget(hint)

    def _table(self, result: Result) -> QTableWidget:
        labels = option_labels(result.round)
        show_not_counted = result.round.kind is RoundKind.APPROVAL or any(n.not_counted for n in result.nominees)
        headers = [texts.GRID_STT, texts.RESULT_NAME, *labels]
        if show_not_counted:
            headers.append(texts.RESULT_NOT_COUNTED)
        headers.append(texts.RESULT_OUTCOME)
        table = QTableWidget(len(result.nominees), len(headers))
        table.setHorizontalHeaderLabels(headers)
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        for row, nr in enumerate(result.nominees):
            name = nr.name + (texts.WRITE_IN_SUFFIX if nr.nominee_id is None else "")
            cells: list[tuple[str, Qt.AlignmentFlag]] = [
                (str(row + 1), right),
                (name, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            ]
            # One cell per option: the count and its percentage, read together in the hall.
            cells += [(f"{c}  ({p.display})", right) for c, p in zip(nr.counts, nr.percents, strict=True)]
            if show_not_counted:
                cells.append((str(nr.not_counted), right))
            cells.append((outcome_text(nr), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter))
            for col, (text, align) in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setTextAlignment(align)
                if nr.tied:
                    item.setBackground(TIE_BRUSH)
                elif nr.band is not None:
                    item.setBackground(WARN_BRUSH)
                table.setItem(row, col, item)
        table.verticalHeader().setVisible(False)
        table.setWordWrap(False)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        return table

    def fit(self) -> int:
        """The largest type (in points) at which the whole table fits the screen; returns it."""
        width = max(self.width() - 80, 200)
        height = max(self.height(), 200)
        points = MAX_POINTS
        while True:
            self._set_points(points)
            layout = self.layout()
            if layout is not None:
                layout.activate()
            wide = self.table.horizontalHeader().length() + 4
            # Title, summary, base line and hint take about 5 lines of their own sizes.
            tall = self.table.verticalHeader().length() + self.table.horizontalHeader().height()
            tall += sum(label.heightForWidth(width) for label in (self.title, self.summary, self.base)) + 80
            if (wide <= width and tall <= height) or points <= MIN_POINTS:
                break
            points -= 1
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        return points

    def _set_points(self, points: int) -> None:
        for label, factor in ((self.title, 1.5), (self.summary, 0.8), (self.base, 0.8)):
            font = label.font()
            font.setPointSize(max(int(points * factor), MIN_POINTS))
            font.setBold(label is self.title)
            label.setFont(font)
        font = self.table.font()
        font.setPointSize(points)
        self.table.setFont(font)
        # The style sheet owns the header's font, so its size goes there too.
        self.table.horizontalHeader().setStyleSheet(
            f"QHeaderView::section {{ font-size: {max(int(points * 0.8), MIN_POINTS)}pt; font-weight: bold; }}"
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.resizeColumnsToContents()
        self.table.resizeRowsToContents()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close()
            return
        super().keyPressEvent(event)
