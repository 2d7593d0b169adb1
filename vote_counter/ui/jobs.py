"""Long jobs off the UI thread (issue 17): the sample meeting, hundreds of ballots, minutes, export, verify,
backup and restore.

A job is a function of a JobContext run in a QThread. It gets a Workspace of its own, opened in the worker
thread on the same database file (its own engine, sessions and connections: nothing SQLAlchemy or sqlite3
crosses threads), with the credentials of whoever signed in at the window copied into it; the services open
and commit their own transactions there as they do on the command line. The window shows a progress dialog
with the job's name (a bar once the job reports progress) that cannot be closed while the job runs, and the
window's event loop keeps running. One job at a time: a second start is refused with a message on that
dialog and changes nothing. When the job ends, its result (or its error as the usual Vietnamese message box)
is handed to the caller on the UI thread.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from vote_counter.services import hall
from vote_counter.services.accounts import Auth
from vote_counter.services.errors import ServiceError
from vote_counter.services.workspace import Workspace
from vote_counter.ui import dialogs, texts

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class JobContext:
    """What a job's function gets in its thread: its own workspace, and where to report progress."""

    workspace: Workspace | None  # None for a job that works on files only (restore replaces the file itself)
    progress: Progress


Work = Callable[[JobContext], Any]


class JobStopped(Exception):
    """A job stopped part-way with its own sentence (how much was saved before it, what was not)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def failure_message(exc: BaseException) -> str:
    """The Vietnamese sentence for a job's error: the service's own, or what the disk said."""
    if isinstance(exc, (ServiceError, JobStopped)):
        return exc.message
    if isinstance(exc, OSError):
        return texts.JOB_FAILED_OS.format(detail=exc.strerror or exc)
    return texts.JOB_FAILED.format(detail=f"{type(exc).__name__}: {exc}")


class JobThread(QThread):
    """Runs one job; the signals reach the UI thread queued (the thread object lives there)."""

    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(
        self,
        work: Work,
        db_path: Path | str | None,  # the file, or the hall database's URL
        signed_in: dict[int, Auth],
        writes_held: bool,
        shared: Workspace | None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._work = work
        self._db_path = db_path
        self._signed_in = signed_in
        self._writes_held = writes_held
        self._shared = shared  # an in-memory database (tests only) cannot be opened twice
        self.result: Any = None
        self.error: BaseException | None = None

    def run(self) -> None:
        ws: Workspace | None = None
        try:
            if self._shared is not None:
                ws = self._shared
            elif self._db_path is not None:
                ws = Workspace.open(self._db_path, create=False, station=hall.station())  # keeps --station
                ws.access.signed_in.update(self._signed_in)
                ws.access.writes_held = self._writes_held
            self.result = self._work(JobContext(ws, self.progressed.emit))
        except BaseException as exc:  # whatever it is, the window hears of it: never a job that never ends
            self.error = exc
        finally:
            if ws is not None and ws is not self._shared:
                ws.close()  # before the UI hears of it: no connection of the job outlives it
        if self.error is not None:
            self.failed.emit(self.error)
        else:
            self.succeeded.emit(self.result)


def grouped(n: int) -> str:
    """11.000 in Vietnamese, 11,000 in English (the separator is a text of its own)."""
    return f"{n:,}".replace(",", texts.THOUSANDS_SEP)


class ProgressDialog(QDialog):
    """ "Đang …" with the job's name, a bar, and no way to close it while the job runs (no close button;
    Esc and Alt+F4 are ignored). A job that can stop part-way (`cancel`) gets a "Hủy" button, and Esc presses
    it; Enter never does (a second Enter meant for the window must not stop the job)."""

    def __init__(self, name: str, parent: QWidget | None = None, cancel: Callable[[], None] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(texts.JOB_TITLE)
        self.setWindowFlags(Qt.WindowType.Dialog | Qt.WindowType.CustomizeWindowHint | Qt.WindowType.WindowTitleHint)
        self.setModal(True)
        self.running = True
        self.name = name
        self.label = QLabel(texts.JOB_RUNNING.format(name=name))
        self.label.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)  # busy until the job says how far it is
        self.bar.setTextVisible(True)
        self.note = QLabel(texts.JOB_WAIT if cancel is None else texts.JOB_WAIT_CANCEL)
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.note)
        self._cancel = cancel
        self.cancel_button: QPushButton | None = None
        if cancel is not None:
            self.cancel_button = QPushButton(texts.CANCEL)
            self.cancel_button.setAutoDefault(False)
            self.cancel_button.clicked.connect(self.request_cancel)
            row = QHBoxLayout()
            row.addStretch(1)
            row.addWidget(self.cancel_button)
            layout.addLayout(row)
        self.setMinimumWidth(460)

    def set_progress(self, done: int, total: int) -> None:
        if total <= 0:
            return
        self.bar.setRange(0, total)
        self.bar.setFormat(texts.JOB_PROGRESS.format(done=grouped(min(done, total)), total=grouped(total)))
        self.bar.setValue(min(max(done, 0), total))  # last: whoever watches the value reads the new words

    def request_cancel(self) -> None:
        """Ask the job to stop; it ends at its next progress report and the dialog goes with it."""
        if not self.running or self._cancel is None or self.cancel_button is None:
            return
        if self.cancel_button.isEnabled():
            self.cancel_button.setEnabled(False)
            self.note.setText(texts.JOB_STOPPING)
            self._cancel()

    def refuse_second(self, name: str) -> None:
        self.note.setText(texts.JOB_BUSY.format(name=self.name, other=name))
        self.note.setStyleSheet("color: #9b0000; font-weight: bold;")

    def finish(self) -> None:
        self.running = False
        self.done(QDialog.DialogCode.Accepted)

    def reject(self) -> None:
        if not self.running:
            super().reject()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.running and event.key() == Qt.Key.Key_Escape:
            event.accept()
            self.request_cancel()
            return
        if self.running and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.running:
            event.ignore()
            return
        super().closeEvent(event)


class JobRunner(QObject):
    """One job at a time for the window. `run` returns False (and changes nothing) while another runs."""

    started = Signal(str)
    ended = Signal(str)

    def __init__(self, workspace: Callable[[], Workspace], parent: QWidget | None) -> None:
        super().__init__(parent)
        self._workspace = workspace  # the window's workspace, read at each start
        self._parent = parent
        self.current: JobThread | None = None
        self.dialog: ProgressDialog | None = None
        self._disabled: list[QWidget] = []
        self._focus: QWidget | None = None
        self.refusals = 0

    def busy(self) -> bool:
        return self.current is not None

    def run(
        self,
        name: str,
        work: Work,
        done: Callable[[Any], None],
        *,
        failed: Callable[[str], None] | None = None,
        disable: Sequence[QWidget] = (),
        own_workspace: bool = True,
        intercept: Callable[[BaseException], bool] | None = None,
        cancel: Callable[[], None] | None = None,
    ) -> bool:
        """Start `work` in a thread under a progress dialog named `name`; then, on the UI thread, `done(result)`,
        or the error in a message box (and `failed(message)` first, for the page's status line). The `disable`
        widgets are greyed while it runs. `intercept(error)` may take an error over (True: handled, no message
        box), as the merge does with an unknown key: it asks the board instead. `cancel` (called on the UI thread
        by the dialog's "Hủy" or Esc) asks the job to stop: the job raises at its next progress report, and
        `intercept` takes that error over."""
        if self.current is not None:
            self.refusals += 1
            QApplication.beep()
            if self.dialog is not None:
                self.dialog.refuse_second(name)
            return False
        ws = self._workspace()
        in_memory = str(ws.path) == ":memory:"
        thread = JobThread(
            work,
            None if not own_workspace or in_memory else (ws.url if ws.shared else ws.path),  # the hall: its URL
            dict(ws.access.signed_in),
            ws.access.writes_held,
            ws if own_workspace and in_memory else None,
            self,
        )
        dialog = ProgressDialog(name, self._parent, cancel)
        queued = Qt.ConnectionType.QueuedConnection  # emitted in the worker, run here on the UI thread
        thread.progressed.connect(dialog.set_progress, queued)
        thread.succeeded.connect(lambda result: self._end(done, None, None, result), queued)
        thread.failed.connect(lambda exc: self._end(None, failed, intercept, exc), queued)
        self.current, self.dialog = thread, dialog
        self._focus = QApplication.focusWidget()  # given back when the dialog goes: offscreen Qt has no WM to do it
        self._disabled = [w for w in disable if w.isEnabled()]
        for widget in self._disabled:
            widget.setEnabled(False)
        dialog.show()
        self.started.emit(name)
        thread.start()
        return True

    def _end(
        self,
        done: Callable[[Any], None] | None,
        failed: Callable[[str], None] | None,
        intercept: Callable[[BaseException], bool] | None,
        outcome: Any,
    ) -> None:
        thread, dialog = self.current, self.dialog
        if thread is not None:
            thread.wait()
            thread.deleteLater()
        if dialog is not None:
            dialog.finish()
            dialog.deleteLater()
        self.current, self.dialog = None, None
        for widget in self._disabled:
            widget.setEnabled(True)
        self._disabled = []
        self._give_focus_back()
        self.ended.emit(dialog.name if dialog is not None else "")
        if done is not None:
            done(outcome)
            return
        if intercept is not None and intercept(outcome):
            return
        message = failure_message(outcome)
        if failed is not None:
            failed(message)  # the page's status line says it too
        dialogs.show_error(self._parent, message)

    def _give_focus_back(self) -> None:
        focus, self._focus = self._focus, None
        window = self._parent.window() if self._parent is not None else None
        if window is not None:
            window.activateWindow()
        if focus is not None and isValid(focus) and focus.isVisible() and focus.isEnabled():
            focus.setFocus()
        elif window is not None:
            window.setFocus()

    def wait(self) -> None:
        """Block until the running job (if any) has finished its thread (closing the window)."""
        if self.current is not None:
            self.current.wait()
