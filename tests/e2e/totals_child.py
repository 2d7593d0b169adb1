"""The process tests/e2e/test_totals_crash.py kills: random counting actions in a loop until SIGKILL arrives.

    python totals_child.py DATABASE SPEC_JSON SEED

Saves in both passes of a double-entry round, corrections, voids, restores and set-asides, each one user
action in its own transaction, as the chair and a member signed in together. It prints "ok ACTION" only after
the action returned. Imports are kept to the counting path (start-up dominates the test's time).
"""

from __future__ import annotations

import json
import random
import sys

from vote_counter.domain.model import BallotMarks, NomineeId, Reason, RoundId
from vote_counter.services.accounts import Approval, Credential
from vote_counter.services.counting import CountingService
from vote_counter.services.errors import ServiceError
from vote_counter.services.live import LiveTotals
from vote_counter.storage.engine import make_engine, make_sessions
from vote_counter.storage.migrations import migrate


def main(argv: list[str]) -> int:
    database, spec_file, seed = argv[1], argv[2], int(argv[3])
    with open(spec_file, encoding="utf-8") as f:
        spec = json.load(f)
    round_id = RoundId(spec["round_id"])
    ids = [NomineeId(i) for i in spec["nominee_ids"]]
    serials: list[str] = spec["serials"]
    chair, member = spec["chair"], spec["member"]
    auth = Approval(Credential(chair["id"], chair["passphrase"]), Credential(member["id"], member["passphrase"]))

    engine = make_engine(database)
    migrate(engine)
    counting = CountingService(make_sessions(engine), LiveTotals())
    counting.totals(round_id)
    out = sys.stdout
    out.write("ready\n")
    out.flush()
    rng = random.Random(seed)
    while True:
        action = rng.choice(("save1", "save1", "save1", "save2", "save2", "correct", "void", "restore", "aside"))
        marks = BallotMarks(rows={nid: frozenset(rng.sample(range(3), rng.choice((1, 1, 1, 1, 0, 2)))) for nid in ids})
        try:
            if action in ("save1", "save2"):
                counting.record(round_id, rng.choice(serials), marks, 1 if action == "save1" else 2, auth=auth)
            elif action == "aside":
                counting.set_aside(round_id, rng.choice((Reason.NOT_ISSUED, Reason.DUPLICATE)), auth=auth)
            else:
                entered = counting.ballots(round_id, None, active_only=False)
                # Mostly an action that can succeed: restore a voided entry, void or correct an active one.
                fitting = [e for e in entered if e.active == (action != "restore")] or entered
                if not fitting:
                    continue
                target = rng.choice(fitting).id
                if action == "correct":
                    counting.correct(target, marks, "đối chiếu phiếu giấy", auth=auth)
                elif action == "void":
                    counting.void(target, "nhập nhầm", auth=auth)
                else:
                    counting.restore(target, "khôi phục", auth=auth)
        except ServiceError:
            out.write(f"refused {action}\n")  # a duplicate, a void of a void: nothing changed
            out.flush()
            continue
        out.write(f"ok {action}\n")
        out.flush()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
