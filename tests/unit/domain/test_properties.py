"""Properties of the counting rules over random rounds and ballots (Hypothesis)."""

from __future__ import annotations

import dataclasses
import functools
import itertools
import operator
import re
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, localcontext

from hypothesis import given, settings
from hypothesis import strategies as st

from vote_counter.domain.canonical import check_code
from vote_counter.domain.model import (
    DECLARABLE_REASONS,
    BallotMarks,
    Counts,
    InvalidPolicy,
    Nominee,
    NomineeId,
    PercentBase,
    Reason,
    Round,
    RoundId,
    RoundKind,
    Stage,
    option_count,
)
from vote_counter.domain.rules import (
    ProblemCode,
    Result,
    Selection,
    Totals,
    decide,
    format_percent,
    reconcile,
    tally,
)

FAST = settings(max_examples=150, deadline=None)

NAMES = ["Lê Văn Tám", "Phạm Thị Hoa", "Đặng Ữ", "Trần Quốc Toản"]


@st.composite
def rounds(draw: st.DrawFn) -> Round:
    kind = draw(st.sampled_from(RoundKind))
    return Round(
        id=RoundId(7),
        meeting_id=None,
        title="Vòng ngẫu nhiên",
        kind=kind,
        code="123456",
        percent_base=draw(st.sampled_from([None, *PercentBase])),
        invalid_policy=draw(st.sampled_from([None, *InvalidPolicy])),
        seats=draw(st.integers(1, 3)),
        write_ins=draw(st.booleans()),
        blank_is_disagree=draw(st.booleans()),
    )


def make_nominees(count: int) -> list[Nominee]:
    return [
        Nominee(id=NomineeId(i + 1), round_id=RoundId(7), full_name=f"Người số {i + 1}", order=i) for i in range(count)
    ]


@st.composite
def ballots_for(draw: st.DrawFn, round_: Round, nominees: Sequence[Nominee]) -> BallotMarks:
    options = option_count(round_.kind)
    boxes = st.frozensets(st.integers(0, options - 1), max_size=options)
    rows = {}
    for n in nominees:
        assert n.id is not None
        if draw(st.integers(0, 9)) > 0:  # now and then a row is left out entirely
            rows[n.id] = draw(boxes)
    write_ins: tuple[str, ...] = ()
    if round_.kind is RoundKind.NOMINATION:
        write_ins = tuple(draw(st.lists(st.sampled_from(NAMES), max_size=2)))
    declared = draw(st.one_of(st.just(frozenset[Reason]()), st.frozensets(st.sampled_from(sorted(DECLARABLE_REASONS)))))
    return BallotMarks(rows=rows, write_ins=write_ins, declared=declared)


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[Round, list[Nominee], list[BallotMarks]]:
    round_ = draw(rounds())
    nominees = make_nominees(draw(st.integers(1, 4)))
    ballots = draw(st.lists(ballots_for(round_, nominees), max_size=25))
    return round_, nominees, ballots


@st.composite
def counts_for(draw: st.DrawFn, collected: int) -> Counts:
    return Counts(
        summoned=draw(st.integers(0, 60)),
        present=draw(st.integers(0, 60)),
        issued=draw(st.integers(0, 60)),
        collected=draw(st.one_of(st.none(), st.just(collected), st.integers(0, 60))),
    )


# ---------------------------------------------------------------- tally


@FAST
@given(scenarios())
def test_valid_plus_invalid_is_collected(scenario: tuple[Round, list[Nominee], list[BallotMarks]]) -> None:
    round_, nominees, ballots = scenario
    totals = tally(round_, nominees, ballots)
    assert totals.valid + totals.invalid == totals.collected == len(ballots)
    # every invalid ballot carries at least one reason; no reason counts more ballots than are invalid
    assert sum(totals.invalid_reasons.values()) >= totals.invalid
    assert all(0 < n <= totals.invalid for n in totals.invalid_reasons.values())
    assert not ({Reason.NOT_ISSUED, Reason.DUPLICATE} & set(totals.invalid_reasons))


@FAST
@given(scenarios())
def test_every_nominee_adds_up_to_valid(scenario: tuple[Round, list[Nominee], list[BallotMarks]]) -> None:
    round_, nominees, ballots = scenario
    totals = tally(round_, nominees, ballots)
    assert set(totals.rows) == {n.id for n in nominees}
    for n in nominees:
        assert n.id is not None
        row = totals.rows[n.id]
        assert len(row) == option_count(round_.kind)
        assert all(x >= 0 for x in row)
        if round_.kind is RoundKind.NOMINATION:
            assert row[0] <= totals.valid
            assert totals.not_counted.get(n.id, 0) == 0
        else:
            assert sum(row) + totals.not_counted.get(n.id, 0) == totals.valid
    if round_.kind is RoundKind.NOMINATION:
        votes = sum(r[0] for r in totals.rows.values()) + sum(totals.write_ins.values())
        assert votes <= round_.seats * totals.valid
        if not round_.write_ins:
            assert totals.write_ins == {}
    # counts the board would enter for these ballots reconcile cleanly (SPEC §4.2)
    c = totals.collected
    assert reconcile(round_, Counts(summoned=c, present=c, issued=c, collected=c), totals) == ()


@FAST
@given(scenarios(), st.lists(st.integers(0, 25), max_size=4))
def test_tally_of_all_is_sum_of_tallies_of_parts(
    scenario: tuple[Round, list[Nominee], list[BallotMarks]], cuts: list[int]
) -> None:
    round_, nominees, ballots = scenario
    edges = [0, *sorted(min(c, len(ballots)) for c in cuts), len(ballots)]
    parts = [ballots[a:b] for a, b in itertools.pairwise(edges)]
    summed = functools.reduce(operator.add, (tally(round_, nominees, part) for part in parts))
    whole = tally(round_, nominees, ballots)
    assert summed == whole
    assert Totals() + whole == whole


# ---------------------------------------------------------------- decide and the check code


@FAST
@given(st.data())
def test_decide_never_raises(data: st.DataObject) -> None:
    round_, nominees, ballots = data.draw(scenarios())
    totals = tally(round_, nominees, ballots)
    counts = data.draw(counts_for(totals.collected))
    result = decide(round_, nominees, counts, totals)
    assert result.valid + result.invalid == result.collected == len(ballots)
    write_ins = len(totals.write_ins) if round_.kind is RoundKind.NOMINATION else 0
    assert len(result.nominees) == len(nominees) + write_ins
    assert result.quorum is (3 * counts.present >= 2 * counts.summoned)
    assert (ProblemCode.BASE_ZERO in {p.code for p in result.problems}) is (result.base_value == 0)
    b = result.base_value
    selected = [n for n in result.nominees if n.selection is Selection.SELECTED]
    assert len(selected) <= round_.seats
    assert all(2 * n.counts[0] > b for n in selected)
    for n in result.nominees:
        assert all(p.denominator == b for p in n.percents)
        if round_.kind is RoundKind.CONFIDENCE and b > 0:
            low = n.counts[2]
            assert (n.band is not None) is (2 * low > b)
    assert re.fullmatch(r"[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}", check_code(result))


def _bumped(result: Result) -> list[Result]:
    """The result with each count in turn raised by one."""
    out = [
        dataclasses.replace(result, **{name: getattr(result, name) + 1})
        for name in ("summoned", "present", "issued", "collected", "valid", "invalid", "base_value")
    ]
    for reason in Reason:
        reasons = dict(result.invalid_reasons)
        reasons[reason] = reasons.get(reason, 0) + 1
        out.append(dataclasses.replace(result, invalid_reasons=reasons))
    for i, nominee in enumerate(result.nominees):
        for j in range(len(nominee.counts)):
            counts = tuple(x + (k == j) for k, x in enumerate(nominee.counts))
            changed = dataclasses.replace(nominee, counts=counts)
            nominees = (*result.nominees[:i], changed, *result.nominees[i + 1 :])
            out.append(dataclasses.replace(result, nominees=nominees))
        changed = dataclasses.replace(nominee, not_counted=nominee.not_counted + 1)
        out.append(dataclasses.replace(result, nominees=(*result.nominees[:i], changed, *result.nominees[i + 1 :])))
    return out


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_check_code_is_stable_and_changes_with_every_count(data: st.DataObject) -> None:
    round_, nominees, ballots = data.draw(scenarios())
    totals = tally(round_, nominees, ballots)
    counts = data.draw(counts_for(totals.collected))
    result = decide(round_, nominees, counts, totals)
    code = check_code(result)
    # the same ballots give the same code, however often and in whatever order they are counted
    again = decide(round_, nominees, counts, tally(round_, nominees, list(reversed(ballots))))
    assert check_code(again) == code
    for other in _bumped(result):
        assert check_code(other) != code
    # and through decide: one more person summoned changes the code
    more = dataclasses.replace(counts, summoned=counts.summoned + 1)
    assert check_code(decide(round_, nominees, more, totals)) != code


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_check_code_does_not_change_when_the_round_is_sealed(data: st.DataObject) -> None:
    # SPEC §7: the code on the signed minutes must match the USB export; the minutes are
    # printed when the round is closed, the export may be written after it is sealed.
    round_, nominees, ballots = data.draw(scenarios())
    totals = tally(round_, nominees, ballots)
    counts = data.draw(counts_for(totals.collected))
    codes = {
        check_code(decide(dataclasses.replace(round_, stage=stage), nominees, counts, totals))
        for stage in (Stage.CLOSED, Stage.SEALED)
    }
    assert len(codes) == 1


# ---------------------------------------------------------------- percent display


def reference_percent(numerator: int, denominator: int) -> str:
    """SPEC §4.4 written independently: 2 decimals, ROUND_HALF_UP, decimal comma."""
    if denominator <= 0:
        return "—"
    with localcontext() as ctx:
        ctx.prec = 60
        value = (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{value:.2f}".replace(".", ",") + "%"


@settings(max_examples=1000, deadline=None)
@given(st.integers(0, 10**6).flatmap(lambda d: st.tuples(st.integers(0, max(d, 0)), st.just(d))))
def test_format_percent_matches_decimal_half_up(pair: tuple[int, int]) -> None:
    numerator, denominator = pair
    assert format_percent(numerator, denominator) == reference_percent(numerator, denominator)


@settings(max_examples=500, deadline=None)
@given(st.integers(1, 20000), st.integers(0, 2000))
def test_format_percent_at_half_hundredth_boundaries(denominator_units: int, k: int) -> None:
    # numerator / denominator = (2k + 1) / 20000 exactly: every value ends in ...5 at the third decimal
    numerator = (2 * k + 1) * denominator_units
    denominator = 20000 * denominator_units
    expected = reference_percent(numerator, denominator)
    assert format_percent(numerator, denominator) == expected
    # half up: k,k5% → (k+1) hundredths
    assert expected == reference_percent(k + 1, 10000)
