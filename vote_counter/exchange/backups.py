"""Backups as the user sees them: on demand, listed, restored. The work is done in services.backups
(Workspace.open needs it for the automatic backup at each stage change, and services sit below exchange)."""

from __future__ import annotations

from pathlib import Path

from vote_counter.services.backups import (
    BackupInfo,
    RestoreReport,
    backup_database,
    backups_dir,
    check_backup,
    list_backups,
)
from vote_counter.services.pg_backup import dump, list_dumps
from vote_counter.services.restore import People, RestorePlan, discard_plan, plan_restore
from vote_counter.services.restore import restore as restore_checked
from vote_counter.services.workspace import Workspace

__all__ = [
    "BackupInfo",
    "RestorePlan",
    "RestoreReport",
    "backup",
    "backups_dir",
    "check_backup",
    "discard_plan",
    "list_backups",
    "list_dumps",
    "plan_restore",
    "restore",
]


def backup(ws: Workspace, reason: str) -> Path:
    """A backup of the open workspace now, into backups/ beside the database (the hall's PostgreSQL: pg_dump into
    this station's backups/ folder)."""
    if ws.shared:
        return dump(ws.url, backups_dir(ws.path), reason)
    return backup_database(ws.require_file(), reason)


def restore(ws_path: Path, backup_file: Path, people: People = (), *, confirm: bool = False) -> RestoreReport:
    """Replace the database at `ws_path` by `backup_file` after checking it (services/restore.py: a live
    meeting needs the chair, another member and `confirm`); logged as "backup_restored"."""
    return restore_checked(Path(ws_path), Path(backup_file), people, confirm=confirm)
