"""The recount that closing needs, measured ahead of time in the background (issue 15).

Closing a round compares the persisted running totals with a full recount of every entered ballot
(services/stages.py). That recount grows with the number of ballots (≈ 1.4 s at 10,000), so the window runs it in
a thread with progress first and hands the outcome to closing as a `VerifiedTotals`. Closing uses it instead of
counting again only if nothing the recount read changed in between, judged inside closing's own transaction:

- a digest of the round's ballot rows (id, pass, status, set-aside, marks, reasons), their number and the last id,
  and of its running-totals rows (pass, basis, data): a ballot saved, corrected, voided or restored here or on
  another station, and a row edited in the file with another program (which writes no audit entry), change these;
- the round's settings and nominees as the recount read them.

That is everything recount.check reads, so the recount of the file as it is now would be the token's. Entries that
touch none of it (a wrong passphrase logged at the close's prompt, a ballot of another round on another station, a
document printed) leave the token good: closing then does not count again on the window's thread.

All of it and the recount are read in ONE read transaction, so they describe the same moment: SQLite's
engine starts every transaction with BEGIN (storage/engine.py) and, under WAL, a read transaction keeps the
snapshot of its first read until it ends; PostgreSQL's sessions are SERIALIZABLE (storage/pg_engine.py).

A token is tagged with a key made when this process started (never stored), so one built or altered by hand
is not taken: closing then simply counts again. A token that does not fit is never an error, only slower.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from vote_counter.domain.model import Nominee, Round
from vote_counter.services import recount
from vote_counter.storage import repositories
from vote_counter.storage.schema import BallotRow, RoundRow, TotalsRow

_KEY = secrets.token_bytes(32)  # this process only: a token cannot outlive it or be made elsewhere


@dataclass(frozen=True)
class Seen:
    """What the recount was measured against (module doc)."""

    ballots: int
    last_ballot: int
    ballots_digest: str
    totals_digest: str
    settings_digest: str


@dataclass(frozen=True)
class VerifiedTotals:
    """The background recount of one round and what it was measured against; `tag` proves this process made it."""

    round_id: int
    check: recount.RecountCheck
    seen: Seen
    tag: str

    @property
    def matches(self) -> bool:
        return self.check.matches


def measure(s: Session, row: RoundRow, progress: recount.Progress | None = None) -> VerifiedTotals:
    """Recount the round and note what it was counted against, all in the caller's one read transaction."""
    round_ = repositories.round_(row)
    nominees = repositories.nominees_of(s, row.id)
    seen = _seen(s, row.id, round_, nominees)  # the transaction's snapshot is taken by its first read above
    check = recount.check(s, round_, nominees, progress)
    return VerifiedTotals(row.id, check, seen, _tag(row.id, check, seen))


def usable(s: Session, row: RoundRow, token: object) -> recount.RecountCheck | None:
    """The token's recount if it is genuine, for this round, and the file still holds exactly what it counted
    (read in the caller's transaction); else None: count again."""
    if not isinstance(token, VerifiedTotals) or token.round_id != row.id:
        return None
    if not hmac.compare_digest(token.tag, _tag(token.round_id, token.check, token.seen)):
        return None
    if any(p.stored is None for p in token.check.passes):
        return None  # no stored row: closing may write one (an upgraded database); let it count itself
    round_ = repositories.round_(row)
    if _seen(s, row.id, round_, repositories.nominees_of(s, row.id)) != token.seen:
        return None
    return token.check


def _tag(round_id: int, check: recount.RecountCheck, seen: Seen) -> str:
    body = repr((round_id, check, seen)).encode("utf-8")
    return hmac.new(_KEY, body, hashlib.sha256).hexdigest()


def _seen(s: Session, round_id: int, round_: Round, nominees: list[Nominee]) -> Seen:
    ballots = hashlib.sha256()
    count = last = 0
    rows = s.execute(
        select(
            BallotRow.id, BallotRow.pass_no, BallotRow.status, BallotRow.set_aside, BallotRow.marks, BallotRow.reasons
        )
        .where(BallotRow.round_id == round_id)
        .order_by(BallotRow.id)
    )
    for ballot_id, pass_no, status, aside, marks, reasons in rows:
        # Lengths first: no text can be shifted from one field into the next.
        ballots.update(
            f"{ballot_id},{pass_no},{status},{int(bool(aside))},{len(marks)}:{marks}{len(reasons)}:{reasons};".encode()
        )
        count += 1
        last = ballot_id
    totals = hashlib.sha256()
    for pass_no, basis, data in s.execute(
        select(TotalsRow.pass_no, TotalsRow.basis, TotalsRow.data)
        .where(TotalsRow.round_id == round_id)
        .order_by(TotalsRow.pass_no)
    ):
        totals.update(f"{pass_no},{len(basis)}:{basis}{len(data)}:{data};".encode())
    settings = hashlib.sha256(repr((round_, nominees)).encode("utf-8")).hexdigest()
    return Seen(
        count,
        last,
        ballots.hexdigest(),
        totals.hexdigest(),
        settings,
    )
