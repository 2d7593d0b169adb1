"""SPEC §10 accuracy: 0 differences over ≥ 1,000,000 ballot positions, checked by an independent recount.

20,000 confidence ballots × 50 nominees (1,000,000 positions), some invalid (a row left blank or marked
twice, a crossed-out name...), plus papers set aside, all entered one by one through CountingService.record
into a real SQLite file. The oracle below is written apart from the app: its own loop over the marks kept
in memory, its own reading of SPEC §4.8 (whole-ballot policy), no call into vote_counter.domain.rules.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers.builders import build_round, workspace_at
from vote_counter.domain.model import BallotMarks, Counts, NomineeId, Reason, RoundKind
from vote_counter.domain.serials import format_serial

BALLOTS = 20_000
NOMINEES = 50
SET_ASIDE = 150
SEED = 20261122

# One byte per row: what the voter's pen left on that row. 0-2 = one level marked; the rest are not.
ROW_BOXES: tuple[frozenset[int], ...] = (
    frozenset({0}),
    frozenset({1}),
    frozenset({2}),
    frozenset(),
    frozenset({0, 1}),
    frozenset({1, 2}),
    frozenset({0, 2}),
    frozenset({0, 1, 2}),
)
DECLARED: tuple[Reason, ...] = (Reason.CROSSED_NAME, Reason.EXTRA_CONTENT, Reason.UNREADABLE)


def generate(rng: random.Random) -> tuple[list[bytes], list[int]]:
    """Each ballot's rows as bytes, and its declared reason (index into DECLARED, or -1)."""
    # Some leaders are rated low far more often than others, so every level gets real counts.
    low_share = [rng.choice((0.05, 0.2, 0.45, 0.7)) for _ in range(NOMINEES)]
    rows: list[bytes] = []
    declared: list[int] = []
    for _ in range(BALLOTS):
        row = bytearray()
        for share in low_share:
            u = rng.random()
            row.append(2 if u < share else (0 if u < share + (1 - share) * 0.6 else 1))
        if rng.random() < 0.03:  # a row left blank or marked two or three times
            row[rng.randrange(NOMINEES)] = rng.randrange(3, len(ROW_BOXES))
        rows.append(bytes(row))
        declared.append(rng.randrange(len(DECLARED)) if rng.random() < 0.01 else -1)
    return rows, declared


@dataclass(frozen=True)
class Expected:
    valid: int
    invalid: int
    reasons: dict[Reason, int]
    levels: list[tuple[int, int, int]]

    @property
    def collected(self) -> int:
        return self.valid + self.invalid


def oracle(rows: list[bytes], declared: list[int], set_aside: list[Reason]) -> Expected:
    """The independent recount: 262-QĐ/TW khoản 7.2, one bad row voids the whole ballot."""
    valid = 0
    invalid = 0
    reasons: Counter[Reason] = Counter()
    levels = [[0, 0, 0] for _ in range(NOMINEES)]
    for marks, dec in zip(rows, declared, strict=True):
        bad_row = False
        for code in marks:
            if code > 2:
                bad_row = True
                break
        if bad_row or dec >= 0:
            invalid += 1
            if bad_row:
                reasons[Reason.ROW_MARKS] += 1
            if dec >= 0:
                reasons[DECLARED[dec]] += 1
            continue
        valid += 1
        for i, code in enumerate(marks):
            levels[i][code] += 1
    for r in set_aside:
        invalid += 1
        reasons[r] += 1
    return Expected(valid, invalid, dict(reasons), [(a, b, c) for a, b, c in levels])


@pytest.mark.slow
def test_a_million_positions_without_a_difference(tmp_path: Path) -> None:
    assert BALLOTS * NOMINEES >= 1_000_000
    rng = random.Random(SEED)
    rows, declared = generate(rng)
    asides = [rng.choice((Reason.NOT_ISSUED, Reason.DUPLICATE)) for _ in range(SET_ASIDE)]
    aside_at = set(rng.sample(range(BALLOTS), SET_ASIDE))
    path = tmp_path / "accuracy.sqlite3"
    with workspace_at(path) as ws:
        b = build_round(
            ws,
            RoundKind.CONFIDENCE,
            nominees=NOMINEES,
            printed=BALLOTS,
            counts=Counts(summoned=BALLOTS + 400, present=BALLOTS + 300, issued=BALLOTS + 200),
        )
        ids: list[NomineeId] = b.ids
        assert len(ids) == NOMINEES and len(b.printed) == BALLOTS
        started = time.perf_counter()
        slowest = 0.0
        pending_asides = iter(asides)
        last = None
        for n, (issued, marks, dec) in enumerate(zip(b.printed, rows, declared, strict=True)):
            ballot = BallotMarks(
                rows={nid: ROW_BOXES[code] for nid, code in zip(ids, marks, strict=True)},
                declared=frozenset({DECLARED[dec]}) if dec >= 0 else frozenset(),
            )
            # Most ballots are scanned; every tenth serial is typed by hand as printed under the QR.
            text = format_serial(issued.serial) if n % 10 == 9 else issued.payload
            t0 = time.perf_counter()
            last = ws.counting.record(b.round_id, text, ballot)
            slowest = max(slowest, time.perf_counter() - t0)
            if n in aside_at:
                ws.counting.set_aside(b.round_id, next(pending_asides), "")
        elapsed = time.perf_counter() - started
        result = ws.counting.result(b.round_id)
        assert last is not None
        running = last.totals

    expected = oracle(rows, declared, asides)
    print(
        f"\n{BALLOTS} ballots × {NOMINEES} nominees entered in {elapsed:.1f} s "
        f"({elapsed / BALLOTS * 1000:.2f} ms per ballot, slowest {slowest * 1000:.1f} ms); "
        f"valid {expected.valid}, invalid {expected.invalid}"
    )
    assert expected.valid > 0.9 * BALLOTS and expected.invalid > 300  # the data exercise both paths

    differences: list[tuple[str, object, object]] = []
    for label, got, want in (
        ("valid", result.valid, expected.valid),
        ("invalid", result.invalid, expected.invalid),
        ("collected", result.collected, expected.collected),
        ("reasons", dict(result.invalid_reasons), expected.reasons),
    ):
        if got != want:
            differences.append((label, got, want))
    by_id = {n.nominee_id: n for n in result.nominees}
    levels = expected.levels
    for i, nid in enumerate(ids):
        counts = by_id[nid].counts
        for level in range(3):
            if counts[level] != levels[i][level]:
                differences.append((f"nominee {i + 1} level {level}", counts[level], levels[i][level]))
        if by_id[nid].not_counted != 0:
            differences.append((f"nominee {i + 1} not counted", by_id[nid].not_counted, 0))
    assert differences == []

    # The running totals shown during the count, and a recount from the file alone, agree too.
    assert (running.valid, running.invalid) == (result.valid, result.invalid)
    assert [running.rows[nid] for nid in ids] == [by_id[nid].counts for nid in ids]
    with workspace_at(path) as fresh:
        assert fresh.counting.result(b.round_id) == result
        assert fresh.audit.verify().ok
        assert fresh.register.summary(b.round_id).counted == BALLOTS
