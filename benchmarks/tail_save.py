"""What makes the slow 1 % of ballot saves (issue 15's p99 goal): each save taken apart in time, next to the raw insert.

As bench_counting.py (a 50-nominee confidence round holding N ballots, default 10,000, on the ordinary disk; the
filled database cached by profile_save.py), `--saves` product saves interleaved with raw sqlite3 inserts +
commits (same pragmas) and the minimal correct save. Each product save is split at the points the service
already calls (the file-identity check before BEGIN and after COMMIT, `ballot_save.write_ballot`), so every
save's wall time is cut into:

- `pre`: payload, context, up to the first file-identity check;  `stat1` / `stat2`: the two checks;
- `read`: BEGIN IMMEDIATE, the one read (audit head + register line) and the classification;
- `write`: the four writes, the totals, the seals and the audit entry (Python and SQLite, before COMMIT);
- `commit`: COMMIT (its WAL writes, the fdatasync, any automatic checkpoint);  `post`: the rest.

Also per save: Python's cyclic GC time inside it (gc.callbacks) and whether the WAL was restarted (a checkpoint
ran: the WAL header's checkpoint counter moved). For the slowest 1 % of product saves (and of raw ones) it prints
which part took the time. `--gc freeze` calls gc.freeze() after the round's context is loaded (the workspace's
objects leave the collector's generations), `--gc off` disables the collector during the saves (an upper bound).

Run: .venv/bin/python benchmarks/tail_save.py [--saves 1000] [--gc default|freeze|off]
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import shutil
import struct
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _stats import Summary, machine, quantile
from profile_save import NOMINEES, cached_fill, marks, minimal_saver, raw_saver

from tests.helpers.builders import workspace_at
from vote_counter.domain.model import NomineeId
from vote_counter.services import ballot_save

PARTS = ("pre", "stat1", "read", "write", "commit", "stat2", "post")
# Context switches of this thread: involuntary ones are the scheduler taking the core away (other work on the
# shared machine), voluntary ones are waits (the fdatasync).
_WHO = getattr(resource, "RUSAGE_THREAD", resource.RUSAGE_SELF)


def switches() -> tuple[int, int]:
    ru = resource.getrusage(_WHO)
    return ru.ru_nivcsw, ru.ru_nvcsw


def wal_restarts(path: Path) -> int:
    """The WAL header's checkpoint sequence number: it moves each time a checkpoint lets the log restart."""
    try:
        with open(str(path) + "-wal", "rb") as f:
            head = f.read(16)
    except FileNotFoundError:
        return 0
    return struct.unpack(">I", head[12:16])[0] if len(head) == 16 else 0


class GcClock:
    """Time spent in Python's cyclic collector, and the oldest generation collected, since `reset`."""

    def __init__(self) -> None:
        self.spent = 0.0
        self.generation = -1
        self._start = 0.0
        gc.callbacks.append(self._on)

    def _on(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.spent += time.perf_counter() - self._start
            self.generation = max(self.generation, int(info["generation"]))

    def reset(self) -> None:
        self.spent, self.generation = 0.0, -1

    def close(self) -> None:
        gc.callbacks.remove(self._on)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--saves", type=int, default=1000)
    ap.add_argument("--ballots", type=int, default=10_000)
    ap.add_argument("--gc", choices=("default", "freeze", "off"), default="default")
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "kp-profile-save")
    args = ap.parse_args(argv[1:])
    args.cache.mkdir(exist_ok=True)
    db, info = cached_fill(args.cache, args.ballots)
    print(f"machine: {machine()}; gc {args.gc}; thresholds {gc.get_threshold()}")
    rng = random.Random(1)
    ids: list[NomineeId] = info["ids"]  # type: ignore[assignment]
    payloads: list[str] = info["payloads"]  # type: ignore[assignment]
    if args.saves + 1 > len(payloads):
        ap.error(f"--saves at most {len(payloads) - 1}")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "kp.sqlite3"
        shutil.copyfile(db, path)
        raw = raw_saver(Path(folder) / "r.sqlite3", args.ballots)
        least = minimal_saver(Path(folder) / "m.sqlite3", args.ballots, pool=args.saves + 10)
        with workspace_at(path) as ws:
            counting = ws.counting
            round_id = info["round"]
            inputs = iter([(payloads[i], marks(rng, ids)) for i in range(args.saves + 1)])
            counting.record(round_id, *next(inputs))  # type: ignore[arg-type]  # the round's context
            stamps: list[float] = []
            check = counting.check_file
            write = ballot_save.write_ballot

            def timed_check() -> None:
                stamps.append(time.perf_counter())
                check()
                stamps.append(time.perf_counter())

            def timed_write(*a: Any, **k: Any) -> Any:
                stamps.append(time.perf_counter())
                done = write(*a, **k)
                stamps.append(time.perf_counter())
                return done

            counting.check_file = timed_check
            ballot_save.write_ballot = timed_write  # type: ignore[assignment]
            clock = GcClock()
            if args.gc == "freeze":
                gc.collect()
                gc.freeze()
            elif args.gc == "off":
                gc.disable()
            rows: list[dict[str, float]] = []
            raws: list[tuple[float, float, int]] = []
            minimal: list[float] = []
            raw_preempted: list[int] = []

            def product() -> None:
                payload, m = next(inputs)
                stamps.clear()
                clock.reset()
                before = wal_restarts(path)
                sw0 = switches()
                c0, t0 = time.process_time(), time.perf_counter()
                counting.record(round_id, payload, m)  # type: ignore[arg-type]
                t1, c1 = time.perf_counter(), time.process_time()
                sw1 = switches()
                s1a, s1b, wa, wb, s2a, s2b = stamps
                parts = (s1a - t0, s1b - s1a, wa - s1b, wb - wa, s2a - wb, s2b - s2a, t1 - s2b)
                rows.append(
                    {"wall": t1 - t0, "cpu": c1 - c0, "gc": clock.spent, "gen": clock.generation}
                    | dict(zip(PARTS, parts, strict=True))
                    | {"ckpt": float(wal_restarts(path) != before), "preempted": float(sw1[0] - sw0[0])}
                )

            def baseline() -> None:
                clock.reset()
                before = wal_restarts(Path(folder) / "r.sqlite3")
                sw0 = switches()
                t0 = time.perf_counter()
                raw()
                t1 = time.perf_counter()
                raw_preempted.append(switches()[0] - sw0[0])
                raws.append((t1 - t0, clock.spent, wal_restarts(Path(folder) / "r.sqlite3") - before))

            def least_save() -> None:
                t0 = time.perf_counter()
                least()
                minimal.append(time.perf_counter() - t0)

            jobs: list[Callable[[], None]] = [product, baseline, least_save]
            for i in range(args.saves):
                for job in jobs if i % 2 == 0 else reversed(jobs):
                    job()
            gc.enable()
            gc.unfreeze()
            clock.close()
            ballot_save.write_ballot = write  # type: ignore[assignment]
            counting.check_file = check
    report(rows, raws, minimal, raw_preempted)
    return 0


def report(
    rows: list[dict[str, float]], raws: list[tuple[float, float, int]], minimal: list[float], raw_preempted: list[int]
) -> None:
    walls = Summary("CountingService.record", tuple(r["wall"] for r in rows))
    base = Summary("raw sqlite3 insert + commit", tuple(w for w, _, _ in raws))
    least = Summary("minimal save", tuple(minimal))
    for s in (walls, base, least):
        print(s.line())
    print(
        f"ratio record / raw: p50 {walls.p50 / base.p50:.2f}×  p99 {walls.p99 / base.p99:.2f}×   "
        f"minimal / raw: p50 {least.p50 / base.p50:.2f}×  p99 {least.p99 / base.p99:.2f}×"
    )
    cpu = sorted(r["cpu"] for r in rows)
    print(f"CPU per product save: p50 {quantile(cpu, 0.5) * 1000:.3f} ms  p99 {quantile(cpu, 0.99) * 1000:.3f} ms")
    n = len(rows)
    gcs = [r for r in rows if r["gen"] >= 0]
    print(
        f"GC inside a save: {len(gcs)} of {n} saves (gen 2: {sum(r['gen'] == 2 for r in gcs)}), "
        f"median {quantile([r['gc'] for r in gcs], 0.5) * 1e6:.0f} µs, max {max((r['gc'] for r in gcs), default=0) * 1e6:.0f} µs;"
        f" checkpoints in {sum(r['ckpt'] > 0 for r in rows)} product saves, {sum(c > 0 for _, _, c in raws)} raw"
    )
    print(
        "median of each part, all saves (µs): "
        + "  ".join(f"{p} {quantile([r[p] for r in rows], 0.5) * 1e6:.0f}" for p in PARTS)
    )
    cut = quantile([r["wall"] for r in rows], 0.99)
    slow = [r for r in rows if r["wall"] >= cut]
    print(f"slowest 1 % ({len(slow)} saves ≥ {cut * 1000:.3f} ms), each part in µs:")
    for r in sorted(slow, key=lambda r: -r["wall"]):
        parts = "  ".join(f"{p} {r[p] * 1e6:.0f}" for p in PARTS)
        print(
            f"  wall {r['wall'] * 1e6:6.0f}  cpu {r['cpu'] * 1e6:5.0f}  gc {r['gc'] * 1e6:4.0f} (gen {r['gen']:.0f})  ckpt {r['ckpt']:.0f}  {parts}"
        )
    # Which part makes the tail: the excess of each part in the slow saves over its median.
    med = {p: quantile([r[p] for r in rows], 0.5) for p in PARTS}
    excess = {p: sum(r[p] - med[p] for r in slow) for p in PARTS}
    excess["gc (inside the parts)"] = sum(r["gc"] for r in slow)
    total = sum(r["wall"] - walls.p50 for r in slow)
    print(
        "excess over the median in the slowest 1 %: "
        + "  ".join(f"{p} {v / total * 100:.0f} %" for p, v in excess.items())
    )
    preempted = sum(r["preempted"] > 0 for r in rows)
    print(
        f"preempted (involuntary context switch) during the save: {preempted} of {n} product saves "
        f"({preempted / n * 100:.1f} %), {sum(r['preempted'] > 0 for r in slow)} of the slowest {len(slow)}; "
        f"raw: {sum(p > 0 for p in raw_preempted)} of {len(raw_preempted)}"
    )
    rcut = quantile([w for w, _, _ in raws], 0.99)
    rslow = [(w, g, c) for w, g, c in raws if w >= rcut]
    print(
        f"raw's slowest 1 % ({len(rslow)} ≥ {rcut * 1000:.3f} ms): gc in {sum(g > 0 for _, g, _ in rslow)}, "
        f"checkpoints in {sum(c > 0 for _, _, c in rslow)}; NOMINEES {NOMINEES}"
    )


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
