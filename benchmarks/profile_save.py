"""One ballot save, taken apart: CPU profile, instruction counts and pages written (issue 15).

A 50-nominee confidence round holding N ballots (default 10,000) is filled once through the services and kept in
a cache folder (`--cache`, default the temp folder); each run works on a fresh copy. Modes:

- `profile`: cProfile over `--saves` saves, the top functions by own and cumulative time;
- `count`: `--saves` saves of `--what` (product | minimal | raw) and nothing else, for instruction counts:
  run it twice under `valgrind --tool=callgrind` with two numbers of saves; the difference of the two totals
  divided by the difference of saves is the cost of one save, start-up and fill excluded (`callgrind.sh` below);
- `pages`: WAL frames appended per save (product, minimal, raw), read from the WAL file's size;
- `cpu`: CPU time (process_time) per save, median and p10–p90, to compare two versions run in alternation.

The baselines, as in bench_counting.py: `raw` is sqlite3's own insert + commit of a row of the same size (same
pragmas: WAL, synchronous=FULL); `minimal` is what a minimal correct save must do in one commit with the same
pragmas: insert the ballot row, mark its register line counted, update the running totals row and append one
audit row (of the product's size, hash chained), with no verification, classification or sealing.

Run: .venv/bin/python benchmarks/profile_save.py profile|count|pages [--saves N] [--what product] [--ballots N]
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import io
import json
import pstats
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.helpers.builders import build_round, make_meeting, workspace_at
from vote_counter.domain.model import BallotMarks, Counts, NomineeId, RoundKind
from vote_counter.services.workspace import Workspace

NOMINEES = 50
SEED = 10_000
SPARE = 5_000
# Inputs are made up front, always this many, so that two runs with different numbers of saves differ by the
# saves alone (callgrind_save.sh).
POOL = 1_100


def marks(rng: random.Random, ids: list[NomineeId]) -> BallotMarks:
    return BallotMarks(rows={nid: frozenset({rng.randrange(3)}) for nid in ids})


def cached_fill(cache: Path, ballots: int) -> tuple[Path, dict[str, object]]:
    """The filled database and what the runs need of it, made once per size."""
    db, meta = cache / f"kp-{ballots}.sqlite3", cache / f"kp-{ballots}.json"
    if not (db.exists() and meta.exists()):
        rng = random.Random(SEED)
        tmp = cache / "filling.sqlite3"
        for leftover in cache.glob("filling.sqlite3*"):
            leftover.unlink()
        with workspace_at(tmp) as ws:
            m = make_meeting(ws)
            spare = ballots + SPARE
            big = build_round(
                ws,
                RoundKind.CONFIDENCE,
                meeting=m,
                nominees=NOMINEES,
                printed=spare,
                counts=Counts(spare, spare, spare),
            )
            for ib in big.printed[:ballots]:
                ws.counting.record(big.round_id, ib.payload, marks(rng, big.ids))
        tmp.rename(db)
        info = {"round": big.round_id, "ids": big.ids, "payloads": [ib.payload for ib in big.printed[ballots:]]}
        meta.write_text(json.dumps(info))
    return db, json.loads(meta.read_text())


@contextmanager
def fresh_copy(db: Path) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "kp.sqlite3"
        shutil.copyfile(db, target)
        yield target


def product_saver(ws: Workspace, info: dict[str, object]) -> Callable[[], None]:
    rng = random.Random(1)
    ids: list[NomineeId] = info["ids"]  # type: ignore[assignment]
    payloads: list[str] = info["payloads"]  # type: ignore[assignment]
    inputs = iter([(payloads[i], marks(rng, ids)) for i in range(POOL + 1)])
    round_id = info["round"]
    ws.counting.record(round_id, *next(inputs))  # type: ignore[arg-type]  # the round's context

    def save() -> None:
        ws.counting.record(round_id, *next(inputs))  # type: ignore[arg-type]

    return save


def raw_conn(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    return conn


def raw_saver(path: Path, before: int) -> Callable[[], None]:
    """sqlite3's insert + commit of a row of the product's size into a table of `before` rows."""
    rng = random.Random(SEED)
    conn = raw_conn(path)
    conn.execute(
        "CREATE TABLE ballots (id INTEGER PRIMARY KEY, round_id INTEGER, serial TEXT, pass_no INTEGER, "
        "marks TEXT, valid INTEGER, reasons TEXT, status TEXT, set_aside INTEGER)"
    )
    conn.execute("CREATE INDEX ix ON ballots (round_id, serial, pass_no)")
    insert = "INSERT INTO ballots (round_id, serial, pass_no, marks, valid, reasons, status, set_aside) VALUES (?,?,?,?,?,?,?,?)"
    counter = iter(range(10**9))

    def row() -> tuple[object, ...]:
        text = "2|" + ",".join(f"{n}:{1 << rng.randrange(3)}" for n in range(NOMINEES))
        return (1, f"{next(counter):012d}", 1, text, 1, "", "active", 0)

    conn.execute("BEGIN")
    conn.executemany(insert, (row() for _ in range(before)))
    conn.execute("COMMIT")
    inputs = iter([row() for _ in range(POOL)])

    def save() -> None:
        values = next(inputs)
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(insert, values)
        conn.execute("COMMIT")

    return save


def minimal_saver(path: Path, before: int, pool: int = POOL) -> Callable[[], None]:
    """The least a correct save must write, in one commit: ballot row, register line, totals row, one chained
    audit row of the product's size (details with three 32-character digests and a MAC)."""
    rng = random.Random(SEED)
    conn = raw_conn(path)
    conn.executescript(
        "CREATE TABLE ballots (id INTEGER PRIMARY KEY, round_id INTEGER, serial TEXT, pass_no INTEGER, "
        "marks TEXT, valid INTEGER, reasons TEXT, status TEXT, set_aside INTEGER);"
        "CREATE INDEX ix ON ballots (round_id, serial, pass_no);"
        "CREATE TABLE reg (id INTEGER PRIMARY KEY, round_id INTEGER, serial TEXT, status TEXT, mode TEXT, "
        "UNIQUE (round_id, serial));"
        "CREATE TABLE totals (id INTEGER PRIMARY KEY, round_id INTEGER, pass_no INTEGER, basis TEXT, data TEXT, "
        "UNIQUE (round_id, pass_no));"
        "CREATE TABLE audit (seq INTEGER PRIMARY KEY, at TEXT, actor TEXT, action TEXT, details TEXT, "
        "prev_hash TEXT, hash TEXT);"
    )
    counter = iter(range(10**9))

    def marks_text() -> str:
        return "2|" + ",".join(f"{n}:{1 << rng.randrange(3)}" for n in range(NOMINEES))

    totals = [[0, 0, 0] for _ in range(NOMINEES)]
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO reg (round_id, serial, status, mode) VALUES (1, ?, 'printed', 'live')",
        ((f"{i:012d}",) for i in range(before + pool)),
    )
    conn.executemany(
        "INSERT INTO ballots (round_id, serial, pass_no, marks, valid, reasons, status, set_aside) "
        "VALUES (1, ?, 1, ?, 1, '', 'active', 0)",
        ((f"{next(counter):012d}", marks_text()) for _ in range(before)),
    )
    conn.execute("INSERT INTO totals (round_id, pass_no, basis, data) VALUES (1, 1, ?, '{}')", ("0" * 32,))
    conn.execute("COMMIT")
    state = {"seq": 0, "hash": "0" * 64}
    inputs = iter([(f"{next(counter):012d}", marks_text()) for _ in range(pool)])

    def save() -> None:
        serial, text = next(inputs)
        for i, part in enumerate(text[2:].split(",")):
            totals[i][int(part.split(":")[1]).bit_length() - 1] += 1
        data = json.dumps({"rows": {str(i): t for i, t in enumerate(totals)}}, separators=(",", ":"))
        seq = state["seq"] + 1  # type: ignore[operator]
        details = json.dumps(
            {"ballot": seq, "seal": [{"digests": {f"t{i}": "0" * 32 for i in range(3)}, "mac": "0" * 32}]},
            separators=(",", ":"),
        )
        at = "2026-11-30T00:00:00.000000+00:00"
        digest = hashlib.sha256(json.dumps([state["hash"], seq, at, details]).encode()).hexdigest()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(
            "INSERT INTO ballots (round_id, serial, pass_no, marks, valid, reasons, status, set_aside) "
            "VALUES (1, ?, 1, ?, 1, '', 'active', 0)",
            (serial, text),
        )
        conn.execute("UPDATE reg SET status = 'counted' WHERE round_id = 1 AND serial = ?", (serial,))
        conn.execute("UPDATE totals SET data = ? WHERE round_id = 1 AND pass_no = 1", (data,))
        conn.execute(
            "INSERT INTO audit (seq, at, actor, action, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (seq, at, "Hoàng Thị Lan", "ballot_saved", details, state["hash"], digest),
        )
        conn.execute("COMMIT")
        state["seq"], state["hash"] = seq, digest

    return save


def wal_size(path: Path) -> int:
    wal = Path(str(path) + "-wal")
    return wal.stat().st_size if wal.exists() else 0


FRAME = 24 + 4096  # WAL frame header + a page (page_size 4096 for every database here)


def frames_per_save(path: Path, save: Callable[[], None], saves: int) -> float:
    """WAL frames appended per save; the WAL is restarted (checkpoint TRUNCATE) first and its automatic
    checkpoint (1,000 pages) is not reached within `saves`."""
    with sqlite3.connect(path) as c:
        c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    save()  # the first save after a checkpoint writes the WAL header
    start = wal_size(path)
    for _ in range(saves):
        save()
    return (wal_size(path) - start) / FRAME / saves


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=("profile", "count", "pages", "cpu"))
    ap.add_argument("--saves", type=int, default=300)
    ap.add_argument("--ballots", type=int, default=10_000)
    ap.add_argument("--what", choices=("product", "minimal", "raw"), default="product")
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "kp-profile-save")
    args = ap.parse_args(argv[1:])
    if args.saves > POOL:
        ap.error(f"--saves at most {POOL}")
    args.cache.mkdir(exist_ok=True)
    db, info = cached_fill(args.cache, args.ballots)
    if args.mode == "pages":
        saves = min(args.saves, 100)
        with fresh_copy(db) as path, workspace_at(path) as ws:
            product = frames_per_save(path, product_saver(ws, info), saves)
        with tempfile.TemporaryDirectory() as folder:
            minimal = frames_per_save(
                Path(folder) / "m.sqlite3", minimal_saver(Path(folder) / "m.sqlite3", args.ballots), saves
            )
            raw = frames_per_save(
                Path(folder) / "r.sqlite3", raw_saver(Path(folder) / "r.sqlite3", args.ballots), saves
            )
        print(f"WAL frames (pages) per save: product {product:.2f}   minimal {minimal:.2f}   raw {raw:.2f}")
        print(f"ratio of frames: product / raw {product / raw:.2f}×   product / minimal {product / minimal:.2f}×")
        return 0
    with fresh_copy(db) as path, workspace_at(path) as ws:
        if args.what == "product":
            save = product_saver(ws, info)
        elif args.what == "minimal":
            save = minimal_saver(path.with_name("m.sqlite3"), args.ballots)
        else:
            save = raw_saver(path.with_name("r.sqlite3"), args.ballots)
        if args.mode == "count":
            for _ in range(args.saves):
                save()
            return 0
        if args.mode == "cpu":
            spent = []
            for _ in range(args.saves):
                c0 = time.process_time()
                save()
                spent.append(time.process_time() - c0)
            spent.sort()
            n = len(spent)
            print(
                f"{args.what}: CPU per save median {spent[n // 2] * 1000:.3f} ms, "
                f"p10–p90 {spent[n // 10] * 1000:.3f}–{spent[n * 9 // 10] * 1000:.3f} ms (n={n})"
            )
            return 0
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.saves):
            save()
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("tottime").print_stats(25)
        stats.sort_stats("cumulative").print_stats(35)
        print(out.getvalue())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
