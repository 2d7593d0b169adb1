"""Công cụ: what only the command line offered before (issue 17), one tab each: the "MẪU" sample ballot,
backup and restore, merging a second station's entries, the test deck → test report → go live, and checking
an export package, and the hall's shared database (issue 16). Every panel calls the services (never storage); long work runs as a job (ui/jobs.py)."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from vote_counter.ui import texts
from vote_counter.ui.context import AppContext
from vote_counter.ui.pages.backup_panel import BackupPanel
from vote_counter.ui.pages.base import Page
from vote_counter.ui.pages.golive_panel import GoLivePanel
from vote_counter.ui.pages.hall_panel import HallPanel
from vote_counter.ui.pages.merge_panel import MergePanel
from vote_counter.ui.pages.sample_panel import SamplePanel
from vote_counter.ui.pages.verify_panel import VerifyPanel


class ToolsPage(Page):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, settings: QSettings | None = None) -> None:
        super().__init__(ctx, parent)
        self.sample = SamplePanel(ctx)
        self.backup = BackupPanel(ctx)
        self.merge = MergePanel(ctx)
        self.test = GoLivePanel(ctx)
        self.verify = VerifyPanel(ctx)
        self.hall = HallPanel(ctx, settings)
        self.backup.hosted = self.hall.hosted_folder  # restoring the hall's database: on its host only
        self.tabs = QTabWidget()
        for panel, title in (
            (self.sample, texts.TOOLS_SAMPLE),
            (self.backup, texts.TOOLS_BACKUP),
            (self.merge, texts.TOOLS_MERGE),
            (self.test, texts.TOOLS_TEST),
            (self.verify, texts.TOOLS_VERIFY),
            (self.hall, texts.TOOLS_HALL),
        ):
            self.tabs.addTab(panel, title)
        self.tabs.currentChanged.connect(self.refresh)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.tabs)

    def panels(self) -> tuple[Page, ...]:
        return (self.sample, self.backup, self.merge, self.test, self.verify, self.hall)

    def show_panel(self, panel: Page) -> None:
        self.tabs.setCurrentWidget(panel)
        panel.refresh()

    def refresh(self) -> None:
        panel = self.tabs.currentWidget()
        if isinstance(panel, Page):
            panel.refresh()
