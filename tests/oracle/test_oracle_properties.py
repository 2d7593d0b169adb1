"""Boundary-aimed Hypothesis properties: every product decision equals the oracle's on the edges of SPEC §4.

Example counts come from the Hypothesis profiles of tests/conftest.py: the fast run uses "ci" (fixed,
derandomised); the same properties marked `slow` at the end of this file use the "slow" profile (ten times more
examples, fresh randomness each run).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from tests.oracle import oracle
from tests.oracle.product import WORDS_APPROVAL, WORDS_BAND, WORDS_SELECTION, expected
from tests.oracle.rounds import Generated
from tests.oracle.strategies import (
    boundary_rounds,
    count_on_an_edge,
    half_hundredths,
    quorum_edge,
    votes_with_ties,
)
from tests.oracle.test_oracle_rules import product_outcome
from vote_counter.domain.rules import (
    Candidate,
    approval_outcome,
    format_percent,
    has_quorum,
    low_confidence_band,
    nominate,
)


@given(count_on_an_edge())
def test_band(edge: tuple[int, int]) -> None:
    low, base = edge
    got = low_confidence_band(low, base)
    assert (WORDS_BAND[got] if got else None) == oracle.band(low, base)


@given(count_on_an_edge())
def test_approval(edge: tuple[int, int]) -> None:
    agree, base = edge
    assert WORDS_APPROVAL[approval_outcome(agree, base)] == oracle.approval(agree, base)


@given(quorum_edge())
def test_quorum(edge: tuple[int, int]) -> None:
    s, p = edge
    assert has_quorum(s, p) == oracle.quorum(s, p)


@given(half_hundredths())
def test_percent_on_rounding_edges(edge: tuple[int, int]) -> None:
    part, whole = edge
    assert format_percent(part, whole) == oracle.percent_text(part, whole)


@given(votes_with_ties())
def test_selection_and_carry_forward(case: tuple[dict[str, int], int, int]) -> None:
    votes, seats, base = case
    got = nominate([Candidate(k, v) for k, v in votes.items()], seats, base)
    assert {k: WORDS_SELECTION[v] for k, v in got.items()} == oracle.choose(votes, seats, base)


@given(boundary_rounds())
def test_whole_rounds(g: Generated) -> None:
    assert product_outcome(g) == expected(oracle.count(g.setup, g.papers, g.sheets)), g.aims


# ---------------------------------------------------------------- the long run (CI's slow pass)

LONG = settings(settings.get_profile("slow"))
test_band_long = pytest.mark.slow(LONG(given(count_on_an_edge())(test_band.hypothesis.inner_test)))
test_approval_long = pytest.mark.slow(LONG(given(count_on_an_edge())(test_approval.hypothesis.inner_test)))
test_quorum_long = pytest.mark.slow(LONG(given(quorum_edge())(test_quorum.hypothesis.inner_test)))
test_percent_long = pytest.mark.slow(
    LONG(given(half_hundredths())(test_percent_on_rounding_edges.hypothesis.inner_test))
)
test_selection_long = pytest.mark.slow(
    LONG(given(votes_with_ties())(test_selection_and_carry_forward.hypothesis.inner_test))
)
test_whole_rounds_long = pytest.mark.slow(LONG(given(boundary_rounds())(test_whole_rounds.hypothesis.inner_test)))
