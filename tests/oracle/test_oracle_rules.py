"""The product's counting rules against the independent oracle, on thousands of boundary rounds each run.

Every round is generated from a fixed seed (the same rounds every run, so a failure can be replayed by its
number) and aimed at the edges of SPEC §4; the product's tally + decide must say exactly what the oracle says:
counts, reasons, base, quorum, problems, every percentage string, every band, approval and selection word.
"""

from __future__ import annotations

import os
import random
from collections import Counter

import pytest

from tests.oracle import oracle
from tests.oracle.product import expected, said, to_counts, to_marks, to_nominees, to_round, to_sheet
from tests.oracle.rounds import Generated, generate
from vote_counter.domain.rules import Totals, decide, sheet_totals, tally

SEED = 18_2026
# scripts/mutation.sh runs this once per mutant and sets fewer rounds; the fast suite runs all 4,000.
ROUNDS = int(os.environ.get("KP_ORACLE_ROUNDS", "4000"))


def product_outcome(g: Generated, *, omit_blank: bool = False) -> dict[str, object]:
    round_ = to_round(g.setup)
    nominees = to_nominees(g.setup)
    ids = [n.id for n in nominees if n.id is not None]
    # A round counted from tally sheets alone has no entered ballots to tally (and its sheets may miss a nominee).
    totals = (
        tally(round_, nominees, [to_marks(p, ids, omit_blank=omit_blank) for p in g.papers]) if g.papers else Totals()
    )
    for sheet in g.sheets:
        totals = totals + sheet_totals(to_sheet(sheet, ids))
    return said(decide(round_, nominees, to_counts(g.setup), totals))


def edges_hit(g: Generated, out: oracle.Outcome) -> set[str]:
    """Which boundary families this round actually sits on, by the oracle's numbers."""
    b, hit = out.base_value, set()
    s, p = g.setup.summoned, g.setup.present
    codes = {problem[0] for problem in out.problems}
    hit |= {"nominee over the valid ballots"} if "nominee_over_valid" in codes else set()
    hit |= {"votes over the seats"} if "votes_over_seats" in codes else set()
    hit |= {"a negative count"} if "negative" in codes else set()
    hit |= {"two people of one name"} if len(set(g.setup.names)) < len(g.setup.names) else set()
    hit |= {"counted from tally sheets only"} if g.sheets and not g.papers else set()
    if 3 * p == 2 * s and s > 0:
        hit.add("quorum 3P = 2S")
    if 3 * p == 2 * s - 1:
        hit.add("quorum 3P = 2S - 1")
    if b == 0:
        hit.add("base 0")
    for line in out.lines:
        if g.setup.kind == "confidence" and b > 0:
            low = line.counts[oracle.LOW]
            hit |= {"base = 2·low"} if 2 * low == b else set()
            hit |= {"2·low = base + 1"} if 2 * low == b + 1 else set()
            hit |= {"3·low = 2·base"} if 3 * low == 2 * b else set()
            hit |= {"3·low = 2·base - 1"} if 3 * low == 2 * b - 1 else set()
        if g.setup.kind == "approval" and b > 0:
            agree = line.counts[oracle.AGREE]
            hit |= {"2·agree = base"} if 2 * agree == b else set()
            hit |= {"2·agree = base + 1"} if 2 * agree == b + 1 else set()
        if g.setup.kind == "nomination" and b > 0:
            votes = line.counts[0]
            hit |= {"2·votes = base"} if 2 * votes == b else set()
            hit |= {"2·votes = base + 1"} if 2 * votes == b + 1 else set()
            if line.selection == oracle.TIED:
                hit.add(f"tie at the cut-off, {g.setup.seats} seat(s)")
            if line.selection == oracle.FORWARD and g.setup.seats > 1:
                hit.add("carry-forward with N > 1")
    return hit


def test_product_agrees_with_the_oracle_on_thousands_of_boundary_rounds() -> None:
    hits: Counter[str] = Counter()
    for number in range(ROUNDS):
        g = generate(random.Random(SEED + number))
        out = oracle.count(g.setup, g.papers, g.sheets)
        hits.update(edges_hit(g, out))
        want = expected(out)
        got = product_outcome(g, omit_blank=number % 2 == 1)
        assert got == want, f"round {number} ({g.setup}, aimed at {g.aims})"
    # The run must actually stand on every edge, many times: a generator drifting off the boundaries
    # would make this test pass without testing anything.
    families = [
        "quorum 3P = 2S",
        "quorum 3P = 2S - 1",
        "base 0",
        "base = 2·low",
        "2·low = base + 1",
        "3·low = 2·base",
        "3·low = 2·base - 1",
        "2·agree = base",
        "2·agree = base + 1",
        "2·votes = base",
        "2·votes = base + 1",
        "tie at the cut-off, 1 seat(s)",
        "tie at the cut-off, 2 seat(s)",
        "carry-forward with N > 1",
        "nominee over the valid ballots",
        "votes over the seats",
        "a negative count",
        "two people of one name",
        "counted from tally sheets only",
    ]
    least = 20 if ROUNDS >= 4000 else 2  # the mutation runs use fewer rounds
    assert {f: hits[f] for f in families if hits[f] < least} == {}, hits


# ---------------------------------------------------------------- the oracle's own readings, by hand


@pytest.mark.parametrize(
    ("part", "whole", "text"),
    [
        (25, 47, "53,19%"),  # SPEC §4.4's example
        (1, 8, "12,50%"),
        (1, 3, "33,33%"),
        (2, 3, "66,67%"),
        (1, 200, "0,50%"),
        (1, 20000, "0,01%"),  # 0.005 % rounds half up
        (1, 20001, "0,00%"),
        (1, 1, "100,00%"),
        (0, 5, "0,00%"),
        (3, 0, "—"),
    ],
)
def test_oracle_percent_text(part: int, whole: int, text: str) -> None:
    assert oracle.percent_text(part, whole) == text


def _confidence(low: int, base_collected: int) -> str | None:
    """One leader rated low on `low` of `base_collected` valid ballots (whole-ballot policy)."""
    setup = oracle.Setup("confidence", ("A",), base_collected, base_collected, base_collected)
    papers = [oracle.Paper((frozenset({2 if k < low else 0}),)) for k in range(base_collected)]
    return oracle.count(setup, papers).lines[0].band


def test_oracle_bands_by_hand() -> None:
    assert _confidence(25, 50) is None  # exactly 50 %: no band
    assert _confidence(26, 50) == oracle.BAND_OVER_HALF
    assert _confidence(33, 50) == oracle.BAND_OVER_HALF  # 66 %
    assert _confidence(34, 50) == oracle.BAND_TWO_THIRDS  # 68 %
    assert _confidence(2, 3) == oracle.BAND_TWO_THIRDS  # exactly 2/3
    assert _confidence(20, 30) == oracle.BAND_TWO_THIRDS
    assert _confidence(19, 30) == oracle.BAND_OVER_HALF


def test_oracle_selection_by_hand() -> None:
    c = oracle.choose
    assert c({"a": 26, "b": 20, "c": 4}, 1, 50) == {"a": oracle.SELECTED}
    assert c({"a": 25, "b": 20, "c": 4}, 1, 50) == {"a": oracle.FORWARD, "b": oracle.FORWARD}  # 50 % is not enough
    assert c({"a": 25, "b": 20, "c": 20}, 1, 50) == {"a": oracle.FORWARD, "b": oracle.TIED, "c": oracle.TIED}
    assert c({"a": 20, "b": 20, "c": 20}, 1, 50) == dict.fromkeys("abc", oracle.TIED)
    assert c({"a": 30, "b": 30}, 1, 50) == {"a": oracle.TIED, "b": oracle.TIED}  # a tie for the seat
    # Two seats, one filled: two go forward for the other.
    assert c({"a": 30, "b": 20, "c": 10, "d": 5}, 2, 50) == {
        "a": oracle.SELECTED,
        "b": oracle.FORWARD,
        "c": oracle.FORWARD,
    }
    # Two seats, none filled: four go forward; a tie at the fourth place is flagged.
    assert c({"a": 9, "b": 8, "c": 7, "d": 6, "e": 6}, 2, 50) == {
        "a": oracle.FORWARD,
        "b": oracle.FORWARD,
        "c": oracle.FORWARD,
        "d": oracle.TIED,
        "e": oracle.TIED,
    }


def test_oracle_approval_and_quorum_by_hand() -> None:
    setup = oracle.Setup("approval", ("A", "B", "C"), summoned=9, present=6, issued=6)
    agree, disagree, none = frozenset({0}), frozenset({1}), frozenset()
    papers = [oracle.Paper((agree, agree, agree))] * 4 + [oracle.Paper((agree, disagree, none))] * 1
    papers += [oracle.Paper((disagree, disagree, frozenset({0, 1})))]
    out = oracle.count(setup, papers)
    assert out.base_value == 9 and out.quorum  # 3·6 = 2·9: exactly two thirds present is a quorum
    assert [x.approval for x in out.lines] == [oracle.APPROVED, oracle.NOT_APPROVED, oracle.NOT_APPROVED]
    assert [x.counts for x in out.lines] == [[5, 1], [4, 2], [4, 0]]
    assert [x.not_counted for x in out.lines] == [0, 0, 2]
    half = oracle.Setup("approval", ("A",), summoned=10, present=7, issued=7)
    assert oracle.count(half, [oracle.Paper((agree,))] * 5 + [oracle.Paper((disagree,))] * 2).lines[0].approval == (
        oracle.HALF
    )
    no = oracle.Setup("approval", ("A",), summoned=10, present=6, issued=6)
    assert not oracle.count(no, []).quorum  # 3·6 < 2·10


def test_taking_entries_back_leaves_the_count_of_the_rest() -> None:
    """Corrections and voids subtract a ballot's totals from the running totals: the result must be the
    oracle's count of the ballots that remain, and taking back what was never added is refused."""
    for number in range(400):
        g = generate(random.Random(SEED - number))
        if not g.papers:
            continue
        round_ = to_round(g.setup)
        nominees = to_nominees(g.setup)
        ids = [n.id for n in nominees if n.id is not None]
        marks = [to_marks(p, ids) for p in g.papers]
        cut = random.Random(number).randint(0, len(marks))
        taken_back = tally(round_, nominees, marks) - tally(round_, nominees, marks[:cut])
        want = expected(oracle.count(g.setup, g.papers[cut:]))
        assert said(decide(round_, nominees, to_counts(g.setup), taken_back)) == want, number
        if cut < len(marks) and tally(round_, nominees, marks[cut:]).collected:
            with pytest.raises(ValueError, match="below zero"):
                _ = tally(round_, nominees, marks[:cut]) - tally(round_, nominees, marks)
