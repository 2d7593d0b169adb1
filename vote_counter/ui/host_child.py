"""Ending the window's `vote-counter host` child (issue 16, Windows): first the stop file, which the host polls
every second and answers as it answers Ctrl+C (PostgreSQL stopped "fast": everything committed on disk); then
SIGTERM where there is one; killing it is the last resort. The order is hosting/server.stop_steps's, per OS."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from PySide6.QtCore import QProcess

from vote_counter.services import hall

# ms each step may take before the next. The stop file: up to a second to be seen, then `pg_ctl stop -m fast`
# (a shutdown checkpoint, seconds on a slow disk). SIGTERM starts the same stop. A killed child is waited for
# only to reap it.
WAITS: Mapping[str, int] = {"file": 30_000, "terminate": 10_000, "kill": 5_000}


def end_host(process: QProcess, stop_file: Path | None, waits: Mapping[str, int] | None = None) -> str:
    """Stop `process` and wait for it; the step that ended it ("file", "terminate", "kill"), or "" when it had
    already ended by itself."""
    waits = WAITS if waits is None else waits
    tried = ""
    for step in hall.stop_steps():
        if process.state() == QProcess.ProcessState.NotRunning:
            return tried  # ended just after the last step's wait ran out
        if step == "file":
            if stop_file is None:
                continue
            hall.ask_to_stop(stop_file)
        elif step == "terminate":
            process.terminate()
        else:
            process.kill()
        tried = step
        if process.waitForFinished(waits[step]):
            return step
    return tried
