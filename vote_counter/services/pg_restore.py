"""Restoring the hall's PostgreSQL from one of its pg_dumps (issue 16): the live swap, after the dry run of
services/pg_restore_plan.py (the scratch database that holds the checked dump).

`restore_pg` authorises the chair and another member of each live meeting against the live database's board,
then swaps: new connections to the live database are refused (ALLOW_CONNECTIONS false), every connection to it
and to the scratch database is ended, and the two renames (live → kiemphieu_replaced_<stamp>, scratch → live)
commit in one transaction: under the live name a station finds the old database or the restored one, never
none and never a half. The "backup_restored" entry is then appended on the restored database, as the
administrator. The replaced database is kept (as a file's restore keeps the replaced file) and named.
A station that was connected learns it at its next connection and refuses to write (services/hall_watch.py).
The dry run's names are importable from here too, as callers have always imported them.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, text
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from vote_counter.services.accounts import Access
from vote_counter.services.errors import ErrorCode, ServiceError, storage_error
from vote_counter.services.pg_restore_plan import (
    SCRATCH_PREFIX,
    HostAccess,
    PgRestorePlan,
    check_dump_name,
    discard_pg_plan,
    drop_leftover_scratch,
    host_access,
    plan_pg_restore,
)
from vote_counter.services.pg_restore_plan import quote as _q
from vote_counter.services.restore import People, authorise, dropped_since
from vote_counter.storage import audit, pg_engine, pg_schema
from vote_counter.storage.engine import WRITE, make_sessions

__all__ = [
    "REPLACED_PREFIX",
    "SCRATCH_PREFIX",
    "HostAccess",
    "PgRestorePlan",
    "PgRestoreReport",
    "check_dump_name",
    "discard_pg_plan",
    "drop_leftover_scratch",
    "host_access",
    "plan_pg_restore",
    "restore_pg",
    "swap",
]

REPLACED_PREFIX = "kiemphieu_replaced_"
SWAP_WAIT = 15.0  # seconds to wait for the ended connections to go before the renames give up


@dataclass(frozen=True)
class PgRestoreReport:
    restored_from: Path
    replaced: str  # the replaced database, kept under this name
    head: str  # the dump's audit head: the live head before the restore's own entry
    entries: int
    dropped: tuple[str, ...] = ()


def restore_pg(
    url: str,
    data_dir: Path,
    backup: Path,
    people: People = (),
    *,
    confirm: bool = False,
    now: dt.datetime | None = None,
) -> PgRestoreReport:
    """Restore after `plan_pg_restore`'s checks: a live database with meetings needs `confirm` and, for each
    meeting with accounts, the chair and another member among `people` (checked on the live database)."""
    plan = plan_pg_restore(url, data_dir, backup, people)
    swapped = False
    try:
        live_engine = pg_engine.make_pg_engine(plan.host.url(plan.host.live), pool_size=1)
        try:
            sessions = make_sessions(live_engine)
            actor = authorise(Access(sessions), plan.live_meetings, people, confirm)
            # Listed again once the two are checked: what a station wrote since the dry run is listed too, and
            # this is exactly what the swap drops (it stops if anything more is written before it).
            with sessions() as live:
                dropped = dropped_since(live, list(plan.backup_log))
                live_head = audit.head(live)
        except SQLAlchemyError as exc:
            raise storage_error(exc) from exc
        finally:
            live_engine.dispose()
        stamp = (now or dt.datetime.now()).strftime("%Y%m%d_%H%M%S")
        replaced = f"{REPLACED_PREFIX}{stamp}_{secrets.token_hex(2)}"  # two restores in one second: two names
        # The entry goes in before the swap: under the live name there is never a restored log without it.
        head = _log_restore(plan, actor, replaced, dropped)
        swap(plan.host, plan.scratch, replaced, live_head)
        swapped = True
    finally:
        if not swapped:
            discard_pg_plan(plan)
    return PgRestoreReport(plan.backup, replaced, head, plan.report.entries, dropped)


def swap(host: HostAccess, scratch: str, replaced: str, live_head: str) -> None:
    """Put `scratch` under the live name and keep the live database as `replaced`.

    The application's role loses CONNECT on the live database and its connections are ended; the live log is
    read once more (as the administrator, who may still connect): an entry written since the dry run was not in
    its list, so the restore stops (RESTORE_CHANGED). Then both renames commit in one transaction. The kept
    database stays closed to the application's role; the restored one has PostgreSQL's default CONNECT for all.
    """
    live = host.live
    try:
        with host.connect() as admin:
            admin.exec_driver_sql(f"REVOKE CONNECT ON DATABASE {_q(live)} FROM PUBLIC")
            admin.exec_driver_sql(f"REVOKE CONNECT ON DATABASE {_q(live)} FROM {_q(host.credentials.app_user)}")
            renamed = False
            try:
                _end_connections(admin, live, scratch)
                if _live_head(host) != live_head:
                    raise ServiceError(ErrorCode.RESTORE_CHANGED)
                deadline = time.monotonic() + SWAP_WAIT
                while not renamed:
                    _end_connections(admin, live, scratch)
                    try:
                        admin.exec_driver_sql("BEGIN")
                        admin.exec_driver_sql(f"ALTER DATABASE {_q(live)} RENAME TO {_q(replaced)}")
                        admin.exec_driver_sql(f"ALTER DATABASE {_q(scratch)} RENAME TO {_q(live)}")
                        admin.exec_driver_sql("COMMIT")
                        renamed = True
                    except OperationalError:  # a connection still ending: nothing renamed, try again
                        admin.exec_driver_sql("ROLLBACK")
                        if time.monotonic() > deadline:
                            raise
                        time.sleep(0.1)
            finally:
                if not renamed:
                    admin.exec_driver_sql(f"GRANT CONNECT ON DATABASE {_q(live)} TO PUBLIC")
    except SQLAlchemyError as exc:
        raise storage_error(exc) from exc


def _end_connections(admin: Connection, live: str, scratch: str) -> None:
    admin.execute(
        text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname IN (:live, :scratch) AND pid <> pg_backend_pid()"
        ),
        {"live": live, "scratch": scratch},
    )


def _live_head(host: HostAccess) -> str:
    with host.connect(host.live) as conn:
        found = conn.execute(
            text(f"SELECT hash FROM {pg_schema.SCHEMA}.audit_log ORDER BY seq DESC LIMIT 1")
        ).scalar_one_or_none()
    return str(found) if found is not None else audit.GENESIS


def _log_restore(plan: PgRestorePlan, actor: str, replaced: str, dropped: tuple[str, ...]) -> str:
    """The "backup_restored" entry, appended on the checked database before it goes live."""
    engine = pg_engine.make_pg_engine(plan.host.url(plan.scratch), pool_size=1)
    try:
        with make_sessions(engine).begin() as s:
            s.connection(execution_options=WRITE)
            head = audit.head(s)
            audit.append(
                s,
                actor,
                "backup_restored",
                {
                    "backup": plan.backup.name,
                    "backup_head": plan.report.head,
                    "replaced_database": replaced,
                    "dropped": list(dropped),
                },
            )
    except SQLAlchemyError as exc:
        raise storage_error(exc) from exc
    finally:
        engine.dispose()
    return head
