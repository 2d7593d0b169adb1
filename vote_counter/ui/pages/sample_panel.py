"""Phiếu mẫu: the round's ballot marked "MẪU" for approval before printing; no serial is registered
(ReportService.print_sample, as `vote-counter print-ballots ROUND --sample`)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLabel, QPushButton, QVBoxLayout, QWidget

from vote_counter.documents.page_format import PageFormat
from vote_counter.domain.model import RoundId
from vote_counter.ui import texts
from vote_counter.ui.context import AppContext
from vote_counter.ui.jobs import JobContext
from vote_counter.ui.pages.ballots_page import choose_pdf_path, open_with_system
from vote_counter.ui.pages.base import Page
from vote_counter.ui.widgets import StatusLine, allow, button_row


class SamplePanel(Page):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.choose_path = choose_pdf_path  # hooks the tests replace
        self.open_file = open_with_system
        self.status = StatusLine()
        box = QGroupBox(texts.SAMPLE_GROUP)
        hint = QLabel(texts.SAMPLE_HINT)
        hint.setWordWrap(True)
        self.page_format = QComboBox()
        self.page_format.setMaximumWidth(240)
        for fmt in PageFormat:
            self.page_format.addItem(texts.PAGE_FORMAT_LABELS.get(fmt.value, fmt.value), fmt.value)
        self.print_button = QPushButton(texts.SAMPLE_PRINT)
        self.print_button.clicked.connect(self.print_sample)
        form = QFormLayout(box)
        form.addRow(hint)
        form.addRow(texts.F_PAGE_FORMAT, self.page_format)
        form.addRow(button_row(self.print_button))
        layout = QVBoxLayout(self)
        layout.addWidget(box)
        layout.addStretch(1)
        layout.addWidget(self.status)

    def refresh(self) -> None:
        round_ = self.ctx.round()
        why = texts.WHY_NO_ROUND if round_ is None else (texts.SAMPLE_NO_NOMINEES if not self.ctx.nominees() else "")
        allow(self.print_button, not why, why)

    def print_sample(self) -> None:
        round_ = self.ctx.round()
        if round_ is None or round_.id is None:
            return
        path = self.choose_path(self, f"PhieuMau_luot{round_.id}.pdf")
        if path is None:
            return
        rid, fmt = RoundId(round_.id), PageFormat(self.page_format.currentData())

        def work(job: JobContext) -> Path:
            assert job.workspace is not None
            job.workspace.reports.print_sample(rid, path, page_format=fmt)
            return path

        self.ctx.jobs.run(
            texts.JOB_SAMPLE, work, self._printed, failed=self.status.show_error, disable=(self.print_button,)
        )

    def _printed(self, path: Path) -> None:
        self.status.show_ok(texts.SAMPLE_DONE.format(path=path))
        self.open_file(path)
