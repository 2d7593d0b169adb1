"""Run every benchmark script and print its figures: `.venv/bin/python benchmarks/run_all.py [name ...]`.

Benchmarks are never part of the pass/fail test run; record what they print in benchmarks/RESULTS.md.
"""

from __future__ import annotations

import platform
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(names: list[str]) -> int:
    print(f"# {platform.node()} · {platform.processor() or platform.machine()} · Python {platform.python_version()}")
    scripts = sorted(HERE.glob("bench_*.py"))
    if names:
        scripts = [s for s in scripts if any(n in s.stem for n in names)]
    failed = 0
    for script in scripts:
        print(f"\n## {script.stem}", flush=True)
        rc = subprocess.call([sys.executable, str(script)], cwd=HERE.parent)
        failed += rc != 0
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
