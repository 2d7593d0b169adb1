"""The main window's first-run screen, menus and settings (split from ui/main_window.py): the welcome page, the
recent meetings, Công cụ, Cài đặt, and what changes when the database file is opened again after a restore."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, cast

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QMenu, QStackedWidget, QTabWidget, QWidget

from vote_counter.domain.model import Meeting, MeetingId
from vote_counter.services import hall
from vote_counter.ui import demo_job, dialogs, sign_in, texts
from vote_counter.ui.pages.base import Page
from vote_counter.ui.settings import DEFAULT_IDLE_MINUTES, KEY_IDLE_MINUTES, RECENT_LIMIT, recent_meetings
from vote_counter.ui.settings_dialog import SettingsDialog, show_about
from vote_counter.ui.welcome import database_text

if TYPE_CHECKING:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QMenuBar, QPushButton

    from vote_counter.ui.context import AppContext
    from vote_counter.ui.hall_status import HallStatus
    from vote_counter.ui.lock_screen import LockOverlay
    from vote_counter.ui.main_window import MainWindow
    from vote_counter.ui.pages.setup_page import SetupPage
    from vote_counter.ui.pages.tools_page import ToolsPage
    from vote_counter.ui.sign_in import IdleWatcher
    from vote_counter.ui.welcome import WelcomePage
    from vote_counter.ui.widgets import StatusLine


def idle_minutes(value: object) -> float:
    try:
        minutes = float(str(value)) if value not in (None, "") else DEFAULT_IDLE_MINUTES
    except ValueError:
        return DEFAULT_IDLE_MINUTES
    return minutes if minutes > 0 else DEFAULT_IDLE_MINUTES


class WindowMenus:
    if TYPE_CHECKING:
        ctx: AppContext
        settings: QSettings
        icon: QIcon
        welcome: WelcomePage
        stack: QStackedWidget
        work: QWidget
        tabs: QTabWidget
        setup_page: SetupPage
        tools_page: ToolsPage
        idle: IdleWatcher
        lock_button: QPushButton
        lock_overlay: LockOverlay
        recent_menu: QMenu
        hall_status: HallStatus
        stage_status: StatusLine

        def menuBar(self) -> QMenuBar: ...
        def close(self) -> bool: ...
        def sign_in(self) -> None: ...
        def _restore(self) -> None: ...

    def _widget(self) -> QWidget:
        assert isinstance(self, QWidget)  # mixed into the QMainWindow
        return self

    # ------------------------------------------------------------ first run, menus, settings
    def _build_menus(self) -> None:
        meeting_menu = self.menuBar().addMenu(texts.MENU_MEETING)
        meeting_menu.addAction(texts.MENU_WELCOME, self.show_welcome)
        self.recent_menu = meeting_menu.addMenu(texts.MENU_RECENT)
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        meeting_menu.addSeparator()
        meeting_menu.addAction(texts.MENU_SETTINGS, self.open_settings)
        meeting_menu.addSeparator()
        meeting_menu.addAction(texts.MENU_QUIT, self.close)
        tools_menu = self.menuBar().addMenu(texts.MENU_TOOLS)
        for panel, title in zip(self.tools_page.panels(), texts.MENU_TOOLS_ITEMS, strict=True):
            tools_menu.addAction(title, partial(self.show_tool, panel))
        help_menu = self.menuBar().addMenu(texts.MENU_HELP)
        help_menu.addAction(texts.MENU_ABOUT, lambda: show_about(self._widget(), self.icon, self.ctx.workspace.path))

    def recent_meetings(self) -> list[Meeting]:
        """The meetings last opened from this database, most recent first (deleted ones left out)."""
        existing = {int(m.id): m for m in self.ctx.workspace.setup.meetings() if m.id is not None}
        ids = recent_meetings(self.settings, self.ctx.workspace.path)
        return [existing[i] for i in dict.fromkeys(ids) if i in existing][:RECENT_LIMIT]

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.recent_meetings()
        for meeting in recent:
            action = self.recent_menu.addAction(meeting.title)
            action.setData(meeting.id)
            action.triggered.connect(partial(self.open_meeting, int(meeting.id or 0)))
        if not recent:
            self.recent_menu.addAction(texts.MENU_RECENT_NONE).setEnabled(False)

    def show_welcome(self) -> None:
        self.welcome.refresh(self.recent_meetings(), self.ctx.workspace.setup.meetings())
        self.stack.setCurrentWidget(self.welcome)

    def show_work(self) -> None:
        self.stack.setCurrentWidget(self.work)

    def continue_work(self) -> None:
        """ "Vào trang làm việc": the meeting in use; none yet (the hall database was empty when this window
        connected, another station has set one up since): the one chosen in the list, as opening it does."""
        if self.ctx.meeting_id is None and self.welcome.recent.currentItem() is not None:
            self.welcome.open_chosen()
        else:
            self.show_work()

    def follow_shared_meetings(self) -> None:
        """At each check of the hall's database (ui/hall_status.py): on the welcome screen, a meeting another
        station set up meanwhile is listed, ready to open. A lost connection lists nothing new (the status bar
        says it is lost)."""
        if self.stack.currentWidget() is not self.welcome or not self.ctx.workspace.shared:
            return
        if not self.hall_status.connected:  # asked on the UI thread: never while a connection attempt could hang
            return
        try:
            meetings = self.ctx.workspace.setup.meetings()
        except Exception as exc:
            if hall.lost_connection(exc) is None:
                raise
            return
        if [m.id for m in meetings] != self.welcome.meeting_ids:
            self.show_welcome()

    def open_meeting(self, meeting_id: int) -> None:
        rounds = self.ctx.workspace.setup.rounds(MeetingId(meeting_id))
        self.ctx.select(MeetingId(meeting_id), rounds[0].id if rounds else None)
        self.show_work()
        ws = self.ctx.workspace
        if (
            sign_in.needs_accounts(ws, MeetingId(meeting_id))
            and ws.accounts.signed_in_member(MeetingId(meeting_id)) is None
        ):
            self.sign_in()

    def new_meeting(self) -> None:
        """Chuẩn bị → Hội nghị with empty fields; saving creates the meeting."""
        self.show_work()
        self.tabs.setCurrentWidget(self.setup_page)
        self.setup_page.tabs.setCurrentWidget(self.setup_page.meeting_form)
        self.setup_page.meeting_form.start_new()

    def open_demo(self) -> bool:
        """The sample meeting, built as a job (ui/demo_job.py): False (refused) while a job runs."""
        return demo_job.start_demo(cast("MainWindow", self))

    def show_tool(self, panel: Page) -> None:
        """Công cụ → …: the tools page with that panel."""
        self.show_work()
        self.tabs.setCurrentWidget(self.tools_page)
        self.tools_page.show_panel(panel)

    def _workspace_replaced(self) -> None:
        """The database file was restored from a backup and opened again: the selection may be gone."""
        self.lock_overlay.use(self.ctx.workspace)
        self.ctx.audit_problem = None
        # Another database altogether (the hall's, issue 16): the welcome screen names the one in use.
        self.welcome.database.setText(database_text(self.ctx.workspace))
        self._restore()
        self.ctx.structure_changed()
        self.ctx.changed()

    def _reconnected(self, ok: bool, message: str) -> None:
        """The hall's database opened again after a restore on the host (HallStatus.reconnect), or why not: said
        above the pages and in the hall panel; nobody is signed in on the new workspace."""
        self.stage_status.report(message, ok)
        self.stage_status.show()
        self.tools_page.hall.connect_status.report(message, ok)
        self.tools_page.hall.refresh()

    def open_settings(self) -> None:
        dialog = SettingsDialog(self.settings, self.ctx.workspace.path, self.idle.minutes, self._widget())
        if dialog.exec() != SettingsDialog.DialogCode.Accepted:
            return
        language_changed = dialog.save()
        self.idle.minutes = idle_minutes(self.settings.value(KEY_IDLE_MINUTES))
        self.idle.timer.setInterval(max(int(self.idle.minutes * 60_000), 1000))
        self.idle.timer.start()
        self.lock_button.setToolTip(texts.LOCK_TIP.format(minutes=f"{self.idle.minutes:g}"))
        if language_changed:
            dialogs.show_info(self._widget(), texts.SETTINGS_TITLE, texts.LANGUAGE_CHANGED)
