"""The dry run of a restore of the hall's PostgreSQL from one of its pg_dumps (issue 16), under the two-person rule
of a file's restore (services/restore.py); the swap that puts it live is services/pg_restore.py.

It is the host's work: a restore removes audit entries, which the application's role can never do (REVOKE and
the append-only triggers), so it runs on the host laptop with the administrator's credentials kept in the host's
data folder (DIR/kiemphieu-host.json; pg_hba lets the administrator in from the host's own address only).

`plan_pg_restore` restores the dump into a scratch database (`kiemphieu_restore_<token>`) with the bundled
pg_restore (services/pg_restore_tool.py: the password through its environment, never its command line), brings it
to the newest revision with the application role's grants (pg_schema.ensure: an older dump is migrated), refuses
another meeting's dump (meeting_keys.uid), checks it as verify-audit checks the live database (the chain and every
sealed row, with the keys the passphrases given open), and lists what the live database holds after the point
where the two logs part (restore.dropped_since). Nothing else changes; the scratch database is dropped by
`discard_pg_plan`, and on every failure.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, create_engine, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from vote_counter.hosting import cluster, server
from vote_counter.hosting.messages import message
from vote_counter.i18n import _
from vote_counter.services.accounts import Access
from vote_counter.services.backups import SUFFIX as SQLITE_SUFFIX
from vote_counter.services.errors import ErrorCode, ServiceError, storage_error, tamper_place
from vote_counter.services.pg_backup import SUFFIX
from vote_counter.services.pg_restore_tool import restore_into
from vote_counter.services.restore import People, credentials, dropped_since, meeting_uids
from vote_counter.storage import audit, pg_engine, pg_schema
from vote_counter.storage.audit import ChainReport
from vote_counter.storage.engine import make_sessions
from vote_counter.storage.migrations import NewerDatabaseError
from vote_counter.storage.schema import AuditRow

SCRATCH_PREFIX = "kiemphieu_restore_"


@dataclass(frozen=True)
class HostAccess:
    """The administrator's way into the hall's cluster, from the host laptop."""

    credentials: cluster.Credentials
    address: str
    port: int
    live: str  # the hall's database, as the stations' URL names it

    def url(self, database: str) -> str:
        return self.credentials.url(self.address, self.port, admin=True, database=database)

    @contextlib.contextmanager
    def connect(self, database: str = "postgres", *, autocommit: bool = True) -> Iterator[Connection]:
        engine = create_engine(
            pg_engine.normalise(self.url(database)),
            poolclass=NullPool,
            connect_args={"connect_timeout": pg_engine.CONNECT_TIMEOUT},
        )
        try:
            with engine.connect() as conn:
                yield conn.execution_options(isolation_level="AUTOCOMMIT") if autocommit else conn
        finally:
            engine.dispose()


@dataclass(frozen=True)
class PgRestorePlan:
    backup: Path
    scratch: str  # the database that holds the checked dump, until the swap or discard_pg_plan
    report: ChainReport
    dropped: tuple[str, ...]  # what would be lost, in words, per round
    live_meetings: tuple[int, ...]
    live_head: str  # the live log's head the list was made from
    host: HostAccess
    backup_log: tuple[str, ...] = ()  # the dump's entries (hashes, in order): where the two logs part


def host_access(url: str, data_dir: Path) -> HostAccess:
    """The administrator of the cluster in `data_dir`, checked to be the host of `url` (its role's password)."""
    parts = make_url(pg_engine.normalise(url))
    database = str(parts.database or "")
    try:
        creds = cluster.read_credentials(Path(data_dir))
    except server.ServerError as exc:
        detail = (
            _("không có tệp {name} đọc được").format(name=cluster.CREDENTIALS)
            if exc.code == "dir_foreign"
            else message(exc)
        )
        raise ServiceError(ErrorCode.HOST_FOLDER, path=str(data_dir), database=database, detail=detail) from exc
    ours = {(creds.app_user, creds.app_password), (creds.admin_user, creds.admin_password)}
    if (parts.username, parts.password) not in ours:
        raise ServiceError(
            ErrorCode.HOST_FOLDER,
            path=str(data_dir),
            database=database,
            detail=_("tài khoản trong địa chỉ --db không phải của máy chủ này"),
        )
    return HostAccess(creds, str(parts.host or "127.0.0.1"), int(parts.port or cluster.DEFAULT_PORT), database)


def _invalid(backup: Path, detail: str) -> ServiceError:
    return ServiceError(ErrorCode.BACKUP_INVALID, name=backup.name, detail=detail)


def check_dump_name(backup: Path) -> None:
    """A .pgdump file, or a clear refusal (a SQLite backup is a file's, not the hall's)."""
    if backup.suffix == SQLITE_SUFFIX:
        raise _invalid(
            backup,
            _("đây là bản sao lưu .sqlite3 của cơ sở dữ liệu trên một máy; cơ sở dữ liệu chung cần tệp .pgdump"),
        )
    if backup.suffix != SUFFIX:
        raise _invalid(backup, _("không phải tệp .pgdump của cơ sở dữ liệu chung"))
    if not backup.is_file():
        raise _invalid(backup, _("không tìm thấy tệp"))


def plan_pg_restore(url: str, data_dir: Path, backup: Path, people: People = ()) -> PgRestorePlan:
    """Check the dump in a scratch database and list what restoring it would drop. Changes nothing live (the
    scratch database waits for `restore_pg` or `discard_pg_plan`)."""
    backup = Path(backup)
    check_dump_name(backup)
    host = host_access(url, data_dir)
    scratch = SCRATCH_PREFIX + secrets.token_hex(4)
    try:
        with host.connect() as admin:
            admin.exec_driver_sql(
                f"CREATE DATABASE {quote(scratch)} OWNER {quote(host.credentials.admin_user)} "
                "TEMPLATE template0 ENCODING 'UTF8'"
            )
    except SQLAlchemyError as exc:
        raise storage_error(exc) from exc
    try:
        return _plan(host, scratch, backup, people)
    except BaseException:
        _drop(host, scratch)
        raise


def discard_pg_plan(plan: PgRestorePlan) -> None:
    _drop(plan.host, plan.scratch)


def drop_leftover_scratch(host: HostAccess) -> list[str]:
    """Drop every scratch database a dry run or restore left behind when its process was killed half-way (the
    host calls it at start, before any station can be planning a restore); the kept `kiemphieu_replaced_*`
    databases are never touched. The names dropped, sorted."""
    try:
        with host.connect() as admin:
            names = [str(n) for (n,) in admin.exec_driver_sql("SELECT datname FROM pg_database").all()]
            left = sorted(n for n in names if n.startswith(SCRATCH_PREFIX))
            for name in left:
                admin.exec_driver_sql(f"DROP DATABASE IF EXISTS {quote(name)} WITH (FORCE)")
    except SQLAlchemyError as exc:
        raise storage_error(exc) from exc
    return left


def _drop(host: HostAccess, database: str) -> None:
    with contextlib.suppress(SQLAlchemyError), host.connect() as admin:
        admin.exec_driver_sql(f"DROP DATABASE IF EXISTS {quote(database)} WITH (FORCE)")


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _plan(host: HostAccess, scratch: str, backup: Path, people: People) -> PgRestorePlan:
    restore_into(host.credentials, host.address, host.port, scratch, backup)
    engine = pg_engine.make_pg_engine(host.url(scratch), pool_size=1)
    try:
        try:
            pg_schema.ensure(engine, app_role=host.credentials.app_user)
        except NewerDatabaseError as exc:
            raise _invalid(backup, _("bản sao lưu của phiên bản Kiểm Phiếu mới hơn")) from exc
        except SQLAlchemyError as exc:
            raise _invalid(backup, _("không phải cơ sở dữ liệu của Kiểm Phiếu")) from exc
        sessions = make_sessions(engine)
        with sessions() as s:
            backup_uids = meeting_uids(s)
        live_engine = pg_engine.make_pg_engine(host.url(host.live), pool_size=1)
        try:
            live_sessions = make_sessions(live_engine)
            with live_sessions() as live:
                live_uids = meeting_uids(live)
            if live_uids and set(live_uids) != set(backup_uids):
                mine = ", ".join(_("số {meeting}").format(meeting=m) for m in sorted(live_uids.values()))
                raise ServiceError(
                    ErrorCode.RESTORE_OTHER_MEETING,
                    name=backup.name,
                    detail=_("hội nghị trong máy chủ: {mine}; mã nhận diện khác nhau").format(mine=mine),
                )
            if people:  # checked on the live board first: a wrong passphrase counts there (lockout), as always
                _check_people(Access(live_sessions), live_uids.values(), people)
            report, backup_log = _verify(Access(sessions), sessions, backup, backup_uids, people)
            with live_sessions() as live:
                dropped = dropped_since(live, backup_log)
                live_head = audit.head(live)
        except SQLAlchemyError as exc:
            raise storage_error(exc) from exc
        finally:
            live_engine.dispose()
    finally:
        engine.dispose()
    meetings = tuple(sorted(live_uids.values()))
    return PgRestorePlan(backup, scratch, report, dropped, meetings, live_head, host, tuple(backup_log))


def _check_people(access: Access, meetings: Iterable[int], people: People) -> None:
    with access.transaction() as s:
        for meeting_id in meetings:
            for credential in credentials(s, meeting_id, people):
                access.check(s, credential)


def _verify(
    access: Access, sessions: sessionmaker[Session], backup: Path, uids: dict[str, int], people: People
) -> tuple[ChainReport, list[str]]:
    with access.transaction() as ws:  # open each meeting's key with the passphrases given
        for meeting_id in uids.values():
            for credential in credentials(ws, meeting_id, people):
                access.check(ws, credential)
    with sessions() as s:
        report = audit.verify(s)
        backup_log = [h for (h,) in s.execute(select(AuditRow.hash).order_by(AuditRow.seq)).all()]
    if not report.ok:
        raise _invalid(
            backup,
            _("dữ liệu khác với lúc niêm phong: {where}").format(
                where=tamper_place(report.first_bad_seq, report.bad_ballots, report.bad_rows, report.foreign)
            ),
        )
    if report.locked:
        raise ServiceError(ErrorCode.KEYS_LOCKED, meeting=", ".join(str(m) for m in report.locked))
    return report, backup_log
