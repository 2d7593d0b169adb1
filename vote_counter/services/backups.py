"""Backups of the live database with SQLite's backup API (SPEC §8): automatic at each stage change and on
demand. A restore is a two-person action (services/restore.py): it checks the backup first, shows what it
would drop, keeps a copy of what it replaces, and is logged.

This lives in services, not exchange: Workspace.open wires the automatic backup into StageService, and
services may not import exchange (the layers contract in pyproject.toml).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import secrets
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from vote_counter import platform_os
from vote_counter.domain.model import RoundId, Stage, nfc
from vote_counter.i18n import _
from vote_counter.services.base import DEFAULT_ACTOR
from vote_counter.services.errors import ErrorCode, ServiceError, tamper_place
from vote_counter.storage import audit
from vote_counter.storage.audit import ChainReport
from vote_counter.storage.engine import make_engine, make_sessions
from vote_counter.storage.migrations import SCHEMA_VERSION

BACKUP_DIR = "backups"
SUFFIX = ".sqlite3"
STAMP = "%Y%m%d-%H%M%S-%f"


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created: dt.datetime
    reason: str  # the reason as kept in the file name
    size: int


@dataclass(frozen=True)
class RestoreReport:
    restored_from: Path
    replaced_copy: Path | None  # the database as it was before the restore (None: there was none)
    head: str  # the backup's audit head: the live head before the restore's own entry
    entries: int
    dropped: tuple[str, ...] = ()  # what the live database held that the backup does not, per round


def backups_dir(db_path: Path) -> Path:
    return Path(db_path).parent / BACKUP_DIR


def reason_slug(reason: str, limit: int = 40) -> str:
    """Letters (Vietnamese kept) and digits, anything else a dash: safe in a file name on any disk."""
    text = re.sub(r"[\W_]+", "-", nfc(reason)).strip("-")
    return text[:limit].strip("-") or "saoluu"


def _fsync_path(path: Path, *, directory: bool = False) -> None:
    if directory:
        platform_os.fsync_directory(path)  # Windows cannot open a folder to flush it; NTFS journals the rename
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def _connect(path: Path, *, read_only: bool = False) -> Iterator[sqlite3.Connection]:
    if read_only:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    else:
        conn = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        yield conn
    finally:
        conn.close()


def backup_database(db_path: Path, reason: str, *, now: dt.datetime | None = None) -> Path:
    """A consistent copy of the live database (WAL included) as one self-contained file in backups/."""
    db_path = Path(db_path)
    folder = backups_dir(db_path)
    stamp = (now or dt.datetime.now()).strftime(STAMP)
    final = folder / f"{stamp}_{reason_slug(reason)}{SUFFIX}"
    tmp = folder / f".{final.name}.partial-{secrets.token_hex(4)}"
    try:
        if not db_path.is_file():
            raise FileNotFoundError(_("không có tệp {name}").format(name=db_path.name))
        folder.mkdir(parents=True, exist_ok=True)
        with _connect(db_path) as src, _connect(tmp) as dst:
            src.backup(dst)
            # The copy is a single file: no -wal/-shm next to it, and it can be copied around as is.
            dst.execute("PRAGMA journal_mode=DELETE")
        _fsync_path(tmp)
        os.replace(tmp, final)
        _fsync_path(folder, directory=True)
    except (sqlite3.Error, OSError) as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise ServiceError(ErrorCode.BACKUP_FAILED, detail=str(exc)) from exc
    return final


def list_backups(db_path: Path) -> list[BackupInfo]:
    """The backups beside the database, oldest first."""
    return backups_in(backups_dir(db_path), SUFFIX)


def backups_in(folder: Path, suffix: str) -> list[BackupInfo]:
    """The files named `<stamp>_<reason><suffix>` in `folder`, oldest first: a SQLite file's backups, or the hall's
    pg_dumps (services/pg_backup.py). Half-written ones (`.<name>.partial-<token>`) are never listed."""
    if not folder.is_dir():
        return []
    name = re.compile(r"^(\d{8}-\d{6}-\d{6})_(.+)" + re.escape(suffix) + "$")
    out = []
    for path in sorted(folder.iterdir()):
        match = name.match(path.name)
        if match is None or not path.is_file():
            continue
        created = dt.datetime.strptime(match.group(1), STAMP)
        out.append(BackupInfo(path, created, match.group(2), path.stat().st_size))
    return out


def check_backup(path: Path) -> ChainReport:
    """SQLite's integrity check and the audit chain of a backup, read only. Raises BACKUP_INVALID."""
    path = Path(path)

    def invalid(detail: str) -> ServiceError:
        return ServiceError(ErrorCode.BACKUP_INVALID, name=path.name, detail=detail)

    if not path.is_file():
        raise invalid(_("không tìm thấy tệp"))
    try:
        with _connect(path, read_only=True) as conn:
            check = [row[0] for row in conn.execute("PRAGMA integrity_check").fetchall()]
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.Error as exc:
        raise invalid(_("không phải cơ sở dữ liệu của Kiểm Phiếu: {error}").format(error=exc)) from exc
    if check != ["ok"]:
        raise invalid(_("tệp bị hỏng: {problems}").format(problems="; ".join(check[:3])))
    if version > SCHEMA_VERSION or "audit_log" not in tables:
        raise invalid(_("không phải cơ sở dữ liệu của phiên bản Kiểm Phiếu này"))
    if "meeting_keys" not in tables:
        raise invalid(_("bản sao lưu của phiên bản Kiểm Phiếu cũ, chưa có dấu niêm phong để kiểm tra"))
    uri = f"{path.resolve().as_uri()}?mode=ro"
    engine = create_engine("sqlite+pysqlite://", creator=lambda: sqlite3.connect(uri, uri=True))
    try:
        with Session(engine) as s:
            report = audit.verify(s)
    finally:
        engine.dispose()
    if not report.ok:
        raise invalid(
            _("nhật ký hoặc dữ liệu bị sửa: {tamper_place}").format(
                tamper_place=tamper_place(report.first_bad_seq, (), report.bad_rows, report.foreign)
            )
        )
    return report


def replace_database(
    db_path: Path,
    backup_file: Path,
    report: ChainReport,
    *,
    actor: str = DEFAULT_ACTOR,
    dropped: tuple[str, ...] = (),
    original: Path | None = None,
    now: dt.datetime | None = None,
) -> RestoreReport:
    """Replace the live database by a backup already checked (services/restore.py decides whether it may),
    keep a copy of the replaced one, log the restore.

    The copy goes through SQLite's backup API into the live file, so its WAL and any other open
    connection stay consistent. `original` is the backup as the user named it (`backup_file` may be the
    checked copy of it).
    """
    db_path, backup_file = Path(db_path), Path(backup_file)
    original = Path(original) if original is not None else backup_file
    replaced = backup_database(db_path, "truoc-khi-khoi-phuc", now=now) if db_path.is_file() else None
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        with _connect(backup_file, read_only=True) as src, _connect(db_path) as dst:
            src.backup(dst)
    except (sqlite3.Error, OSError) as exc:
        raise ServiceError(ErrorCode.BACKUP_FAILED, detail=str(exc)) from exc
    engine = make_engine(db_path)
    try:
        with make_sessions(engine).begin() as s:
            head = audit.head(s)
            audit.append(
                s,
                actor,
                "backup_restored",
                {
                    "backup": original.name,
                    "backup_head": report.head,
                    "replaced_copy": replaced.name if replaced else "",
                    "dropped": list(dropped),
                },
            )
    finally:
        engine.dispose()
    return RestoreReport(original, replaced, head, report.entries, dropped)


def automatic_backup(db_path: Path) -> Callable[[RoundId, Stage], None]:
    """The StageService hook: one backup after each committed stage change."""

    def hook(round_id: RoundId, stage: Stage) -> None:
        try:
            backup_database(db_path, f"luot{round_id}-{stage.value}")
        except ServiceError as exc:
            raise ServiceError(ErrorCode.AUTO_BACKUP_FAILED, detail=exc.details.get("detail", "")) from exc

    return hook
