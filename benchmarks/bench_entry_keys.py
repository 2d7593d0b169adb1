"""Keys per ballot, scan-to-grid and Enter-to-saved latency through the real window (issue 11, SPEC §6, §10).

A script that prints figures; not a test. Usage:

    .venv/bin/python benchmarks/bench_entry_keys.py [--existing 10000] [--ballots 200] [--nominees 20]

A fresh database gets `--existing` ballots through counting.record; then, interleaved ballot by ballot,
(a) the main window is driven as a scanner and a board member drive it (every key to QApplication.focusWidget():
the 49-digit payload at scanner pace and CR, one key per row at a person's pace, Enter), and (b) the services
alone do the same work (counting.identify for the scan, counting.record for the save) as the baseline. The scan
filter's clock is injected (scanner keys 4 ms apart, a person's 250 ms apart), so no key waits on the wall clock.
Reported: medians with the spread (p10–p90) of scan-to-grid (the scanner's CR until the grid has the focus) and
Enter-to-saved (the member's Enter until the ballot is saved and the totals redrawn), beside the baseline.
"""

from __future__ import annotations

import argparse
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
from PySide6.QtWidgets import QApplication, QWidget

from tests.helpers.builders import board_accounts
from vote_counter.domain.model import BallotMarks, Counts, Meeting, Nominee, Round, RoundKind, Stage
from vote_counter.domain.serials import format_serial
from vote_counter.services.register import MAX_BATCH, IssuedBallot
from vote_counter.services.workspace import Workspace
from vote_counter.ui.app import make_application
from vote_counter.ui.main_window import MainWindow

KEYS = {0: Qt.Key.Key_1, 1: Qt.Key.Key_2, 2: Qt.Key.Key_3}
SCANNER_S, HUMAN_S = 0.004, 0.25


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Keyboard:
    """Every key to whatever has the focus, counted by who presses it; the clock moves at their pace."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.board = 0
        self.scanner = 0

    @staticmethod
    def focus() -> QWidget:
        widget = QApplication.focusWidget()
        assert widget is not None
        return widget

    def scan_digits(self, payload: str) -> None:
        self.clock.now += HUMAN_S
        for ch in payload:
            QTest.keyClick(self.focus(), ch)
            self.clock.now += SCANNER_S
        self.scanner += len(payload)

    def scan_end(self) -> None:
        QTest.keyClick(self.focus(), Qt.Key.Key_Return)
        self.clock.now += SCANNER_S
        self.scanner += 1

    def key(self, key: Qt.Key) -> None:
        self.clock.now += HUMAN_S
        QTest.keyClick(self.focus(), key)
        self.board += 1


def spread(values: list[float]) -> str:
    q = statistics.quantiles(values, n=10)
    return f"median {statistics.median(values):6.2f} ms  (p10 {q[0]:6.2f} – p90 {q[-1]:6.2f})"


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
    rng = random.Random(20261129)

    app = make_application(["bench"])
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace.open(Path(tmp) / "bench.sqlite3")
        total = args.existing + 2 * args.ballots
        meeting = ws.setup.create_meeting(Meeting(None, "Hội nghị đo tốc độ nhập phiếu", "Cơ quan thử"))
        board_accounts(ws, meeting, third=False)
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
        existing = issued[: args.existing]
        pairs = list(zip(issued[args.existing :: 2], issued[args.existing + 1 :: 2], strict=True))

        def marks() -> BallotMarks:
            return BallotMarks({nid: frozenset({rng.randrange(3)}) for nid in ids})

        started = time.perf_counter()
        for b in existing:
            ws.counting.record(rid, b.payload, marks())
        print(
            f"database filled: {args.existing} ballots × {args.nominees} rows in {time.perf_counter() - started:.1f} s"
        )

        clock = Clock()
        settings = QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(ws, settings, clock=clock)
        window.resize(1366, 768)
        window.show()
        window.activateWindow()
        QTest.qWaitForWindowActive(window, 5000)
        page = window.entry_page
        page.scan.setFocus()
        keys = Keyboard(clock)

        gui_scan: list[float] = []
        gui_save: list[float] = []
        svc_scan: list[float] = []
        svc_save: list[float] = []
        for gui_ballot, direct_ballot in pairs:
            # (a) the window
            board_before = keys.board
            keys.scan_digits(gui_ballot.payload)
            t0 = time.perf_counter()
            keys.scan_end()
            t1 = time.perf_counter()
            if QApplication.focusWidget() is not page.grid or page.open_serial() != gui_ballot.serial:
                raise SystemExit(f"scan refused: {page.status.text()}")
            for _ in ids:
                keys.key(KEYS[rng.randrange(3)])
            t2 = time.perf_counter()
            keys.key(Qt.Key.Key_Return)
            t3 = time.perf_counter()
            if page.status.kind != "ok" or format_serial(gui_ballot.serial) not in page.status.text():
                raise SystemExit(f"not saved: {page.status.text()}")
            if keys.board - board_before != len(ids) + 1:
                raise SystemExit(f"keys per ballot {keys.board - board_before} != rows + 1")
            gui_scan.append((t1 - t0) * 1000)
            gui_save.append((t3 - t2) * 1000)
            # (b) the services alone, in the same run, on the same database
            m = marks()
            t0 = time.perf_counter()
            ws.counting.identify(rid, direct_ballot.payload)
            t1 = time.perf_counter()
            ws.counting.record(rid, direct_ballot.payload, m)
            t2 = time.perf_counter()
            svc_scan.append((t1 - t0) * 1000)
            svc_save.append((t2 - t1) * 1000)

        n = len(pairs)
        print(f"round: confidence, {args.nominees} nominees; {args.existing} ballots saved before; {n} + {n} measured")
        print(
            f"keys per ballot (board member): {keys.board / n:.1f} = {args.nominees} rows + 1 (Enter); "
            f"scanner: {keys.scanner / n:.0f} (49 digits + CR); scans recognised by the filter: {window.scan_filter.scans}"
        )
        print(f"scan-to-grid, window (CR → grid has focus):       {spread(gui_scan)}")
        print(f"scan-to-grid, baseline counting.identify:         {spread(svc_scan)}")
        print(f"Enter-to-saved, window (save + totals redrawn):   {spread(gui_save)}")
        print(f"Enter-to-saved, baseline counting.record:         {spread(svc_save)}")
        print(
            f"ratio window / service (medians): scan {statistics.median(gui_scan) / statistics.median(svc_scan):.2f}, "
            f"save {statistics.median(gui_save) / statistics.median(svc_save):.2f}"
        )
        assert ws.counting.totals(rid).collected == args.existing + 2 * n
        window.close()
        window.deleteLater()
        app.processEvents()
        ws.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
