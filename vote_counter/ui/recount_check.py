"""Kiểm lại từng phiếu: the full recount of a round, run in the background with progress (issue 15).

Results are read from the running totals stored with every change; this counts every entered ballot again
in a thread and says whether the two agree. A difference is an alarm (the file was changed outside the app,
or a fault): closing the round is refused for the same reason (services/stages.py).
"""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QProgressBar, QPushButton, QWidget

from vote_counter.services.errors import ServiceError
from vote_counter.ui import texts
from vote_counter.ui.context import AppContext
from vote_counter.ui.widgets import StatusLine


class RecountCheck(QWidget):
    progressed = Signal(int, int)  # ballots counted, ballots to count (from the worker thread)
    finished = Signal(object)  # the RecountCheck report, or the exception that stopped it

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.button = QPushButton(texts.RECOUNT_CHECK)
        self.button.setToolTip(texts.RECOUNT_CHECK_TIP)
        self.button.clicked.connect(self.start)
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(220)
        self.bar.hide()
        self.status = StatusLine()
        self.status.hide()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.button)
        layout.addWidget(self.bar)
        layout.addWidget(self.status, 1)
        self.progressed.connect(self._progress, Qt.ConnectionType.QueuedConnection)
        self.finished.connect(self._done, Qt.ConnectionType.QueuedConnection)
        self.running = False

    def start(self) -> None:
        rid = self.ctx.round_id
        if rid is None or self.running:
            return
        self.running = True
        self.button.setEnabled(False)
        self.bar.setRange(0, 0)
        self.bar.show()
        self.status.show_info(texts.RECOUNT_RUNNING)
        self.status.show()
        counting = self.ctx.workspace.counting

        def work() -> None:
            try:
                report: object = counting.recount_check(rid, progress=self.progressed.emit)
            except Exception as exc:
                report = exc
            self.finished.emit(report)

        threading.Thread(target=work, name="kp-recount", daemon=True).start()

    def _progress(self, done: int, total: int) -> None:
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)

    def _done(self, report: Any) -> None:
        self.running = False
        self.button.setEnabled(True)
        self.bar.hide()
        if isinstance(report, Exception):
            detail = report.message if isinstance(report, ServiceError) else str(report)
            self.status.show_error(texts.RECOUNT_FAILED.format(detail=detail))
        elif report.matches:
            counted = sum(p.recounted.collected for p in report.passes)
            self.status.show_ok(texts.RECOUNT_MATCHES.format(count=counted))
        else:
            passes = ", ".join(str(p.pass_no) for p in report.passes if not p.matches)
            self.status.show_error(texts.RECOUNT_DIFFERS.format(passes=passes))
