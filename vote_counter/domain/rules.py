"""The counting rules of SPEC §4, as pure functions.

Every threshold is an integer comparison that reads like the rule; percentages exist
only for display (2 decimals, half up, Vietnamese decimal comma).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from typing import TypeVar

from vote_counter.domain.model import (
    AGREE,
    CHOSEN,
    DECLARABLE_REASONS,
    DISAGREE,
    LOW_LEVEL,
    BallotMarks,
    Counts,
    InvalidPolicy,
    Nominee,
    NomineeId,
    PercentBase,
    Reason,
    Round,
    RoundKind,
    TallySheet,
    Validity,
    nfc,
)

K = TypeVar("K")


class BallotShapeError(ValueError):
    """Marks that cannot come from this round's ballot (unknown row, box out of range)."""


# ---------------------------------------------------------------- display


def format_percent(numerator: int, denominator: int) -> str:
    """'53,19%': 2 decimals, rounded half up, decimal comma. '—' when the base is 0."""
    if denominator <= 0:
        return "—"
    hundredths = math.floor(Fraction(numerator * 10000, denominator) + Fraction(1, 2))
    whole, frac = divmod(hundredths, 100)
    return f"{whole},{frac:02d}%"


@dataclass(frozen=True)
class Percent:
    numerator: int
    denominator: int

    @property
    def fraction(self) -> Fraction | None:
        return Fraction(self.numerator, self.denominator) if self.denominator > 0 else None

    @property
    def display(self) -> str:
        return format_percent(self.numerator, self.denominator)


# ---------------------------------------------------------------- §4.1 quorum


def has_quorum(summoned: int, present: int) -> bool:
    """The meeting may vote only if at least 2/3 of those summoned are present."""
    return 3 * present >= 2 * summoned


# ---------------------------------------------------------------- §4.5 bands, §4.7 approval


class Band(StrEnum):
    OVER_HALF = "over_half"  # trên 50% đến dưới 2/3 phiếu tín nhiệm thấp
    TWO_THIRDS = "two_thirds"  # từ 2/3 phiếu tín nhiệm thấp trở lên


def low_confidence_band(low: int, base: int) -> Band | None:
    if 3 * low >= 2 * base:
        return Band.TWO_THIRDS
    if 2 * low > base:
        return Band.OVER_HALF
    return None  # exactly 50% is in no band


class Approval(StrEnum):
    APPROVED = "approved"
    HALF = "half"  # đạt 50% — người đứng đầu quyết định
    NOT_APPROVED = "not_approved"


def approval_outcome(agree: int, base: int) -> Approval:
    if 2 * agree > base:
        return Approval.APPROVED
    if 2 * agree == base:
        return Approval.HALF
    return Approval.NOT_APPROVED


# ---------------------------------------------------------------- §4.6 nomination


class Selection(StrEnum):
    SELECTED = "selected"  # trúng cử: more than half of the base
    FORWARD = "forward"  # goes forward to the next step
    TIED = "tied"  # ngang phiếu — người đứng đầu xem xét, quyết định


@dataclass(frozen=True)
class Candidate:
    key: str  # nominee id as text, or "w:<name>" for a write-in
    votes: int


def _take_top(cands: Sequence[Candidate], k: int) -> tuple[list[Candidate], list[Candidate]]:
    """The k highest; if a tie straddles place k, the tied ones are returned apart, not taken."""
    if k <= 0:
        return [], []
    ranked = sorted(cands, key=lambda c: -c.votes)
    if len(ranked) <= k:
        return ranked, []
    cutoff = ranked[k - 1].votes
    if ranked[k].votes != cutoff:
        return ranked[:k], []
    above = [c for c in ranked if c.votes > cutoff]
    tied = [c for c in ranked if c.votes == cutoff]
    return above, tied


def nominate(cands: Sequence[Candidate], seats: int, base: int) -> dict[str, Selection]:
    """Who is selected, who goes forward, and which ties the head of the agency must decide.

    A candidate is selected if 2·votes > base, the most votes first, up to `seats`.
    If fewer are selected than seats (and no tie blocks a seat), the next 2 per unfilled
    seat go forward (for one seat: "the two highest go forward").
    """
    outcome: dict[str, Selection] = {}
    eligible = [c for c in cands if 2 * c.votes > base]
    selected, tied = _take_top(eligible, seats)
    for c in selected:
        outcome[c.key] = Selection.SELECTED
    for c in tied:
        outcome[c.key] = Selection.TIED
    if tied:
        return outcome
    unfilled = seats - len(selected)
    if unfilled > 0:
        rest = [c for c in cands if c.key not in outcome]
        forward, tied_forward = _take_top(rest, 2 * unfilled)
        for c in forward:
            outcome[c.key] = Selection.FORWARD
        for c in tied_forward:
            outcome[c.key] = Selection.TIED
    return outcome


# ---------------------------------------------------------------- §4.8 validity


def classify(marks: BallotMarks, round_: Round, nominee_ids: Iterable[NomineeId]) -> Validity:
    """Is this ballot valid, why not, and which rows are not counted."""
    ids = frozenset(nominee_ids)
    options = round_.options
    # Whole-ballot checks first (set operations, no Python loop per row: issue 15); the row at fault named after.
    marked = frozenset().union(*marks.rows.values())
    if not marks.rows.keys() <= ids or (marked and (min(marked) < 0 or max(marked) >= options)):
        _raise_for_row(marks, ids, options)
    undeclarable = marks.declared - DECLARABLE_REASONS
    if undeclarable:
        raise BallotShapeError(f"reasons not declared by the board: {sorted(undeclarable)}")

    reasons: set[Reason] = set(marks.declared)
    void: set[NomineeId] = set()
    empty: frozenset[int] = frozenset()
    rows = {nid: marks.rows.get(nid, empty) for nid in ids} if round_.kind is not RoundKind.CONFIDENCE else {}

    if round_.kind is RoundKind.CONFIDENCE:
        one_each = len(marks.rows) == len(ids) and set(map(len, marks.rows.values())) <= {1}
        bad = set() if one_each else {nid for nid in ids if len(marks.rows.get(nid, empty)) != 1}
        if bad:
            if round_.policy is InvalidPolicy.WHOLE_BALLOT:
                reasons.add(Reason.ROW_MARKS)
            else:
                void |= bad
    elif round_.kind is RoundKind.APPROVAL:
        blank = all(not boxes for boxes in rows.values())
        if not (blank and round_.blank_is_disagree):
            both = {nid for nid, boxes in rows.items() if len(boxes) == 2}
            neither = {nid for nid, boxes in rows.items() if not boxes}
            if both and round_.policy is InvalidPolicy.WHOLE_BALLOT:
                reasons.add(Reason.ROW_MARKS)
            # Party election rules: a row with both or no boxes is not an agreement.
            void |= both | neither
    else:
        chosen = sum(1 for boxes in rows.values() if CHOSEN in boxes) + len(marks.write_ins)
        if chosen > round_.seats:
            reasons.add(Reason.TOO_MANY)
    # A name written on a ballot that has no write-in line (every confidence and approval ballot, a
    # nomination ballot without one) is added content: the ballot is invalid (SPEC §4.8 extra_content).
    if marks.write_ins and not (round_.kind is RoundKind.NOMINATION and round_.write_ins):
        reasons.add(Reason.EXTRA_CONTENT)

    if reasons:
        return Validity(False, frozenset(reasons), frozenset())
    return Validity(True, frozenset(), frozenset(void))


def _raise_for_row(marks: BallotMarks, ids: frozenset[NomineeId], options: int) -> None:
    """The first row that cannot be on this round's ballot: a nominee not in it, or a box out of range."""
    for nid, boxes in marks.rows.items():
        if nid not in ids:
            raise BallotShapeError(f"unknown nominee {nid}")
        if any(b < 0 or b >= options for b in boxes):
            raise BallotShapeError(f"box out of range for nominee {nid}")


# ---------------------------------------------------------------- totals


@dataclass(frozen=True)
class Totals:
    """Additive counts from entered ballots and tally sheets.

    `rows[n][o]` counts box o for nominee n on valid ballots; `not_counted[n]` counts the
    rows of valid ballots that gave n nothing (void, blank, or both boxes).
    `invalid_reasons` counts invalid ballots per reason (one ballot may carry several).
    """

    valid: int = 0
    invalid: int = 0
    invalid_reasons: Mapping[Reason, int] = field(default_factory=dict)
    rows: Mapping[NomineeId, tuple[int, ...]] = field(default_factory=dict)
    not_counted: Mapping[NomineeId, int] = field(default_factory=dict)
    write_ins: Mapping[str, int] = field(default_factory=dict)

    @property
    def collected(self) -> int:
        return self.valid + self.invalid

    def __add__(self, other: Totals) -> Totals:
        return self._combine(other, 1)

    def __sub__(self, other: Totals) -> Totals:
        """Take back ballots that were added (a corrected or voided entry); exact, never below zero."""
        return self._combine(other, -1)

    def _combine(self, other: Totals, sign: int) -> Totals:
        rows: dict[NomineeId, tuple[int, ...]] = dict(self.rows)
        for nid, counts in other.rows.items():
            mine = rows.get(nid, (0,) * len(counts))
            rows[nid] = tuple(a + sign * b for a, b in zip(mine, counts, strict=True))
        totals = Totals(
            valid=self.valid + sign * other.valid,
            invalid=self.invalid + sign * other.invalid,
            invalid_reasons=_merge(self.invalid_reasons, other.invalid_reasons, sign),
            rows=rows,
            not_counted=_merge(self.not_counted, other.not_counted, sign),
            write_ins=_merge(self.write_ins, other.write_ins, sign),
        )
        negative = min([totals.valid, totals.invalid, *(x for r in rows.values() for x in r)], default=0)
        if negative < 0:
            raise ValueError("totals would go below zero: subtracting ballots that were never added")
        return totals


def _merge(a: Mapping[K, int], b: Mapping[K, int], sign: int) -> dict[K, int]:
    """Counts by key, zero entries dropped (so equal totals compare equal however they were built)."""
    out = dict(a)
    for key, n in b.items():
        out[key] = out.get(key, 0) + sign * n
    if any(v < 0 for v in out.values()):
        raise ValueError("totals would go below zero: subtracting ballots that were never added")
    return {k: v for k, v in out.items() if v}


def tally(round_: Round, nominees: Sequence[Nominee], ballots: Iterable[BallotMarks]) -> Totals:
    """Totals of entered ballots, each classified by `classify`."""
    ids = [n.id for n in nominees if n.id is not None]
    options = round_.options
    rows = {nid: [0] * options for nid in ids}
    not_counted = dict.fromkeys(ids, 0)
    reasons: Counter[Reason] = Counter()
    write_ins: Counter[str] = Counter()
    valid = invalid = 0
    approval_blank_disagree = round_.kind is RoundKind.APPROVAL and round_.blank_is_disagree
    for marks in ballots:
        validity = classify(marks, round_, ids)
        if not validity.valid:
            invalid += 1
            reasons.update(validity.reasons)
            continue
        valid += 1
        if approval_blank_disagree and all(not marks.rows.get(nid) for nid in ids):
            for nid in ids:
                rows[nid][DISAGREE] += 1
            continue
        for nid in ids:
            if nid in validity.void_rows:
                not_counted[nid] += 1
                continue
            for box in marks.rows.get(nid, frozenset()):
                rows[nid][box] += 1
        for name in marks.write_ins:
            write_ins[nfc(name)] += 1
    return Totals(
        valid=valid,
        invalid=invalid,
        invalid_reasons=dict(reasons),
        rows={nid: tuple(c) for nid, c in rows.items()},
        not_counted={k: v for k, v in not_counted.items() if v},
        write_ins=dict(write_ins),
    )


def set_aside_totals(reason_sets: Iterable[frozenset[Reason]]) -> Totals:
    """Ballots set aside without their marks being keyed (not issued, duplicate)."""
    reasons: Counter[Reason] = Counter()
    n = 0
    for rs in reason_sets:
        n += 1
        reasons.update(rs)
    return Totals(invalid=n, invalid_reasons=dict(reasons))


def sheet_totals(sheet: TallySheet) -> Totals:
    return Totals(
        valid=sheet.valid,
        invalid=sum(sheet.invalid.values()),
        invalid_reasons={r: n for r, n in sheet.invalid.items() if n},
        rows=dict(sheet.rows),
        not_counted={},
        write_ins={nfc(k): v for k, v in sheet.write_ins.items()},
    )


# ---------------------------------------------------------------- §4.2 reconciliation


class ProblemCode(StrEnum):
    NO_QUORUM = "no_quorum"
    COLLECTED_OVER_ISSUED = "collected_over_issued"
    ISSUED_OVER_PRESENT = "issued_over_present"
    PRESENT_OVER_SUMMONED = "present_over_summoned"
    ENTERED_NOT_PHYSICAL = "entered_not_physical"  # ballots entered ≠ the board's physical count
    NOMINEE_OVER_VALID = "nominee_over_valid"
    VOTES_OVER_SEATS = "votes_over_seats"
    BASE_ZERO = "base_zero"
    NEGATIVE = "negative"


@dataclass(frozen=True)
class Problem:
    code: ProblemCode
    nominee_id: NomineeId | None = None
    expected: int | None = None
    actual: int | None = None


def reconcile(round_: Round, counts: Counts, totals: Totals) -> tuple[Problem, ...]:
    problems: list[Problem] = []
    s, p, i, c = counts.summoned, counts.present, counts.issued, totals.collected
    if min(s, p, i, totals.valid, totals.invalid) < 0:
        problems.append(Problem(ProblemCode.NEGATIVE))
    if not has_quorum(s, p):
        problems.append(Problem(ProblemCode.NO_QUORUM, expected=s, actual=p))
    if c > i:
        problems.append(Problem(ProblemCode.COLLECTED_OVER_ISSUED, expected=i, actual=c))
    if i > p:
        problems.append(Problem(ProblemCode.ISSUED_OVER_PRESENT, expected=p, actual=i))
    if p > s:
        problems.append(Problem(ProblemCode.PRESENT_OVER_SUMMONED, expected=s, actual=p))
    if counts.collected is not None and counts.collected != c:
        problems.append(Problem(ProblemCode.ENTERED_NOT_PHYSICAL, expected=counts.collected, actual=c))
    for nid, row in totals.rows.items():
        if sum(row) > totals.valid and round_.kind is not RoundKind.NOMINATION:
            problems.append(Problem(ProblemCode.NOMINEE_OVER_VALID, nid, totals.valid, sum(row)))
        elif round_.kind is RoundKind.NOMINATION and row[CHOSEN] > totals.valid:
            problems.append(Problem(ProblemCode.NOMINEE_OVER_VALID, nid, totals.valid, row[CHOSEN]))
    if round_.kind is RoundKind.NOMINATION:
        votes = sum(r[CHOSEN] for r in totals.rows.values()) + sum(totals.write_ins.values())
        if votes > round_.seats * totals.valid:
            problems.append(Problem(ProblemCode.VOTES_OVER_SEATS, None, round_.seats * totals.valid, votes))
    return tuple(problems)


# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class NomineeResult:
    nominee_id: NomineeId | None  # None for a write-in
    name: str
    counts: tuple[int, ...]  # one per option (levels; agree/disagree; votes)
    not_counted: int
    percents: tuple[Percent, ...]
    band: Band | None = None
    approval: Approval | None = None
    selection: Selection | None = None

    @property
    def tied(self) -> bool:
        return self.selection is Selection.TIED


@dataclass(frozen=True)
class Result:
    round: Round
    summoned: int
    present: int
    issued: int
    collected: int  # ballots entered (C)
    valid: int
    invalid: int
    invalid_reasons: Mapping[Reason, int]
    base: PercentBase
    base_value: int
    quorum: bool
    problems: tuple[Problem, ...]
    nominees: tuple[NomineeResult, ...]

    @property
    def absent(self) -> int:
        return self.summoned - self.present

    @property
    def tie(self) -> bool:
        return any(n.tied for n in self.nominees)

    @property
    def reconciled(self) -> bool:
        return not any(p.code is not ProblemCode.NO_QUORUM for p in self.problems)


def base_value(base: PercentBase, counts: Counts, totals: Totals) -> int:
    return {
        PercentBase.SUMMONED: counts.summoned,
        PercentBase.PRESENT: counts.present,
        PercentBase.ISSUED: counts.issued,
        PercentBase.COLLECTED: totals.collected,
        PercentBase.VALID: totals.valid,
    }[base]


def decide(round_: Round, nominees: Sequence[Nominee], counts: Counts, totals: Totals) -> Result:
    """Apply SPEC §4 to the totals: percentages, bands, approval, selection, ties."""
    b = base_value(round_.base, counts, totals)
    problems = list(reconcile(round_, counts, totals))
    if b <= 0:
        problems.append(Problem(ProblemCode.BASE_ZERO))
    options = round_.options
    ordered = sorted((n for n in nominees if n.id is not None), key=lambda n: (n.order, n.id))
    entries: list[tuple[NomineeId | None, str, tuple[int, ...], int]] = [
        (n.id, n.full_name, totals.rows.get(n.id, (0,) * options), totals.not_counted.get(n.id, 0))
        for n in ordered
        if n.id is not None
    ]
    if round_.kind is RoundKind.NOMINATION:
        for name, votes in sorted(totals.write_ins.items(), key=lambda kv: (-kv[1], kv[0])):
            entries.append((None, name, (votes,), 0))

    selection: dict[str, Selection] = {}
    if round_.kind is RoundKind.NOMINATION and b > 0:
        cands = [Candidate(_key(nid, name), counts_[CHOSEN]) for nid, name, counts_, _ in entries]
        selection = nominate(cands, round_.seats, b)

    results: list[NomineeResult] = []
    for nid, name, row, not_counted in entries:
        percents = tuple(Percent(x, b) for x in row)
        band = approval = None
        if b > 0 and round_.kind is RoundKind.CONFIDENCE:
            band = low_confidence_band(row[LOW_LEVEL], b)
        if b > 0 and round_.kind is RoundKind.APPROVAL:
            approval = approval_outcome(row[AGREE], b)
        results.append(
            NomineeResult(
                nominee_id=nid,
                name=name,
                counts=row,
                not_counted=not_counted,
                percents=percents,
                band=band,
                approval=approval,
                selection=selection.get(_key(nid, name)),
            )
        )
    return Result(
        round=round_,
        summoned=counts.summoned,
        present=counts.present,
        issued=counts.issued,
        collected=totals.collected,
        valid=totals.valid,
        invalid=totals.invalid,
        invalid_reasons=dict(totals.invalid_reasons),
        base=round_.base,
        base_value=b,
        quorum=has_quorum(counts.summoned, counts.present),
        problems=tuple(problems),
        nominees=tuple(results),
    )


def _key(nid: NomineeId | None, name: str) -> str:
    return str(nid) if nid is not None else f"w:{name}"


# ---------------------------------------------------------------- double entry


@dataclass(frozen=True)
class PassDifference:
    serial: str
    first: BallotMarks | None
    second: BallotMarks | None


def compare_passes(first: Mapping[str, BallotMarks], second: Mapping[str, BallotMarks]) -> tuple[PassDifference, ...]:
    """Every serial whose two independent entries differ, or that only one pass has."""
    diffs = []
    for serial in sorted(set(first) | set(second)):
        a, b = first.get(serial), second.get(serial)
        if a is None or b is None or not same_marks(a, b):
            diffs.append(PassDifference(serial, a, b))
    return tuple(diffs)


def same_marks(a: BallotMarks, b: BallotMarks) -> bool:
    keys = set(a.rows) | set(b.rows)
    return (
        all(a.rows.get(k, frozenset()) == b.rows.get(k, frozenset()) for k in keys)
        and sorted(nfc(w) for w in a.write_ins) == sorted(nfc(w) for w in b.write_ins)
        and a.declared == b.declared
    )
