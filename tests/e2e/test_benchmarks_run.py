"""The benchmark scripts still run (tiny sizes): a benchmark that rots silently is worse than none.

No timing is asserted here; the figures live in benchmarks/RESULTS.md.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("script", "args"),
    [
        ("bench_ballots.py", ["--ballots", "5", "--nominees", "4", "--runs", "1"]),
        ("bench_counting.py", ["50", "10"]),
        ("profile_save.py", ["pages", "--ballots", "20", "--saves", "5", "--cache", "{tmp}"]),
        ("tail_save.py", ["--ballots", "20", "--saves", "5", "--cache", "{tmp}"]),
        ("bench_minutes.py", []),
        ("bench_gui.py", ["--existing", "10", "--ballots", "3", "--nominees", "4"]),
        ("bench_congress.py", ["--delegates", "5"]),
        ("bench_startup.py", ["--runs", "1", "--sizes", "3,6"]),
        ("bench_scan.py", ["--sheets", "3", "--per-level", "1"]),
        ("bench_entry_keys.py", ["--existing", "10", "--ballots", "10", "--nominees", "4"]),
        ("bench_stations.py", ["--each", "3", "--runs", "1"]),
    ],
)
def test_benchmark_runs(script: str, args: list[str], tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path))
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), *(a.replace("{tmp}", str(tmp_path)) for a in args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "ratio" in proc.stdout.lower(), proc.stdout
