"""The oracle against the whole product: generated boundary rounds entered ballot by ballot through
CountingService into a real SQLite file (with a correction, a voided entry and papers set aside), the result
read back after the workspace is closed and opened again."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

from tests.helpers.builders import board_accounts, build_round, make_meeting, workspace_at
from tests.oracle import oracle
from tests.oracle.product import expected, said, to_counts, to_marks
from tests.oracle.rounds import generate
from vote_counter.domain.model import BallotMarks, InvalidPolicy, PercentBase, Reason, RoundKind, Stage

SEED = 18_1118
ROUNDS = 15


def test_the_service_counts_what_the_oracle_counts(tmp_path: Path) -> None:
    path = tmp_path / "kp.sqlite3"
    rng = random.Random(SEED)
    expectations = {}
    with workspace_at(path) as ws:
        meeting = make_meeting(ws)
        board_accounts(ws, meeting)  # a live round opens for counting only once the chair has a passphrase
        made = 0
        while made < ROUNDS:
            g = generate(rng, kind=("confidence", "approval", "nomination")[made % 3])
            s, p, i = g.setup.summoned, g.setup.present, g.setup.issued
            if not s >= p >= i >= 0 or len(g.papers) + 3 > 60:
                continue  # the set-up form refuses counts that do not reconcile: those rounds are for the rules test
            setup = g.setup
            built = build_round(
                ws,
                RoundKind(setup.kind),
                meeting=meeting,
                nominees=len(setup.names),
                printed=len(g.papers) + 3,
                counts=to_counts(setup),
                accounts=False,
                counting=False,
                percent_base=PercentBase(setup.base) if setup.base else None,
                invalid_policy=InvalidPolicy(setup.policy) if setup.policy else None,
                seats=setup.seats,
                write_ins=setup.write_ins,
                blank_is_disagree=setup.blank_is_disagree,
            )
            # Below the quorum the chair may open counting only with a reason (and the minutes say so).
            short = "" if 3 * p >= 2 * s else "Hội nghị quyết định vẫn tiến hành"
            ws.stages.change(built.round_id, Stage.COUNTING, reason=short)
            setup = dataclasses.replace(setup, names=tuple(n.full_name for n in built.nominees))
            ids = [n.id for n in built.nominees if n.id is not None]
            papers = list(g.papers)
            for k, (paper, issued) in enumerate(zip(papers, built.printed, strict=False)):
                if k == 0:  # keyed wrong first, then corrected from the paper
                    first = ws.counting.record(built.round_id, issued.payload, BallotMarks({ids[0]: frozenset()}))
                    ws.counting.correct(first.id, to_marks(paper, ids), "Sửa theo phiếu giấy")
                else:
                    text = issued.payload if k % 2 else issued.serial
                    ws.counting.record(built.round_id, text, to_marks(paper, ids, omit_blank=k % 3 == 0))
            # An entry made by mistake and voided: it counts for nothing.
            extra = ws.counting.record(built.round_id, built.printed[len(papers)].payload, BallotMarks({}))
            ws.counting.void(extra.id, "Nhập nhầm phiếu")
            # Papers set aside without their marks: a duplicate and a ballot that was never issued.
            ws.counting.set_aside(built.round_id, Reason.DUPLICATE, built.printed[1 % max(len(papers), 1)].serial)
            ws.counting.set_aside(built.round_id, Reason.NOT_ISSUED, "một phiếu photo")
            papers += [oracle.Paper((), aside="duplicate"), oracle.Paper((), aside="not_issued")]
            expectations[built.round_id] = (expected(oracle.count(setup, papers)), g.aims)
            assert said(ws.counting.result(built.round_id)) == expectations[built.round_id][0], g.aims
            made += 1
    with workspace_at(path) as ws:  # a new session on the same file: persisted totals, not memory
        for round_id, (want, aims) in expectations.items():
            assert said(ws.counting.result(round_id)) == want, aims
