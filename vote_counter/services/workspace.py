"""Opening a database and wiring the services on it: what the GUI and the commands share."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_dir
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from vote_counter.services.accounts import Access, AccountService
from vote_counter.services.audit_service import AuditService
from vote_counter.services.backups import automatic_backup
from vote_counter.services.counting import CountingService
from vote_counter.services.definition import DefinitionService
from vote_counter.services.errors import ErrorCode, ServiceError, storage_detail
from vote_counter.services.live import LiveTotals
from vote_counter.services.register import RegisterService
from vote_counter.services.reports import ReportService
from vote_counter.services.scanning import ScanService
from vote_counter.services.setup import SetupService
from vote_counter.services.stages import StageService
from vote_counter.storage.engine import make_engine, make_sessions
from vote_counter.storage.migrations import migrate

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
    scanning: ScanService

    @property
    def access(self) -> Access:
        """Who signed in at this machine; services act as them when a call passes no credentials."""
        return self.accounts.access

    @classmethod
    def open(cls, path: Path | str | None = None) -> Workspace:
        target = Path(path) if path is not None else default_database()
        try:
            engine = make_engine(target)
            migrate(engine)
        except OperationalError as exc:
            raise ServiceError(ErrorCode.STORAGE, detail=storage_detail(exc)) from exc
        sessions = make_sessions(engine)
        access = Access(sessions)
        counting = CountingService(sessions, LiveTotals(), access)
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
                key_dir=None if str(target) == ":memory:" else target.parent,
            ),
            accounts=AccountService(access, sessions),
            scanning=ScanService(sessions, counting, access),
        )

    def close(self) -> None:
        self.engine.dispose()
