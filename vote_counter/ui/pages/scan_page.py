"""Đọc phiếu quét: choose scanned files or a folder, read them off the UI thread, see each sheet's outcome,
then decide the doubtful ones in the review queue (SPEC §11).

The reading runs in a QThread through the scan service (which imports OpenCV only then); the page shows a
progress bar, one row per sheet (saved / waiting / refused with its reason) and the counts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSettings, QThread, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from vote_counter.domain.model import RoundId, Stage
from vote_counter.scanning.thresholds import DEFINITE, MARGINAL, Thresholds
from vote_counter.services.errors import ServiceError
from vote_counter.services.scanning import ScanRun, SheetOutcome
from vote_counter.services.workspace import Workspace
from vote_counter.ui import texts
from vote_counter.ui.context import AppContext
from vote_counter.ui.pages.base import Page
from vote_counter.ui.pages.scan_review import ReviewPanel
from vote_counter.ui.widgets import StatusLine, allow, heading

KEY_DEFINITE = "scan/definite"
KEY_MARGINAL = "scan/marginal"


def margin_text(scores: tuple[int, ...]) -> str:
    """The run's box scores in three bands (nearly blank, between, clearly marked) around the
    thresholds: how much room the reading had (the scores come in bins of 2 % ink)."""
    low = sum(scores[:1])  # under 2 % ink
    high = sum(scores[4:])  # 8 % ink and more
    middle = sum(scores) - low - high
    return texts.SCAN_MARGIN.format(empty=low, middle=middle, marked=high)


class ScanWorker(QObject):
    """Runs one scan in its own thread; signals carry the progress and the result back to the page."""

    progressed = Signal(int, int, object)  # files done, files in all, the sheet's outcome (or None)
    finished = Signal(object)  # ScanRun
    failed = Signal(str)

    def __init__(
        self, workspace: Workspace, round_id: RoundId, paths: list[Path], pass_no: int, limits: Thresholds
    ) -> None:
        super().__init__()
        self._ws, self._round_id, self._paths, self._pass_no = workspace, round_id, paths, pass_no
        self._limits = limits
        # Read here, on the UI thread: who signed in, for the worker's own workspace (ui/jobs.py does the same).
        self._signed_in = dict(workspace.access.signed_in)
        self._writes_held = workspace.access.writes_held

    @Slot()
    def run(self) -> None:
        # The worker's own workspace on the same file: no session or sqlite3 connection (the saves' kept
        # connection included) is shared with the UI thread. An in-memory database (tests) cannot be reopened.
        own = None if str(self._ws.path) == ":memory:" else self._ws.path
        try:
            ws = Workspace.open(own, create=False) if own is not None else self._ws
        except ServiceError as exc:
            self.failed.emit(exc.message)
            return
        if ws is not self._ws:
            ws.access.signed_in.update(self._signed_in)
            ws.access.writes_held = self._writes_held
        try:
            self._scan(ws)
        finally:
            if ws is not self._ws:
                ws.close()

    def _scan(self, ws: Workspace) -> None:
        try:
            templates = ws.scanning.templates(self._round_id)
            result = ws.scanning.scan(
                self._round_id,
                self._paths,
                self._pass_no,
                limits=self._limits,
                templates=templates,
                progress=lambda done, total, outcome: self.progressed.emit(done, total, outcome),
            )
        except ServiceError as exc:
            self.failed.emit(exc.message)
            return
        self.finished.emit(result)


class ScanPage(Page):
    scanFinished = Signal(object)  # ScanRun, once the page has drawn it

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, settings: QSettings | None = None) -> None:
        super().__init__(ctx, parent)
        self.settings = settings  # scan/definite and scan/marginal, when the board changed them
        self._thread: QThread | None = None
        self._worker: ScanWorker | None = None
        self.files_button = QPushButton(texts.SCAN_FILES)
        self.folder_button = QPushButton(texts.SCAN_FOLDER)
        self.files_button.clicked.connect(self.choose_files)
        self.folder_button.clicked.connect(self.choose_folder)
        self.pass_combo = QComboBox()
        self.pass_combo.addItems(["1", "2"])
        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.counts = QLabel(texts.SCAN_COUNTS.format(saved=0, queued=0, refused=0))
        self.margin = QLabel()  # how far the run's boxes sat from the thresholds
        self.status = StatusLine()
        self.table = QTableWidget(0, len(texts.SCAN_COLUMNS))
        self.table.setHorizontalHeaderLabels(list(texts.SCAN_COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        for column in range(len(texts.SCAN_COLUMNS) - 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)

        controls = QHBoxLayout()
        controls.addWidget(self.files_button)
        controls.addWidget(self.folder_button)
        controls.addWidget(QLabel(texts.SCAN_PASS))
        controls.addWidget(self.pass_combo)
        controls.addWidget(self.progress, 1)
        read = QWidget()
        read_layout = QVBoxLayout(read)
        help_label = QLabel(texts.SCAN_HELP)
        help_label.setWordWrap(True)
        read_layout.addWidget(help_label)
        read_layout.addLayout(controls)
        read_layout.addWidget(self.counts)
        read_layout.addWidget(self.margin)
        read_layout.addWidget(self.status)
        read_layout.addWidget(self.table, 1)

        self.review = ReviewPanel(ctx)
        self.review.queueChanged.connect(self._queue_changed)
        self.tabs = QTabWidget()
        self.tabs.addTab(read, texts.SCAN_READ_TAB)
        self.tabs.addTab(self.review, texts.SCAN_QUEUE_TAB.format(count=0))
        self.tabs.currentChanged.connect(lambda index: self.review.refresh() if index == 1 else None)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(texts.SCAN_HEADING))
        layout.addWidget(self.tabs, 1)

    # ------------------------------------------------------------ state
    def refresh(self) -> None:
        counting = self.ctx.stage() is Stage.COUNTING
        busy = self._thread is not None
        for button in (self.files_button, self.folder_button):
            allow(button, counting and not busy, "" if counting else texts.SCAN_NEEDS_COUNTING)
        round_ = self.ctx.round()
        self.pass_combo.setEnabled(bool(round_ and round_.double_entry))
        if round_ is None or not round_.double_entry:
            self.pass_combo.setCurrentIndex(0)
        self.review.refresh()

    @Slot(int)
    def _queue_changed(self, count: int) -> None:
        self.tabs.setTabText(1, texts.SCAN_QUEUE_TAB.format(count=count))

    # ------------------------------------------------------------ choosing
    def choose_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, texts.SCAN_FILES_TITLE, "", texts.SCAN_FILES_FILTER)
        if names:
            self.start([Path(n) for n in names])

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, texts.SCAN_FOLDER_TITLE)
        if folder:
            self.start([Path(folder)])

    def limits(self) -> Thresholds | None:
        """The thresholds from the settings (defaults where unset); None when the settings hold nonsense."""
        if self.settings is None:
            return Thresholds()
        try:
            return Thresholds(
                definite=float(self.settings.value(KEY_DEFINITE, DEFINITE)),  # type: ignore[arg-type]
                marginal=float(self.settings.value(KEY_MARGINAL, MARGINAL)),  # type: ignore[arg-type]
            )
        except (TypeError, ValueError):
            return None

    # ------------------------------------------------------------ the run, off the UI thread
    def start(self, paths: list[Path]) -> bool:
        round_id = self.ctx.round_id
        if round_id is None or self._thread is not None:
            return False
        limits = self.limits()
        if limits is None:
            self.status.show_error(texts.SCAN_BAD_LIMITS)
            return False
        self.table.setRowCount(0)
        self.status.show_info(texts.SCAN_RUNNING.format(done=0, total="…"))
        self.progress.setRange(0, 0)  # busy until the first file is read
        thread = QThread(self)
        worker = ScanWorker(self.ctx.workspace, round_id, paths, self.pass_combo.currentIndex() + 1, limits)
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.progressed.connect(self._progressed)
        worker.finished.connect(self._finished)
        worker.failed.connect(self._failed)
        worker.finished.connect(thread.quit)
        worker.failed.connect(thread.quit)
        thread.finished.connect(self._thread_done)
        self._thread, self._worker = thread, worker
        self.refresh()
        thread.start()
        return True

    @Slot(int, int, object)
    def _progressed(self, done: int, total: int, outcome: SheetOutcome | None) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.status.show_info(texts.SCAN_RUNNING.format(done=done, total=total))
        if outcome is not None:
            self._add_row(outcome)

    def _add_row(self, outcome: SheetOutcome) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        cells: list[Any] = [
            outcome.file,
            str(outcome.page),
            texts.SCAN_OUTCOME[str(outcome.kind)],
            outcome.serial or "",
            outcome.reason,
        ]
        for column, value in enumerate(cells):
            self.table.setItem(row, column, QTableWidgetItem(value))
        self.table.scrollToBottom()

    @Slot(object)
    def _finished(self, run: ScanRun) -> None:
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        self.counts.setText(texts.SCAN_COUNTS.format(saved=run.saved, queued=run.queued, refused=len(run.refused)))
        self.margin.setText(margin_text(run.scores))
        self.status.show_ok(texts.SCAN_DONE.format(sheets=run.sheets))
        self.ctx.changed()  # totals changed; redraws this page and its queue
        self.scanFinished.emit(run)

    @Slot(str)
    def _failed(self, message: str) -> None:
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.status.show_error(message)
        self.scanFinished.emit(None)

    @Slot()
    def _thread_done(self) -> None:
        if self._thread is not None:
            self._thread.deleteLater()
        if self._worker is not None:
            self._worker.deleteLater()
        self._thread, self._worker = None, None
        self.refresh()

    def busy(self) -> bool:
        return self._thread is not None
