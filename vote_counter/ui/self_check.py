"""The window's part of `--self-test`: Qt, its platform plugin, the bundled fonts and icon, the main window built
over the self-test's database, all offscreen and never shown (no display is needed)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtGui import QFontDatabase, QIcon

from vote_counter.services.workspace import Workspace
from vote_counter.ui import texts
from vote_counter.ui.app import app_icon, make_application
from vote_counter.ui.main_window import MainWindow

DATABASE = "selftest.sqlite3"  # the self-test's demo database (vote_counter.cli.self_test)


def check_window(root: Path) -> str | None:
    """None when the window builds and draws; otherwise what is wrong, in Vietnamese."""
    app = make_application()
    family = app.font().family()
    if family not in QFontDatabase.families():
        return texts.SELF_CHECK_FONT.format(family=family)
    if QIcon(app_icon()).isNull():
        return texts.SELF_CHECK_ICON
    ws = Workspace.open(root / DATABASE)
    try:
        settings = QSettings(str(root / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(ws, settings)
        try:
            window.resize(1366, 768)
            app.processEvents()
            shot = window.grab()
            if shot.isNull() or shot.width() < 1000:
                return texts.SELF_CHECK_DRAW
            if (
                window.tabs.count() != 7
                or window.tabs.tabText(6) != texts.PAGE_TOOLS
                or window.tabs.tabText(0) != texts.PAGE_SETUP
            ):
                return texts.SELF_CHECK_PAGES
            if window.ctx.meeting_id is None:
                return texts.SELF_CHECK_MEETING
        finally:
            window.close()
            window.deleteLater()
            app.processEvents()
    finally:
        ws.close()
    return None
