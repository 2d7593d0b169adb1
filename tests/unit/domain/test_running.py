"""add_ballot (domain/running.py) equals re-tallying: the save's fast path adds exactly what a recount counts."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from vote_counter.domain.model import (
    DECLARABLE_REASONS,
    BallotMarks,
    InvalidPolicy,
    MeetingId,
    Nominee,
    NomineeId,
    Round,
    RoundId,
    RoundKind,
    option_count,
)
from vote_counter.domain.rules import Totals, classify, tally
from vote_counter.domain.running import add_ballot


@st.composite
def rounds_and_ballots(draw: st.DrawFn) -> tuple[Round, list[Nominee], list[BallotMarks]]:
    kind = draw(st.sampled_from(list(RoundKind)))
    n = draw(st.integers(1, 5))
    round_ = Round(
        id=RoundId(1),
        meeting_id=MeetingId(1),
        title="Lượt thử",
        kind=kind,
        invalid_policy=draw(st.sampled_from([None, *InvalidPolicy])),
        blank_is_disagree=draw(st.booleans()),
        seats=draw(st.integers(1, 3)),
        write_ins=draw(st.booleans()),
    )
    nominees = [Nominee(NomineeId(i + 1), RoundId(1), f"Người {i + 1}") for i in range(n)]
    box = st.frozensets(st.integers(0, option_count(kind) - 1))
    ballot = st.builds(
        lambda rows, names, declared: BallotMarks(
            {NomineeId(i + 1): b for i, b in enumerate(rows)}, tuple(names), declared
        ),
        st.lists(box, min_size=n, max_size=n),
        st.lists(st.sampled_from(["Trần Thị Ượng", "Lê Ấn"]), max_size=2)
        if kind is RoundKind.NOMINATION
        else st.just([]),
        st.frozensets(st.sampled_from(sorted(DECLARABLE_REASONS)), max_size=1),
    )
    return round_, nominees, draw(st.lists(ballot, max_size=12))


@settings(max_examples=300, deadline=None)
@given(rounds_and_ballots())
def test_adding_one_by_one_equals_tallying(case: tuple[Round, list[Nominee], list[BallotMarks]]) -> None:
    round_, nominees, ballots = case
    ids = [n.id for n in nominees if n.id is not None]
    running = tally(round_, nominees, [])
    for i, marks in enumerate(ballots):
        running = add_ballot(running, round_, ids, marks, classify(marks, round_, ids))
        assert running == tally(round_, nominees, ballots[: i + 1])


def test_adding_to_empty_totals_fills_every_row() -> None:
    round_ = Round(id=RoundId(1), meeting_id=MeetingId(1), title="Lượt thử", kind=RoundKind.CONFIDENCE)
    ids = [NomineeId(1), NomineeId(2)]
    marks = BallotMarks({NomineeId(1): frozenset({2})})
    out = add_ballot(Totals(), round_, ids, marks, classify(marks, round_, ids))
    nominees = [Nominee(nid, RoundId(1), "Tên") for nid in ids]
    assert out == tally(round_, nominees, [marks])
