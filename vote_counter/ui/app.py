"""The GUI's entry point: `vote-counter` with no command (app.py) calls run_gui()."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication

from vote_counter.paths import resource
from vote_counter.services.errors import ServiceError
from vote_counter.services.workspace import Workspace
from vote_counter.ui import dialogs, qt_texts, texts
from vote_counter.ui.fonts import apply_app_font
from vote_counter.ui.geometry import show_fitted
from vote_counter.ui.language import VIETNAMESE, current_language
from vote_counter.ui.main_window import MainWindow
from vote_counter.ui.settings import SETTINGS_APP, SETTINGS_ORG

# Start-up probe for benchmarks/bench_startup.py: print the time the window first reaches the screen, then quit.
ENV_EXIT_WHEN_SHOWN = "KP_EXIT_WHEN_SHOWN"
SHOWN_MARKER = "KP_SHOWN"


def app_icon() -> QIcon:
    return QIcon(str(resource("icons", "kiem_phieu.png")))


def make_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication, created once, with the bundled fonts as the UI font and the app icon."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        app = existing
    else:
        # Fractional Windows scaling (125 %, 150 %) without rounding: text stays sharp and nothing clips.
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication(argv if argv is not None else sys.argv[:1])
    QCoreApplication.setOrganizationName(SETTINGS_ORG)
    QCoreApplication.setApplicationName(SETTINGS_APP)
    QGuiApplication.setApplicationDisplayName(texts.APP_TITLE)
    QGuiApplication.setWindowIcon(app_icon())
    apply_app_font(app)
    if current_language() == VIETNAMESE:
        qt_texts.install(app)
    return app


class _ShownProbe(QObject):
    """Prints SHOWN_MARKER and the seconds since the interpreter started on the window's first expose, then quits."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self._app = app
        self._done = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self._done and event.type() == QEvent.Type.Expose:
            self._done = True
            elapsed = time.perf_counter() - _PROCESS_T0
            sys.stdout.write(f"{SHOWN_MARKER} {elapsed:.3f}\n")
            sys.stdout.flush()
            QTimer.singleShot(0, self._app.quit)
        return False


def _process_t0() -> float:
    """perf_counter's value when this process started (Linux: from /proc; elsewhere: when this module loaded)."""
    try:
        ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        return time.perf_counter() - (uptime - ticks / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return time.perf_counter()


_PROCESS_T0 = _process_t0()


def run_gui(db_path: Path | str | None = None, *, station: str | None = None) -> int:
    """`db_path`: a SQLite file, or the hall's postgresql+psycopg:// URL (issue 16); `station`: --station."""
    app = make_application()
    try:
        workspace = Workspace.open(db_path, station=station)
    except ServiceError as exc:  # a file refused on opening (newer, unreadable, objects the app did not make)
        sys.stderr.write(texts.OPEN_REFUSED.format(message=exc.message) + "\n")
        dialogs.show_error(None, exc.message)
        return 2
    window: MainWindow | None = None
    try:
        window = MainWindow(workspace)
        if os.environ.get(ENV_EXIT_WHEN_SHOWN):
            window.create()
            handle = window.windowHandle()
            if handle is not None:
                handle.installEventFilter(_ShownProbe(app))
        show_fitted(window)
        window.start(background=True)  # the audit chain checked after first paint, then sign-in (SPEC §8, §9)
        return int(app.exec())
    finally:
        if window is not None and window.ctx.workspace is not workspace:
            window.ctx.workspace.close()  # the hall's database the window switched to (issue 16)
        workspace.close()
