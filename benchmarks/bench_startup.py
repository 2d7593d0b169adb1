"""Cold start to an interactive window: unfrozen, frozen (dist/KiemPhieu), and a bare PySide6 QWidget baseline.

Each run is a new process on a new, empty database (the welcome screen). Time runs from just before the process
is spawned to the line the app prints on the window's first Expose event (KP_EXIT_WHEN_SHOWN=1, ui/app.py), after
which it quits. Also prints the bundle's size. A figure, not a test:
    .venv/bin/python benchmarks/bench_startup.py [--runs 5]
Build the bundle first for the frozen figure: .venv/bin/pyinstaller --noconfirm --clean build.spec
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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
    for line in proc.stdout:
        if line.startswith(MARKER):
            elapsed = time.perf_counter() - start
            break
    else:
        proc.wait()
        raise RuntimeError(f"{cmd[0]} exited ({proc.returncode}) without showing a window")
    proc.wait(timeout=60)
    return elapsed


def measure(name: str, make_cmd: object, runs: int, env: dict[str, str]) -> None:
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            cmd = make_cmd(Path(tmp))  # type: ignore[operator]
            run_env = dict(env, HOME=tmp, XDG_CONFIG_HOME=tmp, XDG_DATA_HOME=tmp)
            times.append(time_to_shown(cmd, run_env))
    print(
        f"{name:<34} median {statistics.median(times):6.3f} s   min {min(times):6.3f} s   "
        f"max {max(times):6.3f} s   ({runs} runs; first {times[0]:.3f} s)"
    )


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    env = dict(os.environ, KP_EXIT_WHEN_SHOWN="1")
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    print(
        f"{platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} cores, "
        f"QT_QPA_PLATFORM={env['QT_QPA_PLATFORM']}"
    )
    measure("baseline: bare PySide6 QWidget", lambda _t: [sys.executable, "-c", BASELINE], args.runs, env)
    measure(
        "Kiểm Phiếu, unfrozen (python -m)",
        lambda t: [sys.executable, "-m", "vote_counter", "--db", str(t / "db.sqlite3")],
        args.runs,
        dict(env, PYTHONPATH=str(ROOT)),
    )
    if FROZEN.exists():
        measure("Kiểm Phiếu, frozen (dist/)", lambda t: [str(FROZEN), "--db", str(t / "db.sqlite3")], args.runs, env)
        size = folder_size(FROZEN.parent)
        print(f"bundle dist/KiemPhieu: {size / 1e6:.1f} MB in {sum(1 for _ in FROZEN.parent.rglob('*'))} files")
    else:
        print(f"no bundle at {FROZEN}: build it with .venv/bin/pyinstaller --noconfirm --clean build.spec")


if __name__ == "__main__":
    main()
