"""The review queue of scanned ballots: the page with its stored geometry overlaid, each doubtful box enlarged,
decided box by box from the keyboard (SPEC §11).

Keys: 1 = the box is marked, 0 = it is empty (both move to the next doubtful box), ←/→ move between doubtful
boxes, ↑/↓ move between waiting ballots, Enter saves the ballot once every doubtful box is decided. The
decision goes through the scan service, which saves the ballot as if keyed, with the member and the
images' hashes in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QKeyEvent, QPainter, QPaintEvent, QPen, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from vote_counter.scanning.geometry import CANON
from vote_counter.services.errors import ServiceError
from vote_counter.services.scanning import QueueBox, QueueItem, QueueSheet
from vote_counter.ui import dialogs, texts
from vote_counter.ui.context import AppContext
from vote_counter.ui.widgets import StatusLine, allow

ZOOM_MARGIN = 3.0  # mm of paper shown around an enlarged box
COLOURS = {
    "current": QColor(220, 30, 30),
    "ambiguous": QColor(240, 140, 0),
    "marked": QColor(20, 140, 40),
    "unmarked": QColor(60, 110, 200),
}


@dataclass(frozen=True)
class Doubt:
    """One doubtful box of the ballot under review: which sheet, which box."""

    sheet: QueueSheet
    box: QueueBox


def _image(sheet: QueueSheet) -> QImage:
    image = QImage.fromData(sheet.image_png)
    return image.convertToFormat(QImage.Format.Format_Grayscale8) if not image.isNull() else image


def _box_rect(sheet: QueueSheet, index: int, margin: float = 0.0) -> QRectF:
    """The box in the canonical image's pixels (y down)."""
    assert sheet.page is not None
    rect = sheet.page.boxes[index].rect
    return QRectF(
        (rect.x - margin) * CANON,
        (sheet.height_mm - rect.top - margin) * CANON,
        (rect.w + 2 * margin) * CANON,
        (rect.h + 2 * margin) * CANON,
    )


class SheetView(QWidget):
    """The scanned page scaled to fit, with every box of the stored geometry drawn over it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sheet: QueueSheet | None = None
        self.image = QImage()
        self.current: int | None = None
        self.decided: dict[int, bool] = {}
        self.setMinimumSize(320, 420)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def show_sheet(self, sheet: QueueSheet | None, current: int | None, decided: dict[int, bool]) -> None:
        if sheet is not self.sheet:
            self.image = _image(sheet) if sheet is not None else QImage()
        self.sheet, self.current, self.decided = sheet, current, decided
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(90, 90, 90))
        if self.image.isNull():
            painter.end()
            return
        scale = min(self.width() / self.image.width(), self.height() / self.image.height())
        w, h = self.image.width() * scale, self.image.height() * scale
        painter.translate((self.width() - w) / 2, (self.height() - h) / 2)
        painter.scale(scale, scale)
        painter.drawImage(0, 0, self.image)
        sheet = self.sheet
        if sheet is not None and sheet.registered and sheet.page is not None:
            for box in sheet.boxes:
                if box.index == self.current:
                    colour, width = COLOURS["current"], 4.0
                elif box.index in self.decided:
                    colour, width = COLOURS["marked" if self.decided[box.index] else "unmarked"], 2.5
                else:
                    colour, width = COLOURS[box.state], 2.5 if box.state == "ambiguous" else 1.2
                painter.setPen(QPen(colour, width / scale * 0.6 + width * 0.4))
                painter.drawRect(_box_rect(sheet, box.index, 0.6))
        painter.end()


class ReviewPanel(QWidget):
    queueChanged = Signal(int)  # sheets still waiting

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.items: list[QueueItem] = []
        self.groups: list[list[QueueItem]] = []
        self.sheets: list[QueueSheet] = []
        self.doubts: list[Doubt] = []
        self.position = 0
        self.decisions: dict[tuple[int, int], bool] = {}

        self.list = QListWidget()
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys belong to the decision
        self.list.currentRowChanged.connect(self._group_picked)
        self.view = SheetView()
        self.zoom = QLabel()
        self.zoom.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.zoom.setMinimumSize(260, 260)
        self.zoom.setStyleSheet("background: #5a5a5a;")
        self.box_label = QLabel()
        self.box_label.setWordWrap(True)
        self.decision_label = QLabel()
        font = self.decision_label.font()
        font.setPointSize(font.pointSize() + 6)
        font.setBold(True)
        self.decision_label.setFont(font)
        self.reasons = QLabel()
        self.reasons.setWordWrap(True)
        self.serial_label = QLabel()
        self.serial = QLineEdit()
        self.serial.setPlaceholderText(texts.REVIEW_NO_SERIAL)
        self.serial.returnPressed.connect(self.save)
        self.save_button = QPushButton(texts.REVIEW_SAVE)
        self.save_button.clicked.connect(self.save)
        self.dismiss_button = QPushButton(texts.REVIEW_DISMISS)
        self.dismiss_button.clicked.connect(self.dismiss)
        self.status = StatusLine()
        keys = QLabel(texts.REVIEW_KEYS)
        keys.setWordWrap(True)
        self.empty = QLabel(texts.REVIEW_EMPTY)

        side = QVBoxLayout()
        side.addWidget(self.reasons)
        side.addWidget(self.serial_label)
        side.addWidget(self.serial)
        side.addWidget(self.zoom)
        side.addWidget(self.box_label)
        side.addWidget(self.decision_label)
        side.addWidget(keys)
        side.addWidget(self.save_button)
        side.addWidget(self.dismiss_button)
        side.addWidget(self.status)
        side.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.list, 1)
        row.addWidget(self.view, 3)
        row.addLayout(side, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addLayout(row, 1)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    # ------------------------------------------------------------ loading
    def refresh(self) -> None:
        round_id = self.ctx.round_id
        self.items = self.ctx.workspace.scanning.queue(round_id) if round_id is not None else []
        groups: dict[str | int, list[QueueItem]] = {}
        for item in self.items:  # the sheets of one long ballot are decided together
            groups.setdefault(item.serial or item.id, []).append(item)
        self.groups = list(groups.values())
        self.list.blockSignals(True)
        self.list.clear()
        for group in self.groups:
            first = group[0]
            label = texts.REVIEW_SERIAL.format(serial=first.serial) if first.serial else texts.REVIEW_NO_SERIAL
            self.list.addItem(QListWidgetItem(f"{label}\n{first.file} · {first.page}"))
        self.list.blockSignals(False)
        self.empty.setVisible(not self.groups)
        self.queueChanged.emit(len(self.items))
        if self.groups:
            self.list.setCurrentRow(0)
            self._group_picked(0)
        else:
            self._show_group([])

    def _group_picked(self, row: int) -> None:
        if 0 <= row < len(self.groups):
            self._show_group(self.groups[row])

    def _show_group(self, group: list[QueueItem]) -> None:
        scanning = self.ctx.workspace.scanning
        self.sheets = [scanning.sheet(item.id) for item in group]
        self.doubts = [Doubt(s, b) for s in self.sheets for b in s.boxes if b.state == "ambiguous"]
        self.position = 0
        self.decisions = {}
        self.status.clear()
        first = group[0] if group else None
        self.reasons.setText(
            texts.REVIEW_REASONS.format(reasons="; ".join(i.reason_text for i in group)) if first else ""
        )
        has_serial = bool(first and first.serial)
        self.serial_label.setText(texts.REVIEW_SERIAL.format(serial=first.serial) if first and first.serial else "")
        self.serial.setVisible(first is not None and not has_serial)
        self.serial.clear()
        allow(self.save_button, first is not None)
        allow(self.dismiss_button, first is not None)
        self._draw()
        self.setFocus()

    # ------------------------------------------------------------ drawing
    def current(self) -> Doubt | None:
        return self.doubts[self.position] if 0 <= self.position < len(self.doubts) else None

    def _draw(self) -> None:
        doubt = self.current()
        sheet = doubt.sheet if doubt else (self.sheets[0] if self.sheets else None)
        decided = {i: v for (item, i), v in self.decisions.items() if sheet and item == sheet.item.id}
        self.view.show_sheet(sheet, doubt.box.index if doubt else None, decided)
        if doubt is None:
            self.zoom.clear()
            self.box_label.setText("")
            self.decision_label.setText("")
            return
        crop = _image(doubt.sheet).copy(_box_rect(doubt.sheet, doubt.box.index, ZOOM_MARGIN).toRect())
        self.zoom.setPixmap(QPixmap.fromImage(crop.scaled(240, 240, Qt.AspectRatioMode.KeepAspectRatio)))
        self.box_label.setText(
            texts.REVIEW_BOX.format(
                n=self.position + 1, total=len(self.doubts), row=self._row_name(doubt.box), option=self._option(doubt)
            )
        )
        value = self.decisions.get((doubt.sheet.item.id, doubt.box.index))
        self.decision_label.setText(
            texts.REVIEW_UNDECIDED if value is None else texts.REVIEW_MARKED if value else texts.REVIEW_EMPTY_BOX
        )

    def _row_name(self, box: QueueBox) -> str:
        if box.nominee_id is None:
            return texts.REVIEW_WRITE_IN.format(n=(box.write_in or 0) + 1)
        for stt, nominee in enumerate(self.ctx.nominees(), start=1):
            if nominee.id == box.nominee_id:
                return f"{texts.REVIEW_ROW.format(stt=stt)} ({nominee.full_name})"
        return texts.REVIEW_ROW.format(stt="?")

    @staticmethod
    def _option(doubt: Doubt) -> str:
        options = doubt.sheet.options
        return options[doubt.box.option] if 0 <= doubt.box.option < len(options) else str(doubt.box.option)

    # ------------------------------------------------------------ keys
    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_1, Qt.Key.Key_0):
            self.decide(key == Qt.Key.Key_1)
        elif key == Qt.Key.Key_Right:
            self._move(1)
        elif key == Qt.Key.Key_Left:
            self._move(-1)
        elif key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and self.groups:
            row = max(0, min(len(self.groups) - 1, self.list.currentRow() + (1 if key == Qt.Key.Key_Down else -1)))
            self.list.setCurrentRow(row)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.save()
        else:
            super().keyPressEvent(event)

    def decide(self, marked: bool) -> None:
        doubt = self.current()
        if doubt is None:
            return
        self.decisions[(doubt.sheet.item.id, doubt.box.index)] = marked
        if self.position < len(self.doubts) - 1:
            self.position += 1
        self._draw()

    def _move(self, step: int) -> None:
        if self.doubts:
            self.position = max(0, min(len(self.doubts) - 1, self.position + step))
            self._draw()

    # ------------------------------------------------------------ actions
    def save(self) -> None:
        if not self.sheets:
            return
        left = sum(1 for d in self.doubts if (d.sheet.item.id, d.box.index) not in self.decisions)
        if left:
            self.status.show_error(texts.REVIEW_LEFT.format(count=left))
            return
        ids = [s.item.id for s in self.sheets]
        try:
            saved = self.ctx.workspace.scanning.decide(ids, self.decisions, serial_text=self.serial.text())
        except ServiceError as exc:
            self.status.show_error(exc.message)
            return
        row = self.list.currentRow()
        self.refresh()
        self.ctx.changed()  # the totals moved
        if self.groups:
            self.list.setCurrentRow(min(row, len(self.groups) - 1))
        self.status.show_ok(texts.REVIEW_SAVED.format(serial=saved.serial or ""))
        self.setFocus()

    def dismiss(self) -> None:
        if not self.sheets:
            return
        reason = dialogs.ask_text(self, texts.REVIEW_DISMISS, texts.REVIEW_DISMISS_PROMPT)
        if reason is None:
            return
        try:
            self.ctx.workspace.scanning.dismiss([s.item.id for s in self.sheets], reason)
        except ServiceError as exc:
            self.status.show_error(exc.message)
            return
        self.refresh()
        self.ctx.changed()
