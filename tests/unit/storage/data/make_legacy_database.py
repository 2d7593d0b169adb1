"""Writes legacy_vN.sqlite3: a database as the app of an earlier schema version wrote it (issue 16).

It must run against the code of that time, not the current one (the commits are listed in
tests/unit/storage/test_legacy_upgrade.py, LEGACY):

    git worktree add /tmp/old COMMIT
    cd /tmp/old && PYTHONPATH=/tmp/old python /path/to/make_legacy_database.py OUT.sqlite3

Content, kept small (the files are committed): one meeting with a board of two, a confidence round (3
nominees, 12 printed, 8 entered, one corrected, one voided, one set aside), an approval round (blank is
disagree, 6 entered) and a closed round. No accounts: the meeting key stays in the file, so the seals can be
checked without passphrases.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from tests.helpers.builders import build_round, count_and_close, make_meeting, random_marks, workspace_at
from vote_counter.domain.model import BoardMember, BoardRole, Counts, Reason, RoundKind


def main(out: Path) -> None:
    rng = random.Random(16)
    with workspace_at(out) as ws:
        m = make_meeting(ws)
        assert m.id is not None
        ws.setup.add_board_member(BoardMember(None, m.id, "Nguyễn Thị Hằng", BoardRole.CHAIR))
        ws.setup.add_board_member(BoardMember(None, m.id, "Trần Văn Đức", BoardRole.MEMBER))
        conf = build_round(ws, RoundKind.CONFIDENCE, meeting=m, nominees=3, printed=12)
        saved = [
            ws.counting.record(conf.round_id, ib.payload, random_marks(rng, RoundKind.CONFIDENCE, conf.ids, odd=0.2))
            for ib in conf.printed[:8]
        ]
        ws.counting.correct(saved[2].id, random_marks(rng, RoundKind.CONFIDENCE, conf.ids), "đối chiếu phiếu giấy")
        ws.counting.void(saved[4].id, "nhập nhầm")
        ws.counting.set_aside(conf.round_id, Reason.NOT_ISSUED)
        appr = build_round(ws, RoundKind.APPROVAL, meeting=m, nominees=2, printed=6, blank_is_disagree=True)
        for ib in appr.printed:
            ws.counting.record(appr.round_id, ib.payload, random_marks(rng, RoundKind.APPROVAL, appr.ids, odd=0.3))
        closed = build_round(ws, RoundKind.APPROVAL, meeting=m, nominees=2, printed=4, counts=Counts(4, 4, 4))
        count_and_close(closed, 3)
        assert ws.audit.verify().ok
    # One file, no WAL beside it: the last connection's close checkpoints it; VACUUM keeps it small.
    import sqlite3

    conn = sqlite3.connect(out, isolation_level=None)
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.execute("VACUUM")
    conn.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
