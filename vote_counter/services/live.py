"""Running totals: read from the database (storage/totals.py), and what a save needs of its round kept in memory.

The totals live in the table running_totals, written in the same transaction as each change, so reading them
costs the same at 100 ballots as at 50,000. In memory only a `RoundContext` is kept for the next save: the
round, its key and nominees, who acts, and the totals as they were at one audit sequence number. Every change
writes an audit entry, so the audit log's last sequence number is a version of the whole database: the context
is reused only while it has not moved (another process writing, the CLI, moves it), and never trusted beyond.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vote_counter.domain.keyed import HmacSha256
from vote_counter.domain.model import Nominee, NomineeId, Round, RoundKind
from vote_counter.domain.rules import Totals
from vote_counter.storage import totals as stored_totals
from vote_counter.storage.fast_seal import SealKeys
from vote_counter.storage.schema import AuditRow


def audit_seq(s: Session) -> int:
    return int(s.execute(select(func.max(AuditRow.seq))).scalar() or 0)


def recount(s: Session, round_: Round, nominees: Sequence[Nominee], pass_no: int) -> Totals:
    """Totals from the raw entries of one pass, every ballot classified again (the verification)."""
    return stored_totals.recount(s, round_, nominees, pass_no)


def current(s: Session, round_: Round, nominees: Sequence[Nominee], pass_no: int) -> Totals:
    """The persisted totals of one pass; counted from the ballots only when there are none for this basis."""
    assert round_.id is not None
    found = stored_totals.stored(s, round_.id, pass_no, stored_totals.basis(round_, nominees))
    if found is None:
        return recount(s, round_, nominees, pass_no)
    return stored_totals.complete(found, round_, nominees)


@dataclass
class RoundContext:
    """What saving a ballot needs of its round, as of audit sequence `seq`."""

    seq: int
    round: Round
    meeting_id: int
    code: str
    key: HmacSha256  # the round's payload key, prepared once (domain/keyed.py)
    nominees: list[Nominee]
    nominee_ids: list[NomineeId]
    id_set: frozenset[NomineeId]  # the same, as classify takes them (no set built per ballot)
    basis: str
    totals: dict[int, Totals]  # per pass, as persisted at `seq`
    who: tuple[object, str]  # (the credentials used, the fallback actor) that `actor` was authorised for
    actor: str
    seal_keys: SealKeys  # the meeting's sealing key id and derived keys, opened when the context was loaded


@dataclass
class LiveTotals:
    _contexts: dict[int, RoundContext] = field(default_factory=dict)

    def get(self, s: Session, round_: Round, nominees: list[Nominee], pass_no: int) -> Totals:
        return current(s, round_, nominees, pass_no)

    def context(self, round_id: int, seq: int) -> RoundContext | None:
        ctx = self._contexts.get(round_id)
        return ctx if ctx is not None and ctx.seq == seq else None

    def latest(self, round_id: int) -> RoundContext | None:
        """The round's context whatever its seq: the caller compares it with the audit head it reads."""
        return self._contexts.get(round_id)

    def keep(self, ctx: RoundContext) -> None:
        self._contexts[ctx.round.id or 0] = ctx

    def advance(self, ctx: RoundContext, seq: int, pass_no: int, totals: Totals) -> None:
        """After a committed save that moved the audit head from ctx.seq to `seq` and nothing else."""
        ctx.seq = seq
        ctx.totals[pass_no] = totals
        self.keep(ctx)

    def forget(self) -> None:
        self._contexts.clear()


def empty_totals(round_: Round, nominees: list[Nominee]) -> Totals:
    width = 1 if round_.kind is RoundKind.NOMINATION else round_.options
    return Totals(rows={n.id: (0,) * width for n in nominees if n.id is not None})
