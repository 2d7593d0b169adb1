"""Phiếu: print QR-numbered ballots, see the ballot register, exchange a spoiled ballot (SPEC §5)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from vote_counter.documents.page_format import PageFormat
from vote_counter.domain.model import Stage
from vote_counter.domain.serials import format_serial
from vote_counter.services.errors import ServiceError
from vote_counter.services.register import MAX_BATCH, IssuedBallot
from vote_counter.ui import texts
from vote_counter.ui.context import AppContext
from vote_counter.ui.jobs import JobContext
from vote_counter.ui.pages.base import Page, stage_block
from vote_counter.ui.widgets import StatusLine, allow, heading

SPARES = 5


def choose_pdf_path(parent: QWidget, suggested: str) -> Path | None:
    path, _ = QFileDialog.getSaveFileName(parent, texts.PRINT_SAVE_TITLE, suggested, texts.PDF_FILTER)
    return Path(path) if path else None


def open_with_system(path: Path) -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class BallotsPage(Page):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        # Hooks the tests replace: where to write the PDF, and how to show it.
        self.choose_path = choose_pdf_path
        self.open_file = open_with_system
        self.status = StatusLine()

        register = QGroupBox(texts.REGISTER)
        grid = QGridLayout(register)
        self.register_labels: dict[str, QLabel] = {}
        names = (
            ("printed", texts.REG_PRINTED),
            ("counted", texts.REG_COUNTED),
            ("spoiled", texts.REG_SPOILED),
            ("unused", texts.REG_UNUSED),
            ("outstanding", texts.REG_OUTSTANDING),
        )
        for col, (key, label) in enumerate(names):
            value = heading("0", size_delta=8)
            self.register_labels[key] = value
            grid.addWidget(QLabel(label), 0, col)
            grid.addWidget(value, 1, col)

        printing = QGroupBox(texts.PRINT_GROUP)
        self.count = QSpinBox()
        self.count.setRange(1, MAX_BATCH)
        self.count.setMaximumWidth(160)
        self.page_format = QComboBox()
        self.page_format.setMaximumWidth(240)
        for fmt in PageFormat:
            self.page_format.addItem(texts.PAGE_FORMAT_LABELS.get(fmt.value, fmt.value), fmt.value)
        self.print_button = QPushButton(texts.PRINT)
        self.print_button.clicked.connect(self.print_ballots)
        hint = QLabel(texts.PRINT_HINT)
        hint.setWordWrap(True)
        pform = QFormLayout(printing)
        pform.addRow(texts.F_PRINT_COUNT, self.count)
        pform.addRow(texts.F_PAGE_FORMAT, self.page_format)
        pform.addRow(hint)
        pform.addRow(self.print_button)

        exchange = QGroupBox(texts.EXCHANGE_GROUP)
        self.spoiled_serial = QLineEdit()
        self.spoiled_serial.setPlaceholderText("0000-0000-0000")
        self.exchange_button = QPushButton(texts.EXCHANGE)
        self.exchange_button.clicked.connect(self.exchange)
        self.spoiled_serial.returnPressed.connect(self.exchange)
        eform = QFormLayout(exchange)
        eform.addRow(texts.F_SPOILED_SERIAL, self.spoiled_serial)
        eform.addRow(self.exchange_button)

        unused = QGroupBox(texts.UNUSED_GROUP)
        self.unused_serial = QLineEdit()
        self.unused_serial.setPlaceholderText("0000-0000-0000")
        self.unused_button = QPushButton(texts.MARK_UNUSED)
        self.unused_button.clicked.connect(self.mark_unused)
        uform = QFormLayout(unused)
        uform.addRow(texts.F_UNUSED_SERIAL, self.unused_serial)
        uform.addRow(self.unused_button)

        row = QHBoxLayout()
        row.addWidget(printing, 2)
        side = QVBoxLayout()
        side.addWidget(exchange)
        side.addWidget(unused)
        side.addStretch(1)
        row.addLayout(side, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(register)
        layout.addLayout(row)
        layout.addStretch(1)
        layout.addWidget(self.status)

    def refresh(self) -> None:
        round_ = self.ctx.round()
        if round_ is not None and round_.id is not None:
            summary = self.ctx.workspace.register.summary(round_.id)
            values = {
                "printed": summary.printed,
                "counted": summary.counted,
                "spoiled": summary.spoiled,
                "unused": summary.unused,
                "outstanding": summary.outstanding,
            }
            if summary.printed == 0:
                self.count.setValue(max(round_.counts.issued + SPARES, 1))
        else:
            values = dict.fromkeys(self.register_labels, 0)
        for key, label in self.register_labels.items():
            label.setText(str(values[key]))
        why = stage_block(
            round_.stage if round_ else None, Stage.PREPARATION, Stage.COUNTING, template=texts.WHY_NOT_PRINTING
        )
        for w in (
            self.print_button,
            self.count,
            self.page_format,
            self.exchange_button,
            self.spoiled_serial,
            self.unused_button,
            self.unused_serial,
        ):
            allow(w, why is None, why or "")

    # ------------------------------------------------------------ actions
    def print_ballots(self) -> None:
        """Draw the serials, write the PDF whole and register them (ReportService.print_ballots) as a job: the
        bar follows the pages; the serials are registered only once the PDF is on the disk and read back."""
        round_ = self.ctx.round()
        if round_ is None or round_.id is None:
            return
        path = self.choose_path(self, f"phieu_{round_.code or round_.id}.pdf")
        if path is None:
            return
        rid, count, fmt = round_.id, self.count.value(), PageFormat(self.page_format.currentData())

        def work(job: JobContext) -> int:
            assert job.workspace is not None
            return len(job.workspace.reports.print_ballots(rid, count, path, page_format=fmt, progress=job.progress))

        self.status.show_info(texts.PRINTING)
        self.ctx.jobs.run(
            texts.JOB_PRINT_BALLOTS,
            work,
            lambda printed: self._printed(printed, path),
            failed=self.status.show_error,
            disable=(self.print_button,),
        )

    def _printed(self, printed: int, path: Path) -> None:
        self.status.show_ok(texts.PRINTED.format(count=printed, path=path))
        self.ctx.changed()
        self.open_file(path)

    def exchange(self) -> None:
        rid = self.ctx.round_id
        if rid is None:
            return
        old = self.spoiled_serial.text()
        try:
            fresh = self.ctx.workspace.register.exchange(rid, old)
        except ServiceError as exc:
            self.status.show_error(exc.message)
            return
        self.spoiled_serial.clear()
        self.status.show_ok(texts.EXCHANGED.format(old=format_serial(old.strip()), new=format_serial(fresh.serial)))
        path = self.choose_path(self, f"phieu_doi_{format_serial(fresh.serial)}.pdf")
        if path is not None:
            self._render([fresh], path)
        self.ctx.changed()

    def mark_unused(self) -> None:
        rid = self.ctx.round_id
        if rid is None:
            return
        serial = self.unused_serial.text()
        try:
            self.ctx.workspace.register.mark_unused(rid, [serial])
        except ServiceError as exc:
            self.status.show_error(exc.message)
            return
        self.unused_serial.clear()
        self.status.show_ok(texts.MARKED_UNUSED.format(serial=format_serial(serial.strip())))
        self.ctx.changed()

    def _render(self, issued: Sequence[IssuedBallot], path: Path) -> None:
        from vote_counter.documents.ballots import PrintedBallot, render_ballots  # ReportLab on first use

        meeting, round_ = self.ctx.meeting(), self.ctx.round()
        if meeting is None or round_ is None:
            return
        fmt = PageFormat(self.page_format.currentData())
        ballots = [PrintedBallot(b.serial, b.payload) for b in issued]
        self.status.show_info(texts.PRINTING)
        try:
            with path.open("wb") as out:
                render_ballots(meeting, round_, self.ctx.nominees(), ballots, out, page_format=fmt)
        except (OSError, ValueError) as exc:
            self.status.show_error(f"{texts.ERROR_TITLE}: {exc}")
            return
        self.status.show_ok(texts.PRINTED.format(count=len(ballots), path=path))
        self.open_file(path)
