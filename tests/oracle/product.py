"""The product's side of the comparison: an oracle round as the product's domain objects, and the product's
Result said in the oracle's words. Nothing here decides anything; it only translates names."""

from __future__ import annotations

from tests.oracle import oracle
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
from vote_counter.domain.rules import Approval, Band, Result, Selection

WORDS_BAND = {Band.OVER_HALF: oracle.BAND_OVER_HALF, Band.TWO_THIRDS: oracle.BAND_TWO_THIRDS}
WORDS_APPROVAL = {
    Approval.APPROVED: oracle.APPROVED,
    Approval.HALF: oracle.HALF,
    Approval.NOT_APPROVED: oracle.NOT_APPROVED,
}
WORDS_SELECTION = {Selection.SELECTED: oracle.SELECTED, Selection.FORWARD: oracle.FORWARD, Selection.TIED: oracle.TIED}


def to_round(setup: oracle.Setup, round_id: int = 1) -> Round:
    return Round(
        id=RoundId(round_id),
        meeting_id=None,
        title="Vòng kiểm tra",
        kind=RoundKind(setup.kind),
        percent_base=PercentBase(setup.base) if setup.base else None,
        invalid_policy=InvalidPolicy(setup.policy) if setup.policy else None,
        seats=setup.seats,
        write_ins=setup.write_ins,
        blank_is_disagree=setup.blank_is_disagree,
        counts=to_counts(setup),
        code="123456",
    )


def to_counts(setup: oracle.Setup) -> Counts:
    return Counts(setup.summoned, setup.present, setup.issued, setup.physical)


def to_nominees(setup: oracle.Setup, first_id: int = 1) -> list[Nominee]:
    return [
        Nominee(id=NomineeId(first_id + k), round_id=RoundId(1), full_name=name, order=k)
        for k, name in enumerate(setup.names)
    ]


def to_marks(paper: oracle.Paper, ids: list[NomineeId], *, omit_blank: bool = False) -> BallotMarks:
    """`omit_blank`: leave unmarked rows out of the mapping, as a scanner or an import may (same ballot)."""
    rows = {nid: boxes for nid, boxes in zip(ids, paper.rows, strict=True) if boxes or not omit_blank}
    return BallotMarks(rows, paper.write_ins, frozenset(Reason(r) for r in paper.declared))


def said(result: Result) -> dict[str, object]:
    """Everything the minutes print about one round, in the oracle's terms."""
    return {
        "collected": result.collected,
        "valid": result.valid,
        "invalid": result.invalid,
        "reasons": {str(r): n for r, n in result.invalid_reasons.items() if n},
        "base": str(result.base),
        "base_value": result.base_value,
        "quorum": result.quorum,
        "problems": {(str(p.code), _index(result, p.nominee_id), p.expected, p.actual) for p in result.problems},
        "lines": [
            (
                n.name,
                list(n.counts),
                n.not_counted,
                [p.display for p in n.percents],
                WORDS_BAND.get(n.band) if n.band else None,
                WORDS_APPROVAL.get(n.approval) if n.approval else None,
                WORDS_SELECTION.get(n.selection) if n.selection else None,
            )
            for n in result.nominees
        ],
    }


def _index(result: Result, nid: NomineeId | None) -> int | None:
    """A problem's nominee as its place on the ballot (the oracle knows no ids)."""
    if nid is None:
        return None
    (k,) = [k for k, n in enumerate(result.nominees) if n.nominee_id == nid]
    return k


def to_sheet(sheet: oracle.Sheet, ids: list[NomineeId]) -> TallySheet:
    return TallySheet(
        valid=sheet.valid,
        invalid={Reason(r): n for r, n in sheet.invalid.items()},
        rows={ids[k]: row for k, row in sheet.rows.items()},
        write_ins=dict(sheet.write_ins),
    )


def expected(outcome: oracle.Outcome) -> dict[str, object]:
    """The oracle's outcome in the same shape; write-ins in the product's order (most votes, then name)."""
    nominees = [x for x in outcome.lines if x.index is not None]
    written = sorted((x for x in outcome.lines if x.index is None), key=lambda x: (-x.counts[0], x.name))
    return {
        "collected": outcome.collected,
        "valid": outcome.valid,
        "invalid": outcome.invalid,
        "reasons": outcome.reasons,
        "base": outcome.base,
        "base_value": outcome.base_value,
        "quorum": outcome.quorum,
        "problems": outcome.problems,
        "lines": [
            (x.name, x.counts, x.not_counted, x.percents, x.band, x.approval, x.selection) for x in nominees + written
        ],
    }
