"""Time on the window's thread for "Kết thúc kiểm phiếu" on a round of 10,000 ballots × 50 nominees (issue 15).

Old path (before this change, and today's path whenever no usable token is given): the blockers list
(`close_blockers`) and the close (`change`) each recount every ballot, both on the window's thread.
New path: the recount runs first in the background (`verify_totals`, timed separately: it is off the window's
thread), then the list and the close take its token and only check that the file still holds what it counted
(the audit head and digests of the round's ballot and totals rows, services/close_verify.py).

Each run closes the round and sends it back to counting (not timed). Old and new runs are interleaved
(_stats.interleave); medians with p10–p90. Twice: with the automatic backup the app makes after each stage change
(Workspace.open sets it; on the window's thread too), and without it (the transaction alone).

    nice .venv/bin/python benchmarks/bench_close.py [--ballots 10000] [--nominees 50] [--runs 7]
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _stats import Summary, interleave, machine, ratio, timed

from tests.helpers.builders import build_round, workspace_at
from vote_counter.domain.model import BallotMarks, Counts, RoundId, RoundKind, Stage
from vote_counter.services.workspace import Workspace


def with_data(folder: Path, ballots: int, nominees: int) -> tuple[Path, RoundId]:
    """A board with passphrases and a confidence round holding `ballots` ballots, filled through the services on
    a RAM disk, copied to `folder` (the ordinary disk)."""
    ram = Path("/dev/shm") if Path("/dev/shm").is_dir() else None
    rng = random.Random(ballots)
    with tempfile.TemporaryDirectory(dir=ram) as tmp:
        path = Path(tmp) / "kp.sqlite3"
        with workspace_at(path) as ws:
            b = build_round(
                ws, RoundKind.CONFIDENCE, nominees=nominees, printed=ballots, counts=Counts(ballots, ballots, ballots)
            )
            for ib in b.printed:
                ws.counting.record(
                    b.round_id, ib.payload, BallotMarks({n: frozenset({rng.randrange(3)}) for n in b.ids})
                )
            ws.setup.set_counts(b.round_id, Counts(ballots, ballots, ballots, ballots))
            rid = b.round_id
        target = folder / "kp_close.sqlite3"
        shutil.copyfile(path, target)
    return target, rid


def reopen(ws: Workspace, rid: RoundId) -> None:
    ws.stages.change(rid, Stage.COUNTING, "đo lại thời gian kết thúc")


def old_path(ws: Workspace, rid: RoundId) -> None:
    assert ws.stages.close_blockers(rid) == []
    ws.stages.change(rid, Stage.CLOSED)


def measure(ws: Workspace, rid: RoundId, runs: int, label: str) -> tuple[Summary, Summary, list[float]]:
    background: list[float] = []

    def old() -> float:
        took = timed(lambda: old_path(ws, rid))()
        reopen(ws, rid)
        return took

    def new() -> float:
        t0 = time.perf_counter()
        token = ws.stages.verify_totals(rid)  # the job's thread in the window: not the window's time
        background.append(time.perf_counter() - t0)
        assert token.matches

        def on_window() -> None:
            assert ws.stages.close_blockers(rid, verified=token) == []
            ws.stages.change(rid, Stage.CLOSED, verified=token)

        took = timed(on_window)()
        reopen(ws, rid)
        return took

    old_s, new_s = interleave(
        runs, (f"old: list + close, both recount ({label})", old), (f"new: with token ({label})", new)
    )
    return old_s, new_s, background


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=10_000)
    parser.add_argument("--nominees", type=int, default=50)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    print(machine())
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        path, rid = with_data(Path(tmp), args.ballots, args.nominees)
        print(f"{args.ballots} ballots × {args.nominees} nominees filled in {time.perf_counter() - t0:.0f} s")
        with workspace_at(path) as ws:
            backup = ws.stages.on_stage_changed
            for label, hook in (("with the automatic backup", backup), ("transaction only", None)):
                ws.stages.on_stage_changed = hook
                old_s, new_s, background = measure(ws, rid, args.runs, label)
                print(old_s.line())
                print(new_s.line())
                print(Summary(f"background recount, off the window's thread ({label})", tuple(background)).line())
                print(f"ratio old/new (medians): {ratio(old_s, new_s):.1f}×")


if __name__ == "__main__":
    main()
