"""Running totals kept in memory and checked against the audit sequence.

Every change writes an audit entry, so the audit log's last sequence number is a version
of the whole database: cached totals are reused only while it has not moved, which stays
correct even if another process (the CLI) wrote meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vote_counter.domain.model import BallotMarks, Nominee, Reason, Round, RoundKind
from vote_counter.domain.rules import Totals, set_aside_totals, tally
from vote_counter.storage import repositories
from vote_counter.storage.schema import AuditRow, BallotRow


def audit_seq(s: Session) -> int:
    return int(s.execute(select(func.max(AuditRow.seq))).scalar() or 0)


def recount(s: Session, round_: Round, nominees: list[Nominee], pass_no: int) -> Totals:
    """Totals from the raw entries of one pass, every ballot classified again."""
    rows = s.execute(
        select(BallotRow.marks, BallotRow.set_aside, BallotRow.reasons).where(
            BallotRow.round_id == round_.id, BallotRow.pass_no == pass_no, BallotRow.status == "active"
        )
    ).all()
    keyed: list[BallotMarks] = []
    aside: list[frozenset[Reason]] = []
    for marks, is_aside, reasons in rows:
        if is_aside:
            aside.append(repositories.reasons_from_text(reasons))
        else:
            keyed.append(repositories.marks_from_json(marks))
    return tally(round_, nominees, keyed) + set_aside_totals(aside)


@dataclass
class _Entry:
    seq: int
    totals: Totals


@dataclass
class LiveTotals:
    _entries: dict[tuple[int, int], _Entry] = field(default_factory=dict)
    _nominees: dict[int, tuple[int, Round, list[Nominee]]] = field(default_factory=dict)

    def round_and_nominees(self, s: Session, round_row_round: Round, seq: int) -> list[Nominee]:
        assert round_row_round.id is not None
        hit = self._nominees.get(round_row_round.id)
        if hit is not None and hit[0] == seq:
            return hit[2]
        nominees = repositories.nominees_of(s, round_row_round.id)
        self._nominees[round_row_round.id] = (seq, round_row_round, nominees)
        return nominees

    def get(self, s: Session, round_: Round, nominees: list[Nominee], pass_no: int) -> Totals:
        assert round_.id is not None
        seq = audit_seq(s)
        entry = self._entries.get((round_.id, pass_no))
        if entry is not None and entry.seq == seq:
            return entry.totals
        totals = recount(s, round_, nominees, pass_no)
        self._entries[(round_.id, pass_no)] = _Entry(seq, totals)
        return totals

    def cached(self, round_id: int, pass_no: int, seq: int) -> Totals | None:
        entry = self._entries.get((round_id, pass_no))
        return entry.totals if entry is not None and entry.seq == seq else None

    def put(self, round_id: int, pass_no: int, seq: int, totals: Totals) -> None:
        self._entries[(round_id, pass_no)] = _Entry(seq, totals)
        hit = self._nominees.get(round_id)
        if hit is not None:
            self._nominees[round_id] = (seq, hit[1], hit[2])


def empty_totals(round_: Round, nominees: list[Nominee]) -> Totals:
    width = 1 if round_.kind is RoundKind.NOMINATION else round_.options
    return Totals(rows={n.id: (0,) * width for n in nominees if n.id is not None})
