"""How fast a ballot is saved when the round already holds 10,000 ballots × 50 nominees (SPEC §10: well under 20 ms).

1. 10,000 confidence ballots × 50 nominees are entered through CountingService.record into a real SQLite
   file, then 1,000 more are timed one by one: p50 / p99 / max of the save.
2. Baseline in the same run: plain sqlite3 with the same pragmas (WAL, synchronous=FULL), one row of the
   same size inserted and committed per ballot, into a table that already holds 10,000 rows. The ratio
   shows what verification, classification, the register, the audit chain and the running totals cost
   over the bare durable write.
3. A full recount at that size: a fresh Workspace on the file and counting.totals (every ballot re-read
   and re-classified), as after a restart; and the first save after a void (which also recounts).

Run: .venv/bin/python benchmarks/bench_counting.py [ballots]
"""

from __future__ import annotations

import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.helpers.builders import build_round, sign_in_known_boards, workspace_at
from vote_counter.domain.model import BallotMarks, Counts, NomineeId, RoundId, RoundKind
from vote_counter.services.workspace import Workspace

NOMINEES = 50
MEASURED = 1_000
SEED = 10_000


def marks(rng: random.Random, ids: list[NomineeId]) -> BallotMarks:
    return BallotMarks(rows={nid: frozenset({rng.randrange(3)}) for nid in ids})


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


def describe(label: str, seconds: list[float]) -> str:
    ms = [s * 1000 for s in seconds]
    return (
        f"{label:<34} p50 {percentile(ms, 0.50):7.2f} ms   p99 {percentile(ms, 0.99):7.2f} ms   "
        f"max {max(ms):7.2f} ms   mean {statistics.fmean(ms):7.2f} ms"
    )


def service_saves(path: Path, before: int) -> tuple[list[float], float, RoundId, list[NomineeId], list[str]]:
    rng = random.Random(SEED)
    with workspace_at(path) as ws:
        total = before + MEASURED + 1
        b = build_round(ws, RoundKind.CONFIDENCE, nominees=NOMINEES, printed=total, counts=Counts(total, total, total))
        ids = b.ids
        started = time.perf_counter()
        for ib in b.printed[:before]:
            ws.counting.record(b.round_id, ib.payload, marks(rng, ids))
        fill = time.perf_counter() - started
        timings = []
        for ib in b.printed[before : before + MEASURED]:
            m = marks(rng, ids)
            t0 = time.perf_counter()
            ws.counting.record(b.round_id, ib.payload, m)
            timings.append(time.perf_counter() - t0)
        spare = [ib.payload for ib in b.printed[before + MEASURED :]]
        return timings, fill, b.round_id, ids, spare


def raw_saves(path: Path, before: int, ids: list[NomineeId]) -> list[float]:
    rng = random.Random(SEED)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute(
            "CREATE TABLE ballots (id INTEGER PRIMARY KEY, round_id INTEGER, serial TEXT, pass_no INTEGER, "
            "marks TEXT, valid INTEGER, reasons TEXT, status TEXT, set_aside INTEGER)"
        )
        conn.execute("CREATE INDEX ix ON ballots (round_id, serial, pass_no)")

        def row(i: int) -> tuple[object, ...]:
            text = json.dumps(
                {"rows": {str(nid): [rng.randrange(3)] for nid in ids}, "write_ins": [], "declared": []},
                separators=(",", ":"),
            )
            return (1, f"{i:012d}", 1, text, 1, "", "active", 0)

        insert = "INSERT INTO ballots (round_id, serial, pass_no, marks, valid, reasons, status, set_aside) VALUES (?,?,?,?,?,?,?,?)"
        conn.execute("BEGIN")
        conn.executemany(insert, (row(i) for i in range(before)))
        conn.execute("COMMIT")
        timings = []
        for i in range(before, before + MEASURED):
            values = row(i)
            t0 = time.perf_counter()
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(insert, values)
            conn.execute("COMMIT")
            timings.append(time.perf_counter() - t0)
        return timings
    finally:
        conn.close()


def main(argv: list[str]) -> int:
    before = int(argv[1]) if len(argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "bench.sqlite3"
        service, fill, round_id, ids, spare = service_saves(path, before)
        baseline = raw_saves(Path(d) / "baseline.sqlite3", before, ids)

        t0 = time.perf_counter()
        ws = Workspace.open(path)
        opened = time.perf_counter() - t0
        sign_in_known_boards(ws)  # the board signs in, as at the window
        try:
            t0 = time.perf_counter()
            totals = ws.counting.totals(round_id)
            recount = time.perf_counter() - t0
            t0 = time.perf_counter()
            ws.counting.result(round_id)
            result_cached = time.perf_counter() - t0
            assert totals.collected == before + MEASURED

            rng = random.Random(1)
            t0 = time.perf_counter()
            ws.counting.record(round_id, spare[0], marks(rng, ids))
            warm_save = time.perf_counter() - t0
            last = ws.counting.ballots(round_id)[-1]
            ws.counting.void(last.id, "đo thời gian")
            t0 = time.perf_counter()
            ws.counting.record(round_id, spare[0], marks(rng, ids))
            after_void = time.perf_counter() - t0
        finally:
            ws.close()
        size_mb = path.stat().st_size / 1e6

    print(
        f"round: confidence, {NOMINEES} nominees; {before} ballots entered first ({fill:.1f} s, {fill / before * 1000:.2f} ms each)"
    )
    print(describe(f"CountingService.record #{before + 1}–{before + MEASURED}", service))
    print(describe("raw sqlite3 insert+commit (WAL, FULL)", baseline))
    p50 = percentile(service, 0.5) / percentile(baseline, 0.5)
    p99 = percentile(service, 0.99) / percentile(baseline, 0.99)
    print(f"{'ratio service / raw':<34} p50 {p50:6.1f}×     p99 {p99:6.1f}×")
    print(f"full recount of {before + MEASURED} ballots (fresh Workspace, counting.totals): {recount * 1000:.0f} ms")
    print(f"Workspace.open {opened * 1000:.0f} ms; counting.result with warm totals {result_cached * 1000:.0f} ms")
    print(
        f"first save after reopening (totals warm) {warm_save * 1000:.1f} ms; first save after a void {after_void * 1000:.0f} ms"
    )
    print(f"database file {size_mb:.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
