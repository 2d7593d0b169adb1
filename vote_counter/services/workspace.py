"""Opening a database and wiring the services on it: what the GUI and the commands share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_dir
from sqlalchemy import Engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from vote_counter.services.accounts import Access, AccountService
from vote_counter.services.audit_service import AuditService
from vote_counter.services.backups import automatic_backup
from vote_counter.services.counting import CountingService
from vote_counter.services.definition import DefinitionService
from vote_counter.services.documents import DocumentService
from vote_counter.services.errors import ErrorCode, ServiceError, storage_detail
from vote_counter.services.live import LiveTotals
from vote_counter.services.pairing import PairingService
from vote_counter.services.register import RegisterService
from vote_counter.services.reports import ReportService
from vote_counter.services.scanning import ScanService
from vote_counter.services.setup import SetupService
from vote_counter.services.stages import StageService
from vote_counter.storage.engine import make_engine, make_sessions
from vote_counter.storage.file_identity import FileIdentity, file_identity
from vote_counter.storage.migrations import SCHEMA_VERSION, NewerDatabaseError, migrate

APP_NAME = "KiemPhieu"


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

    @property
    def access(self) -> Access:
        """Who signed in at this machine; services act as them when a call passes no credentials."""
        return self.accounts.access

    @classmethod
    def open(cls, path: Path | str | None = None, *, create: bool = True, busy_timeout: float = 30.0) -> Workspace:
        """Open the database at `path` (default: the user's data folder).

        `create=False` refuses a missing file (DATABASE_MISSING): a new, empty database is only created on
        purpose, never in place of one that went missing. `busy_timeout` is how long a write waits for
        another program's lock before it fails."""
        target = Path(path) if path is not None else default_database()
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
        sessions = make_sessions(engine)
        check_file = watch_identity(sessions, target) if not in_memory else None
        access = Access(sessions)
        counting = CountingService(sessions, LiveTotals(), access)
        if check_file is not None:
            counting.check_file = check_file
        setup = SetupService(sessions, access)
        register = RegisterService(sessions, access)
        stages = StageService(sessions, counting, access)
        if str(target) != ":memory:":
            stages.on_stage_changed = automatic_backup(target)  # SPEC §8: a backup at each stage change
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
        )

    def close(self) -> None:
        self.counting.close()
        self.engine.dispose()


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
