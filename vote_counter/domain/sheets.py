"""Checks on a tally sheet (tổng hợp) as it is typed: which cell does not add up (SPEC §4.2, §6)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from vote_counter.domain.model import CHOSEN, InvalidPolicy, Nominee, NomineeId, Round, RoundKind, TallySheet


class SheetProblemCode(StrEnum):
    NEGATIVE = "negative"
    UNKNOWN_NOMINEE = "unknown_nominee"
    WRONG_WIDTH = "wrong_width"
    ROW_OVER_VALID = "row_over_valid"  # the row's counts add up to more than the valid ballots
    ROW_NOT_VALID = "row_not_valid"  # confidence, whole-ballot policy: every valid ballot marks every row once
    VOTES_OVER_SEATS = "votes_over_seats"


@dataclass(frozen=True)
class SheetProblem:
    code: SheetProblemCode
    nominee_id: NomineeId | None = None
    expected: int | None = None
    actual: int | None = None


def check_sheet(round_: Round, nominees: Sequence[Nominee], sheet: TallySheet) -> tuple[SheetProblem, ...]:
    problems: list[SheetProblem] = []
    ids = {n.id for n in nominees}
    numbers = [sheet.valid, *sheet.invalid.values(), *sheet.write_ins.values()]
    numbers += [x for row in sheet.rows.values() for x in row]
    if any(x < 0 for x in numbers):
        problems.append(SheetProblem(SheetProblemCode.NEGATIVE))
    for nid, row in sheet.rows.items():
        if nid not in ids:
            problems.append(SheetProblem(SheetProblemCode.UNKNOWN_NOMINEE, nid))
            continue
        if len(row) != round_.options:
            problems.append(SheetProblem(SheetProblemCode.WRONG_WIDTH, nid, round_.options, len(row)))
            continue
        total = row[CHOSEN] if round_.kind is RoundKind.NOMINATION else sum(row)
        strict = round_.kind is RoundKind.CONFIDENCE and round_.policy is InvalidPolicy.WHOLE_BALLOT
        if total > sheet.valid:
            problems.append(SheetProblem(SheetProblemCode.ROW_OVER_VALID, nid, sheet.valid, total))
        elif strict and total != sheet.valid:
            problems.append(SheetProblem(SheetProblemCode.ROW_NOT_VALID, nid, sheet.valid, total))
    if round_.kind is RoundKind.NOMINATION:
        votes = sum(r[CHOSEN] for r in sheet.rows.values() if r) + sum(sheet.write_ins.values())
        if votes > round_.seats * sheet.valid:
            problems.append(SheetProblem(SheetProblemCode.VOTES_OVER_SEATS, None, round_.seats * sheet.valid, votes))
    return tuple(problems)
