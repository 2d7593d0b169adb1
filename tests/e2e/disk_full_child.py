"""The process tests/e2e/test_disk_full.py runs with a file-size limit or a read-only database.

    python disk_full_child.py record DATABASE SPEC_JSON START LIMIT_BYTES   (LIMIT_BYTES 0 = no limit)
    python disk_full_child.py readonly DATABASE SPEC_JSON

`record` saves ballots through the services until one fails and prints, one per line:
"ok INDEX SERIAL" only after CountingService.record returned (an acknowledged save), then for the first
failure "fail CLASS CODE MESSAGE", then "read N" if the running totals can still be read, then "done".
Only ServiceError is expected; any other exception is printed as "other CLASS MESSAGE" so the parent
can report exactly what SQLite raised.
"""

from __future__ import annotations

import json
import resource
import signal
import sys

from vote_counter.domain.model import BallotMarks, NomineeId, Reason, RoundId
from vote_counter.services.errors import ServiceError
from vote_counter.services.workspace import Workspace


def say(text: str) -> None:
    sys.stdout.write(text.replace("\n", " ") + "\n")
    sys.stdout.flush()


def marks(ids: list[NomineeId], index: int) -> BallotMarks:
    return BallotMarks(rows={nid: frozenset({(index + i) % 3}) for i, nid in enumerate(ids)})


def record(database: str, spec: dict[str, object], start: int, limit: int) -> int:
    ws = Workspace.open(database)
    round_id = RoundId(int(spec["round_id"]))  # type: ignore[call-overload]
    ids = [NomineeId(int(i)) for i in spec["nominee_ids"]]  # type: ignore[attr-defined]
    payloads: list[str] = spec["payloads"]  # type: ignore[assignment]
    ws.counting.totals(round_id)
    if limit:
        # Writes past the limit then fail with EFBIG instead of the signal killing the process.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    say("ready")
    for index in range(start, len(payloads)):
        try:
            saved = ws.counting.record(round_id, payloads[index], marks(ids, index))
        except ServiceError as exc:
            say(f"fail {type(exc).__name__} {exc.code.value} {exc.message}")
            break
        except Exception as exc:  # what the parent needs to know about, not hide
            say(f"other {type(exc).__module__}.{type(exc).__name__} {exc}")
            break
        say(f"ok {index} {saved.serial}")
    try:
        say(f"read {ws.counting.totals(round_id).collected}")
    except Exception as exc:
        say(f"readfail {type(exc).__name__} {exc}")
    ws.close()
    say("done")
    return 0


def readonly(database: str, spec: dict[str, object]) -> int:
    try:
        ws = Workspace.open(database)
    except Exception as exc:
        say(f"openfail {type(exc).__module__}.{type(exc).__name__} {exc}")
        return 0
    round_id = RoundId(int(spec["round_id"]))  # type: ignore[call-overload]
    try:
        say(f"read {ws.counting.totals(round_id).collected}")
    except Exception as exc:
        say(f"readfail {type(exc).__module__}.{type(exc).__name__} {exc}")
    try:
        # Every printed ballot is already entered: setting a paper aside is a write that needs no free serial.
        ws.counting.set_aside(round_id, Reason.NOT_ISSUED, "")
        say("wrote")
    except ServiceError as exc:
        say(f"fail {type(exc).__name__} {exc.code.value} {exc.message}")
    except Exception as exc:
        say(f"other {type(exc).__module__}.{type(exc).__name__} {exc}")
    try:
        say(f"read {ws.counting.totals(round_id).collected}")
    except Exception as exc:
        say(f"readfail {type(exc).__module__}.{type(exc).__name__} {exc}")
    ws.close()
    say("done")
    return 0


def main(argv: list[str]) -> int:
    mode, database = argv[1], argv[2]
    with open(argv[3], encoding="utf-8") as f:
        spec = json.load(f)
    if mode == "record":
        return record(database, spec, int(argv[4]), int(argv[5]))
    return readonly(database, spec)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
