"""A party congress from printing to export (issue 15): 500 delegates; a nomination electing 55 of 65; confidence
rounds of 30, 45 and 60 persons. Every step goes through the services on a real SQLite file (board with
passphrases): print the ballots (PDF), enter all 500 ballots of each round, give the board's count, close
(the full recount check included), write the minutes (PDF + DOCX), then export the meeting's USB package.

Baselines, interleaved round by round with the product: printing against the fair bare canvas of
bench_ballots (static page as a form, QR as one path) on the same layout and payloads; entering against raw
sqlite3 inserts + commits of the same stored rows with the same pragmas.

Run: .venv/bin/python benchmarks/bench_congress.py [--delegates 500]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _stats import machine
from bench_ballots import baseline as bare_canvas

from tests.helpers.builders import build_round, make_meeting, workspace_at
from vote_counter.documents.ballots import PageFormat, PrintedBallot, ballot_layout
from vote_counter.domain.model import CHOSEN, BallotMarks, Counts, NomineeId, RoundKind, Stage
from vote_counter.exchange.export import export_package
from vote_counter.storage import repositories

ROUNDS = (  # (kind, nominees, seats)
    (RoundKind.NOMINATION, 65, 55),
    (RoundKind.CONFIDENCE, 30, 1),
    (RoundKind.CONFIDENCE, 45, 1),
    (RoundKind.CONFIDENCE, 60, 1),
)


def marks(rng: random.Random, kind: RoundKind, ids: list[NomineeId], seats: int) -> BallotMarks:
    if kind is RoundKind.NOMINATION:
        return BallotMarks(rows={nid: frozenset({CHOSEN}) for nid in rng.sample(ids, rng.randint(seats - 10, seats))})
    return BallotMarks(rows={nid: frozenset({rng.randrange(3)}) for nid in ids})


def raw_inserts(path: Path, rows: list[str]) -> float:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE IF NOT EXISTS b (id INTEGER PRIMARY KEY, serial TEXT, marks TEXT)")
    t0 = time.perf_counter()
    for i, text in enumerate(rows):
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO b (serial, marks) VALUES (?, ?)", (f"{i:012d}", text))
        conn.execute("COMMIT")
    seconds = time.perf_counter() - t0
    conn.close()
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--delegates", type=int, default=500)
    args = parser.parse_args()
    n = args.delegates
    rng = random.Random(2026)
    phases: dict[str, float] = {}
    lines: list[str] = []

    def phase(name: str, seconds: float) -> None:
        phases[name] = phases.get(name, 0.0) + seconds

    print(f"machine: {machine()}")
    total0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp, workspace_at(Path(tmp) / "daihoi.sqlite3") as ws:
        folder = Path(tmp)
        t0 = time.perf_counter()
        meeting = make_meeting(ws, "Đại hội đại biểu Đảng bộ tỉnh lần thứ XVII", "Đảng bộ tỉnh Thừa Thiên Huế")
        built = []
        for kind, count, seats in ROUNDS:
            settings = {"seats": seats} if kind is RoundKind.NOMINATION else {}
            b = build_round(
                ws, kind, meeting=meeting, nominees=count, printed=0, counting=False, counts=Counts(n, n, n), **settings
            )
            built.append((b, seats))
        phase("set-up (meeting, board with passphrases, 4 rounds)", time.perf_counter() - t0)

        for b, seats in built:
            kind, count = b.round.kind, len(b.ids)
            label = f"{kind.value} {count}" + (f" (elect {seats})" if kind is RoundKind.NOMINATION else "")
            # Printing: product, then the bare canvas on the same layout and payloads.
            t0 = time.perf_counter()
            printed = ws.reports.print_ballots(b.round_id, n, folder / f"phieu_{b.round_id}.pdf")
            product_print = time.perf_counter() - t0
            layout = ballot_layout(
                meeting, ws.setup.round(b.round_id), ws.setup.nominees(b.round_id), PageFormat.A4_PORTRAIT
            )
            t0 = time.perf_counter()
            bare_canvas(layout, [PrintedBallot(p.serial, p.payload) for p in printed])
            base_print = time.perf_counter() - t0
            phase("print ballots (PDF)", product_print)
            phase("  baseline: bare canvas, same pages", base_print)

            ws.stages.change(b.round_id, Stage.COUNTING)
            entered = [marks(rng, kind, b.ids, seats) for _ in printed]
            t0 = time.perf_counter()
            for p, m in zip(printed, entered, strict=True):
                ws.counting.record(b.round_id, p.payload, m)
            product_enter = time.perf_counter() - t0
            base_enter = raw_inserts(folder / "raw.sqlite3", [repositories.marks_to_text(m) for m in entered])
            phase("enter ballots (record, one by one)", product_enter)
            phase("  baseline: raw insert + commit each", base_enter)

            t0 = time.perf_counter()
            ws.setup.set_counts(b.round_id, Counts(n, n, n, collected=n))
            ws.stages.change(b.round_id, Stage.CLOSED)
            close = time.perf_counter() - t0
            phase("counts + close (full recount check)", close)
            t0 = time.perf_counter()
            ws.reports.write_minutes(b.round_id, folder)
            minutes = time.perf_counter() - t0
            phase("minutes (PDF 3 copies + DOCX)", minutes)
            result = ws.counting.result(b.round_id)
            assert result.collected == n and not [p for p in result.problems if p.code.value != "no_quorum"]
            lines.append(
                f"{label:<26} print {product_print:6.2f} s (bare {base_print:6.2f} s, {product_print / base_print:.2f}×)"
                f"   enter {product_enter:6.2f} s = {product_enter / n * 1000:.2f} ms/ballot (raw {base_enter / n * 1000:.2f} ms,"
                f" {product_enter / base_enter:.2f}×)   close {close * 1000:5.0f} ms   minutes {minutes:5.2f} s"
            )
        (folder / "usb").mkdir()
        t0 = time.perf_counter()
        package = export_package(ws, meeting.id, folder / "usb")  # type: ignore[arg-type]
        phase("export USB package (signed, verified)", time.perf_counter() - t0)
        assert package.check_codes
    total = time.perf_counter() - total0
    print(f"congress: {n} delegates; rounds: nomination 55 of 65, confidence 30, 45, 60")
    for line in lines:
        print(line)
    for name, seconds in phases.items():
        print(f"{name:<52} {seconds:8.2f} s")
    print(f"{'total, printing to export':<52} {total:8.2f} s")
    product = phases["print ballots (PDF)"] + phases["enter ballots (record, one by one)"]
    base = phases["  baseline: bare canvas, same pages"] + phases["  baseline: raw insert + commit each"]
    print(f"ratio print + enter / baselines: {product / base:.2f}×")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
