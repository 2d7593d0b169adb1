"""`vote-counter copy --from FILE --to URL`: a meeting's SQLite file moved into the hall's PostgreSQL (issue 16).

Every row of every table is copied with its id, the audit log entry by entry as it is: the chain and every seal
verify on the target as they did on the file (the digests are the same on both engines, storage/seals.py). The
target must be empty: a copy never merges into a database that already has meetings or entries (USB merging is
`import-entries`). One transaction on the target, ended by one more audit entry that records the copy; the file
is only read.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, func, insert, select
from sqlalchemy.exc import InterfaceError, OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from vote_counter.i18n import _
from vote_counter.services.errors import ErrorCode, ServiceError, storage_detail, storage_error
from vote_counter.storage import audit, pg_engine, pg_schema, seals
from vote_counter.storage.engine import WRITE, make_engine
from vote_counter.storage.file_identity import file_identity
from vote_counter.storage.migrations import migrate
from vote_counter.storage.schema import AuditRow, Base

BATCH = 2000


@dataclass(frozen=True)
class Copied:
    rows: dict[str, int]  # per table
    entries: int  # audit entries copied (one more records the copy)
    head: str  # the file's chain head, as the target now holds it before the copy's own entry


def copy_database(source: Path, target_url: str, actor: str = "Kiểm Phiếu") -> Copied:
    if file_identity(source) is None:
        raise ServiceError(ErrorCode.DATABASE_MISSING, path=str(source))
    if not pg_engine.is_url(target_url):
        raise ServiceError(
            ErrorCode.INVALID_INPUT, detail=_("nơi nhận phải là địa chỉ postgresql+psycopg://… của máy chủ hội trường.")
        )
    try:
        src = make_engine(source)
        migrate(src)
    except OperationalError as exc:
        raise ServiceError(ErrorCode.STORAGE, detail=storage_detail(exc)) from exc
    try:
        dst = pg_engine.make_pg_engine(target_url, pool_size=1)
        try:
            pg_schema.ensure(dst)
            return _copy(src, dst, source, actor)
        finally:
            dst.dispose()
    except (OperationalError, InterfaceError, ProgrammingError) as exc:
        raise storage_error(exc) from exc
    finally:
        src.dispose()


def _copy(src: Engine, dst: Engine, source: Path, actor: str) -> Copied:
    rows: dict[str, int] = {}
    with src.connect() as read, dst.execution_options(**WRITE).begin() as write:
        if write.execute(select(func.count()).select_from(AuditRow)).scalar_one():
            raise ServiceError(ErrorCode.COPY_TARGET_NOT_EMPTY)
        for table in Base.metadata.sorted_tables:
            if write.execute(select(func.count()).select_from(table)).scalar_one():
                raise ServiceError(ErrorCode.COPY_TARGET_NOT_EMPTY)
            result = read.execute(select(table).order_by(*table.primary_key.columns))
            count = 0
            while batch := result.fetchmany(BATCH):
                write.execute(insert(table), [dict(r._mapping) for r in batch])
                count += len(batch)
            rows[table.name] = count
        # The rows were sealed by the entries just copied: the notes the triggers made are not new changes.
        write.exec_driver_sql(f"DELETE FROM {seals.TOUCHED}")
        for table in Base.metadata.sorted_tables:
            pk = list(table.primary_key.columns)
            if len(pk) == 1 and pk[0].autoincrement in (True, "auto") and pk[0].type.python_type is int:
                write.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{pg_schema.SCHEMA}.{table.name}', '{pk[0].name}'), "
                    f"GREATEST((SELECT max({pk[0].name}) FROM {pg_schema.SCHEMA}.{table.name}), 1))"
                )
        with Session(bind=write) as s:
            head = audit.head(s)
            entries = rows.get(AuditRow.__tablename__, 0)
            audit.append(s, actor, "copied_from_file", {"file": source.name, "entries": entries, "head": head})
            s.flush()
    return Copied(rows, entries, head)
