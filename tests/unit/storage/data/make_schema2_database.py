"""Writes schema2_counting.sqlite3: a database as the app wrote it before running totals were persisted
(schema version 2, marks as JSON objects, no running_totals table, no totals seals in the audit log).

It must run against the code of that time, not the current one:

    git worktree add /tmp/old 86b606c
    PYTHONPATH=/tmp/old python tests/unit/storage/data/make_schema2_database.py OUT.sqlite3

Content: one meeting with accounts, a confidence round (5 nominees, double entry: 40 ballots in pass 1, 30 in
pass 2, corrections, voids, a restore, set-asides), an approval round (blank is disagree) and a nomination
round with write-ins, each with 25 ballots; and a closed round.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from tests.helpers.builders import build_round, count_and_close, make_meeting, random_marks, workspace_at
from vote_counter.domain.model import Counts, Reason, RoundKind


def main(out: Path) -> None:
    rng = random.Random(2026)
    with workspace_at(out) as ws:
        m = make_meeting(ws)
        conf = build_round(ws, RoundKind.CONFIDENCE, meeting=m, nominees=5, printed=45, double_entry=True)
        saved = [
            ws.counting.record(conf.round_id, ib.payload, random_marks(rng, RoundKind.CONFIDENCE, conf.ids, odd=0.2))
            for ib in conf.printed[:40]
        ]
        for ib in conf.printed[:30]:
            ws.counting.record(conf.round_id, ib.serial, random_marks(rng, RoundKind.CONFIDENCE, conf.ids), 2)
        ws.counting.correct(saved[3].id, random_marks(rng, RoundKind.CONFIDENCE, conf.ids), "đối chiếu phiếu giấy")
        ws.counting.void(saved[5].id, "nhập nhầm")
        ws.counting.void(saved[6].id, "nhập nhầm")
        ws.counting.restore(saved[6].id, "khôi phục")
        ws.counting.set_aside(conf.round_id, Reason.DUPLICATE, conf.printed[1].serial)
        ws.counting.set_aside(conf.round_id, Reason.NOT_ISSUED)
        appr = build_round(ws, RoundKind.APPROVAL, meeting=m, nominees=3, printed=25, blank_is_disagree=True)
        for ib in appr.printed:
            ws.counting.record(appr.round_id, ib.payload, random_marks(rng, RoundKind.APPROVAL, appr.ids, odd=0.3))
        nom = build_round(ws, RoundKind.NOMINATION, meeting=m, nominees=6, printed=25, seats=2, write_ins=True)
        for i, ib in enumerate(nom.printed):
            marks = random_marks(rng, RoundKind.NOMINATION, nom.ids, odd=0.3)
            if i % 7 == 0:
                marks = type(marks)(marks.rows, ("Trần Thị Ượng",), marks.declared)
            ws.counting.record(nom.round_id, ib.payload, marks)
        closed = build_round(ws, RoundKind.APPROVAL, meeting=m, nominees=2, printed=4, counts=Counts(4, 4, 4))
        count_and_close(closed, 3)
        assert ws.audit.verify().ok


if __name__ == "__main__":
    main(Path(sys.argv[1]))
