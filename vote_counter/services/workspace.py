"""Opening a database and wiring the services on it: what the GUI and the commands share."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_dir
from sqlalchemy import Engine, event
from sqlalchemy.exc import InterfaceError, OperationalError, ProgrammingError
from sqlalchemy.orm import Session, sessionmaker

from vote_counter.domain.model import RoundId, Stage
from vote_counter.services.accounts import Access, AccountService
from vote_counter.services.audit_service import AuditService
from vote_counter.services.backups import automatic_backup, backups_dir
from vote_counter.services.counting import CountingService
from vote_counter.services.definition import DefinitionService
from vote_counter.services.documents import DocumentService
from vote_counter.services.errors import ErrorCode, ServiceError, schema_objects, storage_detail, storage_error
from vote_counter.services.hall_watch import Watch, watch_database
from vote_counter.services.live import LiveTotals
from vote_counter.services.pairing import PairingService
from vote_counter.services.pg_backup import automatic_dump
from vote_counter.services.register import RegisterService
from vote_counter.services.reports import ReportService
from vote_counter.services.scanning import ScanService
from vote_counter.services.setup import SetupService
from vote_counter.services.stages import StageService
from vote_counter.storage import audit, pg_engine, pg_schema
from vote_counter.storage.engine import WRITE, make_engine, make_sessions
from vote_counter.storage.file_identity import FileIdentity, file_identity
from vote_counter.storage.migrations import SCHEMA_VERSION, NewerDatabaseError, migrate
from vote_counter.storage.schema_guard import ForeignSchemaError

APP_NAME = "KiemPhieu"


def shared_database_name(url: str) -> Path:
    """What stands for the shared database where the window and the commands name a file: a name in the data
    folder (keys and settings live beside it), never a file."""
    return default_database().parent / ("hoi-truong " + pg_engine.safe(url).split("@", 1)[-1].replace("/", " "))


def default_database() -> Path:
    return Path(user_data_dir(APP_NAME, appauthor=False)) / "kiem_phieu.sqlite3"


@dataclass
class Workspace:
    path: Path
    engine: Engine
    setup: SetupService
    register: RegisterService
    counting: CountingService
    stages: StageService
    audit: AuditService
    definitions: DefinitionService
    reports: ReportService
    accounts: AccountService
    pairing: PairingService
    documents: DocumentService  # document details: number, issuer, place, recipients, signers (issue 13)
    scanning: ScanService
    watch: Watch | None = None  # the hall's database: replaced by a restore on the host? (services/hall_watch.py)

    @property
    def shared(self) -> bool:
        """The hall's PostgreSQL (issue 16), not a file of this laptop."""
        return self.engine.dialect.name == "postgresql"

    @property
    def url(self) -> str:
        """The hall database's URL (with its password: never shown or logged)."""
        return self.engine.url.render_as_string(hide_password=False)

    def require_file(self) -> Path:
        """The database file, for what only a file has (SQLite's backups); BACKUP_SHARED on the hall's database."""
        if self.shared:
            raise ServiceError(ErrorCode.BACKUP_SHARED)
        return self.path

    @property
    def access(self) -> Access:
        """Who signed in at this machine; services act as them when a call passes no credentials."""
        return self.accounts.access

    @classmethod
    def open(
        cls,
        path: Path | str | None = None,
        *,
        create: bool = True,
        busy_timeout: float = 30.0,
        station: str | None = None,
    ) -> Workspace:
        """Open the database at `path` (default: the user's data folder), or the hall's shared PostgreSQL when
        `path` is a `postgresql+psycopg://` URL (issue 16; its schema is made on first use, `create` does not
        apply: the host made the database). `station` names this counting station in every audit entry.

        `create=False` refuses a missing file (DATABASE_MISSING): a new, empty database is only created on
        purpose, never in place of one that went missing. `busy_timeout` is how long a write waits for
        another program's lock before it fails."""
        audit.set_station(station)
        if pg_engine.is_url(path):
            url = str(path)
            target = shared_database_name(url)
            in_memory = False
            try:
                engine = pg_engine.make_pg_engine(url)
                pg_schema.ensure(engine)
                watch = watch_database(engine)  # a restore on the host replaces it: refuse to go on (HALL_REPLACED)
            except (OperationalError, ProgrammingError, InterfaceError) as exc:
                raise storage_error(exc) from exc
            except NewerDatabaseError as exc:  # the hall's host runs a newer version: this station changes nothing
                engine.dispose()
                raise ServiceError(
                    ErrorCode.DATABASE_NEWER, path=pg_engine.safe(url), found=exc.found, supported=SCHEMA_VERSION
                ) from exc
        else:
            target = Path(path) if path is not None else default_database()
            watch = None
            in_memory = str(target) == ":memory:"
            if not create and not in_memory and file_identity(target) is None:
                raise ServiceError(ErrorCode.DATABASE_MISSING, path=str(target))
            engine = make_engine(target, busy_timeout=busy_timeout)
            try:
                migrate(engine)
            except OperationalError as exc:
                engine.dispose()
                raise ServiceError(ErrorCode.STORAGE, detail=storage_detail(exc)) from exc
            except NewerDatabaseError as exc:
                engine.dispose()
                raise ServiceError(
                    ErrorCode.DATABASE_NEWER, path=str(target), found=exc.found, supported=SCHEMA_VERSION
                ) from exc
            except ForeignSchemaError as exc:  # a trigger, view, table or index the app did not make
                engine.dispose()
                raise ServiceError(
                    ErrorCode.FOREIGN_SCHEMA, path=str(target), objects=schema_objects(exc.findings)
                ) from exc
        shared = engine.dialect.name == "postgresql"
        sessions = make_sessions(engine)
        check_file = watch_identity(sessions, target) if not in_memory and not shared else None
        backup: Callable[[RoundId, Stage], None] | None = None
        if shared:
            backup = automatic_dump(str(path), backups_dir(target))  # pg_dump (issue 16)
        elif str(target) != ":memory:":
            backup = automatic_backup(target)  # SPEC §8: a backup at each stage change
        return cls.wire(target, engine, sessions, check_file=check_file, on_stage_changed=backup, watch=watch)

    @classmethod
    def wire(
        cls,
        target: Path,
        engine: Engine,
        sessions: sessionmaker[Session],
        *,
        check_file: Callable[[], None] | None = None,
        on_stage_changed: Callable[[RoundId, Stage], None] | None = None,
        watch: Watch | None = None,
    ) -> Workspace:
        """The services over `sessions` (the engine's, or one transaction's: `one_transaction`)."""
        access = Access(sessions)
        counting = CountingService(sessions, LiveTotals(), access)
        if check_file is not None:
            counting.check_file = check_file
        setup = SetupService(sessions, access)
        register = RegisterService(sessions, access)
        stages = StageService(sessions, counting, access)
        stages.on_stage_changed = on_stage_changed
        return cls(
            path=target,
            engine=engine,
            setup=setup,
            register=register,
            counting=counting,
            stages=stages,
            audit=AuditService(sessions, access),
            definitions=DefinitionService(sessions, access),
            reports=ReportService(
                sessions,
                setup,
                register,
                counting,
                access,
            ),
            accounts=AccountService(access, sessions),
            pairing=PairingService(sessions, access),
            documents=DocumentService(sessions, access),
            scanning=ScanService(sessions, counting, access),
            watch=watch,
        )

    def close(self) -> None:
        self.counting.close()
        self.engine.dispose()

    @contextlib.contextmanager
    def one_transaction(self) -> Iterator[Workspace]:
        """This file's services over one write transaction, for an action made of many steps (the sample
        meeting): everything done through the workspace yielded commits together when the block ends, or is
        rolled back whole if it raises; each service's own transaction is a SAVEPOINT inside it, with its audit
        entry. Ballots take the session path (the fast lane has a connection of its own). The stage changes'
        backups (SPEC §8) are made after the commit, of the file as committed. A SQLite file only."""
        if self.shared:
            raise ValueError("one_transaction is for a SQLite file")
        changed: list[tuple[RoundId, Stage]] = []
        with self.engine.connect() as conn:
            conn.execution_options(**WRITE)  # BEGIN IMMEDIATE, and the seal triggers (storage/engine.py)
            with conn.begin():
                sessions = sessionmaker(conn, expire_on_commit=False, join_transaction_mode="create_savepoint")
                yield Workspace.wire(
                    self.path, self.engine, sessions, on_stage_changed=lambda r, stage: changed.append((r, stage))
                )
        self.counting.check_file()  # committed into the file that was opened (issue 12)
        for round_id, stage in changed:
            if self.stages.on_stage_changed is not None:
                self.stages.on_stage_changed(round_id, stage)


def watch_identity(
    sessions: sessionmaker[Session], path: Path, known: FileIdentity | None = None
) -> Callable[[], None]:
    """Fail every transaction, before it is acknowledged, once the file at `path` is no longer the file
    that was opened (removed, moved, replaced): its writes went to a file nobody will open again."""
    opened = known if known is not None else file_identity(path)

    def check(*_args: object) -> None:
        now = file_identity(path)
        if now is None or (opened is not None and now != opened):
            raise ServiceError(ErrorCode.DATABASE_REPLACED, path=str(path))

    event.listen(sessions, "after_begin", check)
    event.listen(sessions, "after_commit", check)
    return check
