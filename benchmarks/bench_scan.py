"""How fast and how safely scanned ballots are read (issue 14, SPEC §11).

1. Seconds per sheet at 200 dpi (goal ≤ 0.3 s: an 80-sheet/min feeder delivers one every 0.75 s), against a
   baseline in the same run, interleaved sheet by sheet: loading the JPEG and decoding its QR with zxing-cpp
   over the whole page (what any QR-based reader must do at least). Then the whole service run on the folder
   (reading, verifying, saving each ballot with its audit entry), per sheet.
2. Queue rate against mark darkness: ballots marked with crosses of a fixed grey (0 = black ink … 200 = very
   light pencil on white paper), scanned at 200 dpi: the share of ballots sent to a person, and wrong marks
   among those saved (must stay 0 at every darkness).

    .venv/bin/python benchmarks/bench_scan.py [--sheets 40] [--per-level 12]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import zxingcpp  # noqa: E402

from tests.helpers import scan_corpus as sc  # noqa: E402
from tests.helpers.builders import workspace_at  # noqa: E402
from vote_counter.domain.model import RoundKind  # noqa: E402
from vote_counter.scanning.images import read_pages  # noqa: E402
from vote_counter.scanning.reader import BoxState, Thresholds, read_page  # noqa: E402

NOMINEES = 15
LEVELS = (0, 40, 80, 110, 130, 150, 170, 190)


def _spread(values: list[float]) -> str:
    q = statistics.quantiles(values, n=10) if len(values) > 1 else [values[0]] * 9
    return f"median {statistics.median(values):.3f} s (p10 {q[0]:.3f}, p90 {q[-1]:.3f}, n={len(values)})"


def speed(folder: Path, sheets: int) -> None:
    with workspace_at(folder / "kp.sqlite3") as ws:
        printed = sc.printed_round(ws, folder / "in", RoundKind.CONFIDENCE, nominees=NOMINEES, count=sheets)
        corpus = sc.write_scans(printed, folder / "scans", dpi=200, seed=1)
        limits = Thresholds()
        base, read = [], []
        for i, sheet in enumerate(corpus.sheets):
            runs = [("base", base), ("read", read)]
            for name, bucket in runs if i % 2 == 0 else runs[::-1]:  # interleaved, order alternating
                start = time.perf_counter()
                page = next(read_pages(sheet.file))
                if name == "base":
                    zxingcpp.read_barcodes(page.image)
                else:
                    read_page(page.image, printed.geometry, limits)
                bucket.append(time.perf_counter() - start)
        print(f"baseline (load JPEG + zxing-cpp on the whole page): {_spread(base)}")
        print(f"reader   (load + fiducials + QR + {3 * NOMINEES} boxes):   {_spread(read)}")
        print(f"ratio reader/baseline (medians): {statistics.median(read) / statistics.median(base):.2f}")
        start = time.perf_counter()
        run = ws.scanning.scan(printed.built.round_id, [folder / "scans"])
        total = time.perf_counter() - start
        per = total / max(run.sheets, 1)
        print(
            f"service run (read, verify, save + audit): {run.sheets} sheets in {total:.1f} s = {per:.3f} s/sheet "
            f"({60 / per:.0f} sheets/min; an 80-sheet/min feeder needs ≤ 0.75 s), saved {run.saved}, queued {run.queued}"
        )


def darkness(folder: Path, per_level: int) -> None:
    print("\npen grey (0 black … 255 paper) | ballots | queued | saved | wrong marks among saved")
    with workspace_at(folder / "kp.sqlite3") as ws:
        printed = sc.printed_round(
            ws, folder / "in", RoundKind.CONFIDENCE, nominees=NOMINEES, count=per_level * len(LEVELS)
        )
        pages = sc.render_pdf(printed.pdf, 200)
        limits = Thresholds()
        rng = random.Random(5)
        for n, level in enumerate(LEVELS):
            queued = saved = wrong = 0
            for k in range(per_level):
                i = n * per_level + k
                inks = sc.one_per_row(NOMINEES, 3, rng, marks=(sc.Ink.CROSS,))
                marked = sc.mark_sheet(pages[i], printed.geometry, 0, inks, 200, rng, level=level)
                image, _ = sc.scan(marked, sc.Scanner(dpi=200), rng)
                reading = read_page(image, printed.geometry, limits)
                if not reading.clear:
                    queued += 1
                    continue
                saved += 1
                wrong += sum(
                    (ink in sc.PEN) != (box.state is BoxState.MARKED)
                    for ink, box in zip(inks, reading.boxes, strict=True)
                )
            print(f"{level:>31} | {per_level:>7} | {queued / per_level:>6.0%} | {saved:>5} | {wrong}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sheets", type=int, default=40)
    parser.add_argument("--per-level", type=int, default=12)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        speed(Path(tmp) / "speed", args.sheets)
        darkness(Path(tmp) / "dark", args.per_level)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
