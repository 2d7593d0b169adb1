"""Backups of the hall's PostgreSQL with the bundled pg_dump (issue 16): on demand and after each stage change,
as SQLite's backups are (SPEC §8), into the station's own backups/ folder.

One custom-format dump of the `main` schema (tables, rows, triggers) per backup, written under a temporary name,
flushed and renamed: a dump that failed half-way never looks like a backup (and one killed with its process is
removed by the next dump, remove_partials). The password goes to pg_dump through
its environment, never on its command line (which other users of the machine could read).
`list_dumps` lists them as `vote-counter backups` shows SQLite's; restoring one into the hall's database is a
host operation under the two-person rule (services/pg_restore.py).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import secrets
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import make_url

from vote_counter import platform_os
from vote_counter.domain.model import RoundId, Stage
from vote_counter.hosting import server
from vote_counter.services.backups import STAMP, BackupInfo, backups_in, reason_slug
from vote_counter.services.errors import ErrorCode, ServiceError
from vote_counter.storage.pg_engine import normalise
from vote_counter.storage.pg_schema import SCHEMA

SUFFIX = ".pgdump"
_PARTIAL = re.compile(r"^\..+\.pgdump\.partial-[0-9a-f]+$")
DUMP_TIMEOUT = 600  # seconds pg_dump may run; a partial file older than this is no dump still being written


def remove_partials(folder: Path, *, now: float | None = None) -> list[Path]:
    """The half-written dumps a pg_dump killed with its process left behind (never a backup: list_dumps skips
    them), removed; one younger than a dump may take is left alone (another window of this laptop may be
    writing it). The paths removed."""
    if not folder.is_dir():
        return []
    moment = time.time() if now is None else now
    gone = []
    for path in sorted(folder.iterdir()):
        if _PARTIAL.match(path.name) is None or not path.is_file():
            continue
        with contextlib.suppress(OSError):
            if moment - path.stat().st_mtime > DUMP_TIMEOUT:
                path.unlink()
                gone.append(path)
    return gone


def list_dumps(folder: Path) -> list[BackupInfo]:
    """The dumps in this station's backups/ folder, oldest first (the same columns as SQLite's backups)."""
    return backups_in(folder, SUFFIX)


def dump(url: str, folder: Path, reason: str, *, now: dt.datetime | None = None) -> Path:
    parts = make_url(normalise(url))
    stamp = (now or dt.datetime.now()).strftime(STAMP)
    final = folder / f"{stamp}_{reason_slug(reason)}{SUFFIX}"
    tmp = folder / f".{final.name}.partial-{secrets.token_hex(4)}"
    env = {**os.environ, "PGPASSWORD": parts.password or "", "PGCONNECT_TIMEOUT": "5"}
    try:
        folder.mkdir(parents=True, exist_ok=True)
        remove_partials(folder)
        done = server.run_tool(
            [
                str(server.tool("pg_dump")),
                "--format=custom",
                f"--schema={SCHEMA}",
                "--no-owner",
                "--no-privileges",
                f"--file={tmp}",
                "--host",
                str(parts.host or "127.0.0.1"),
                "--port",
                str(parts.port or 5432),
                "--username",
                str(parts.username or ""),
                str(parts.database or ""),
            ],
            None,
            timeout=DUMP_TIMEOUT,
            env=env,
        )
        if done.returncode != 0:
            raise OSError(
                (done.stderr or done.stdout).strip().splitlines()[-1]
                if (done.stderr or done.stdout).strip()
                else "pg_dump"
            )
        fd = os.open(tmp, os.O_RDONLY)
        try:
            platform_os.fsync_file(fd)
        finally:
            os.close(fd)
        os.replace(tmp, final)
        platform_os.fsync_directory(folder)
    except (OSError, server.ServerError) as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise ServiceError(ErrorCode.BACKUP_FAILED, detail=str(exc)) from exc
    return final


def automatic_dump(url: str, folder: Path) -> Callable[[RoundId, Stage], None]:
    """The StageService hook on the hall's database: one dump after each committed stage change."""

    def hook(round_id: RoundId, stage: Stage) -> None:
        try:
            dump(url, folder, f"luot{round_id}-{stage.value}")
        except ServiceError as exc:
            raise ServiceError(ErrorCode.AUTO_BACKUP_FAILED, detail=exc.details.get("detail", "")) from exc

    return hook
