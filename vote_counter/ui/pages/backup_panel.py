"""Sao lưu và khôi phục (SPEC §8, issue 12): a backup now, the list beside the database, and a restore.

A restore is shown before it is done: the backup is checked as `verify-audit` would (a backup of another
meeting, or one whose log or sealed rows fail, is refused with the service's message) and the dry run lists,
per round, what restoring it would drop. Only then do the chair and another member give their passphrases;
the replaced file is kept in backups/ and the restore is logged. The window then opens the file again.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vote_counter.domain.model import MeetingId, Stage
from vote_counter.exchange.backups import (
    BackupInfo,
    RestoreReport,
    backup,
    backups_dir,
    discard_plan,
    list_backups,
    list_dumps,
    plan_restore,
    restore,
)
from vote_counter.services.accounts import Approval, Auth, Credential
from vote_counter.services.pg_restore import PgRestoreReport, discard_pg_plan, plan_pg_restore, restore_pg
from vote_counter.services.workspace import Workspace
from vote_counter.ui import dialogs, sign_in, texts
from vote_counter.ui.context import AppContext
from vote_counter.ui.jobs import JobContext
from vote_counter.ui.pages.base import Page
from vote_counter.ui.widgets import StatusLine, allow, heading

People = list[tuple[str, str]]
REPLACED_SLUG = "truoc-khi-khoi-phuc"  # services.backups.replace_database names the copy it keeps so


def choose_backup_file(parent: QWidget, start: Path, shared: bool = False) -> Path | None:
    """A backup file picked by hand (tests replace this): a .pgdump for the hall's database."""
    wanted = texts.BACKUP_FILTER_HALL if shared else texts.BACKUP_FILTER
    path, _ = QFileDialog.getOpenFileName(parent, texts.RESTORE_PICK_TITLE, str(start), wanted)
    return Path(path) if path else None


_AUTOMATIC = re.compile(r"^luot(\d+)-(\w+)$")


def reason_words(slug: str) -> str:
    """A backup's reason as kept in its file name, in words: "luot3-closed" is the automatic backup when round 3
    was closed; "truoc-khi-khoi-phuc" the database replaced by a restore; anything else the typed reason."""
    automatic = _AUTOMATIC.match(slug)
    if automatic is not None and automatic.group(2) in {s.value for s in Stage}:
        stage = texts.STAGE[Stage(automatic.group(2))]
        return texts.BACKUP_AUTOMATIC.format(round=automatic.group(1), stage=stage)
    if slug == REPLACED_SLUG:
        return texts.BACKUP_REPLACED
    return slug.replace("-", " ")


def people_of(ws: Workspace, meeting_id: MeetingId | None, auth: Auth | None) -> People:
    """(name, passphrase) of the members in `auth`, as services.restore takes them (never stored)."""
    if meeting_id is None or auth is None:
        return []
    names = {m.id: m.full_name for m in ws.setup.board(meeting_id)}
    creds: Sequence[Credential] = (auth,) if isinstance(auth, Credential) else auth.credentials()
    return [(names[c.member_id], c.passphrase) for c in creds if c.member_id in names]


class RestorePlanDialog(QDialog):
    """What the restore would drop, before anyone is asked for a passphrase. "Hủy" is the default button."""

    def __init__(
        self,
        backup: Path,
        entries: int,
        dropped: Sequence[str],
        parent: QWidget | None = None,
        after: str = texts.RESTORE_PLAN_AFTER,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(texts.RESTORE_PLAN_TITLE)
        intro = QLabel(texts.RESTORE_PLAN_INTRO.format(name=backup.name, entries=entries))
        intro.setWordWrap(True)
        self.lines = QListWidget()
        self.lines.setWordWrap(True)  # a round's line is long: wrapped, never cut or scrolled sideways
        self.lines.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.lines.setResizeMode(QListView.ResizeMode.Adjust)
        self.lines.setSpacing(2)
        self.lines.addItems([f"• {line}" for line in dropped] or [texts.RESTORE_NOTHING_DROPPED])
        self.after = QLabel(after)
        self.after.setWordWrap(True)
        self.restore_button = QPushButton(texts.RESTORE_GO)
        self.restore_button.setAutoDefault(False)
        self.cancel_button = QPushButton(texts.CANCEL)
        self.cancel_button.setDefault(True)
        self.restore_button.clicked.connect(self.accept)
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.restore_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.lines, 1)
        layout.addWidget(self.after)
        layout.addLayout(buttons)
        self.resize(640, 360)
        self.cancel_button.setFocus()


class BackupPanel(Page):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.choose_file = choose_backup_file  # hook the tests replace
        # The hall's database is restored on the host only: the data folder of the server this window hosts for
        # the URL given (the hall panel answers, ToolsPage wires it), None when it hosts none.
        self.hosted: Callable[[str], Path | None] = lambda _url: None
        self.status = StatusLine()
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(texts.BACKUP_REASON_HINT)
        self.reason.setMaxLength(60)
        self.backup_button = QPushButton(texts.BACKUP_NOW)
        self.backup_button.clicked.connect(self.backup_now)
        self.reason.returnPressed.connect(self.backup_now)
        top = QHBoxLayout()
        top.addWidget(QLabel(texts.BACKUP_REASON))
        top.addWidget(self.reason, 1)
        top.addWidget(self.backup_button)
        self.folder = QLabel()
        self.folder.setWordWrap(True)
        self.table = QTableWidget(0, len(texts.BACKUP_COLUMNS))
        self.table.setHorizontalHeaderLabels(list(texts.BACKUP_COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._picked)
        self.restore_button = QPushButton(texts.RESTORE_SELECTED)
        self.restore_button.clicked.connect(self.restore_selected)
        self.restore_other_button = QPushButton(texts.RESTORE_OTHER)
        self.restore_other_button.clicked.connect(self.restore_other)
        actions = QHBoxLayout()
        actions.addWidget(self.restore_button)
        actions.addWidget(self.restore_other_button)
        actions.addStretch(1)
        self.hint = QLabel(texts.RESTORE_HINT)
        self.hint.setWordWrap(True)
        self.host_only = QLabel(texts.RESTORE_HOST_ONLY)
        self.host_only.setWordWrap(True)
        self.host_only.setVisible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(texts.BACKUP_HEADING))
        layout.addLayout(top)
        layout.addWidget(self.folder)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.hint)
        layout.addWidget(self.host_only)
        layout.addLayout(actions)
        layout.addWidget(self.status)
        self.items: list[BackupInfo] = []

    # ------------------------------------------------------------ the list
    def host_folder(self) -> Path | None:
        """Where the restore may run: the host's data folder when the window uses the hall's database it hosts."""
        ws = self.ctx.workspace
        return self.hosted(ws.url) if ws.shared else None

    def refresh(self) -> None:
        ws = self.ctx.workspace
        path = ws.path
        if ws.shared:  # this station's pg_dumps of the hall's database
            self.items = list(reversed(list_dumps(backups_dir(path))))
        else:
            self.items = list(reversed(list_backups(path))) if str(path) != ":memory:" else []
        self.host_only.setVisible(ws.shared and self.host_folder() is None)
        self.hint.setText(texts.RESTORE_HINT_HALL if ws.shared else texts.RESTORE_HINT)
        self.folder.setText(texts.BACKUP_FOLDER.format(folder=Path(path).parent / "backups"))
        self.table.setRowCount(len(self.items))
        for row, item in enumerate(self.items):
            cells = (
                item.created.strftime("%d/%m/%Y %H:%M:%S"),
                reason_words(item.reason),
                f"{max(item.size // 1024, 1):,}".replace(",", "."),
            )
            for col, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setToolTip(str(item.path))
                self.table.setItem(row, col, cell)
        self._picked()

    def selected_backup(self) -> Path | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.items[rows[0].row()].path if rows else None

    def _picked(self) -> None:
        here = not self.ctx.workspace.shared or self.host_folder() is not None
        why = texts.WHY_PICK_BACKUP if here else texts.WHY_HOST_ONLY
        allow(self.restore_button, here and self.selected_backup() is not None, why)
        allow(self.restore_other_button, here, texts.WHY_HOST_ONLY)

    # ------------------------------------------------------------ backup now
    def backup_now(self) -> None:
        reason = self.reason.text().strip() or texts.BACKUP_DEFAULT_REASON

        def work(job: JobContext) -> Path:
            assert job.workspace is not None
            return backup(job.workspace, reason)

        self.ctx.jobs.run(
            texts.JOB_BACKUP, work, self._backed_up, failed=self.status.show_error, disable=(self.backup_button,)
        )

    def _backed_up(self, path: Path) -> None:
        self.reason.clear()
        self.refresh()
        self.status.show_ok(texts.BACKUP_DONE.format(path=path))

    # ------------------------------------------------------------ restore
    def restore_selected(self) -> None:
        path = self.selected_backup()
        if path is not None:
            self.start_restore(path)

    def restore_other(self) -> None:
        ws = self.ctx.workspace
        path = self.choose_file(self, backups_dir(ws.path), ws.shared)
        if path is not None:
            self.start_restore(path)

    def start_restore(self, backup: Path) -> None:
        """First the dry run (checks and what would be dropped), with whoever signed in opening the keys."""
        ws, mid = self.ctx.workspace, self.ctx.meeting_id
        people = people_of(ws, mid, ws.access.signed_in.get(mid) if mid is not None else None)
        db_path = Path(ws.path)
        url, folder = (ws.url, self.host_folder()) if ws.shared else ("", None)
        if ws.shared and folder is None:
            self.status.show_error(texts.RESTORE_HOST_ONLY)
            return

        def work(_job: JobContext) -> tuple[int, tuple[str, ...], bool]:
            if folder is not None:  # the hall's database: checked in a scratch database on this host
                hall_plan = plan_pg_restore(url, folder, backup, people)
                discard_pg_plan(hall_plan)
                return hall_plan.report.entries, hall_plan.dropped, bool(hall_plan.live_meetings)
            plan = plan_restore(db_path, backup, people)
            discard_plan(plan)
            return plan.report.entries, plan.dropped, bool(plan.live_meetings)

        self.status.show_info(texts.RESTORE_CHECKING.format(name=backup.name))
        self.ctx.jobs.run(
            texts.JOB_RESTORE_CHECK,
            work,
            lambda planned: self._planned(backup, *planned),
            failed=self.status.show_error,
            own_workspace=False,
        )

    def _planned(self, backup: Path, entries: int, dropped: tuple[str, ...], live: bool) -> None:
        shared = self.ctx.workspace.shared
        after = texts.RESTORE_PLAN_AFTER_HALL if shared else texts.RESTORE_PLAN_AFTER
        dialog = RestorePlanDialog(backup, entries, dropped, self, after)
        if not sign_in.run_dialog(dialog):
            self.status.show_info(texts.RESTORE_CANCELLED)
            return
        ws, mid = self.ctx.workspace, self.ctx.meeting_id
        approval: Approval | None = None
        if live and mid is not None and sign_in.needs_accounts(ws, mid):
            approval = sign_in.ask_approval(self, ws, mid, texts.ACTION_RESTORE.format(name=backup.name))
            if approval is None:
                self.status.show_error(texts.APPROVAL_CANCELLED)
                return
        people = people_of(ws, mid, approval)
        db_path = Path(ws.path)
        url, folder = (ws.url, self.host_folder()) if ws.shared else ("", None)
        # No connection of the window holds the file (or the hall's database) while it is replaced.
        ws.counting.close()
        ws.engine.dispose()

        def work(_job: JobContext) -> RestoreReport | PgRestoreReport:
            if folder is not None:
                return restore_pg(url, folder, backup, people, confirm=True)
            return restore(db_path, backup, people, confirm=True)

        self.ctx.jobs.run(
            texts.JOB_RESTORE,
            work,
            lambda report: self._restored(report, approval),
            failed=self.status.show_error,
            own_workspace=False,
        )

    def _restored(self, report: RestoreReport | PgRestoreReport, approval: Approval | None) -> None:
        mid = self.ctx.meeting_id
        ws = self.ctx.reopen()
        if approval is not None and mid is not None:
            ws.access.remember(mid, approval)  # the two who restored stay signed in, checked again at each action
        if isinstance(report, PgRestoreReport):
            message = texts.RESTORE_DONE_HALL.format(
                name=report.restored_from.name, entries=report.entries, kept=report.replaced
            )
        else:
            kept = str(report.replaced_copy) if report.replaced_copy is not None else "—"
            message = texts.RESTORE_DONE.format(name=report.restored_from.name, entries=report.entries, kept=kept)
        self.refresh()
        self.status.show_ok(message)
        dialogs.show_info(self, texts.RESTORE_DONE_TITLE, message)
