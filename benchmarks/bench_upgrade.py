"""Start-up cost of the Alembic upgrade path (issue 16), against another checkout of the code (the last commit
with `PRAGMA user_version` steps, e.g. main before the merge):

- `vote-counter --version` (a new process);
- `vote-counter --db FILE list` on a database already at the newest schema (a new process: opens and checks);
- `migrate(engine)` on that database, in process (the one-query check; Alembic is not imported);
- upgrading a schema-1 file (tests/unit/storage/data/legacy_v1.sqlite3) to the newest schema, in a new process,
  Alembic's import included.

Runs are interleaved (this checkout, the other, the other, this …); medians with p10–p90. A figure, not a test:
    .venv/bin/python benchmarks/bench_upgrade.py --other /path/to/old/checkout [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _stats import interleave

ROOT = Path(__file__).resolve().parent.parent
LEGACY = ROOT / "tests" / "unit" / "storage" / "data" / "legacy_v1.sqlite3"

IN_PROCESS = r"""
import statistics, sys, time
from vote_counter.storage.engine import make_engine
from vote_counter.storage.migrations import migrate
engine = make_engine(sys.argv[1])
migrate(engine)
times = []
for _ in range(200):
    start = time.perf_counter()
    migrate(engine)
    times.append(time.perf_counter() - start)
engine.dispose()
print(statistics.median(times))
"""

UPGRADE = r"""
import shutil, sys, time
start = time.perf_counter()
from vote_counter.storage.engine import make_engine
from vote_counter.storage.migrations import migrate
engine = make_engine(sys.argv[1])
migrate(engine)
engine.dispose()
print(time.perf_counter() - start)
"""


def env_for(root: Path) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(root), QT_QPA_PLATFORM="offscreen")
    env.pop("KP_DB", None)
    return env


def cli(root: Path, *args: str) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", "import sys; from vote_counter.app import main; sys.exit(main())", *args],
        env=env_for(root),
        cwd=root,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def printed(root: Path, code: str, *args: str) -> float:
    out = subprocess.run(
        [sys.executable, "-c", code, *args], env=env_for(root), cwd=root, check=True, capture_output=True, text=True
    )
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--other", type=Path, required=True, help="a checkout with the user_version steps")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    other = args.other.resolve()
    folder = Path(tempfile.mkdtemp(prefix="kp-bench-upgrade-"))
    try:
        heads = {}
        for name, root in (("alembic", ROOT), ("steps", other)):
            heads[name] = folder / f"head_{name}.sqlite3"
            shutil.copyfile(LEGACY, heads[name])
            cli(root, "--db", str(heads[name]), "list")  # upgraded once by that checkout: now at its head
        counter = iter(range(10**9))

        def upgrade_once(root: Path) -> float:
            target = folder / f"legacy_{next(counter)}.sqlite3"
            shutil.copyfile(LEGACY, target)
            return printed(root, UPGRADE, str(target))

        for label, jobs in (
            (
                "vote-counter --version",
                [(n, lambda r=r: cli(r, "--version")) for n, r in (("alembic", ROOT), ("steps", other))],
            ),
            (
                "vote-counter --db HEAD list",
                [
                    (n, lambda r=r, n=n: cli(r, "--db", str(heads[n]), "list"))
                    for n, r in (("alembic", ROOT), ("steps", other))
                ],
            ),
            (
                "migrate(engine) at head, in process",
                [
                    (n, lambda r=r, n=n: printed(r, IN_PROCESS, str(heads[n])))
                    for n, r in (("alembic", ROOT), ("steps", other))
                ],
            ),
            (
                "schema 1 -> head, new process",
                [(n, lambda r=r: upgrade_once(r)) for n, r in (("alembic", ROOT), ("steps", other))],
            ),
        ):
            print(label)
            for summary in interleave(args.runs, *jobs):
                print("  " + summary.line("ms"))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
