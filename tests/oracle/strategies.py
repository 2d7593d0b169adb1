"""Hypothesis strategies aimed at the edges of SPEC §4. They say where to look, never what the answer is:
the outcome of every example is stated by tests/oracle/oracle.py."""

from __future__ import annotations

from hypothesis import strategies as st

from tests.oracle.rounds import FAMILIES, Generated, generate

BASES = st.integers(min_value=0, max_value=1200)  # up to twice the largest meeting (600 voters)


@st.composite
def count_on_an_edge(draw: st.DrawFn, base: int | None = None) -> tuple[int, int]:
    """(count, base) with the count on one of the boundary families of that base, or anywhere now and then."""
    b = draw(BASES) if base is None else base
    family = draw(st.sampled_from(sorted(FAMILIES)))
    t = FAMILIES[family](b)
    if t is None or not 0 <= t <= b or draw(st.integers(0, 9)) == 0:
        t = draw(st.integers(0, max(b, 0)))
    return t, b


@st.composite
def quorum_edge(draw: st.DrawFn) -> tuple[int, int]:
    """(summoned, present) around 3·P = 2·S."""
    s = draw(st.integers(0, 600))
    edge = -(-2 * s // 3)
    p = draw(st.sampled_from([edge - 1, edge, edge + 1, s, 0]))
    return s, max(0, min(p, s))


@st.composite
def half_hundredths(draw: st.DrawFn) -> tuple[int, int]:
    """(part, whole) whose percentage sits exactly on a rounding edge (x,xx5 %) or one unit beside it."""
    hundredths = draw(st.integers(0, 9999))
    k = draw(st.integers(1, 50))
    nudge = draw(st.sampled_from([0, 0, 1, -1]))
    part, whole = (2 * hundredths + 1) * k + nudge, 20000 * k
    return max(part, 0), whole


@st.composite
def votes_with_ties(draw: st.DrawFn) -> tuple[dict[str, int], int, int]:
    """Votes for 1–8 candidates from few distinct values (so ties are common), seats, and a base placed on
    2·v, 2·v ± 1 of one of them."""
    n = draw(st.integers(1, 8))
    levels = draw(st.lists(st.integers(0, 60), min_size=1, max_size=3))
    votes = {f"c{k}": draw(st.sampled_from(levels)) for k in range(n)}
    seats = draw(st.integers(1, 3))
    pivot = draw(st.sampled_from(sorted(votes.values())))
    base = max(0, 2 * pivot + draw(st.sampled_from([-1, 0, 1, 2, 7])))
    return votes, seats, base


@st.composite
def boundary_rounds(draw: st.DrawFn) -> Generated:
    """A whole round (ballots included) from rounds.generate, driven by Hypothesis' own random source."""
    kind = draw(st.sampled_from(["confidence", "approval", "nomination"]))
    return generate(draw(st.randoms(use_true_random=False)), kind)
