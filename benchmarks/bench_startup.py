"""Cold start to an interactive window: unfrozen, frozen (dist/KiemPhieu), and a bare PySide6 QWidget baseline;
then a restart on databases holding data (issue 15): a meeting whose board has passphrases and a 50-nominee
confidence round in counting with 100, 10,000 and 50,000 ballots entered through the services.

Each run is a new process. Time runs from just before the process is spawned to the line the app prints on the
window's first Expose event (KP_EXIT_WHEN_SHOWN=1, ui/app.py); the process is then ended (a meeting with
passphrases would next ask who signs in). Runs of every variant are interleaved; medians with p10–p90.
Also prints the bundle's size. A figure, not a test:
    .venv/bin/python benchmarks/bench_startup.py [--runs 5] [--sizes 100,10000,50000]
Build the bundle first for the frozen figure: .venv/bin/pyinstaller --noconfirm --clean build.spec
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _stats import interleave, ratio

ROOT = Path(__file__).resolve().parent.parent
FROZEN = ROOT / "dist" / "KiemPhieu" / ("KiemPhieu.exe" if sys.platform == "win32" else "KiemPhieu")
MARKER = "KP_SHOWN"

BASELINE = r"""
import sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QWidget

class Probe(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Expose:
            print("KP_SHOWN", flush=True)
            QTimer.singleShot(0, app.quit)
        return False

app = QApplication(sys.argv[:1])
w = QWidget()
QLabel("Kiểm Phiếu", w)
w.resize(1366, 768)
w.create()
w.windowHandle().installEventFilter(Probe(app))
w.show()
app.exec()
"""


def time_to_shown(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    assert proc.stdout is not None
    try:
        for line in proc.stdout:
            if line.startswith(MARKER):
                return time.perf_counter() - start
        proc.wait()
        raise RuntimeError(f"{cmd[0]} exited ({proc.returncode}) without showing a window")
    finally:
        proc.kill()
        proc.wait(timeout=60)


def with_data(folder: Path, ballots: int) -> Path:
    """A database with a signed-up board (passphrases) and a 50-nominee round holding `ballots` ballots,
    filled on a RAM disk through the services, then copied to `folder` (on the ordinary disk)."""
    sys.path.insert(0, str(ROOT))
    from tests.helpers.builders import build_round, workspace_at
    from vote_counter.domain.model import BallotMarks, Counts, RoundKind

    ram = Path("/dev/shm") if Path("/dev/shm").is_dir() else None
    rng = random.Random(ballots)
    with tempfile.TemporaryDirectory(dir=ram) as tmp:
        path = Path(tmp) / "kp.sqlite3"
        with workspace_at(path) as ws:
            n = ballots + 1
            b = build_round(ws, RoundKind.CONFIDENCE, nominees=50, printed=n, counts=Counts(n, n, n))
            for ib in b.printed[:ballots]:
                marks = BallotMarks(rows={nid: frozenset({rng.randrange(3)}) for nid in b.ids})
                ws.counting.record(b.round_id, ib.payload, marks)
        target = folder / f"kp_{ballots}.sqlite3"
        shutil.copyfile(path, target)
    return target


def fresh_home(root: Path, name: str) -> dict[str, str]:
    home = root / name
    home.mkdir(exist_ok=True)
    return {"HOME": str(home), "XDG_CONFIG_HOME": str(home), "XDG_DATA_HOME": str(home)}


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default="100,10000,50000")
    args = parser.parse_args()
    sizes = [int(x) for x in args.sizes.split(",") if x]
    env = dict(os.environ, KP_EXIT_WHEN_SHOWN="1")
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    print(
        f"{platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} cores, "
        f"QT_QPA_PLATFORM={env['QT_QPA_PLATFORM']}"
    )
    unfrozen = dict(env, PYTHONPATH=str(ROOT))
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        databases = {}
        for n in sizes:
            t0 = time.perf_counter()
            databases[n] = with_data(root, n)
            print(
                f"database with {n:,} ballots: {databases[n].stat().st_size / 1e6:.1f} MB, built in {time.perf_counter() - t0:.0f} s"
            )
        counter = iter(range(10**6))

        def run(cmd: list[str], base_env: dict[str, str]) -> float:
            return time_to_shown(cmd, dict(base_env, **fresh_home(root, f"h{next(counter)}")))

        def empty_cmd() -> list[str]:
            return [sys.executable, "-m", "vote_counter", "--db", str(root / f"empty{next(counter)}.sqlite3")]

        jobs: list[tuple[str, Callable[[], float]]] = [
            ("baseline: bare PySide6 QWidget", lambda: run([sys.executable, "-c", BASELINE], env)),
            ("Kiểm Phiếu, unfrozen, empty database", lambda: run(empty_cmd(), unfrozen)),
        ]
        for n, db in databases.items():
            cmd = [sys.executable, "-m", "vote_counter", "--db", str(db)]
            jobs.append((f"Kiểm Phiếu, unfrozen, {n:,} ballots + passphrases", lambda c=cmd: run(c, unfrozen)))
        if FROZEN.exists():
            jobs.append(
                (
                    "Kiểm Phiếu, frozen, empty database",
                    lambda: run([str(FROZEN), "--db", str(root / f"f{next(counter)}.sqlite3")], env),
                )
            )
        summaries = interleave(args.runs, *jobs)
        for summary in summaries:
            print(summary.line("s"))
        base = summaries[0]
        for summary in summaries[1:]:
            print(f"  {summary.label}: {ratio(summary, base):.2f}× the baseline")
        by_size = {n: summaries[2 + i] for i, n in enumerate(databases)}
        if len(by_size) > 1:
            small = min(by_size)
            for n, summary in by_size.items():
                if n != small:
                    print(f"ratio first paint {n:,} / {small:,} ballots: {ratio(summary, by_size[small]):.2f}×")
    if FROZEN.exists():
        size = folder_size(FROZEN.parent)
        print(f"bundle dist/KiemPhieu: {size / 1e6:.1f} MB in {sum(1 for _ in FROZEN.parent.rglob('*'))} files")
    else:
        print(f"no bundle at {FROZEN}: build it with .venv/bin/pyinstaller --noconfirm --clean build.spec")


if __name__ == "__main__":
    main()
