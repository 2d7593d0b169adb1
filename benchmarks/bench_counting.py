"""Saving a ballot at congress scale, and reading results, against SQLite's own cost (issue 15; SPEC §10).

1. A round of 50 nominees already holding N ballots (default 10,000) and a second round holding 100, both
   entered through CountingService.record (filled on a RAM disk, then copied to the ordinary temp folder).
2. Interleaved, one by one: a save through `CountingService.record` (verify payload + HMAC, register,
   classify, insert, running totals, sealed audit entry; board signed in) and two baselines with the same
   pragmas (WAL, synchronous=FULL): the raw sqlite3 insert + commit of a row of the same size into a table of
   N rows (issue 15's yardstick), and the minimal correct save (profile_save.minimal_saver: insert the ballot,
   mark the register line, rewrite the totals row, append one hash-chained audit row of the product's size, one
   commit). Wall time and CPU time (process_time) of each; medians, p10–p90, p99 and their ratios; then the WAL
   frames (pages) each appends per save.
3. Interleaved: `counting.result` on the N-ballot round and on the 100-ballot round (persisted totals: the
   ratio should stay near 1), and the full recount kept as the verification (`recount_check`).

Run: .venv/bin/python benchmarks/bench_counting.py [ballots] [measured]
"""

from __future__ import annotations

import random
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _stats import Summary, interleave, machine, ratio, timed
from profile_save import frames_per_save, minimal_saver

from tests.helpers.builders import build_round, make_meeting, workspace_at
from vote_counter.domain.model import BallotMarks, Counts, NomineeId, RoundKind

NOMINEES = 50
SMALL = 100
SEED = 10_000
RAM = Path("/dev/shm") if Path("/dev/shm").is_dir() else None


def marks(rng: random.Random, ids: list[NomineeId]) -> BallotMarks:
    return BallotMarks(rows={nid: frozenset({rng.randrange(3)}) for nid in ids})


def fill(path: Path, before: int, measured: int) -> dict[str, object]:
    rng = random.Random(SEED)
    with workspace_at(path) as ws:
        m = make_meeting(ws)
        spare = before + measured + 101  # and 100 for counting WAL frames
        big = build_round(
            ws, RoundKind.CONFIDENCE, meeting=m, nominees=NOMINEES, printed=spare, counts=Counts(spare, spare, spare)
        )
        small = build_round(
            ws, RoundKind.CONFIDENCE, meeting=m, nominees=NOMINEES, printed=SMALL, counts=Counts(SMALL, SMALL, SMALL)
        )
        for ib in small.printed:
            ws.counting.record(small.round_id, ib.payload, marks(rng, small.ids))
        t0 = time.perf_counter()
        for ib in big.printed[:before]:
            ws.counting.record(big.round_id, ib.payload, marks(rng, big.ids))
        seconds = time.perf_counter() - t0
    return {
        "big": big.round_id,
        "small": small.round_id,
        "ids": big.ids,
        "payloads": [ib.payload for ib in big.printed[before:]],
        "fill_ms": seconds / max(before, 1) * 1000,
    }


def raw_table(path: Path, before: int, ids: list[NomineeId]) -> tuple[sqlite3.Connection, object]:
    rng = random.Random(SEED)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute(
        "CREATE TABLE ballots (id INTEGER PRIMARY KEY, round_id INTEGER, serial TEXT, pass_no INTEGER, "
        "marks TEXT, valid INTEGER, reasons TEXT, status TEXT, set_aside INTEGER)"
    )
    conn.execute("CREATE INDEX ix ON ballots (round_id, serial, pass_no)")
    insert = "INSERT INTO ballots (round_id, serial, pass_no, marks, valid, reasons, status, set_aside) VALUES (?,?,?,?,?,?,?,?)"
    counter = iter(range(10**9))

    def row() -> tuple[object, ...]:
        text = "2|" + ",".join(f"{nid}:{1 << rng.randrange(3)}" for nid in ids)  # the product's stored form
        return (1, f"{next(counter):012d}", 1, text, 1, "", "active", 0)

    conn.execute("BEGIN")
    conn.executemany(insert, (row() for _ in range(before)))
    conn.execute("COMMIT")
    return conn, (insert, row)


def main(argv: list[str]) -> int:
    before = int(argv[1]) if len(argv) > 1 else 10_000
    measured = int(argv[2]) if len(argv) > 2 else min(1_000, max(before // 10, 20))
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(dir=RAM) as ram, tempfile.TemporaryDirectory() as disk:
        t0 = time.perf_counter()
        info = fill(Path(ram) / "kp.sqlite3", before, measured)
        filled = time.perf_counter() - t0
        shutil.copyfile(Path(ram) / "kp.sqlite3", Path(disk) / "kp.sqlite3")
        path = Path(disk) / "kp.sqlite3"
        ids: list[NomineeId] = info["ids"]  # type: ignore[assignment]
        conn, (insert, row) = raw_table(Path(disk) / "raw.sqlite3", before, ids)  # type: ignore[misc]
        minimal = minimal_saver(Path(disk) / "minimal.sqlite3", before, pool=measured + 60)
        rng = random.Random(1)
        payloads = iter(info["payloads"])  # type: ignore[call-overload]
        cpu: dict[str, list[float]] = {"product": [], "raw": [], "minimal": []}

        with workspace_at(path) as ws:
            big, small = info["big"], info["small"]
            ws.counting.record(big, next(payloads), marks(rng, ids))  # type: ignore[arg-type]  # first save: context

            def product() -> float:
                m = marks(rng, ids)
                payload = next(payloads)
                c0, t0 = time.process_time(), time.perf_counter()
                ws.counting.record(big, payload, m)  # type: ignore[arg-type]
                t1 = time.perf_counter()
                cpu["product"].append(time.process_time() - c0)
                return t1 - t0

            def raw() -> float:
                values = row()
                c0, t0 = time.process_time(), time.perf_counter()
                conn.execute("BEGIN IMMEDIATE")
                conn.execute(insert, values)
                conn.execute("COMMIT")
                t1 = time.perf_counter()
                cpu["raw"].append(time.process_time() - c0)
                return t1 - t0

            def raw_untimed() -> None:
                values = row()
                conn.execute("BEGIN IMMEDIATE")
                conn.execute(insert, values)
                conn.execute("COMMIT")

            def least() -> float:
                c0, t0 = time.process_time(), time.perf_counter()
                minimal()
                t1 = time.perf_counter()
                cpu["minimal"].append(time.process_time() - c0)
                return t1 - t0

            save, base, least_save = interleave(
                measured - 1,
                ("CountingService.record", product),
                ("raw sqlite3 insert + commit", raw),
                ("minimal save (4 rows, 1 commit)", least),
            )
            frames = {
                "product": frames_per_save(path, lambda: ws.counting.record(big, next(payloads), marks(rng, ids)), 50),  # type: ignore[arg-type]
                "raw": frames_per_save(Path(disk) / "raw.sqlite3", raw_untimed, 50),
                "minimal": frames_per_save(Path(disk) / "minimal.sqlite3", minimal, 50),
            }
            results_big, results_small = interleave(
                200,
                (f"counting.result, {before:,} ballots", timed(lambda: ws.counting.result(big))),  # type: ignore[arg-type]
                (f"counting.result, {SMALL} ballots", timed(lambda: ws.counting.result(small))),  # type: ignore[arg-type]
            )
            recount = interleave(
                3,
                (f"recount_check (full recount), {before + measured:,}", timed(lambda: ws.counting.recount_check(big))),
            )[0]  # type: ignore[arg-type]
            assert ws.counting.recount_check(big).matches  # type: ignore[arg-type]
        conn.close()
        size = path.stat().st_size / 1e6

    print(
        f"round: confidence, {NOMINEES} nominees; {before:,} ballots entered first ({info['fill_ms']:.2f} ms each on a RAM disk, {filled:.0f} s)"
    )
    print(save.line())
    print(base.line())
    print(least_save.line())
    cpus = {k: Summary(f"CPU {k}", tuple(v)) for k, v in cpu.items()}
    for c in cpus.values():
        print(c.line())
    for other, summary in (("raw", base), ("minimal", least_save)):
        print(
            f"{'ratio record / ' + other:<44} wall p50 {ratio(save, summary):.2f}×   "
            f"wall p99 {ratio(save, summary, 0.99):.2f}×   CPU p50 {ratio(cpus['product'], cpus[other]):.2f}× "
            f"({cpus['product'].p50 * 1000:.3f} / {cpus[other].p50 * 1000:.3f} ms)"
        )
    # The floor (issue 15's open p99 question): what the least correct save itself gets against the raw insert.
    print(
        f"{'ratio minimal / raw':<44} wall p50 {ratio(least_save, base):.2f}×   "
        f"wall p99 {ratio(least_save, base, 0.99):.2f}×   CPU p50 {ratio(cpus['minimal'], cpus['raw']):.2f}×"
    )
    print("WAL frames (pages) per save: " + "   ".join(f"{k} {v:.2f}" for k, v in frames.items()))
    print(results_big.line())
    print(results_small.line())
    print(
        f"{'ratio result ' + f'{before:,} / {SMALL}':<44} p50 {ratio(results_big, results_small):.2f}×   "
        f"p10 {ratio(results_big, results_small, 0.1):.2f}×"
    )
    print(recount.line())
    print(f"database file {size:.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
