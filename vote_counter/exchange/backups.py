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
    restore_database,
)
from vote_counter.services.workspace import Workspace

__all__ = ["BackupInfo", "RestoreReport", "backup", "backups_dir", "check_backup", "list_backups", "restore"]


def backup(ws: Workspace, reason: str) -> Path:
    """A backup of the open workspace now, into backups/ beside the database."""
    return backup_database(ws.path, reason)


def restore(ws_path: Path, backup_file: Path) -> RestoreReport:
    """Replace the database at `ws_path` by `backup_file` after checking it; logged as "backup_restored"."""
    return restore_database(Path(ws_path), Path(backup_file))
