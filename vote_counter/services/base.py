"""What every service shares: the session factory, look-ups that raise ServiceError, stage guards."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from vote_counter.domain.model import Mode, Stage
from vote_counter.i18n import _
from vote_counter.services.accounts import DEFAULT_ACTOR, Access, Auth, Need
from vote_counter.services.errors import STAGE_LABELS, ErrorCode, ServiceError, tamper_place
from vote_counter.storage import audit
from vote_counter.storage.audit import ChainReport
from vote_counter.storage.schema import MeetingRow, RoundRow

__all__ = ["DEFAULT_ACTOR", "ServiceBase", "get_meeting_row", "get_round_row", "require_stage", "require_unsealed"]


class ServiceBase:
    def __init__(self, sessions: sessionmaker[Session], access: Access | None = None) -> None:
        self._sessions = sessions
        # One per workspace (Workspace.open shares it): who signed in, and the checks of SPEC §9.
        self._access = access if access is not None else Access(sessions)

    @contextmanager
    def _write(self) -> Iterator[Session]:
        """One user action = one transaction; a storage failure becomes a Vietnamese message."""
        with self._access.transaction() as session:
            yield session

    def _authorise_meeting(
        self, s: Session, meeting_id: int, auth: Auth | None, actor: str, need: Need = Need.MEMBER
    ) -> str:
        """The audit actor for an action on a meeting's set-up (credentials once the meeting has accounts)."""
        return self._access.authorise(s, meeting_id, need, auth, fallback=actor)

    def _authorise_round(
        self,
        s: Session,
        row: RoundRow,
        auth: Auth | None,
        actor: str,
        need: Need = Need.MEMBER,
        *,
        opening_live: bool = False,
    ) -> str:
        """The audit actor for an action on a round. A live round past preparation always needs credentials."""
        live = row.mode == Mode.LIVE.value
        required = opening_live or (live and row.stage != Stage.PREPARATION.value)
        return self._access.authorise(s, row.meeting_id, need, auth, required=required, fallback=actor)

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with self._sessions() as session:
            yield session

    def require_intact(self, meeting_id: int) -> ChainReport:
        """The audit chain and every sealed row of the meeting as the app wrote them, else AUDIT_BROKEN naming
        the table and row. Opens the meeting key with whoever signed in (KEYS_LOCKED if nobody did).
        Results, minutes, results files and export call this before they show or write anything."""
        self._access.open_keys(meeting_id)
        with self._read() as s:
            report = audit.verify(s, meeting_id)
        if not report.ok:
            where = tamper_place(report.first_bad_seq, report.bad_ballots, report.bad_rows, report.foreign)
            raise ServiceError(ErrorCode.AUDIT_BROKEN, where=where)
        return report


def get_round_row(session: Session, round_id: int) -> RoundRow:
    row = session.get(RoundRow, round_id)
    if row is None:
        raise ServiceError(ErrorCode.NOT_FOUND, what=_("lượt bỏ phiếu số {round_id}").format(round_id=round_id))
    return row


def get_meeting_row(session: Session, meeting_id: int) -> MeetingRow:
    row = session.get(MeetingRow, meeting_id)
    if row is None:
        raise ServiceError(ErrorCode.NOT_FOUND, what=_("hội nghị số {meeting_id}").format(meeting_id=meeting_id))
    return row


def require_unsealed(s: Session, meeting_id: int) -> None:
    """The meeting's own data (title, board) is printed on the minutes: frozen once any round is sealed."""
    stages = s.execute(select(RoundRow.stage).where(RoundRow.meeting_id == meeting_id)).scalars()
    if any(st == Stage.SEALED.value for st in stages):
        raise ServiceError(ErrorCode.SEALED)


def require_stage(row: RoundRow, action: str, *allowed: Stage) -> None:
    if row.stage == Stage.SEALED.value and Stage.SEALED not in allowed:
        raise ServiceError(ErrorCode.SEALED)
    if Stage(row.stage) not in allowed:
        raise ServiceError(ErrorCode.WRONG_STAGE, action=action, stage=STAGE_LABELS[row.stage])
