"""Running totals persisted per round and pass (table running_totals), and their seal in the audit chain.

Every change to a round's entered ballots rewrites its pass's row in the same transaction, and the audit entry
of that change carries `totals`: a keyed digest of the row as written (the round's secret key, like the
ballots' digests: the audit log leaves the room in the export). `verify_totals` finds a row edited, added or
deleted behind the app's back. A full recount from the ballots stays as the verification at close.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vote_counter.domain.model import BallotMarks, Nominee, NomineeId, Reason, Round
from vote_counter.domain.rules import Totals, set_aside_totals, tally
from vote_counter.storage import repositories
from vote_counter.storage.schema import AuditRow, BallotRow, RoundRow, TotalsRow

# Audit actions whose details may hold a totals seal ("round", "pass", "totals").
TOTALS_ACTIONS = (
    "ballot_saved",
    "ballot_set_aside",
    "ballot_corrected",
    "ballot_voided",
    "ballot_restored",
    "totals_rebuilt",
)


def encode(totals: Totals) -> str:
    """Canonical text: equal totals give equal text (zero counts dropped, keys sorted)."""
    body = {
        "valid": totals.valid,
        "invalid": totals.invalid,
        "reasons": {r.value: n for r, n in totals.invalid_reasons.items() if n},
        "rows": {str(k): list(v) for k, v in totals.rows.items() if any(v)},
        "not_counted": {str(k): n for k, n in totals.not_counted.items() if n},
        "write_ins": {k: n for k, n in totals.write_ins.items() if n},
    }
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def decode(text: str) -> Totals:
    data = json.loads(text)
    return Totals(
        valid=int(data["valid"]),
        invalid=int(data["invalid"]),
        invalid_reasons={Reason(k): int(n) for k, n in data["reasons"].items()},
        rows={NomineeId(int(k)): tuple(int(x) for x in v) for k, v in data["rows"].items()},
        not_counted={NomineeId(int(k)): int(n) for k, n in data["not_counted"].items()},
        write_ins={str(k): int(n) for k, n in data["write_ins"].items()},
    )


def complete(totals: Totals, round_: Round, nominees: Sequence[Nominee]) -> Totals:
    """Every nominee's row present (zeros where no ballot counted it), as a recount gives them."""
    zeros = (0,) * round_.options
    rows = {n.id: totals.rows.get(n.id, zeros) for n in nominees if n.id is not None}
    return Totals(totals.valid, totals.invalid, totals.invalid_reasons, rows, totals.not_counted, totals.write_ins)


def basis(round_: Round, nominees: Sequence[Nominee]) -> str:
    """What the totals were counted under: the classification rules and the nominee ids.

    Set-up can change only in preparation; a round sent back there and edited gets totals that no longer
    match, and they are counted again from the ballots (never trusted)."""
    body = json.dumps(
        [
            round_.kind.value,
            round_.options,
            round_.policy.value,
            round_.blank_is_disagree,
            round_.seats,
            round_.write_ins,
            sorted(n.id for n in nominees if n.id is not None),
        ],
        separators=(",", ":"),
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:32]


def digest(key: bytes, round_id: int, pass_no: int, basis_text: str, data: str) -> str:
    body = json.dumps([round_id, pass_no, basis_text, data], ensure_ascii=False, separators=(",", ":"))
    return hmac.new(key, body.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def stored(s: Session, round_id: int, pass_no: int, basis_text: str) -> Totals | None:
    """The persisted totals if they were counted under this basis; None means: count again."""
    row = s.get(TotalsRow, (round_id, pass_no))
    if row is None or row.basis != basis_text:
        return None
    return decode(row.data)


# The save's fast path writes the row with this statement on the raw connection (services/fast_save.py).
UPSERT = (
    "INSERT INTO running_totals (round_id, pass_no, basis, data) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (round_id, pass_no) DO UPDATE SET basis = excluded.basis, data = excluded.data"
)


def write(s: Session, key: bytes, round_id: int, pass_no: int, basis_text: str, totals: Totals) -> str:
    """Persist the totals (in the caller's transaction); the seal to put in the change's audit entry."""
    data = encode(totals)
    row = s.get(TotalsRow, (round_id, pass_no))
    if row is None:
        s.add(TotalsRow(round_id=round_id, pass_no=pass_no, basis=basis_text, data=data))
    else:
        row.basis, row.data = basis_text, data
    s.flush()
    return digest(key, round_id, pass_no, basis_text, data)


def recount(s: Session, round_: Round, nominees: Sequence[Nominee], pass_no: int) -> Totals:
    """Totals from the raw entries of one pass, every ballot classified again (the verification)."""
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
            keyed.append(repositories.marks_from_text(marks))
    return complete(tally(round_, nominees, keyed) + set_aside_totals(aside), round_, nominees)


def passes_with_ballots(s: Session, round_id: int) -> list[int]:
    rows = s.execute(select(BallotRow.pass_no).where(BallotRow.round_id == round_id).distinct()).scalars()
    return sorted(set(rows))


def verify_totals(s: Session) -> tuple[tuple[int, int], ...]:
    """(round, pass) of totals rows that differ from their last seal, have none, or were deleted."""
    sealed: dict[tuple[int, int], str] = {}
    for text in s.execute(
        select(AuditRow.details).where(AuditRow.action.in_(TOTALS_ACTIONS)).order_by(AuditRow.seq)
    ).scalars():
        details = json.loads(text)
        seal, round_id, pass_no = details.get("totals"), details.get("round"), details.get("pass", 1)
        if isinstance(seal, str) and isinstance(round_id, int) and isinstance(pass_no, int):
            sealed[(round_id, pass_no)] = seal
    keys = {rid: key for rid, key in s.execute(select(RoundRow.id, RoundRow.hmac_key)).all()}
    bad: list[tuple[int, int]] = []
    present: set[tuple[int, int]] = set()
    for row in s.execute(select(TotalsRow).order_by(TotalsRow.round_id, TotalsRow.pass_no)).scalars():
        where = (row.round_id, row.pass_no)
        present.add(where)
        key = keys.get(row.round_id)
        if key is None or sealed.get(where) != digest(key, row.round_id, row.pass_no, row.basis, row.data):
            bad.append(where)
    bad.extend(sorted(set(sealed) - present))
    return tuple(bad)


def rebuild(s: Session, rounds: Iterable[RoundRow]) -> list[dict[str, Any]]:
    """Count the totals of rounds that have none yet (a database from before this table): the seals to log."""
    seals: list[dict[str, Any]] = []
    for row in rounds:
        round_ = repositories.round_(row)
        nominees = repositories.nominees_of(s, row.id)
        base = basis(round_, nominees)
        for pass_no in passes_with_ballots(s, row.id):
            if s.get(TotalsRow, (row.id, pass_no)) is not None:
                continue
            seal = write(s, row.hmac_key, row.id, pass_no, base, recount(s, round_, nominees, pass_no))
            seals.append({"round": row.id, "pass": pass_no, "totals": seal})
    return seals
