"""What every service shares: the session factory, look-ups that raise ServiceError, stage guards."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from vote_counter.domain.model import Stage
from vote_counter.services.errors import STAGE_LABELS, ErrorCode, ServiceError
from vote_counter.storage.engine import WRITE
from vote_counter.storage.schema import MeetingRow, RoundRow

DEFAULT_ACTOR = "Ban kiểm phiếu"


class ServiceBase:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    @contextmanager
    def _write(self) -> Iterator[Session]:
        """One user action = one transaction; a storage failure becomes a Vietnamese message."""
        try:
            with self._sessions.begin() as session:
                session.connection(execution_options=WRITE)
                yield session
        except OperationalError as exc:
            raise ServiceError(ErrorCode.STORAGE, detail=str(exc.orig)) from exc

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with self._sessions() as session:
            yield session


def get_round_row(session: Session, round_id: int) -> RoundRow:
    row = session.get(RoundRow, round_id)
    if row is None:
        raise ServiceError(ErrorCode.NOT_FOUND, what=f"lượt bỏ phiếu số {round_id}")
    return row


def get_meeting_row(session: Session, meeting_id: int) -> MeetingRow:
    row = session.get(MeetingRow, meeting_id)
    if row is None:
        raise ServiceError(ErrorCode.NOT_FOUND, what=f"hội nghị số {meeting_id}")
    return row


def require_stage(row: RoundRow, action: str, *allowed: Stage) -> None:
    if row.stage == Stage.SEALED.value and Stage.SEALED not in allowed:
        raise ServiceError(ErrorCode.SEALED)
    if Stage(row.stage) not in allowed:
        raise ServiceError(ErrorCode.WRONG_STAGE, action=action, stage=STAGE_LABELS[row.stage])
