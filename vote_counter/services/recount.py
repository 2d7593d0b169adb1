"""The full recount, kept as a verification of the persisted running totals (issue 15).

Results read the totals stored with each change; this counts every entered ballot again and compares. At
close a difference is an alarm that blocks closing (services/stages.py); the window runs the same check in
the background with progress.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vote_counter.domain.model import BallotMarks, Nominee, Reason, Round
from vote_counter.domain.rules import Totals, set_aside_totals, tally
from vote_counter.services.errors import ErrorCode, ServiceError, tamper_place
from vote_counter.storage import repositories
from vote_counter.storage import totals as stored_totals
from vote_counter.storage.schema import BallotRow, TotalsRow

Progress = Callable[[int, int], None]  # (ballots counted so far, ballots to count)
BATCH = 2_000


@dataclass(frozen=True)
class PassCheck:
    pass_no: int
    stored: Totals | None  # None: no totals row for this pass
    recounted: Totals
    stale: bool  # stored under other settings or nominees (the round went back to preparation and changed)

    @property
    def matches(self) -> bool:
        if self.stored is None:
            return self.recounted.collected == 0
        return not self.stale and self.stored == self.recounted


@dataclass(frozen=True)
class RecountCheck:
    round_id: int
    passes: tuple[PassCheck, ...]

    @property
    def matches(self) -> bool:
        return all(p.matches for p in self.passes)

    @property
    def differing(self) -> tuple[int, ...]:
        return tuple(p.pass_no for p in self.passes if not p.matches and not p.stale)


def check(s: Session, row_round: Round, nominees: Sequence[Nominee], progress: Progress | None = None) -> RecountCheck:
    """Every pass that has ballots or stored totals: the stored totals against a recount from the ballots."""
    assert row_round.id is not None
    round_id = row_round.id
    passes = set(stored_totals.passes_with_ballots(s, round_id))
    passes |= set(s.execute(select(TotalsRow.pass_no).where(TotalsRow.round_id == round_id)).scalars())
    total = int(s.execute(select(func.count(BallotRow.id)).where(BallotRow.round_id == round_id)).scalar() or 0)
    base = stored_totals.basis(row_round, nominees)
    done = 0
    out = []
    for pass_no in sorted(passes | {1}):
        recounted = Totals()
        for chunk in _chunks(s, round_id, pass_no):
            recounted = recounted + _tally(row_round, nominees, chunk)
            done += len(chunk)
            if progress is not None:
                progress(done, total)
        row = stored_totals.row_of(s, round_id, pass_no)
        stored = stored_totals.complete(stored_totals.decode(row.data), row_round, nominees) if row else None
        recounted = stored_totals.complete(recounted, row_round, nominees)
        out.append(PassCheck(pass_no, stored, recounted, row is not None and row.basis != base))
    if progress is not None:
        progress(total, total)
    return RecountCheck(round_id, tuple(out))


Row = tuple[int, str, bool, str]  # id, marks, set aside, reasons


def _chunks(s: Session, round_id: int, pass_no: int) -> list[list[Row]]:
    rows = s.execute(
        select(BallotRow.id, BallotRow.marks, BallotRow.set_aside, BallotRow.reasons)
        .where(BallotRow.round_id == round_id, BallotRow.pass_no == pass_no, BallotRow.status == "active")
        .order_by(BallotRow.id)
    ).all()
    flat = [(int(i), str(m), bool(a), str(r)) for i, m, a, r in rows]
    return [flat[i : i + BATCH] for i in range(0, len(flat), BATCH)]


def _tally(round_: Round, nominees: Sequence[Nominee], chunk: list[Row]) -> Totals:
    keyed: list[BallotMarks] = []
    aside: list[frozenset[Reason]] = []
    for ballot_id, marks, is_aside, reasons in chunk:
        try:
            if is_aside:
                aside.append(repositories.reasons_from_text(reasons))
            else:
                keyed.append(repositories.marks_from_text(marks))
        except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
            # Text the app never writes: the row was edited outside it. Said as the audit check says it.
            raise ServiceError(ErrorCode.AUDIT_BROKEN, where=tamper_place(None, (ballot_id,))) from exc
    return tally(round_, nominees, keyed) + set_aside_totals(aside)
