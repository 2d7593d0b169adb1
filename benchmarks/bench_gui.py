"""Keystrokes per ballot and scan-to-saved latency through the real window (SPEC §6, §10).

A script that prints figures; not a test. Usage:

    .venv/bin/python benchmarks/bench_gui.py [--existing 10000] [--ballots 200] [--nominees 20]

It fills a fresh database with `--existing` ballots through counting.record, then drives the main
window with QTest as a board member would (scanner types the 49-digit payload and Enter, one key per
row, Enter), and finally calls counting.record directly on the same database as the baseline.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from tests.helpers.builders import board_accounts
from vote_counter.domain.model import BallotMarks, Counts, Meeting, Nominee, Round, RoundKind, Stage
from vote_counter.domain.serials import format_serial
from vote_counter.services.register import MAX_BATCH, IssuedBallot
from vote_counter.services.workspace import Workspace
from vote_counter.ui.app import make_application
from vote_counter.ui.main_window import MainWindow

KEYS = {0: Qt.Key.Key_1, 1: Qt.Key.Key_2, 2: Qt.Key.Key_3}


class CountingKeys:
    """Sends key events to whatever has the focus and counts them, split by who presses them."""

    def __init__(self) -> None:
        self.board = 0
        self.scanner = 0

    def _focus(self):  # type: ignore[no-untyped-def]
        widget = QApplication.focusWidget()
        assert widget is not None
        return widget

    def scan(self, payload: str) -> None:
        widget = self._focus()
        QTest.keyClicks(widget, payload)
        QTest.keyClick(widget, Qt.Key.Key_Return)
        self.scanner += len(payload) + 1

    def key(self, key: Qt.Key) -> None:
        QTest.keyClick(self._focus(), key)
        self.board += 1


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def fmt(values: list[float]) -> str:
    return (
        f"p50 {percentile(values, 50):6.2f} ms   p10–p90 {percentile(values, 10):.2f}–{percentile(values, 90):.2f}   "
        f"p99 {percentile(values, 99):6.2f} ms   mean {statistics.mean(values):6.2f} ms"
    )


def print_all(ws: Workspace, round_id, count: int) -> list[IssuedBallot]:  # type: ignore[no-untyped-def]
    out: list[IssuedBallot] = []
    while len(out) < count:
        out += ws.register.print_batch(round_id, min(MAX_BATCH, count - len(out)))
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--existing", type=int, default=10_000)
    parser.add_argument("--ballots", type=int, default=200)
    parser.add_argument("--nominees", type=int, default=20)
    args = parser.parse_args()
    rng = random.Random(20250101)

    app = make_application(["bench"])
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace.open(Path(tmp) / "bench.sqlite3")
        total = args.existing + 2 * args.ballots
        meeting = ws.setup.create_meeting(Meeting(None, "Hội nghị đo tốc độ", "Cơ quan thử"))
        board_accounts(ws, meeting, third=False)  # a live round opens only once the chair has a passphrase
        round_ = ws.setup.create_round(
            Round(
                None,
                meeting.id,
                "Lấy phiếu tín nhiệm",
                RoundKind.CONFIDENCE,
                counts=Counts(summoned=total, present=total, issued=total),
            )
        )
        assert round_.id is not None
        rid = round_.id
        nominees = ws.setup.add_nominees(
            rid, [Nominee(None, rid, f"Nguyễn Văn Người Thứ {i + 1}") for i in range(args.nominees)]
        )
        ids = [n.id for n in nominees if n.id is not None]
        issued = print_all(ws, rid, total)
        ws.stages.change(rid, Stage.COUNTING)
        existing, gui_batch, direct_batch = (
            issued[: args.existing],
            issued[args.existing : args.existing + args.ballots],
            issued[args.existing + args.ballots :],
        )

        def marks() -> BallotMarks:
            return BallotMarks({nid: frozenset({rng.randrange(3)}) for nid in ids})

        started = time.perf_counter()
        for b in existing:
            ws.counting.record(rid, b.payload, marks())
        fill_s = time.perf_counter() - started
        print(f"database filled: {args.existing} ballots × {args.nominees} rows in {fill_s:.1f} s")

        settings = QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat)
        # The scan filter's clock: every call a person's 250 ms later, so the marks sent back to back here stay
        # marks (at machine speed they would be a scanner's burst); bench_entry_keys.py paces scanner and person.
        ticks = itertools.count(start=1000.0, step=0.25)
        window = MainWindow(ws, settings, clock=lambda: next(ticks))
        window.resize(1366, 768)
        window.show()
        window.activateWindow()
        QTest.qWaitForWindowActive(window, 5000)
        page = window.entry_page
        assert window.tabs.currentWidget() is page
        page.scan.setFocus()

        keys = CountingKeys()
        scan_to_saved: list[float] = []
        enter_to_saved: list[float] = []
        direct: list[float] = []
        baseline_batch = iter(direct_batch)

        def direct_save() -> None:
            m = marks()
            t0 = time.perf_counter()
            ws.counting.record(rid, next(baseline_batch).payload, m)
            direct.append((time.perf_counter() - t0) * 1000)

        # Interleaved (issue 15): a ballot through the window, then one straight through the service, and so on.
        for index, b in enumerate(gui_batch):
            if index % 2:
                direct_save()
            choices = [rng.randrange(3) for _ in ids]
            t0 = time.perf_counter()
            keys.scan(b.payload)
            if QApplication.focusWidget() is not page.grid:
                raise SystemExit(f"scan refused: {page.status.text()}")
            for c in choices:
                keys.key(KEYS[c])
            t1 = time.perf_counter()
            keys.key(Qt.Key.Key_Return)
            t2 = time.perf_counter()
            if page.status.kind != "ok" or format_serial(b.serial) not in page.status.text():
                raise SystemExit(f"not saved: {page.status.text()}")
            scan_to_saved.append((t2 - t0) * 1000)
            enter_to_saved.append((t2 - t1) * 1000)
            if index % 2 == 0:
                direct_save()

        n = len(gui_batch)
        print(f"round: confidence, {args.nominees} nominees; {args.existing} ballots already saved")
        print(
            f"keystrokes per ballot (board member): {keys.board / n:.1f} "
            f"= {args.nominees} rows + Enter; scanner: {keys.scanner / n:.0f} (49 digits + Enter)"
        )
        print(f"GUI scan-to-saved (scanner keys + {args.nominees} marks + Enter):  {fmt(scan_to_saved)}")
        print(f"GUI Enter-to-saved (save and redraw):                    {fmt(enter_to_saved)}")
        print(f"service counting.record directly (baseline):             {fmt(direct)}")
        ratio = percentile(enter_to_saved, 50) / percentile(direct, 50)
        print(f"ratio GUI Enter-to-saved / service record (p50): {ratio:.2f}")
        assert ws.counting.totals(rid).collected == args.existing + 2 * n
        window.close()
        window.deleteLater()
        app.processEvents()
        ws.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
