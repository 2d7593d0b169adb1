"""Several counting stations at once on the hall's PostgreSQL against one SQLite station (issue 16).

A PostgreSQL cluster is made in a temporary folder by the same code as `vote-counter host` (fsync on, as the host
runs it) and listens on loopback. Each configuration starts its stations as separate processes
(tests/pg/station_child.py: a real Workspace per process, signed in, entering its own printed ballots through
CountingService.record); they wait at a start line, then each enters N ballots. Timed: from the start line to the
last station's last save (saves per second of the whole hall), and each save's own latency (p50, p99).
Configurations are interleaved (SQLite 1, PG 1, PG 2, PG 4, then the reverse order, …) so load on the shared
machine hits them all; figures are medians over the runs with their p10–p90 range.

    .venv/bin/python benchmarks/bench_stations.py [--each N] [--runs R]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _stats import machine, quantile  # noqa: E402

from tests.helpers.builders import build_round  # noqa: E402
from vote_counter.domain.model import RoundKind  # noqa: E402
from vote_counter.hosting import cluster, server  # noqa: E402
from vote_counter.services.workspace import Workspace  # noqa: E402
from vote_counter.storage import pg_engine, pg_schema  # noqa: E402

CHILD = ROOT / "tests" / "pg" / "station_child.py"
CONFIGS = (
    ("SQLite, 1 station", "sqlite", 1),
    ("PostgreSQL, 1 station", "pg", 1),
    ("PostgreSQL, 2 stations", "pg", 2),
    ("PostgreSQL, 4 stations", "pg", 4),
)


def run_config(
    db: str, job_base: dict[str, object], payloads: list[list[str]], folder: Path
) -> tuple[float, list[float]]:
    go = folder / f"go-{time.monotonic_ns()}"
    children = []
    for i, own in enumerate(payloads):
        job = folder / f"job-{time.monotonic_ns()}-{i}.json"
        job.write_text(json.dumps({**job_base, "payloads": own}), encoding="utf-8")
        children.append(
            subprocess.Popen(
                [sys.executable, str(CHILD), "enter", db, f"Tổ {i + 1}", str(job), str(go)],
                stdout=subprocess.PIPE,
                text=True,
                cwd=ROOT,
            )
        )
    for child in children:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
    started = time.perf_counter()
    go.write_text("")
    latencies: list[float] = []
    saved = 0
    for child in children:
        out, _ = child.communicate(timeout=1800)
        if child.returncode != 0:
            raise SystemExit(f"a station failed: {out}")
        result = json.loads(out.strip().splitlines()[-1])
        saved += result["codes"].count("saved")
        latencies += result["latencies"]
    wall = time.perf_counter() - started
    expected = sum(len(p) for p in payloads)
    if saved != expected:
        raise SystemExit(f"saved {saved} of {expected}")
    return saved / wall, latencies


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--each", type=int, default=100, help="ballots per station per run")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="kp-bench-stations-"))
    os.environ["XDG_DATA_HOME"] = str(folder / "data")  # the stations' pg_dumps at each stage change land here
    hall = cluster.prepare(folder / "host")
    listen = server.parse_listen("127.0.0.1")
    port = server.free_port(listen.address)
    cluster.start(hall, listen, port)
    try:
        cluster.bootstrap(hall, listen, port)
        admin = pg_engine.make_pg_engine(hall.credentials.url(listen.address, port, admin=True), pool_size=1)
        pg_schema.ensure(admin, app_role=hall.credentials.app_user)
        admin.dispose()
        urls = {"pg": hall.credentials.url(listen.address, port), "sqlite": str(folder / "station.sqlite3")}
        per_run = {kind: sum(k for _l, c, k in CONFIGS if c == kind) * args.each for kind in urls}
        stock: dict[str, list[str]] = {}
        base: dict[str, dict[str, object]] = {}
        for kind, db in urls.items():
            ws = Workspace.open(db)
            built = build_round(ws, RoundKind.CONFIDENCE, nominees=10, printed=per_run[kind] * args.runs)
            stock[kind] = [b.payload for b in built.printed]
            base[kind] = {"round": built.round_id, "kind": "confidence", "ids": built.ids}
            ws.close()
        rates: dict[str, list[float]] = {label: [] for label, _c, _k in CONFIGS}
        lat: dict[str, list[float]] = {label: [] for label, _c, _k in CONFIGS}
        for r in range(args.runs):
            order = CONFIGS if r % 2 == 0 else tuple(reversed(CONFIGS))
            for label, kind, k in order:
                payloads = []
                for _ in range(k):
                    payloads.append(stock[kind][: args.each])
                    del stock[kind][: args.each]
                rate, latencies = run_config(urls[kind], base[kind], payloads, folder)
                rates[label].append(rate)
                lat[label] += latencies
        print(f"# {machine()}; {args.each} ballots per station per run, {args.runs} interleaved runs")
        for label, _c, _k in CONFIGS:
            v = rates[label]
            ms = [x * 1000 for x in lat[label]]
            print(
                f"{label:<24} saves/s median {quantile(v, 0.5):7.1f} (p10–p90 {quantile(v, 0.1):.1f}–{quantile(v, 0.9):.1f})"
                f"   save latency p50 {quantile(ms, 0.5):6.2f} ms  p99 {quantile(ms, 0.99):6.2f} ms  (n={len(ms)})"
            )
        sqlite = quantile(rates[CONFIGS[0][0]], 0.5)
        print(
            "ratio of saves/s to the SQLite station: "
            + ", ".join(f"{label} {quantile(rates[label], 0.5) / sqlite:.2f}×" for label, _c, _k in CONFIGS[1:])
        )
    finally:
        cluster.stop(hall)
        server.remove_tree(folder)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
