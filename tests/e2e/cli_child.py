"""Runs many `vote-counter` command lines in one process started with no terminal (used by test_cli_errors.py).

    python cli_child.py RUNS_JSON RESULTS_JSON

RUNS_JSON is a list of {"argv": [...], "env": {...}}; each line runs through vote_counter.app.main, the
installed entry point, with KP_* variables set as given and everything else as inherited. What a user would
see is recorded: exit code, stdout and stderr, and for an exception that escaped main, the traceback
exactly as the interpreter would have printed it (the test asserts there is none). One process for all the
command lines keeps the test quick; the parent starts it with stdin closed and in a new session (no
controlling terminal), as a script or a scheduled task would run the command.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import traceback


def main(argv: list[str]) -> int:
    with open(argv[1], encoding="utf-8") as f:
        runs = json.load(f)
    from vote_counter.app import main as app_main

    results = []
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("KP_")}
    for run in runs:
        os.environ.clear()
        os.environ.update(base_env)
        os.environ.update(run["env"])
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = app_main(run["argv"])
            except SystemExit as exc:  # argparse: usage errors and --help
                code = exc.code if isinstance(exc.code, int) else 1
            except BaseException:  # what the interpreter would print and exit 1 with
                err.write(traceback.format_exc())
                code = 1
        results.append(
            {"argv": run["argv"], "env": sorted(run["env"]), "code": code, "out": out.getvalue(), "err": err.getvalue()}
        )
    results.append({"stdin_was": repr(sys.stdin)})
    with open(argv[2], "w", encoding="utf-8") as f:
        json.dump(results, f, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
