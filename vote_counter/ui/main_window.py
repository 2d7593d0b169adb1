"""The main window: the meeting workflow as its spine (SPEC §1, §6, §9).

Chuẩn bị → Phiếu → Kiểm phiếu → Kết quả → Biên bản và xuất, a meeting and round selector, and the
round's stage always visible with the buttons that move it.
"""

from __future__ import annotations

import threading
from functools import partial
from typing import Any

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QCloseEvent, QIcon, QKeySequence, QResizeEvent, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from vote_counter.domain.model import BoardRole, MeetingId, Mode, RoundId, Stage
from vote_counter.paths import resource
from vote_counter.services import hall
from vote_counter.services.accounts import Auth
from vote_counter.services.close_verify import VerifiedTotals
from vote_counter.services.errors import ServiceError, tamper_place
from vote_counter.services.workspace import Workspace
from vote_counter.ui import close_check, close_flow, dialogs, sign_in, texts
from vote_counter.ui.context import AppContext
from vote_counter.ui.elided import ElidedCombo
from vote_counter.ui.geometry import fit_to_screen
from vote_counter.ui.hall_status import HallStatus
from vote_counter.ui.lock_screen import LockOverlay
from vote_counter.ui.pages.ballots_page import BallotsPage
from vote_counter.ui.pages.base import Page, next_stage, previous_stage
from vote_counter.ui.pages.entry_page import EntryPage
from vote_counter.ui.pages.minutes_page import MinutesPage
from vote_counter.ui.pages.results_page import ResultsPage
from vote_counter.ui.pages.scan_page import ScanPage
from vote_counter.ui.pages.setup_page import SetupPage
from vote_counter.ui.pages.tools_page import ToolsPage
from vote_counter.ui.scanner import KEY_MAX_GAP, KEY_PREFIX, Clock, ScanFilter, parse_gap, parse_prefix
from vote_counter.ui.settings import (
    KEY_IDLE_MINUTES,
    KEY_MEETING,
    KEY_ROUND,
    SETTINGS_APP,
    SETTINGS_ORG,
    default_settings,
    remember_meeting,
)
from vote_counter.ui.user_corner import UserCorner
from vote_counter.ui.welcome import WelcomePage
from vote_counter.ui.widgets import StatusLine, allow, heading
from vote_counter.ui.window_menus import WindowMenus, idle_minutes

__all__ = ["SETTINGS_APP", "SETTINGS_ORG", "MainWindow"]


STAGE_STYLE = {
    Stage.PREPARATION: "background: #e8eef8; color: #1b3a6b;",
    Stage.COUNTING: "background: #fff1c9; color: #6b4e00;",
    Stage.CLOSED: "background: #d7f5d7; color: #0b5d1e;",
    Stage.SEALED: "background: #e2e2e2; color: #333;",
}


class MainWindow(WindowMenus, QMainWindow):
    auditChecked = Signal(object)  # the start-up check's report (or exception), from its thread
    auditFinished = Signal()  # the check is done and its outcome shown

    def __init__(self, workspace: Workspace, settings: QSettings | None = None, clock: Clock | None = None) -> None:
        super().__init__()
        self.setWindowTitle(texts.APP_TITLE)
        self.settings = settings if settings is not None else default_settings()
        self.ctx = AppContext(workspace, self)

        # ---------------------------------------------------------- selector and stage bar
        self.meeting_combo = ElidedCombo()
        self.meeting_combo.setMinimumContentsLength(
            8
        )  # titles are cut with "…" (tooltip whole): the stage fits at 980 px
        self.meeting_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.round_combo = ElidedCombo()
        self.round_combo.setMinimumContentsLength(8)
        self.round_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.meeting_combo.currentIndexChanged.connect(self._meeting_picked)
        self.round_combo.currentIndexChanged.connect(self._round_picked)
        self.stage_label = heading("", size_delta=2)
        self.stage_label.setContentsMargins(8, 2, 8, 2)
        self.stage_label.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        self.next_button = QPushButton()
        self.back_button = QPushButton(texts.STAGE_BACK)
        self.next_button.clicked.connect(self.advance_stage)
        self.back_button.clicked.connect(self.stage_back)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(texts.MEETING))
        bar.addWidget(self.meeting_combo, 2)
        bar.addWidget(QLabel(texts.ROUND))
        bar.addWidget(self.round_combo, 2)
        bar.addSpacing(12)
        bar.addWidget(self.stage_label)
        bar.addWidget(self.back_button)
        bar.addWidget(self.next_button)
        self.stage_status = StatusLine()
        self.stage_status.hide()

        # ---------------------------------------------------------- who is working (SPEC §9)
        self.sign_in_button = QPushButton(texts.SIGN_IN_ACTION)
        self.sign_in_button.clicked.connect(self.sign_in)
        self.idle = sign_in.IdleWatcher(idle_minutes(self.settings.value(KEY_IDLE_MINUTES)), self)
        self.idle.timer.timeout.connect(self.lock_screen)
        self.lock_button = QPushButton(texts.LOCK_BUTTON)
        self.lock_button.setToolTip(texts.LOCK_TIP.format(minutes=f"{self.idle.minutes:g}"))
        self.lock_button.clicked.connect(self.lock_screen)
        self.audit_status = StatusLine()  # "Đang kiểm tra nhật ký…" while the start-up check runs
        self.audit_status.hide()
        # Who is working sits in the menu bar's corner: the row it took belongs to the ballot (issue 11).
        self.user_bar = UserCorner(self.sign_in_button, self.lock_button)
        self.user_label = self.user_bar.label

        # ---------------------------------------------------------- pages
        self.setup_page = SetupPage(self.ctx)
        self.ballots_page = BallotsPage(self.ctx)
        self.entry_page = EntryPage(self.ctx)
        self.scan_page = ScanPage(self.ctx, settings=self.settings)
        self.results_page = ResultsPage(self.ctx)
        self.minutes_page = MinutesPage(self.ctx)
        self.tools_page = ToolsPage(self.ctx, settings=self.settings)
        self.tabs = QTabWidget()
        for page, title in (
            (self.setup_page, texts.PAGE_SETUP),
            (self.ballots_page, texts.PAGE_BALLOTS),
            (self.entry_page, texts.PAGE_ENTRY),
            (self.scan_page, texts.PAGE_SCAN),
            (self.results_page, texts.PAGE_RESULTS),
            (self.minutes_page, texts.PAGE_MINUTES),
            (self.tools_page, texts.PAGE_TOOLS),
        ):
            self.tabs.addTab(page, title)
        self.tabs.currentChanged.connect(self._page_changed)
        self.tabs.setDocumentMode(True)
        # Ctrl+1 … Ctrl+5: the workflow pages as their tab titles number them (by page, not by tab position, so a
        # page inserted between them, such as "3b", does not shift the keys).
        numbered = (self.setup_page, self.ballots_page, self.entry_page, self.results_page, self.minutes_page)
        for i, numbered_page in enumerate(numbered, start=1):
            shortcut = QShortcut(QKeySequence(f"Ctrl+{i}"), self)
            shortcut.activated.connect(partial(self.tabs.setCurrentWidget, numbered_page))

        self.work = QWidget()
        layout = QVBoxLayout(self.work)
        layout.setContentsMargins(6, 2, 6, 4)
        layout.setSpacing(4)
        layout.addLayout(bar)
        layout.addWidget(self.stage_status)
        layout.addWidget(self.audit_status)
        layout.addWidget(self.tabs, 1)

        # ---------------------------------------------------------- first run: the welcome screen, menus
        self.icon = QIcon(str(resource("icons", "kiem_phieu.png")))
        self.setWindowIcon(self.icon)
        self.welcome = WelcomePage(self.icon, workspace)
        self.welcome.demoRequested.connect(self.open_demo)
        self.welcome.newRequested.connect(self.new_meeting)
        self.welcome.openRequested.connect(self.open_meeting)
        self.welcome.continueRequested.connect(self.continue_work)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.welcome)
        self.stack.addWidget(self.work)
        self.setCentralWidget(self.stack)
        self._build_menus()
        self.menuBar().setCornerWidget(self.user_bar, Qt.Corner.TopRightCorner)
        self.setMinimumSize(980, 600)
        fit_to_screen(self)

        self.ctx.selectionChanged.connect(self._selection_changed)
        self.ctx.dataChanged.connect(self._data_changed)
        self.ctx.structureChanged.connect(self._reload_selectors)
        self.ctx.workspaceReplaced.connect(self._workspace_replaced)
        # No idle lock in the middle of a job: its answer (the sample board's passphrases) comes to whoever waited.
        self.ctx.jobs.started.connect(lambda _name: self.idle.timer.stop())
        self.ctx.jobs.ended.connect(lambda _name: self.idle.timer.start())
        self.lock_overlay = LockOverlay(workspace, self)
        self.lock_overlay.unlocked.connect(self._unlocked)
        # One application-level filter turns scanner bursts into scan events and makes the lock hold (SPEC §6, §9).
        self.scan_filter = ScanFilter(
            clock,
            max_gap_ms=parse_gap(self.settings.value(KEY_MAX_GAP)),
            prefix=parse_prefix(self.settings.value(KEY_PREFIX)),
            parent=self,
        )
        self.scan_filter.owners = [self.lock_overlay, self.entry_page.scans]
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.installEventFilter(self.idle)
            self.scan_filter.install(app)
        self.idle.timer.start()
        # Which station and which database, always in sight; the database asked every few seconds (issue 16).
        self.hall_status = HallStatus(self.ctx, self)
        self.statusBar().addPermanentWidget(self.hall_status)
        self.tools_page.hall.stationChanged.connect(self.hall_status.draw)
        self.hall_status.changed.connect(self._connection_changed)
        self.hall_status.timer.timeout.connect(self.follow_shared_meetings)
        self.hall_status.reconnected.connect(self._reconnected)
        self.tools_page.hall.reconnectRequested.connect(self.hall_status.reconnect)
        self._restore()

    # ------------------------------------------------------------ start-up: audit check, then sign-in
    def start(self, *, background: bool = False) -> None:
        """After the window shows: verify the audit chain (a red alarm if broken; export refused, looking
        still allowed), then ask a board member to sign in if the meeting has accounts; once signed in, the
        meeting's sealed rows are checked too (their key opens with the member's passphrase, issue 12).

        With `background` (the app itself) the check runs in a thread after first paint, so opening a file of
        50,000 ballots shows the window at once: meanwhile the window says "Đang kiểm tra nhật ký…" and the
        services refuse every write (Access.writes_held), sign-in included, until the check has finished."""
        ws = self.ctx.workspace
        if not background:
            self._audit_checked(ws.audit.verify())
            return
        ws.access.writes_held = True
        self.audit_status.show_info(texts.AUDIT_CHECKING)
        self.audit_status.show()
        self.auditChecked.connect(self._audit_checked, Qt.ConnectionType.QueuedConnection)

        def check() -> None:
            try:
                report: object = ws.audit.verify()
            except Exception as exc:
                report = exc
            self.auditChecked.emit(report)

        threading.Thread(target=check, name="kp-audit-check", daemon=True).start()

    def _audit_checked(self, report: Any) -> None:
        ws = self.ctx.workspace
        ws.access.writes_held = False
        self.audit_status.hide()
        if isinstance(report, Exception):
            detail = report.message if isinstance(report, ServiceError) else str(report)
            self.ctx.audit_problem = detail
            sign_in.show_alarm(self, texts.AUDIT_CHECK_FAILED.format(detail=detail))
            self.minutes_page.refresh()
        elif not report.ok:
            self._alarm(report)
        mid = self.ctx.meeting_id
        if (
            mid is not None
            and sign_in.needs_accounts(ws, mid)
            and ws.accounts.signed_in_member(mid) is None
            and sign_in.ask_sign_in(self, ws, mid)
        ):
            self._check_audit()  # the meeting key is open now: its sealed rows are checked too
        self._draw_user()
        self.auditFinished.emit()

    def _check_audit(self) -> None:
        """The chain, and every sealed row whose meeting key is open (issue 12); a red alarm if anything differs."""
        if self.ctx.audit_problem:
            return
        report = self.ctx.workspace.audit.verify()
        if not report.ok:
            self._alarm(report)

    def _alarm(self, report: Any) -> None:
        where = tamper_place(report.first_bad_seq, report.bad_ballots, report.bad_rows, report.foreign)
        self.ctx.audit_problem = where
        sign_in.show_alarm(self, texts.AUDIT_ALARM.format(where=where))
        self.minutes_page.refresh()

    def sign_in(self) -> None:
        mid = self.ctx.meeting_id
        if mid is not None and sign_in.ask_sign_in(self, self.ctx.workspace, mid):
            self._check_audit()
            self._draw_user()
            self.ctx.changed()

    def _draw_user(self) -> None:
        ws, mid = self.ctx.workspace, self.ctx.meeting_id
        accounts = sign_in.needs_accounts(ws, mid)
        member = sign_in.signed_in_or_none(ws, mid)
        if member is not None:
            self.user_bar.show_text(texts.SIGNED_IN_AS.format(name=member.full_name, role=texts.ROLE[member.role]))
        else:
            self.user_bar.show_text(texts.SIGNED_IN_NONE if accounts else texts.SIGNED_IN_NO_ACCOUNTS)
        allow(self.sign_in_button, accounts)
        allow(self.lock_button, accounts)

    # ------------------------------------------------------------ idle lock
    def lock_screen(self) -> None:
        """Cover the window; the same or another member's passphrase opens it (the timer's timeout slot)."""
        ws, mid = self.ctx.workspace, self.ctx.meeting_id
        if mid is None or not sign_in.needs_accounts(ws, mid):
            self.idle.timer.start()
            return
        last = ws.accounts.signed_in_member(mid)
        ws.accounts.sign_out()
        self.scan_filter.flush()
        # Nothing behind the lock takes input: disabled widgets cannot get the focus by Tab, and the scan
        # filter drops every event aimed outside the lock (a grab that also holds offscreen and on Windows).
        self.stack.setEnabled(False)
        self.menuBar().setEnabled(False)
        self.scan_filter.grab = self.lock_overlay
        self.lock_overlay.lock(mid, self.idle.minutes, last)
        self._draw_user()

    def _unlocked(self) -> None:
        self.scan_filter.grab = None
        self.stack.setEnabled(True)
        self.menuBar().setEnabled(True)
        self.idle.timer.start()
        self._draw_user()
        self.ctx.changed()
        if self.tabs.currentWidget() is self.entry_page:
            self.entry_page.focus_scan()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.lock_overlay.isVisible():
            self.lock_overlay.fit(self.rect())

    # ------------------------------------------------------------ selection
    def _restore(self) -> None:
        """Reopen the meeting and round last shown: the database already holds every saved ballot."""
        meetings = self.ctx.workspace.setup.meetings()
        mid = _int(self.settings.value(KEY_MEETING))
        rid = _int(self.settings.value(KEY_ROUND))
        meeting_ids = [m.id for m in meetings]
        if mid not in meeting_ids:
            mid = meeting_ids[0] if meeting_ids else None
        round_ids = [r.id for r in self.ctx.workspace.setup.rounds(MeetingId(mid))] if mid is not None else []
        if rid not in round_ids:
            rid = round_ids[0] if round_ids else None
        self.ctx.meeting_id = MeetingId(mid) if mid is not None else None
        self.ctx.round_id = RoundId(rid) if rid is not None else None
        self._reload_selectors()
        self._selection_changed()
        if self.ctx.round_id is not None and self.ctx.stage() is Stage.COUNTING:
            self.tabs.setCurrentWidget(self.entry_page)
        if meetings:
            self.show_work()
        else:
            self.show_welcome()

    def _reload_selectors(self) -> None:
        setup = self.ctx.workspace.setup
        self.meeting_combo.blockSignals(True)
        self.meeting_combo.clear()
        for m in setup.meetings():
            self.meeting_combo.addItem(m.title, m.id)
        if self.meeting_combo.count() == 0:
            self.meeting_combo.addItem(texts.NO_MEETING, None)
        self.meeting_combo.setCurrentIndex(max(self.meeting_combo.findData(self.ctx.meeting_id), 0))
        self.meeting_combo.blockSignals(False)
        self.round_combo.blockSignals(True)
        self.round_combo.clear()
        if self.ctx.meeting_id is not None:
            for r in setup.rounds(self.ctx.meeting_id):
                suffix = texts.STAGE_TEST_SUFFIX if r.mode is Mode.TEST else ""
                self.round_combo.addItem(r.title + suffix, r.id)
        if self.round_combo.count() == 0:
            self.round_combo.addItem(texts.NO_ROUND, None)
        self.round_combo.setCurrentIndex(max(self.round_combo.findData(self.ctx.round_id), 0))
        self.round_combo.blockSignals(False)

    def _meeting_picked(self) -> None:
        mid = self.meeting_combo.currentData()
        if mid is None:
            return
        rounds = self.ctx.workspace.setup.rounds(MeetingId(int(mid)))
        self.ctx.select(MeetingId(int(mid)), rounds[0].id if rounds else None)

    def _round_picked(self) -> None:
        rid = self.round_combo.currentData()
        if rid is not None:
            self.ctx.select(self.ctx.meeting_id, RoundId(int(rid)))

    def select_round(self, round_id: RoundId) -> None:
        round_ = self.ctx.workspace.setup.round(round_id)
        self.ctx.select(round_.meeting_id, round_id)

    def _selection_changed(self) -> None:
        self.stage_status.hide()  # a status line belongs to its round: none stays behind on another
        self._reload_selectors()
        self.settings.setValue(KEY_MEETING, self.ctx.meeting_id if self.ctx.meeting_id is not None else "")
        self.settings.setValue(KEY_ROUND, self.ctx.round_id if self.ctx.round_id is not None else "")
        if self.ctx.meeting_id is not None:
            remember_meeting(self.settings, self.ctx.workspace.path, self.ctx.meeting_id)
        self.settings.sync()
        self._data_changed()

    def _data_changed(self) -> None:
        self._draw_user()
        self._draw_stage()
        page = self.tabs.currentWidget()
        if isinstance(page, Page):
            page.refresh()
        for other in (
            self.setup_page,
            self.ballots_page,
            self.entry_page,
            self.scan_page,
            self.results_page,
            self.tools_page,
        ):
            if other is not page:
                other.setProperty("stale", True)

    def _connection_changed(self, connected: bool) -> None:
        """The hall's host answers again: the pages redraw from it (an open ballot stays open)."""
        if connected:
            self.stage_status.hide()
            self.ctx.changed()

    def _page_changed(self) -> None:
        page = self.tabs.currentWidget()
        if isinstance(page, Page):
            try:
                page.refresh()
            except Exception as exc:
                lost = hall.lost_connection(exc)  # the hall's host gone: said in red, the page stays as it was
                if lost is None:
                    raise
                self._stage_error(lost.message)
                self.hall_status.check()
                return
            page.setProperty("stale", False)
        if page is self.entry_page:
            self.entry_page.focus_scan()

    # ------------------------------------------------------------ stages
    def _draw_stage(self) -> None:
        round_ = self.ctx.round()
        if round_ is None:
            self.stage_label.setText(texts.STAGE_NONE)
            self.stage_label.setStyleSheet("")
            allow(self.next_button, False, texts.WHY_NO_ROUND)
            self.next_button.setText(texts.STAGE_NEXT.format(stage="…"))
            allow(self.back_button, False, texts.WHY_NO_ROUND)
            return
        suffix = texts.STAGE_TEST_SUFFIX if round_.mode is Mode.TEST else ""
        self.stage_label.setText(texts.STAGE_NOW.format(stage=texts.STAGE[round_.stage]) + suffix)
        self.stage_label.setStyleSheet(STAGE_STYLE[round_.stage] + " padding: 3px 8px;")
        # Whole, never cut mid-word on a narrow screen: the style sheet's padding is not in the label's size hint.
        self.stage_label.setMinimumWidth(self.stage_label.fontMetrics().horizontalAdvance(self.stage_label.text()) + 36)
        nxt, prev = next_stage(round_.stage), previous_stage(round_.stage)
        self.next_button.setText(texts.STAGE_NEXT.format(stage=texts.STAGE[nxt]) if nxt else texts.STAGE[Stage.SEALED])
        allow(self.next_button, nxt is not None, texts.STAGE_LAST)
        allow(
            self.back_button,
            prev is not None,  # from sealed too: the chair, another member and a reason (SPEC §9)
            texts.STAGE_FIRST,
            texts.STAGE_BACK_TIP.format(stage=texts.STAGE[prev]) if prev else "",
        )

    def advance_stage(self) -> None:
        round_ = self.ctx.round()
        if round_ is None or round_.id is None:
            return
        nxt = next_stage(round_.stage)
        if nxt is None:
            return
        verified: VerifiedTotals | None = None
        if nxt is Stage.CLOSED:  # every ballot counted again, in the background, before anything is asked
            recounted = close_flow.recount_before_close(self.ctx.jobs, round_.id, (self.next_button, self.back_button))
            if recounted.verified is None:
                if recounted.message:
                    self._stage_error(recounted.message)
                return
            verified = recounted.verified
            if not self._checks_pass(round_.id, texts.ACTION_CLOSE_SHORT, verified):
                return
        template = texts.STAGE_CONFIRM_SEAL if nxt is Stage.SEALED else texts.STAGE_CONFIRM
        if not dialogs.confirm(
            self, texts.STAGE_CONFIRM_TITLE, template.format(round=round_.title, stage=texts.STAGE[nxt])
        ):
            return
        ws, mid = self.ctx.workspace, round_.meeting_id
        auth: Auth | None = None
        if mid is not None and sign_in.needs_accounts(ws, mid):
            if nxt is Stage.COUNTING:  # the chair opens counting
                member = ws.accounts.signed_in_member(mid)
                if member is None or member.role is not BoardRole.CHAIR:
                    auth = sign_in.ask_chair(self, ws, mid)
                    if auth is None:
                        return
            else:  # closing and sealing: the chair and another member
                action = texts.ACTION_SEAL if nxt is Stage.SEALED else texts.ACTION_CLOSE
                auth = sign_in.ask_approval(self, ws, mid, action)
                if auth is None:
                    self._stage_error(texts.APPROVAL_CANCELLED)
                    return
        self._change_stage(round_.id, nxt, "", auth, verified)

    def _checks_pass(self, round_id: RoundId, action: str, verified: VerifiedTotals | None = None) -> bool:
        """Checks before passphrases: what blocks the action is listed first, with a way to go and fix it."""
        ws = self.ctx.workspace
        try:
            lines = ws.stages.close_blockers(round_id, verified)
        except ServiceError as exc:  # e.g. a ballot row edited outside the app, found by a recount made here
            self._stage_error(exc.message)
            return False
        if not lines:
            return True
        round_ = ws.setup.round(round_id)
        fixes = []
        if round_.counts.collected is None:
            fixes.append(close_check.FIX_COUNTS)
        if round_.double_entry and ws.counting.pass_differences(round_id):
            fixes.append(close_check.FIX_COMPARE)
        fixes.append(close_check.FIX_RESULTS)
        self._stage_error(texts.BLOCKERS_TITLE.format(action=action) + ": " + "; ".join(lines))
        choice = close_check.run_dialog(close_check.BlockersDialog(action, lines, fixes, self))
        self.go_fix(choice)
        return False

    def go_fix(self, choice: str | None) -> None:
        if choice == close_check.FIX_COUNTS:
            self.tabs.setCurrentWidget(self.setup_page)
            self.setup_page.tabs.setCurrentWidget(self.setup_page.counts)
            counts = self.setup_page.counts
            (counts.collected if counts.collected.isEnabled() else counts.collected_known).setFocus()
        elif choice == close_check.FIX_COMPARE:
            self.tabs.setCurrentWidget(self.entry_page)
            self.entry_page.tabs.setCurrentWidget(self.entry_page.compare)
        elif choice == close_check.FIX_RESULTS:
            self.tabs.setCurrentWidget(self.results_page)

    def stage_back(self) -> None:
        round_ = self.ctx.round()
        if round_ is None or round_.id is None:
            return
        prev = previous_stage(round_.stage)
        if prev is None:
            return
        reason = dialogs.ask_text(self, texts.STAGE_BACK_TITLE, texts.STAGE_BACK_PROMPT.format(stage=texts.STAGE[prev]))
        if reason is None:
            return
        ws, mid = self.ctx.workspace, round_.meeting_id
        auth: Auth | None = None
        if mid is not None and sign_in.needs_accounts(ws, mid):
            action = texts.ACTION_BACK.format(stage=texts.STAGE[prev])
            auth = sign_in.ask_approval(self, ws, mid, action, reason)
            if auth is None:
                self._stage_error(texts.APPROVAL_CANCELLED)
                return
        self._change_stage(round_.id, prev, reason, auth)

    def _stage_error(self, message: str) -> None:
        self.stage_status.show_error(message)
        self.stage_status.show()

    def _change_stage(
        self,
        round_id: RoundId,
        to: Stage,
        reason: str,
        auth: Auth | None = None,
        verified: VerifiedTotals | None = None,
    ) -> None:
        try:
            self.ctx.workspace.stages.change(round_id, to, reason, auth=auth, verified=verified)
        except ServiceError as exc:
            self._stage_error(exc.message)
            return
        self.stage_status.show_ok(texts.STAGE_CHANGED.format(stage=texts.STAGE[to]))
        self.stage_status.show()
        self.ctx.structure_changed()
        self.ctx.changed()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.tabs.currentWidget() is self.entry_page:
            self.entry_page.focus_scan()

    # ------------------------------------------------------------ closing
    def closeEvent(self, event: QCloseEvent) -> None:
        if self.ctx.jobs.busy():  # a job half-way (a backup, an export) is never cut off by closing
            event.ignore()
            dialogs.show_info(self, texts.JOB_TITLE, texts.JOB_CLOSE_REFUSED)
            return
        if self.results_page.projector is not None:
            self.results_page.projector.close()
        self.hall_status.stop()
        self.tools_page.hall.stop_host()  # the hosted server stops with the window, cleanly
        self.settings.sync()
        super().closeEvent(event)


def _int(value: object) -> int | None:
    try:
        return int(str(value)) if value not in (None, "") else None
    except ValueError:
        return None
