"""Double entry (SPEC §6): the product's list of ballots where two passes differ, against the oracle's own
reading: the same ballot iff every row has the same boxes (a row left out = no box), the same written-in names
(NFC, in any order) and the same declared reasons; a serial only one pass has is a difference."""

from __future__ import annotations

import random
import unicodedata

from vote_counter.domain.model import BallotMarks, NomineeId, Reason
from vote_counter.domain.rules import compare_passes

SEED = 18_0606
IDS = [NomineeId(k) for k in range(1, 5)]


def same_reading(
    a: dict[int, frozenset[int]], wa: list[str], da: set[str], b: dict[int, frozenset[int]], wb: list[str], db: set[str]
) -> bool:
    rows = all(a.get(k, frozenset()) == b.get(k, frozenset()) for k in range(1, 5))
    names = sorted(unicodedata.normalize("NFC", w) for w in wa) == sorted(unicodedata.normalize("NFC", w) for w in wb)
    return rows and names and da == db


def test_pass_differences_match_the_oracle() -> None:
    rng = random.Random(SEED)
    for _ in range(300):
        first: dict[str, BallotMarks] = {}
        second: dict[str, BallotMarks] = {}
        want = set()
        for n in range(rng.randint(0, 8)):
            serial = f"{n:012d}"
            rows = {k: frozenset(rng.sample(range(3), rng.randint(0, 2))) for k in range(1, 5)}
            names = rng.sample(["Đỗ Thị Thu Hà", "Ngô Quyền"], rng.randint(0, 1))
            declared = set(rng.sample(["crossed_name", "unreadable"], rng.randint(0, 1)))
            rows2, names2, declared2 = dict(rows), list(names), set(declared)
            change = rng.choice(["none", "drop-blank", "add-blank", "box", "nfd", "declared", "row-gone", "only-one"])
            if change == "drop-blank":
                rows2 = {k: v for k, v in rows2.items() if v}  # blank rows left out: the same ballot
            elif change == "add-blank":
                rows = {k: v for k, v in rows.items() if v}  # the first pass left them out, the second keyed them
            elif change == "box":
                k = rng.randint(1, 4)
                rows2[k] = rows2[k] ^ {rng.randrange(3)}
            elif change == "nfd":
                names2 = [unicodedata.normalize("NFD", w) for w in reversed(names2)]
            elif change == "declared":
                declared2 ^= {"extra_content"}
            elif change == "row-gone":
                k = rng.randint(1, 4)
                rows2.pop(k)  # a row keyed in the first pass is missing from the second
            first[serial] = BallotMarks(
                {IDS[k - 1]: v for k, v in rows.items()}, tuple(names), frozenset(Reason(r) for r in declared)
            )
            if change == "only-one":
                want.add(serial)
                continue
            second[serial] = BallotMarks(
                {IDS[k - 1]: v for k, v in rows2.items()}, tuple(names2), frozenset(Reason(r) for r in declared2)
            )
            if not same_reading(rows, names, declared, rows2, names2, declared2):
                want.add(serial)
        got = {d.serial for d in compare_passes(first, second)}
        assert got == want
        assert {d.serial for d in compare_passes(second, first)} == want  # symmetric
