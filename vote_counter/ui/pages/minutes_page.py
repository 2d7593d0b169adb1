"""Biên bản và xuất: the minutes, the entry-log annex and the meeting's results files (SPEC §7).

Everything here reads a closed (or sealed) round: before that the page is disabled and says why. The
result check code is shown in large type so the board can read it aloud against the printed minutes.
Printing goes through the system PDF viewer (PySide6-Essentials has no QtPdf to render pages with).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from vote_counter import platform_os
from vote_counter.domain.model import Stage
from vote_counter.services.errors import ErrorCode, ServiceError
from vote_counter.ui import dialogs, once_shown, sign_in, texts
from vote_counter.ui.context import AppContext
from vote_counter.ui.jobs import JobContext, JobStopped
from vote_counter.ui.pages import usb_dialog
from vote_counter.ui.pages.base import Page, stage_block
from vote_counter.ui.widgets import StatusLine, allow, heading

if TYPE_CHECKING:
    from vote_counter.exchange.export import ExportResult
    from vote_counter.services.workspace import Workspace

CODE_STYLE = "QLabel { color: #1b3a6b; letter-spacing: 4px; }"
NO_CODE_STYLE = "QLabel { color: #9aa3ad; }"
LOCKED_STYLE = "color: #6b4e00; background: #fff1c9; padding: 6px;"
HELP_STYLE = "QLabel { background: #eef2f7; color: #222; border: 1px solid #b8c2cc; padding: 8px; }"
PATH_ROLE = Qt.ItemDataRole.UserRole


def choose_folder(parent: QWidget, start: Path | None = None) -> Path | None:
    """The folder to write into, or None if the user cancelled (tests replace this)."""
    folder = QFileDialog.getExistingDirectory(parent, texts.CHOOSE_FOLDER, str(start) if start else "")
    return Path(folder) if folder else None


def open_file(path: Path) -> None:
    """Open a written file with the system's program for it (tests replace this)."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def _is_pdf(item: QListWidgetItem) -> bool:
    return str(item.data(PATH_ROLE)).lower().endswith(".pdf")


class MinutesPage(Page):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._folder: Path | None = None
        self.title = heading(texts.MINUTES_NO_ROUND_TITLE, size_delta=4)
        self.locked_note = QLabel()
        self.locked_note.setWordWrap(True)
        self.locked_note.setStyleSheet(LOCKED_STYLE)

        code_box = QGroupBox(texts.CHECK_CODE_TITLE)
        self.check_code = heading(texts.CHECK_CODE_NONE, size_delta=22)
        self.check_code.setStyleSheet(CODE_STYLE)
        self.check_code.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        hint = QLabel(texts.CHECK_CODE_HINT)
        hint.setWordWrap(True)
        code_layout = QVBoxLayout(code_box)
        code_layout.addWidget(self.check_code)
        code_layout.addWidget(hint)

        self.minutes_button = self._button(texts.WRITE_MINUTES, self.write_minutes)
        self.annex_button = self._button(texts.WRITE_ANNEX, self.write_annex)
        self.results_button = self._button(texts.WRITE_RESULTS, self.write_results)
        self.summary_button = self._button(texts.WRITE_SUMMARY, self.write_summary)
        self.usb_button = self._button(texts.EXPORT_USB, self.export_usb)
        self.usb_encrypt = QCheckBox(texts.USB_ENCRYPT)
        self.usb_encrypt.setToolTip(texts.USB_ENCRYPT_TIP)
        round_box = QGroupBox(texts.ROUND_DOCS)
        round_layout = QVBoxLayout(round_box)
        round_layout.addWidget(self.minutes_button)
        round_layout.addWidget(self.annex_button)
        round_layout.addStretch(1)
        meeting_box = QGroupBox(texts.MEETING_DOCS)
        meeting_layout = QVBoxLayout(meeting_box)
        meeting_layout.addWidget(self.results_button)
        meeting_layout.addWidget(self.summary_button)
        meeting_layout.addWidget(self.usb_button)
        meeting_layout.addWidget(self.usb_encrypt)
        meeting_layout.addStretch(1)

        self.status = StatusLine()
        self.files = QListWidget()
        self.files.setAlternatingRowColors(True)
        self.files.setWordWrap(True)
        self.files.setSpacing(2)
        self.files.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.files.currentItemChanged.connect(self._file_picked)
        self.files.itemDoubleClicked.connect(self._open_item)
        self.open_button = QPushButton(texts.OPEN_FILE)
        self.print_button = QPushButton(texts.OPEN_TO_PRINT)
        self.open_button.clicked.connect(self.open_selected)
        self.print_button.clicked.connect(self.open_selected)
        file_buttons = QHBoxLayout()
        file_buttons.addWidget(self.open_button)
        file_buttons.addWidget(self.print_button)
        file_buttons.addStretch(1)
        files_box = QGroupBox(texts.FILES_TITLE)
        files_layout = QVBoxLayout(files_box)
        files_layout.addWidget(self.files, 1)
        files_layout.addLayout(file_buttons)

        grid = QGridLayout()
        grid.addWidget(code_box, 0, 0, 1, 2)
        grid.addWidget(round_box, 1, 0)
        grid.addWidget(meeting_box, 1, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        how = QLabel(texts.PRINT_HELP)
        how.setWordWrap(True)
        how.setStyleSheet(HELP_STYLE)
        # The code, the buttons and the help scroll in a window too short for them (980×600), never overlap.
        left_widget = QWidget()
        left = QVBoxLayout(left_widget)
        left.setContentsMargins(0, 0, 0, 0)
        left.addLayout(grid)
        left.addWidget(how)
        left.addStretch(1)
        left_scroll = QScrollArea()
        left_scroll.setWidget(left_widget)
        left_scroll.setWidgetResizable(True)
        left_scroll.setFrameShape(QFrame.Shape.NoFrame)
        left_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        bar = left_scroll.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        left_scroll.setMinimumWidth(left_widget.minimumSizeHint().width() + bar)  # only ever scrolled downwards
        body = QHBoxLayout()
        body.addWidget(left_scroll, 1)
        body.addWidget(files_box, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.locked_note)
        self.missing_note = QLabel()
        self.missing_note.setWordWrap(True)
        self.missing_note.setStyleSheet("color: #8a4b00; font-weight: bold;")
        layout.addWidget(self.missing_note)
        layout.addLayout(body, 1)
        layout.addWidget(self.status)
        self.status.show_info(texts.FILES_EMPTY)
        self._file_picked()

    def _button(self, text: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton(text)
        button.setMinimumHeight(36)
        button.clicked.connect(slot)
        return button

    # ------------------------------------------------------------ drawing
    def refresh(self) -> None:
        round_ = self.ctx.round()
        self.title.setText(
            texts.MINUTES_TITLE.format(round=round_.title) if round_ is not None else texts.MINUTES_NO_ROUND_TITLE
        )
        why = stage_block(
            round_.stage if round_ is not None else None,
            Stage.CLOSED,
            Stage.SEALED,
            template=texts.WHY_MINUTES_NOT_CLOSED,
        )
        self.locked_note.setText(why or "")
        self.locked_note.setVisible(why is not None)
        code = texts.CHECK_CODE_NONE
        if why is None and self.ctx.audit_problem is not None:  # the window's check found it: nothing is printed
            why = texts.WHY_MINUTES_AUDIT.format(where=self.ctx.audit_problem)
            self.locked_note.setText(why)
            self.locked_note.setVisible(True)
        if why is None and self.ctx.round_id is not None:
            try:
                # Shown only (checked=False): no audit check of every sealed row on each refresh (a second at 10,000
                # ballots, on the window's thread). The check runs at start-up, after sign-in, and in every print
                # and export, which refuse a doctored file whatever this shows.
                code = self.ctx.workspace.reports.minutes_data(self.ctx.round_id, checked=False).check_code
            except ServiceError as exc:  # a doctored file, or the meeting key shut: no figures, nothing printed
                why = exc.message
                self.locked_note.setText(why)
                self.locked_note.setVisible(True)
        self.check_code.setText(code)
        self.check_code.setStyleSheet(CODE_STYLE if why is None else NO_CODE_STYLE)
        # Before printing: which document details the minutes still lack (SPEC §7, issue 13).
        missing = (
            self.ctx.workspace.reports.missing_details(self.ctx.round_id) if why is None and self.ctx.round_id else []
        )
        self.missing_note.setText(texts.MINUTES_MISSING.format(items=", ".join(missing)) if missing else "")
        self.missing_note.setVisible(bool(missing))
        tips = (
            texts.WRITE_MINUTES_TIP,
            texts.WRITE_ANNEX_TIP,
            texts.WRITE_RESULTS_TIP,
            texts.WRITE_SUMMARY_TIP,
            texts.USB_TIP,
        )
        buttons = (self.minutes_button, self.annex_button, self.results_button, self.summary_button, self.usb_button)
        self.usb_encrypt.setEnabled(why is None)
        for button, tip in zip(buttons, tips, strict=True):
            allow(button, why is None, why or "", tip)
        if self.ctx.audit_problem is not None:  # found at start-up: nothing leaves the room from this file
            allow(self.usb_button, False, texts.WHY_AUDIT_BROKEN)
            self.usb_encrypt.setEnabled(False)

    def _file_picked(self, *_args: object) -> None:
        path = self.selected_file()
        allow(self.open_button, path is not None, texts.WHY_SELECT_FILE)
        is_pdf = path is not None and path.suffix.lower() == ".pdf"
        allow(self.print_button, is_pdf, texts.WHY_SELECT_PDF, texts.OPEN_TO_PRINT_TIP)

    def written_files(self) -> list[Path]:
        return [Path(self.files.item(i).data(PATH_ROLE)) for i in range(self.files.count())]

    def selected_file(self) -> Path | None:
        item = self.files.currentItem()
        return Path(item.data(PATH_ROLE)) if item is not None else None

    # ------------------------------------------------------------ actions
    def write_minutes(self) -> None:
        rid = self.ctx.round_id
        if rid is None:
            return
        code = self.ctx.workspace.reports.minutes_data(rid, checked=False).check_code  # the job checks everything

        def done(paths: list[Path]) -> str:
            return texts.WRITTEN_MINUTES.format(code=code, count=len(paths))

        def reprint(exc: BaseException, folder: Path) -> bool:
            """A reprint: a reason, and the chair with another member once the meeting has accounts."""
            reprint_codes = (ErrorCode.REASON_REQUIRED, ErrorCode.NEEDS_CHAIR, ErrorCode.NEEDS_SECOND_MEMBER)
            if not isinstance(exc, ServiceError) or exc.code not in reprint_codes:
                return False
            reason = dialogs.ask_text(self, texts.REPRINT_TITLE, texts.REPRINT_PROMPT)
            if reason is None:
                self.status.show_info(texts.REPRINT_CANCELLED)
                return True
            ws, mid = self.ctx.workspace, self.ctx.meeting_id
            auth = None
            if mid is not None and sign_in.needs_accounts(ws, mid):
                auth = sign_in.ask_approval(self, ws, mid, texts.ACTION_REPRINT, reason)
                if auth is None:
                    self._fail(ServiceError(ErrorCode.NEEDS_SECOND_MEMBER).message)
                    return True
            self._write(
                texts.JOB_MINUTES,
                lambda w, f: w.reports.write_minutes(rid, f, reason=reason, auth=auth),
                done,
                folder=folder,
            )
            return True

        self._write(texts.JOB_MINUTES, lambda w, f: w.reports.write_minutes(rid, f), done, intercept=reprint)

    def write_annex(self) -> None:
        rid = self.ctx.round_id
        if rid is None:
            return
        self._write(texts.JOB_MINUTES, lambda w, f: [w.reports.write_annex(rid, f)], texts.WRITTEN_ANNEX)

    def write_results(self) -> None:
        mid = self.ctx.meeting_id
        if mid is None:
            return
        self._write(texts.JOB_MINUTES, lambda w, f: w.reports.write_results(mid, f), texts.WRITTEN_RESULTS)

    def write_summary(self) -> None:
        mid = self.ctx.meeting_id
        if mid is None:
            return
        self._write(texts.JOB_MINUTES, lambda w, f: [w.reports.write_summary(mid, f)], texts.WRITTEN_SUMMARY)

    def export_usb(self) -> None:
        """SPEC §8: write, fsync, rename, read back and verify (as a job); only then say the stick may be removed."""
        mid = self.ctx.meeting_id
        if mid is None:
            return
        target = usb_dialog.choose_export_target(self)
        if target is None:
            return
        encrypt = self.usb_encrypt.isChecked()

        def work(job: JobContext) -> ExportResult:
            from vote_counter.exchange.export import export_package  # the package libraries on first use

            assert job.workspace is not None
            return export_package(job.workspace, mid, target, encrypt=encrypt)

        self.status.show_info(texts.USB_WRITING)
        self.ctx.jobs.run(
            texts.JOB_EXPORT, work, self._exported, failed=self.status.show_error, disable=(self.usb_button,)
        )

    def _exported(self, result: ExportResult) -> None:
        self._list([result.folder])
        # "có thể rút USB" only when it is one: a plain folder or a network share is just "written".
        done = texts.USB_DONE if platform_os.is_removable(result.folder) else texts.USB_DONE_FOLDER
        self.status.show_ok(done.format(folder=result.folder, fingerprint=result.fingerprint))
        if result.passphrase is not None:
            once_shown.show_once(
                self,
                texts.USB_PASSPHRASE_TITLE,
                texts.USB_PASSPHRASE_INTRO,
                result.passphrase,
                texts.USB_PASSPHRASE_AFTER,
            )

    def _write(
        self,
        name: str,
        write: Callable[[Workspace, Path], list[Path]],
        done: str | Callable[[list[Path]], str],
        *,
        folder: Path | None = None,
        intercept: Callable[[BaseException, Path], bool] | None = None,
    ) -> None:
        """Ask where, write as a job, list what was written; every refusal is said in a message box."""
        if folder is None:
            folder = choose_folder(self, self._folder)
            if folder is None:
                return
        self._folder = chosen = folder

        def work(job: JobContext) -> list[Path]:
            assert job.workspace is not None
            try:
                return write(job.workspace, chosen)
            except OSError as exc:
                raise JobStopped(texts.WRITE_FAILED.format(folder=chosen, detail=exc.strerror or exc)) from exc

        self.status.show_info(texts.WRITING)
        self.ctx.jobs.run(
            name,
            work,
            lambda paths: self._written(paths, done),
            failed=self.status.show_error,
            disable=(self.minutes_button, self.annex_button, self.results_button, self.summary_button),
            intercept=(lambda exc: intercept(exc, chosen)) if intercept is not None else None,
        )

    def _written(self, paths: list[Path], done: str | Callable[[list[Path]], str]) -> None:
        if not paths:
            self.status.show_info(texts.REPRINT_CANCELLED)
            return
        self._list(paths)
        message = done(paths) if callable(done) else done
        self.status.show_ok(message + "\n" + "\n".join(str(p) for p in paths))
        self.refresh()

    def _fail(self, message: str) -> None:
        self.status.show_error(message)
        dialogs.show_error(self, message)

    def _list(self, paths: Sequence[Path]) -> None:
        # The PDF is what gets printed next: select it, so "open to print" is one click away.
        chosen: QListWidgetItem | None = None
        at = dt.datetime.now().strftime("%H:%M")
        for path in paths:
            # Name first (what it is), then the folder on its own line: long paths stay readable.
            item = QListWidgetItem(texts.FILE_ITEM.format(time=at, name=path.name, folder=path.parent))
            item.setData(PATH_ROLE, str(path))
            item.setToolTip(str(path))
            self.files.addItem(item)
            if chosen is None or (path.suffix.lower() == ".pdf" and not _is_pdf(chosen)):
                chosen = item
        if chosen is not None:
            self.files.setCurrentItem(chosen)
            self.files.scrollToItem(chosen)

    def _open_item(self, item: QListWidgetItem) -> None:
        self.files.setCurrentItem(item)
        self.open_selected()

    def open_selected(self) -> None:
        path = self.selected_file()
        if path is None:
            return
        open_file(path)
        self.status.show_info(texts.OPENED.format(path=path))
