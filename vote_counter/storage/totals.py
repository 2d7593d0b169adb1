"""Running totals persisted per round and pass (table running_totals).

Every change to a round's entered ballots rewrites its pass's row in the same transaction; the audit entry
of that change seals the row like every other sealed table (storage/seals.py), so verify-audit finds a row
edited, added or deleted behind the app's back. A full recount from the ballots stays as the verification at
close (services/recount.py).
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vote_counter.domain.model import BallotMarks, Nominee, NomineeId, Reason, Round
from vote_counter.domain.rules import Totals, set_aside_totals, tally
from vote_counter.storage import repositories
from vote_counter.storage.schema import BallotRow, RoundRow, TotalsRow

_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"), check_circular=False)
# The rows part of `encode` per set of nominees, keyed by their ids in the totals' order: a "%d" template in
# the order json.dumps(sort_keys=True) writes them, and that order (issue 15: one C call per save, not fifty).
_ROW_TEMPLATES: dict[tuple[tuple[NomineeId, ...], int], tuple[str, tuple[NomineeId, ...]]] = {}


def encode(totals: Totals) -> str:
    """Canonical text: equal totals give equal text (zero counts dropped, keys sorted); always equal to
    `encode_json`, which it writes faster when every nominee has a count (after the first few ballots)."""
    rows = totals.rows
    width = len(next(iter(rows.values()), ()))
    if not rows or not all(map(any, rows.values())) or set(map(len, rows.values())) != {width}:
        return encode_json(totals)
    key = (tuple(rows), width)
    found = _ROW_TEMPLATES.get(key)
    if found is None:
        order = tuple(sorted(rows, key=str))
        cell = "[" + ",".join(["%d"] * width) + "]"
        found = (",".join(f'"{k}":{cell}' for k in order), order)
        if len(_ROW_TEMPLATES) > 64:  # a few rounds per meeting: never grows past a handful in practice
            _ROW_TEMPLATES.clear()
        _ROW_TEMPLATES[key] = found
    template, order = found
    counts = template % tuple(itertools.chain.from_iterable(map(rows.__getitem__, order)))
    return (
        f'{{"invalid":{int(totals.invalid)},"not_counted":{_small(totals.not_counted)},'
        f'"reasons":{_small({r.value: n for r, n in totals.invalid_reasons.items()})},"rows":{{{counts}}},'
        f'"valid":{int(totals.valid)},"write_ins":{_small(totals.write_ins)}}}'
    )


def _small(counts: Mapping[Any, int]) -> str:
    return _JSON.encode({str(k): n for k, n in counts.items() if n}) if counts else "{}"


def encode_json(totals: Totals) -> str:
    body = {
        "valid": totals.valid,
        "invalid": totals.invalid,
        "reasons": {r.value: n for r, n in totals.invalid_reasons.items() if n},
        "rows": {str(k): v for k, v in totals.rows.items() if any(v)},  # tuples are written as arrays
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


def row_of(s: Session, round_id: int, pass_no: int) -> TotalsRow | None:
    return s.execute(
        select(TotalsRow).where(TotalsRow.round_id == round_id, TotalsRow.pass_no == pass_no)
    ).scalar_one_or_none()


def stored(s: Session, round_id: int, pass_no: int, basis_text: str) -> Totals | None:
    """The persisted totals if they were counted under this basis; None means: count again."""
    row = row_of(s, round_id, pass_no)
    if row is None or row.basis != basis_text:
        return None
    return decode(row.data)


# The save's fast path writes the row with this statement on the raw connection (services/ballot_save.py).
UPSERT = (
    "INSERT INTO running_totals (round_id, pass_no, basis, data) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (round_id, pass_no) DO UPDATE SET basis = excluded.basis, data = excluded.data"
)
UPSERT_ID = UPSERT + " RETURNING id"  # the row's id, by which its seal names it (storage/fast_seal.py)


def write(s: Session, round_id: int, pass_no: int, basis_text: str, totals: Totals) -> None:
    """Persist the totals (in the caller's transaction); the change's audit entry seals the row."""
    data = encode(totals)
    row = row_of(s, round_id, pass_no)
    if row is None:
        s.add(TotalsRow(round_id=round_id, pass_no=pass_no, basis=basis_text, data=data))
    else:
        row.basis, row.data = basis_text, data
    s.flush()


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


def rebuild(s: Session, rounds: Iterable[RoundRow]) -> list[dict[str, Any]]:
    """Count the totals of rounds that have none yet (a database from before this table): what to log."""
    counted: list[dict[str, Any]] = []
    for row in rounds:
        round_ = repositories.round_(row)
        nominees = repositories.nominees_of(s, row.id)
        base = basis(round_, nominees)
        for pass_no in passes_with_ballots(s, row.id):
            if row_of(s, row.id, pass_no) is not None:
                continue
            write(s, row.id, pass_no, base, recount(s, round_, nominees, pass_no))
            counted.append({"round": row.id, "pass": pass_no})
    return counted
