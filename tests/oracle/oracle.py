"""An independent reading of SPEC §4: from the paper ballots of one round to what the minutes must say.

Written apart from vote_counter.domain.rules on purpose: it imports nothing from vote_counter, works on plain
values (names, sets of boxes, strings), and says the outcome in the words of SPEC §4 and of the minutes. When
the product and this module disagree, one of them misreads the rules; the tests in this folder say which rule.

Readings that the SPEC leaves open follow the README ("Counting rules worth knowing"):
- nomination with N seats: selected if 2·votes > base, most votes first, at most N; if fewer than N are
  selected, the next two per unfilled seat go forward; a tie that straddles a cut-off is flagged and decides
  nothing (a tie for a seat leaves the seat open and nobody goes forward until the head decides);
- a base of 0 gives no band, approval or selection, and the percentages read "—".
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext

# The words of SPEC §4 as the minutes print them.
BAND_OVER_HALF = "trên 50% đến dưới 2/3 phiếu tín nhiệm thấp"
BAND_TWO_THIRDS = "từ 2/3 phiếu tín nhiệm thấp trở lên"
APPROVED = "đạt"  # more than half agree
HALF = "đạt 50% — người đứng đầu quyết định"
NOT_APPROVED = "không đạt"
SELECTED = "trúng cử"
FORWARD = "đi tiếp bước sau"
TIED = "ngang phiếu — người đứng đầu xem xét, quyết định"

KINDS = ("confidence", "approval", "nomination")
BASES = ("summoned", "present", "issued", "collected", "valid")
LOW = 2  # confidence: the third box is "Tín nhiệm thấp"
AGREE, DISAGREE = 0, 1
BOXES = {"confidence": 3, "approval": 2, "nomination": 1}


@dataclass(frozen=True)
class Paper:
    """One ballot as the board reads it: per row (in ballot order) the boxes marked, names written in,
    and what the board sees on the paper ("crossed_name", "extra_content", "unreadable")."""

    rows: tuple[frozenset[int], ...]
    write_ins: tuple[str, ...] = ()
    declared: frozenset[str] = frozenset()
    aside: str | None = None  # set aside unread ("not_issued", "duplicate"): invalid for that reason alone


@dataclass(frozen=True)
class Sheet:
    """A tally sheet (tổng hợp): the board's hand-counted totals, per nominee one number per box."""

    valid: int
    invalid: dict[str, int]
    rows: dict[int, tuple[int, ...]]  # nominee index → counts; a nominee may be missing (added later)
    write_ins: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Setup:
    kind: str
    names: tuple[str, ...]
    summoned: int
    present: int
    issued: int
    base: str | None = None  # None: the kind's default (SPEC §4.3)
    policy: str | None = None  # None: the kind's default (SPEC §4.8)
    seats: int = 1
    write_ins: bool = False
    blank_is_disagree: bool = False
    physical: int | None = None  # the board's own count of the ballots in the box

    @property
    def base_name(self) -> str:
        if self.base is not None:
            return self.base
        return "collected" if self.kind == "confidence" else "summoned"

    @property
    def policy_name(self) -> str:
        if self.policy is not None:
            return self.policy
        return "whole_ballot" if self.kind == "confidence" else "per_row"


@dataclass
class Line:
    """One row of the results table: a nominee (index on the ballot) or a write-in (index None)."""

    index: int | None
    name: str
    counts: list[int]
    not_counted: int = 0
    percents: list[str] = field(default_factory=list)
    band: str | None = None
    approval: str | None = None
    selection: str | None = None


@dataclass
class Outcome:
    collected: int
    valid: int
    invalid: int
    reasons: dict[str, int]
    base: str
    base_value: int
    quorum: bool
    problems: set[tuple[str, int | None, int | None, int | None]]  # (what, nominee index, expected, actual)
    lines: list[Line]

    def line(self, name: str) -> Line:
        (found,) = [x for x in self.lines if x.name == name]
        return found


# ---------------------------------------------------------------- display


def percent_text(part: int, whole: int) -> str:
    """Two decimals rounded half up, a decimal comma (SPEC §4.4)."""
    if whole <= 0:
        return "—"
    with localcontext() as ctx:
        ctx.prec = 60
        value = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{value}%".replace(".", ",")


# ---------------------------------------------------------------- thresholds (SPEC §4.1, §4.5, §4.7)


def quorum(summoned: int, present: int) -> bool:
    """At least two thirds of those summoned are present."""
    return 3 * present >= 2 * summoned


def band(low: int, base: int) -> str | None:
    """Exactly half is in no band; two thirds and more is the upper band."""
    if 3 * low >= 2 * base:
        return BAND_TWO_THIRDS
    if 2 * low > base:
        return BAND_OVER_HALF
    return None


def approval(agree: int, base: int) -> str:
    if 2 * agree > base:
        return APPROVED
    return HALF if 2 * agree == base else NOT_APPROVED


# ---------------------------------------------------------------- one ballot


def judge(setup: Setup, paper: Paper) -> tuple[set[str], set[int], bool]:
    """(reasons it is invalid, rows of a valid ballot that count for nobody, counted as 'blank = disagree')."""
    if paper.aside is not None:
        return {paper.aside}, set(), False
    reasons = set(paper.declared)
    dropped: set[int] = set()
    marks = [len(boxes) for boxes in paper.rows]
    if setup.kind == "confidence":
        # 262-QĐ/TW khoản 7.2: exactly one level per person; otherwise the whole ballot, or only that row.
        wrong = {i for i, n in enumerate(marks) if n != 1}
        if wrong and setup.policy_name == "whole_ballot":
            reasons.add("row_marks")
        elif wrong:
            dropped = wrong
    elif setup.kind == "approval":
        if setup.blank_is_disagree and not any(marks):
            return reasons, set(), not reasons
        both = {i for i, n in enumerate(marks) if n >= 2}
        if both and setup.policy_name == "whole_ballot":
            reasons.add("row_marks")
        dropped = both | {i for i, n in enumerate(marks) if n == 0}
    else:
        chose = sum(1 for boxes in paper.rows if boxes) + len(paper.write_ins)
        if chose > setup.seats:
            reasons.add("too_many")
        if paper.write_ins and not setup.write_ins:
            reasons.add("extra_content")
    if reasons:
        return reasons, set(), False
    return reasons, dropped, False


# ---------------------------------------------------------------- nomination


def _places(votes: dict[str, int], places: int) -> tuple[set[str], set[str]]:
    """Who surely takes one of `places` places, and who is tied for the last of them."""
    sure, tied = set(), set()
    if places <= 0:
        return sure, tied
    for who, v in votes.items():
        ahead = sum(1 for w in votes.values() if w > v)
        level = sum(1 for w in votes.values() if w == v)
        if ahead + level <= places:
            sure.add(who)
        elif ahead < places:
            tied.add(who)
    return sure, tied


def choose(votes: dict[str, int], seats: int, base: int) -> dict[str, str]:
    """SPEC §4.6 with the README's N-seat reading."""
    passing = {who: v for who, v in votes.items() if 2 * v > base}
    won, tie = _places(passing, seats)
    said = dict.fromkeys(won, SELECTED) | dict.fromkeys(tie, TIED)
    if tie or len(won) >= seats:
        return said
    others = {who: v for who, v in votes.items() if who not in won}
    go, tie = _places(others, 2 * (seats - len(won)))
    return said | dict.fromkeys(go, FORWARD) | dict.fromkeys(tie, TIED)


# ---------------------------------------------------------------- the round


def count(setup: Setup, papers: list[Paper], sheets: tuple[Sheet, ...] = ()) -> Outcome:
    n = len(setup.names)
    boxes = BOXES[setup.kind]
    table = [[0] * boxes for _ in range(n)]
    skipped = [0] * n
    written: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    good = bad = 0
    for paper in papers:
        assert paper.aside is not None or len(paper.rows) == n
        why, dropped, blank_disagree = judge(setup, paper)
        if why:
            bad += 1
            reasons.update(why)
            continue
        good += 1
        for i, marked in enumerate(paper.rows):
            if blank_disagree:
                table[i][DISAGREE] += 1
            elif i in dropped:
                skipped[i] += 1
            else:
                for box in marked:
                    table[i][box] += 1
        if not blank_disagree:
            written.update(unicodedata.normalize("NFC", w).strip() for w in paper.write_ins)

    for sheet in sheets:
        good += sheet.valid
        bad += sum(sheet.invalid.values())
        reasons.update({r: n for r, n in sheet.invalid.items() if n})
        for k, row in sheet.rows.items():
            for box, n_ in enumerate(row):
                table[k][box] += n_
        written.update({unicodedata.normalize("NFC", w).strip(): n_ for w, n_ in sheet.write_ins.items()})
    written = Counter({w: n_ for w, n_ in written.items() if n_})

    collected = good + bad
    s, p, i_ = setup.summoned, setup.present, setup.issued
    b = {"summoned": s, "present": p, "issued": i_, "collected": collected, "valid": good}[setup.base_name]

    lines = [Line(k, setup.names[k], table[k], skipped[k]) for k in range(n)]
    if setup.kind == "nomination":
        lines += [Line(None, name, [v]) for name, v in written.items()]
    for line in lines:
        line.percents = [percent_text(x, b) for x in line.counts]
        if b <= 0:
            continue
        if setup.kind == "confidence":
            line.band = band(line.counts[LOW], b)
        elif setup.kind == "approval":
            line.approval = approval(line.counts[AGREE], b)
    if setup.kind == "nomination" and b > 0:
        keyed = {_who(line): line.counts[0] for line in lines}
        said = choose(keyed, setup.seats, b)
        for line in lines:
            line.selection = said.get(_who(line))

    # SPEC §4.2: C ≤ I ≤ P ≤ S, the board's physical count, each nominee's counts within V.
    problems: set[tuple[str, int | None, int | None, int | None]] = set()
    if min(s, p, i_, good, bad) < 0:
        problems.add(("negative", None, None, None))
    if not quorum(s, p):
        problems.add(("no_quorum", None, s, p))
    if collected > i_:
        problems.add(("collected_over_issued", None, i_, collected))
    if i_ > p:
        problems.add(("issued_over_present", None, p, i_))
    if p > s:
        problems.add(("present_over_summoned", None, s, p))
    if setup.physical is not None and setup.physical != collected:
        problems.add(("entered_not_physical", None, setup.physical, collected))
    for k, row in enumerate(table):
        given = row[0] if setup.kind == "nomination" else sum(row)
        if given > good:
            problems.add(("nominee_over_valid", k, good, given))
    if setup.kind == "nomination":
        votes = sum(row[0] for row in table) + sum(written.values())
        if votes > setup.seats * good:
            problems.add(("votes_over_seats", None, setup.seats * good, votes))
    if b <= 0:
        problems.add(("base_zero", None, None, None))
    return Outcome(
        collected=collected,
        valid=good,
        invalid=bad,
        reasons=dict(reasons),
        base=setup.base_name,
        base_value=b,
        quorum=quorum(s, p),
        problems=problems,
        lines=lines,
    )


def _who(line: Line) -> str:
    return f"#{line.index}" if line.index is not None else f"w:{line.name}"
