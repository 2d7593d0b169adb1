"""The process tests/e2e/test_crash.py kills: it records ballots in a loop until SIGKILL arrives.

    python crash_child.py DATABASE PAYLOADS_JSON START_INDEX SEED

It opens the database as the app does (engine with the SQLite pragmas, migrations, the counting service)
and prints "ok INDEX SERIAL" only after CountingService.record has returned, so every line the parent
reads is an acknowledged save. Imports are kept to the counting path: start-up dominates the test's time.
"""

from __future__ import annotations

import json
import random
import sys

from vote_counter.domain.model import BallotMarks, NomineeId, RoundId
from vote_counter.services.accounts import Credential
from vote_counter.services.counting import CountingService
from vote_counter.services.errors import ErrorCode, ServiceError
from vote_counter.services.live import LiveTotals
from vote_counter.storage.engine import make_engine, make_sessions
from vote_counter.storage.migrations import migrate


def main(argv: list[str]) -> int:
    database, payload_file, start, seed = argv[1], argv[2], int(argv[3]), int(argv[4])
    with open(payload_file, encoding="utf-8") as f:
        spec = json.load(f)
    round_id = RoundId(spec["round_id"])
    ids = [NomineeId(i) for i in spec["nominee_ids"]]
    payloads: list[str] = spec["payloads"]
    auth = Credential(spec["credential"]["member_id"], spec["credential"]["passphrase"])

    engine = make_engine(database)
    migrate(engine)
    counting = CountingService(make_sessions(engine), LiveTotals())
    counting.totals(round_id)  # what the app shows on opening: the running totals, recounted from the file
    out = sys.stdout
    out.write("ready\n")
    out.flush()

    rng = random.Random(seed)
    for index in range(start, len(payloads)):
        marks = BallotMarks(rows={nid: frozenset({rng.randrange(3)}) for nid in ids})
        try:
            saved = counting.record(round_id, payloads[index], marks, auth=auth)
        except ServiceError as exc:
            if exc.code is not ErrorCode.DUPLICATE:
                raise
            # Saved by the previous process, which was killed before it could say so.
            out.write(f"dup {index}\n")
            out.flush()
            continue
        out.write(f"ok {index} {saved.serial}\n")
        out.flush()
    out.write("done\n")
    out.flush()
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
