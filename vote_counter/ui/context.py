"""What every page shares: the open workspace, the chosen meeting and round, and change signals.

Pages never keep their own copy of the data: after every action they redraw from what the
services return (the Anki way: the core is the truth, the window is a view of it).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from vote_counter.domain.model import Meeting, MeetingId, Nominee, Round, RoundId, Stage
from vote_counter.services import hall
from vote_counter.services.workspace import Workspace
from vote_counter.ui.jobs import JobRunner


class AppContext(QObject):
    # The chosen meeting or round changed (the pages reload everything).
    selectionChanged = Signal()
    # Something in the current round changed (a ballot saved, a stage moved): pages refresh.
    dataChanged = Signal()
    # The list of meetings or rounds changed (the selectors reload).
    structureChanged = Signal()
    # The database file was replaced under the window (a restore) and opened again: everything reloads.
    workspaceReplaced = Signal()

    def __init__(self, workspace: Workspace, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.meeting_id: MeetingId | None = None
        self.round_id: RoundId | None = None
        # What the start-up check of the audit chain found broken (None: intact); export is refused then.
        self.audit_problem: str | None = None
        # Long work off the UI thread, one job at a time (ui/jobs.py); its dialogs belong to the window.
        self.jobs = JobRunner(lambda: self.workspace, parent if isinstance(parent, QWidget) else None)

    # ------------------------------------------------------------ selection
    def select(self, meeting_id: MeetingId | None, round_id: RoundId | None) -> None:
        if (meeting_id, round_id) == (self.meeting_id, self.round_id):
            return
        self.meeting_id, self.round_id = meeting_id, round_id
        self.selectionChanged.emit()

    # ------------------------------------------------------------ reads
    def meeting(self) -> Meeting | None:
        if self.meeting_id is None:
            return None
        return self.workspace.setup.meeting(self.meeting_id)

    def round(self) -> Round | None:
        if self.round_id is None:
            return None
        return self.workspace.setup.round(self.round_id)

    def nominees(self) -> list[Nominee]:
        if self.round_id is None:
            return []
        return self.workspace.setup.nominees(self.round_id)

    def meeting_sealed(self) -> bool:
        """A sealed round freezes its meeting's own data (title, board): they are printed on its minutes."""
        if self.meeting_id is None:
            return False
        return any(r.stage is Stage.SEALED for r in self.workspace.setup.rounds(self.meeting_id))

    def stage(self) -> Stage | None:
        r = self.round()
        return r.stage if r is not None else None

    def reopen(self) -> Workspace:
        """Open the database file again after it was replaced (a restore): fresh connections and no kept
        state of the old file (the running totals' contexts, who signed in); the old workspace is closed."""
        old = self.workspace
        # The hall's database is opened again by its URL (its path is only a name), as the same station.
        self.workspace = Workspace.open(old.url if old.shared else old.path, create=False, station=hall.station())
        old.close()
        self.workspaceReplaced.emit()
        return self.workspace

    def switch(self, target: str, station: str | None) -> Workspace:
        """Use another database from now on (the hall's PostgreSQL, issue 16): opened first, so a failure
        (ServiceError) leaves the window on the database it had; then the old one is closed and every page
        reloads, as after a restore."""
        new = Workspace.open(target, create=False, station=station)
        old = self.workspace
        self.workspace = new
        self.meeting_id = self.round_id = None
        old.close()
        self.workspaceReplaced.emit()
        return new

    # ------------------------------------------------------------ notifications
    def changed(self) -> None:
        self.dataChanged.emit()

    def structure_changed(self) -> None:
        self.structureChanged.emit()
