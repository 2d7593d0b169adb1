"""SPEC §4, rule by rule, at its boundaries.

Every expected value below is worked out by hand from the SPEC text (the arithmetic is in
the comments), never by calling the code under test.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from vote_counter.domain.model import (
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
    TallySheet,
)
from vote_counter.domain.rules import (
    Approval,
    BallotShapeError,
    Band,
    Candidate,
    PassDifference,
    Percent,
    ProblemCode,
    Selection,
    Totals,
    approval_outcome,
    base_value,
    classify,
    compare_passes,
    decide,
    format_percent,
    has_quorum,
    low_confidence_band,
    nominate,
    reconcile,
    set_aside_totals,
    sheet_totals,
    tally,
)

N1, N2, N3 = NomineeId(1), NomineeId(2), NomineeId(3)
IDS = (N1, N2, N3)

CONF = RoundKind.CONFIDENCE
APPR = RoundKind.APPROVAL
NOMI = RoundKind.NOMINATION
WHOLE = InvalidPolicy.WHOLE_BALLOT
PER_ROW = InvalidPolicy.PER_ROW


def make_round(kind: RoundKind, **kwargs: Any) -> Round:
    return Round(id=RoundId(1), meeting_id=None, title="Vòng kiểm thử", kind=kind, **kwargs)


def make_nominees(count: int = 3) -> list[Nominee]:
    names = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"]
    return [Nominee(id=NomineeId(i + 1), round_id=RoundId(1), full_name=names[i], order=i) for i in range(count)]


def ballot(
    rows: Mapping[int, set[int]] | None = None,
    write_ins: tuple[str, ...] = (),
    declared: set[Reason] | None = None,
) -> BallotMarks:
    return BallotMarks(
        rows={NomineeId(k): frozenset(v) for k, v in (rows or {}).items()},
        write_ins=write_ins,
        declared=frozenset(declared or ()),
    )


def ids(values: set[int] | frozenset[int]) -> frozenset[NomineeId]:
    return frozenset(NomineeId(v) for v in values)


# ---------------------------------------------------------------- §4.1 quorum: 3·P ≥ 2·S


@pytest.mark.parametrize(
    ("summoned", "present", "expected"),
    [
        (9, 6, True),  # 3·6 = 18 = 2·9: exactly 2/3 passes
        (9, 5, False),  # 15 < 18: one below
        (9, 7, True),  # 21 > 18: one above
        (10, 7, True),  # 21 ≥ 20 (2/3 of 10 is 6.67)
        (10, 6, False),  # 18 < 20
        (3, 2, True),  # 6 = 6
        (3, 1, False),  # 3 < 6
        (600, 400, True),  # 1200 = 1200
        (600, 399, False),  # 1197 < 1200
        (600, 401, True),
        (10, 10, True),
    ],
)
def test_quorum(summoned: int, present: int, expected: bool) -> None:
    assert has_quorum(summoned, present) is expected


@pytest.mark.parametrize(("present", "expected"), [(6, True), (5, False), (7, True)])
def test_decide_reports_quorum_and_never_hides_it(present: int, expected: bool) -> None:
    round_ = make_round(CONF)
    counts = Counts(summoned=9, present=present, issued=present, collected=present)
    totals = Totals(valid=present, rows={N1: (present, 0, 0)}, not_counted={N1: 0})
    result = decide(round_, make_nominees(1), counts, totals)
    assert result.quorum is expected
    assert (ProblemCode.NO_QUORUM in {p.code for p in result.problems}) is (not expected)
    assert result.absent == 9 - present
    # a missing quorum is reported, but it is not a counting mismatch
    assert result.reconciled


# ---------------------------------------------------------------- §4.3 percent base

# S=20, P=18, I=17, C=16 (entered: 14 valid + 2 invalid), V=14: all different.
BASE_COUNTS = Counts(summoned=20, present=18, issued=17, collected=16)
BASE_TOTALS = Totals(
    valid=14,
    invalid=2,
    invalid_reasons={Reason.UNREADABLE: 2},
    rows={N1: (10, 2, 2)},
    not_counted={N1: 0},
)


@pytest.mark.parametrize(
    ("base", "expected_value", "low_display"),
    [
        (PercentBase.SUMMONED, 20, "10,00%"),  # 2/20
        (PercentBase.PRESENT, 18, "11,11%"),  # 2/18 = 11.111…
        (PercentBase.ISSUED, 17, "11,76%"),  # 2/17 = 11.7647…
        (PercentBase.COLLECTED, 16, "12,50%"),  # 2/16
        (PercentBase.VALID, 14, "14,29%"),  # 2/14 = 14.2857…
    ],
)
def test_each_percent_base_is_picked(base: PercentBase, expected_value: int, low_display: str) -> None:
    assert base_value(base, BASE_COUNTS, BASE_TOTALS) == expected_value
    result = decide(make_round(CONF, percent_base=base), make_nominees(1), BASE_COUNTS, BASE_TOTALS)
    assert result.base is base
    assert result.base_value == expected_value
    (nominee,) = result.nominees
    assert [p.denominator for p in nominee.percents] == [expected_value] * 3
    assert nominee.percents[2].display == low_display


@pytest.mark.parametrize(
    ("kind", "expected_base", "expected_policy", "row"),
    [
        (CONF, PercentBase.COLLECTED, WHOLE, (10, 2, 2)),  # 262-QĐ/TW khoản 7.3 and 7.2
        (APPR, PercentBase.SUMMONED, PER_ROW, (12, 2)),
        (NOMI, PercentBase.SUMMONED, PER_ROW, (12,)),
    ],
)
def test_defaults_per_kind(
    kind: RoundKind, expected_base: PercentBase, expected_policy: InvalidPolicy, row: tuple[int, ...]
) -> None:
    round_ = make_round(kind)
    assert round_.base is expected_base
    assert round_.policy is expected_policy
    totals = Totals(valid=14, invalid=2, invalid_reasons={Reason.UNREADABLE: 2}, rows={N1: row})
    result = decide(round_, make_nominees(1), BASE_COUNTS, totals)
    assert result.base is expected_base
    assert result.base_value == {PercentBase.COLLECTED: 16, PercentBase.SUMMONED: 20}[expected_base]


# ---------------------------------------------------------------- §4.4 percent display


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        (25, 47, "53,19%"),  # 53.1914…
        (1, 8, "12,50%"),  # exact
        (1, 3, "33,33%"),  # 33.333…
        (2, 3, "66,67%"),  # 66.666… rounds up
        (1, 6, "16,67%"),
        (1, 7, "14,29%"),  # 14.2857…
        (1, 32, "3,13%"),  # 3.125 exactly: half up (banker's rounding would give 3,12)
        (5, 32, "15,63%"),  # 15.625 exactly: half up (banker's would give 15,62)
        (107, 4000, "2,68%"),  # 2.675 exactly (a float would round it down to 2,67)
        (1, 20000, "0,01%"),  # 0.005% exactly rounds up
        (1, 20001, "0,00%"),  # 0.00499975…% rounds down
        (19999, 20000, "100,00%"),  # 99.995% exactly rounds up to 100
        (1999, 2000, "99,95%"),
        (599, 600, "99,83%"),  # 99.8333…
        (1, 600, "0,17%"),  # 0.1666…
        (0, 5, "0,00%"),
        (5, 5, "100,00%"),
        (600, 600, "100,00%"),
        (0, 0, "—"),
        (3, 0, "—"),
    ],
)
def test_format_percent(numerator: int, denominator: int, expected: str) -> None:
    assert format_percent(numerator, denominator) == expected
    assert Percent(numerator, denominator).display == expected


def test_percent_fraction_is_exact_and_none_on_base_zero() -> None:
    from fractions import Fraction

    assert Percent(2, 3).fraction == Fraction(2, 3)
    assert Percent(2, 0).fraction is None


# ---------------------------------------------------------------- §4.5 low-confidence bands

OVER = Band.OVER_HALF
TWO = Band.TWO_THIRDS


@pytest.mark.parametrize(
    ("low", "base", "expected"),
    [
        # B = 10: even, not a multiple of 3 (50% = 5, 2/3 = 6.67)
        (4, 10, None),
        (5, 10, None),  # exactly 50%: no band
        (6, 10, OVER),  # one above 50% (and one below 2/3)
        (7, 10, TWO),  # first count at or above 2/3
        (10, 10, TWO),
        # B = 9: odd, multiple of 3 (50% = 4.5, 2/3 = 6)
        (4, 9, None),
        (5, 9, OVER),  # 10 > 9 and 15 < 18
        (6, 9, TWO),  # exactly 2/3: 18 ≥ 18
        (7, 9, TWO),
        # B = 12: even, multiple of 3 (50% = 6, 2/3 = 8)
        (6, 12, None),  # exactly 50%
        (7, 12, OVER),  # one above 50% and one below 2/3
        (8, 12, TWO),  # exactly 2/3
        (9, 12, TWO),
        # B = 7: odd, not a multiple of 3 (50% = 3.5, 2/3 = 4.67)
        (3, 7, None),
        (4, 7, OVER),
        (5, 7, TWO),
        # B = 6 and B = 3: over 50% is already 2/3
        (3, 6, None),
        (4, 6, TWO),
        (1, 3, None),
        (2, 3, TWO),
        (0, 1, None),
        (1, 1, TWO),
        # B = 600
        (300, 600, None),
        (301, 600, OVER),
        (399, 600, OVER),  # 1197 < 1200
        (400, 600, TWO),  # exactly 2/3
        (401, 600, TWO),
        # B = 601: odd, not a multiple of 3 (50% = 300.5, 2/3 = 400.67)
        (300, 601, None),
        (301, 601, OVER),
        (400, 601, OVER),  # 1200 < 1202
        (401, 601, TWO),
        (0, 10, None),
    ],
)
def test_low_confidence_band(low: int, base: int, expected: Band | None) -> None:
    assert low_confidence_band(low, base) is expected


def test_decide_puts_band_on_the_collected_base() -> None:
    # S = 12, C = 9: 5 low of 9 collected is over half (10 > 9); of 12 summoned it would not be.
    counts = Counts(summoned=12, present=10, issued=10, collected=9)
    totals = Totals(valid=9, rows={N1: (4, 0, 5), N2: (3, 0, 6), N3: (9, 0, 0)}, not_counted={})
    result = decide(make_round(CONF), make_nominees(), counts, totals)
    assert [n.band for n in result.nominees] == [OVER, TWO, None]
    assert [n.percents[2].display for n in result.nominees] == ["55,56%", "66,67%", "0,00%"]
    assert all(n.approval is None and n.selection is None for n in result.nominees)


# ---------------------------------------------------------------- §4.7 approval: 2·A > B


@pytest.mark.parametrize(
    ("agree", "base", "expected"),
    [
        (5, 10, Approval.HALF),  # exactly 50%
        (6, 10, Approval.APPROVED),  # one above
        (4, 10, Approval.NOT_APPROVED),  # one below
        (4, 9, Approval.NOT_APPROVED),  # 8 < 9
        (5, 9, Approval.APPROVED),  # 10 > 9
        (1, 2, Approval.HALF),
        (0, 1, Approval.NOT_APPROVED),
        (1, 1, Approval.APPROVED),
        (300, 600, Approval.HALF),
        (301, 600, Approval.APPROVED),
        (299, 600, Approval.NOT_APPROVED),
        (0, 10, Approval.NOT_APPROVED),
    ],
)
def test_approval_outcome(agree: int, base: int, expected: Approval) -> None:
    assert approval_outcome(agree, base) is expected


def test_decide_approval_on_summoned() -> None:
    # S = 10, C = 9: 5 agree is exactly half of S (on C it would be approved).
    counts = Counts(summoned=10, present=9, issued=9, collected=9)
    totals = Totals(valid=9, rows={N1: (5, 4), N2: (6, 3), N3: (4, 5)}, not_counted={})
    result = decide(make_round(APPR), make_nominees(), counts, totals)
    assert [n.approval for n in result.nominees] == [Approval.HALF, Approval.APPROVED, Approval.NOT_APPROVED]
    assert [n.percents[0].display for n in result.nominees] == ["50,00%", "60,00%", "40,00%"]


# ---------------------------------------------------------------- §4.6 nomination

SEL = Selection.SELECTED
FWD = Selection.FORWARD
TIE = Selection.TIED


@pytest.mark.parametrize(
    ("votes", "seats", "base", "expected"),
    [
        pytest.param({"A": 6, "B": 3, "C": 1}, 1, 10, {"A": SEL}, id="one-seat-over-half"),
        pytest.param({"A": 5, "B": 4}, 1, 9, {"A": SEL}, id="odd-base-10-over-9"),
        pytest.param({"A": 6, "B": 2, "C": 2}, 1, 10, {"A": SEL}, id="tie-below-selected-changes-nothing"),
        pytest.param({"A": 5, "B": 3, "C": 2}, 1, 10, {"A": FWD, "B": FWD}, id="exactly-half-not-selected"),
        pytest.param({"A": 4, "B": 3, "C": 2}, 1, 10, {"A": FWD, "B": FWD}, id="nobody-passes-top-two"),
        pytest.param({"A": 4, "B": 4, "C": 2}, 1, 10, {"A": FWD, "B": FWD}, id="tie-first-both-forward"),
        pytest.param({"A": 4, "B": 3, "C": 3}, 1, 10, {"A": FWD, "B": TIE, "C": TIE}, id="tie-second"),
        pytest.param({"A": 5, "B": 0, "C": 0}, 1, 10, {"A": FWD, "B": TIE, "C": TIE}, id="tie-second-at-zero"),
        pytest.param({"A": 3, "B": 3, "C": 3}, 1, 10, {"A": TIE, "B": TIE, "C": TIE}, id="three-way-tie"),
        pytest.param({"A": 3}, 1, 10, {"A": FWD}, id="single-candidate-forward"),
        pytest.param({"A": 7, "B": 7, "C": 6}, 2, 10, {"A": SEL, "B": SEL}, id="two-seats-tie-first"),
        pytest.param({"A": 8, "B": 6, "C": 6}, 2, 10, {"A": SEL, "B": TIE, "C": TIE}, id="two-seats-tie-second"),
        pytest.param({"A": 6, "B": 6, "C": 6}, 2, 10, {"A": TIE, "B": TIE, "C": TIE}, id="two-seats-3-tied"),
        pytest.param({"A": 7, "B": 6, "C": 5}, 2, 10, {"A": SEL, "B": SEL}, id="two-seats-both-filled"),
        # SPEC §4.6 names "the two highest" for one seat; for several seats the code sends two
        # per unfilled seat forward (see report: ambiguous).
        pytest.param({"A": 6, "B": 4, "C": 3, "D": 2}, 2, 10, {"A": SEL, "B": FWD, "C": FWD}, id="two-seats-partial"),
        pytest.param({"w:Lê Văn Tám": 7, "A": 2, "B": 1}, 1, 10, {"w:Lê Văn Tám": SEL}, id="write-in-selected"),
        pytest.param(
            {"w:Lê Văn Tám": 4, "A": 3, "B": 1}, 1, 10, {"w:Lê Văn Tám": FWD, "A": FWD}, id="write-in-forward"
        ),
        pytest.param(
            {"w:Lê Văn Tám": 3, "A": 4, "B": 3}, 1, 10, {"A": FWD, "w:Lê Văn Tám": TIE, "B": TIE}, id="write-in-tie"
        ),
    ],
)
def test_nominate(votes: dict[str, int], seats: int, base: int, expected: dict[str, Selection]) -> None:
    cands = [Candidate(key, n) for key, n in votes.items()]
    assert nominate(cands, seats, base) == expected


def test_decide_nomination_counts_on_summoned_with_write_ins() -> None:
    # S = 10, C = 9: a write-in with 6 votes is selected (12 > 10); A with 2, B with 1 are not.
    round_ = make_round(NOMI, write_ins=True)
    counts = Counts(summoned=10, present=9, issued=9, collected=9)
    totals = Totals(valid=9, rows={N1: (2,), N2: (1,)}, not_counted={N1: 0, N2: 0}, write_ins={"Lê Văn Cường": 6})
    result = decide(round_, make_nominees(2), counts, totals)
    assert [(n.nominee_id, n.name, n.counts, n.selection) for n in result.nominees] == [
        (N1, "Nguyễn Văn An", (2,), None),
        (N2, "Trần Thị Bình", (1,), None),
        (None, "Lê Văn Cường", (6,), SEL),
    ]
    assert not result.tie
    assert result.problems == ()


def test_decide_nomination_exactly_half_of_summoned_goes_forward() -> None:
    # S = 10, C = 9: A has 5, exactly half of S; on C (10 > 9) A would wrongly be selected.
    counts = Counts(summoned=10, present=9, issued=9, collected=9)
    totals = Totals(valid=9, rows={N1: (5,), N2: (3,), N3: (1,)})
    result = decide(make_round(NOMI), make_nominees(), counts, totals)
    assert [n.selection for n in result.nominees] == [FWD, FWD, None]
    assert [n.percents[0].display for n in result.nominees] == ["50,00%", "30,00%", "10,00%"]


def test_decide_flags_a_tie_that_changes_who_goes_forward() -> None:
    counts = Counts(summoned=10, present=10, issued=10, collected=10)
    totals = Totals(valid=10, rows={N1: (4,), N2: (3,), N3: (3,)})
    result = decide(make_round(NOMI), make_nominees(), counts, totals)
    assert [n.selection for n in result.nominees] == [FWD, TIE, TIE]
    assert [n.tied for n in result.nominees] == [False, True, True]
    assert result.tie


def test_decide_tie_at_first_place_when_nobody_passes_is_not_flagged() -> None:
    counts = Counts(summoned=10, present=10, issued=10, collected=10)
    totals = Totals(valid=10, rows={N1: (4,), N2: (4,), N3: (2,)})
    result = decide(make_round(NOMI), make_nominees(), counts, totals)
    assert [n.selection for n in result.nominees] == [FWD, FWD, None]
    assert not result.tie


# ---------------------------------------------------------------- §4.8 classify: confidence


@pytest.mark.parametrize(
    ("policy", "rows", "valid", "reasons", "void"),
    [
        pytest.param(WHOLE, {1: {0}, 2: {1}, 3: {2}}, True, set(), set(), id="whole-clean"),
        pytest.param(WHOLE, {1: {0}, 2: {1}, 3: set()}, False, {Reason.ROW_MARKS}, set(), id="whole-empty-row"),
        pytest.param(WHOLE, {1: {0}, 2: {1}}, False, {Reason.ROW_MARKS}, set(), id="whole-missing-row"),
        pytest.param(WHOLE, {1: {0, 1}, 2: {1}, 3: {2}}, False, {Reason.ROW_MARKS}, set(), id="whole-2-marks"),
        pytest.param(WHOLE, {1: {0, 1, 2}, 2: {1}, 3: {2}}, False, {Reason.ROW_MARKS}, set(), id="whole-3-marks"),
        pytest.param(None, {1: {0}, 2: set(), 3: {2}}, False, {Reason.ROW_MARKS}, set(), id="default-is-whole"),
        pytest.param(PER_ROW, {1: {0}, 2: {1}, 3: {2}}, True, set(), set(), id="per-row-clean"),
        pytest.param(PER_ROW, {1: {0}, 2: {1}, 3: set()}, True, set(), {3}, id="per-row-empty-row"),
        pytest.param(PER_ROW, {1: {0, 1}, 2: {1}, 3: {2}}, True, set(), {1}, id="per-row-2-marks"),
        pytest.param(PER_ROW, {1: {0, 1, 2}, 2: set(), 3: {2}}, True, set(), {1, 2}, id="per-row-3-marks"),
        pytest.param(PER_ROW, {1: {2}}, True, set(), {2, 3}, id="per-row-missing-rows"),
    ],
)
def test_classify_confidence(
    policy: InvalidPolicy | None, rows: dict[int, set[int]], valid: bool, reasons: set[Reason], void: set[int]
) -> None:
    validity = classify(ballot(rows), make_round(CONF, invalid_policy=policy), IDS)
    assert validity.valid is valid
    assert validity.reasons == frozenset(reasons)
    assert validity.void_rows == ids(void)


# ---------------------------------------------------------------- §4.8 classify: approval (0 agree, 1 disagree)


@pytest.mark.parametrize(
    ("policy", "blank_is_disagree", "rows", "valid", "reasons", "void"),
    [
        pytest.param(PER_ROW, False, {1: {0}, 2: {1}, 3: {0}}, True, set(), set(), id="clean"),
        pytest.param(PER_ROW, False, {1: {0, 1}, 2: {1}, 3: {0}}, True, set(), {1}, id="both"),
        pytest.param(PER_ROW, False, {1: set(), 2: {1}, 3: {0}}, True, set(), {1}, id="neither"),
        pytest.param(PER_ROW, False, {}, True, set(), {1, 2, 3}, id="blank-not-counted"),
        pytest.param(PER_ROW, False, {1: set(), 2: set(), 3: set()}, True, set(), {1, 2, 3}, id="blank-explicit"),
        pytest.param(PER_ROW, True, {}, True, set(), set(), id="blank-is-disagree"),
        pytest.param(PER_ROW, True, {1: {0}}, True, set(), {2, 3}, id="partly-blank-is-not-blank"),
        pytest.param(PER_ROW, True, {1: {0, 1}, 2: {1}, 3: {1}}, True, set(), {1}, id="both-with-blank-rule"),
        pytest.param(WHOLE, False, {1: {0, 1}, 2: {1}, 3: {0}}, False, {Reason.ROW_MARKS}, set(), id="whole-both"),
        pytest.param(WHOLE, False, {1: set(), 2: {1}, 3: {0}}, True, set(), {1}, id="whole-neither-valid"),
        pytest.param(WHOLE, False, {}, True, set(), {1, 2, 3}, id="whole-blank"),
        pytest.param(WHOLE, True, {}, True, set(), set(), id="whole-blank-is-disagree"),
        pytest.param(None, False, {1: {0, 1}, 2: {1}, 3: {0}}, True, set(), {1}, id="default-is-per-row"),
    ],
)
def test_classify_approval(
    policy: InvalidPolicy | None,
    blank_is_disagree: bool,
    rows: dict[int, set[int]],
    valid: bool,
    reasons: set[Reason],
    void: set[int],
) -> None:
    round_ = make_round(APPR, invalid_policy=policy, blank_is_disagree=blank_is_disagree)
    validity = classify(ballot(rows), round_, IDS)
    assert validity.valid is valid
    assert validity.reasons == frozenset(reasons)
    assert validity.void_rows == ids(void)


@pytest.mark.parametrize(
    ("blank_is_disagree", "expected_rows", "expected_not_counted"),
    [
        # 2 blank ballots + 1 ballot agreeing with everyone
        (True, (1, 2), 0),  # blank = valid, disagree with all
        (False, (1, 0), 2),  # blank rows are simply not an agreement
    ],
)
def test_tally_blank_approval_ballots(
    blank_is_disagree: bool, expected_rows: tuple[int, int], expected_not_counted: int
) -> None:
    round_ = make_round(APPR, blank_is_disagree=blank_is_disagree)
    ballots = [ballot({}), ballot({1: set(), 2: set(), 3: set()}), ballot({1: {0}, 2: {0}, 3: {0}})]
    totals = tally(round_, make_nominees(), ballots)
    assert (totals.valid, totals.invalid) == (3, 0)
    assert totals.rows == {n: expected_rows for n in IDS}
    # not_counted lists only the nominees with something not counted
    assert totals.not_counted == ({n: expected_not_counted for n in IDS} if expected_not_counted else {})


# ---------------------------------------------------------------- §4.8 classify: nomination

LONG = "Lê Văn Tám"


@pytest.mark.parametrize(
    ("seats", "allow_write_ins", "chosen", "write_ins", "reasons"),
    [
        pytest.param(1, False, {1}, (), set(), id="one-of-one"),
        pytest.param(1, False, set(), (), set(), id="none-chosen-is-valid"),
        pytest.param(1, False, {1, 2}, (), {Reason.TOO_MANY}, id="two-of-one"),
        pytest.param(1, True, set(), (LONG,), set(), id="write-in-alone"),
        pytest.param(1, True, {1}, (LONG,), {Reason.TOO_MANY}, id="write-in-counts-toward-n"),
        pytest.param(2, True, {1}, (LONG,), set(), id="two-of-two-with-write-in"),
        pytest.param(2, True, {1, 2}, (LONG,), {Reason.TOO_MANY}, id="three-of-two-with-write-in"),
        pytest.param(2, True, set(), ("A", "B", "C"), {Reason.TOO_MANY}, id="three-write-ins-of-two"),
        pytest.param(3, False, {1, 2, 3}, (), set(), id="three-of-three"),
        pytest.param(1, False, set(), (LONG,), {Reason.EXTRA_CONTENT}, id="write-in-not-allowed"),
        pytest.param(
            1, False, {1}, (LONG,), {Reason.EXTRA_CONTENT, Reason.TOO_MANY}, id="write-in-not-allowed-too-many"
        ),
        pytest.param(2, False, {1}, (LONG,), {Reason.EXTRA_CONTENT}, id="write-in-not-allowed-two-seats"),
    ],
)
def test_classify_nomination(
    seats: int, allow_write_ins: bool, chosen: set[int], write_ins: tuple[str, ...], reasons: set[Reason]
) -> None:
    round_ = make_round(NOMI, seats=seats, write_ins=allow_write_ins)
    validity = classify(ballot({n: {0} for n in chosen}, write_ins), round_, IDS)
    assert validity.valid is (not reasons)
    assert validity.reasons == frozenset(reasons)
    assert validity.void_rows == frozenset()


# ---------------------------------------------------------------- §4.8 declared reasons and shape errors

CLEAN_ROWS = {
    CONF: {1: {0}, 2: {1}, 3: {2}},
    APPR: {1: {0}, 2: {1}, 3: {0}},
    NOMI: {1: {0}},
}


@pytest.mark.parametrize("kind", [CONF, APPR, NOMI])
@pytest.mark.parametrize("reason", [Reason.CROSSED_NAME, Reason.EXTRA_CONTENT, Reason.UNREADABLE])
def test_declared_reason_makes_ballot_invalid(kind: RoundKind, reason: Reason) -> None:
    round_ = make_round(kind)
    assert classify(ballot(CLEAN_ROWS[kind]), round_, IDS).valid
    validity = classify(ballot(CLEAN_ROWS[kind], declared={reason}), round_, IDS)
    assert not validity.valid
    assert validity.reasons == {reason}
    assert validity.void_rows == frozenset()


def test_declared_and_found_reasons_are_all_kept() -> None:
    marks = ballot({1: {0}, 2: {1}, 3: set()}, declared={Reason.CROSSED_NAME, Reason.UNREADABLE})
    validity = classify(marks, make_round(CONF), IDS)
    assert validity.reasons == {Reason.CROSSED_NAME, Reason.UNREADABLE, Reason.ROW_MARKS}


@pytest.mark.parametrize(
    ("kind", "marks"),
    [
        pytest.param(CONF, ballot(CLEAN_ROWS[CONF], declared={Reason.NOT_ISSUED}), id="declared-not-issued"),
        pytest.param(CONF, ballot(CLEAN_ROWS[CONF], declared={Reason.DUPLICATE}), id="declared-duplicate"),
        pytest.param(NOMI, ballot({1: {0}}, declared={Reason.NOT_ISSUED}), id="nomination-not-issued"),
        pytest.param(CONF, ballot({1: {0}, 2: {1}, 3: {2}, 99: {0}}), id="unknown-nominee"),
        pytest.param(APPR, ballot({99: {0}}), id="unknown-nominee-approval"),
        pytest.param(CONF, ballot({1: {3}, 2: {1}, 3: {2}}), id="confidence-box-3"),
        pytest.param(CONF, ballot({1: {-1}, 2: {1}, 3: {2}}), id="confidence-box-negative"),
        pytest.param(APPR, ballot({1: {2}, 2: {1}, 3: {0}}), id="approval-box-2"),
        pytest.param(NOMI, ballot({1: {1}}), id="nomination-box-1"),
    ],
)
def test_impossible_ballot_shapes_raise(kind: RoundKind, marks: BallotMarks) -> None:
    with pytest.raises(BallotShapeError):
        classify(marks, make_round(kind, write_ins=True), IDS)
    with pytest.raises(BallotShapeError):
        tally(make_round(kind, write_ins=True), make_nominees(), [marks])


# ---------------------------------------------------------------- tally


def test_tally_per_row_confidence() -> None:
    round_ = make_round(CONF, invalid_policy=PER_ROW)
    ballots = [
        ballot({1: {0}, 2: {1}, 3: {2}}),
        ballot({1: {0}, 2: {0}, 3: set()}),  # row 3 void
        ballot({1: {2}, 2: {1, 2}, 3: {2}}),  # row 2 void
        ballot({1: {0}, 2: {1}, 3: {2}}, declared={Reason.UNREADABLE}),  # invalid
        ballot({1: {0}}),  # rows 2 and 3 void
    ]
    totals = tally(round_, make_nominees(), ballots)
    assert (totals.valid, totals.invalid, totals.collected) == (4, 1, 5)
    assert totals.invalid_reasons == {Reason.UNREADABLE: 1}
    assert totals.rows == {N1: (3, 0, 1), N2: (1, 1, 0), N3: (0, 0, 2)}
    assert totals.not_counted == {N2: 2, N3: 2}


def test_tally_whole_ballot_confidence() -> None:
    ballots = [
        ballot({1: {0}, 2: {1}, 3: {2}}),
        ballot({1: {0}, 2: {0}, 3: set()}),  # invalid: row_marks
        ballot({1: {2}, 2: {1, 2}, 3: {2}}, declared={Reason.CROSSED_NAME}),  # invalid: both reasons
        ballot({1: {1}, 2: {2}, 3: {2}}),
    ]
    totals = tally(make_round(CONF), make_nominees(), ballots)
    assert (totals.valid, totals.invalid) == (2, 2)
    assert totals.invalid_reasons == {Reason.ROW_MARKS: 2, Reason.CROSSED_NAME: 1}
    assert totals.rows == {N1: (1, 1, 0), N2: (0, 1, 1), N3: (0, 0, 2)}
    assert totals.not_counted == {}


def test_tally_nomination_with_write_ins() -> None:
    round_ = make_round(NOMI, seats=2, write_ins=True)
    ballots = [
        ballot({1: {0}}, (LONG,)),
        ballot({1: {0}, 2: {0}}),
        ballot({2: {0}}, (LONG,)),
        ballot({1: {0}, 2: {0}}, (LONG,)),  # too many
        ballot({}),
    ]
    totals = tally(round_, make_nominees(), ballots)
    assert (totals.valid, totals.invalid) == (4, 1)
    assert totals.invalid_reasons == {Reason.TOO_MANY: 1}
    assert totals.rows == {N1: (2,), N2: (2,), N3: (0,)}
    assert totals.write_ins == {LONG: 2}


# ---------------------------------------------------------------- Totals: ballots + tally sheet + set aside


def test_totals_add_ballots_sheet_and_set_aside() -> None:
    round_ = make_round(CONF)
    entered = tally(
        round_,
        make_nominees(2),
        [
            ballot({1: {0}, 2: {2}}),
            ballot({1: {1}, 2: {2}}),
            ballot({1: {0}}),  # row 2 empty: invalid (row_marks)
        ],
    )
    assert entered == Totals(
        valid=2,
        invalid=1,
        invalid_reasons={Reason.ROW_MARKS: 1},
        rows={N1: (1, 1, 0), N2: (0, 0, 2)},
    )
    sheet = TallySheet(
        valid=5,
        invalid={Reason.UNREADABLE: 1, Reason.CROSSED_NAME: 0},
        rows={N1: (3, 1, 1), N2: (1, 1, 3)},
    )
    assert sheet.collected == 6
    from_sheet = sheet_totals(sheet)
    assert (from_sheet.valid, from_sheet.invalid) == (5, 1)
    assert from_sheet.invalid_reasons == {Reason.UNREADABLE: 1}
    set_aside = set_aside_totals(
        [frozenset({Reason.NOT_ISSUED}), frozenset({Reason.DUPLICATE}), frozenset({Reason.NOT_ISSUED})]
    )
    assert set_aside == Totals(invalid=3, invalid_reasons={Reason.NOT_ISSUED: 2, Reason.DUPLICATE: 1})

    total = entered + from_sheet + set_aside
    assert (total.valid, total.invalid, total.collected) == (7, 5, 12)
    assert total.invalid_reasons == {
        Reason.ROW_MARKS: 1,
        Reason.UNREADABLE: 1,
        Reason.NOT_ISSUED: 2,
        Reason.DUPLICATE: 1,
    }
    assert total.rows == {N1: (4, 2, 1), N2: (1, 1, 5)}
    assert total.not_counted == {}
    # the order of adding does not matter
    assert set_aside + from_sheet + entered == total
    assert Totals() + total == total == total + Totals()


def test_totals_add_merges_write_ins() -> None:
    entered = tally(make_round(NOMI, write_ins=True), make_nominees(1), [ballot({}, (LONG,)), ballot({1: {0}})])
    sheet = sheet_totals(TallySheet(valid=3, invalid={}, rows={N1: (1,)}, write_ins={LONG: 2, "Phạm Thị Hoa": 1}))
    total = entered + sheet
    assert total.rows == {N1: (2,)}
    assert total.write_ins == {LONG: 3, "Phạm Thị Hoa": 1}
    assert total.valid == 5


# ---------------------------------------------------------------- §4.2 reconciliation

CLEAN_COUNTS = Counts(summoned=10, present=8, issued=8, collected=8)
CLEAN_TOTALS = Totals(valid=7, invalid=1, invalid_reasons={Reason.UNREADABLE: 1}, rows={N1: (3, 3, 1)})


def _t(valid: int = 7, invalid: int = 1, **kwargs: Any) -> Totals:
    return Totals(valid=valid, invalid=invalid, **kwargs)


@pytest.mark.parametrize(
    ("kind", "seats", "counts", "totals", "expected"),
    [
        pytest.param(CONF, 1, CLEAN_COUNTS, CLEAN_TOTALS, set(), id="clean"),
        pytest.param(CONF, 1, Counts(9, 9, 9, 9), _t(8, 1, rows={N1: (8, 0, 0)}), set(), id="clean-all-equal"),
        pytest.param(CONF, 1, Counts(10, 8, 8, None), CLEAN_TOTALS, set(), id="clean-no-physical-count"),
        pytest.param(CONF, 1, Counts(13, 8, 8, 8), CLEAN_TOTALS, {ProblemCode.NO_QUORUM}, id="no-quorum"),
        pytest.param(CONF, 1, Counts(10, 8, 7, 8), CLEAN_TOTALS, {ProblemCode.COLLECTED_OVER_ISSUED}, id="c-over-i"),
        pytest.param(CONF, 1, Counts(10, 8, 9, 8), CLEAN_TOTALS, {ProblemCode.ISSUED_OVER_PRESENT}, id="i-over-p"),
        pytest.param(CONF, 1, Counts(7, 8, 8, 8), CLEAN_TOTALS, {ProblemCode.PRESENT_OVER_SUMMONED}, id="p-over-s"),
        pytest.param(
            CONF, 1, Counts(10, 8, 8, 7), CLEAN_TOTALS, {ProblemCode.ENTERED_NOT_PHYSICAL}, id="entered-7-vs-8"
        ),
        pytest.param(
            CONF, 1, Counts(10, 9, 9, 9), CLEAN_TOTALS, {ProblemCode.ENTERED_NOT_PHYSICAL}, id="entered-9-vs-8"
        ),
        pytest.param(
            CONF, 1, CLEAN_COUNTS, _t(rows={N1: (4, 3, 1)}), {ProblemCode.NOMINEE_OVER_VALID}, id="conf-over-v"
        ),
        pytest.param(APPR, 1, CLEAN_COUNTS, _t(rows={N1: (4, 3)}), set(), id="approval-at-v"),
        pytest.param(
            APPR, 1, CLEAN_COUNTS, _t(rows={N1: (5, 3)}), {ProblemCode.NOMINEE_OVER_VALID}, id="approval-over-v"
        ),
        pytest.param(NOMI, 2, CLEAN_COUNTS, _t(rows={N1: (7,)}), set(), id="nomination-at-v"),
        pytest.param(
            NOMI, 2, CLEAN_COUNTS, _t(rows={N1: (8,)}), {ProblemCode.NOMINEE_OVER_VALID}, id="nomination-over-v"
        ),
        pytest.param(NOMI, 1, CLEAN_COUNTS, _t(rows={N1: (4,), N2: (3,)}), set(), id="votes-at-seats-v"),
        pytest.param(
            NOMI,
            1,
            CLEAN_COUNTS,
            _t(rows={N1: (4,), N2: (4,)}),
            {ProblemCode.VOTES_OVER_SEATS},
            id="votes-over-seats-v",
        ),
        pytest.param(
            NOMI,
            1,
            CLEAN_COUNTS,
            _t(rows={N1: (4,), N2: (3,)}, write_ins={LONG: 1}),
            {ProblemCode.VOTES_OVER_SEATS},
            id="write-in-votes-over-seats-v",
        ),
        pytest.param(NOMI, 2, CLEAN_COUNTS, _t(rows={N1: (7,), N2: (7,)}), set(), id="votes-at-2-seats-v"),
        pytest.param(
            NOMI,
            2,
            CLEAN_COUNTS,
            _t(rows={N1: (7,), N2: (7,)}, write_ins={LONG: 1}),
            {ProblemCode.VOTES_OVER_SEATS},
            id="votes-over-2-seats-v",
        ),
        pytest.param(CONF, 1, Counts(10, 8, 8, None), _t(7, -1), {ProblemCode.NEGATIVE}, id="negative"),
    ],
)
def test_reconcile(kind: RoundKind, seats: int, counts: Counts, totals: Totals, expected: set[ProblemCode]) -> None:
    problems = reconcile(make_round(kind, seats=seats), counts, totals)
    assert {p.code for p in problems} == expected
    assert len(problems) == len(expected)


def test_reconcile_problem_details() -> None:
    (problem,) = reconcile(make_round(CONF), Counts(10, 9, 9, 9), CLEAN_TOTALS)
    assert (problem.code, problem.expected, problem.actual) == (ProblemCode.ENTERED_NOT_PHYSICAL, 9, 8)
    (problem,) = reconcile(make_round(CONF), CLEAN_COUNTS, _t(rows={N1: (4, 3, 1)}))
    assert (problem.nominee_id, problem.expected, problem.actual) == (N1, 7, 8)


def test_decide_base_zero_is_a_problem_and_decides_nothing() -> None:
    counts = Counts(summoned=10, present=8, issued=8, collected=8)
    totals = Totals(invalid=8, invalid_reasons={Reason.UNREADABLE: 8}, rows={N1: (0, 0, 0)})
    result = decide(make_round(CONF, percent_base=PercentBase.VALID), make_nominees(1), counts, totals)
    assert ProblemCode.BASE_ZERO in {p.code for p in result.problems}
    assert not result.reconciled
    (nominee,) = result.nominees
    assert nominee.band is None
    assert [p.display for p in nominee.percents] == ["—", "—", "—"]


def test_decide_mismatch_is_not_reconciled() -> None:
    result = decide(make_round(CONF), make_nominees(1), Counts(10, 8, 8, 9), CLEAN_TOTALS)
    assert not result.reconciled
    assert {p.code for p in result.problems} == {ProblemCode.ENTERED_NOT_PHYSICAL}


# ---------------------------------------------------------------- double entry


def test_compare_passes_identical() -> None:
    first = {"111": ballot({1: {0}, 2: {1}}), "222": ballot({1: {2}, 2: {2}})}
    second = {"222": ballot({1: {2}, 2: {2}}), "111": ballot({1: {0}, 2: {1}})}
    assert compare_passes(first, second) == ()


def test_compare_passes_missing_row_equals_empty_row() -> None:
    assert compare_passes({"111": ballot({1: {0}})}, {"111": ballot({1: {0}, 2: set()})}) == ()


def test_compare_passes_one_differing_row() -> None:
    first = {"111": ballot({1: {0}, 2: {1}}), "222": ballot({1: {2}, 2: {2}})}
    second = {"111": ballot({1: {0}, 2: {1}}), "222": ballot({1: {2}, 2: {1}})}
    assert compare_passes(first, second) == (PassDifference("222", first["222"], second["222"]),)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (ballot({1: {0}}, declared={Reason.UNREADABLE}), ballot({1: {0}})),
        (ballot({1: {0}}, (LONG,)), ballot({1: {0}})),
        (ballot({1: {0}}, (LONG,)), ballot({1: {0}}, ("Lê Văn Tam",))),
    ],
)
def test_compare_passes_other_differences(a: BallotMarks, b: BallotMarks) -> None:
    assert compare_passes({"111": a}, {"111": b}) == (PassDifference("111", a, b),)


def test_compare_passes_serial_in_one_pass_only() -> None:
    shared = ballot({1: {0}})
    only_first = ballot({1: {1}})
    only_second = ballot({1: {2}})
    first = {"111": shared, "222": only_first}
    second = {"111": shared, "333": only_second}
    assert compare_passes(first, second) == (
        PassDifference("222", only_first, None),
        PassDifference("333", None, only_second),
    )
