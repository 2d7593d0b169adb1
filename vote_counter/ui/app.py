"""The GUI's entry point: `vote-counter` with no command (cli.py) calls run_gui()."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from vote_counter.services.workspace import Workspace
from vote_counter.ui import texts
from vote_counter.ui.fonts import apply_app_font
from vote_counter.ui.main_window import SETTINGS_APP, SETTINGS_ORG, MainWindow


def make_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication, created once, with the bundled fonts as the UI font."""
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
    apply_app_font(app)
    return app


def run_gui(db_path: Path | None = None) -> int:
    app = make_application()
    workspace = Workspace.open(db_path)
    try:
        window = MainWindow(workspace)
        window.show()
        window.start()  # the audit chain checked, then sign-in (SPEC §8, §9)
        return int(app.exec())
    finally:
        workspace.close()
