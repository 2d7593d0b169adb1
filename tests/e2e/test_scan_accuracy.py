"""Accuracy of scanned-ballot reading on the synthetic corpus (issue 14, SPEC §11), through the real service.

At 200 and at 150 dpi, over at least 10,000 boxes each: no wrong mark on any ballot saved without a person,
at least 98 % of clean ballots saved without review, every faint mark, smudge and scribble sent to the
queue (never counted), and other rounds', test and duplicate ballots refused.
"""

from __future__ import annotations

import random
import shutil
import sys
from pathlib import Path

import pytest

from tests.helpers import scan_corpus as sc
from tests.helpers.builders import workspace_at
from vote_counter.domain.model import Mode, NomineeId

NOMINEES = 15
BOXES_PER_DPI = 10_000


def _truth(printed: sc.PrintedRound, inks: list[sc.Ink]) -> dict[NomineeId, frozenset[int]]:
    rows: dict[NomineeId, set[int]] = {}
    for box, ink in zip(printed.geometry.boxes, inks, strict=True):
        assert box.nominee_id is not None
        rows.setdefault(NomineeId(box.nominee_id), set())
        if ink in sc.PEN:
            rows[NomineeId(box.nominee_id)].add(box.option)
    return {k: frozenset(v) for k, v in rows.items()}


@pytest.mark.slow
@pytest.mark.parametrize("dpi", [200, 150])
def test_accuracy_on_the_synthetic_corpus(tmp_path: Path, dpi: int) -> None:
    ballots = -(-BOXES_PER_DPI // (3 * NOMINEES))  # ceil: ≥ 10,000 boxes
    with workspace_at(tmp_path / "kp.sqlite3") as ws:
        printed = sc.printed_round(ws, tmp_path / "in", nominees=NOMINEES, count=ballots)
        assert printed.pages_per_ballot == 1
        meeting = printed.built.meeting
        other = sc.printed_round(ws, tmp_path / "other", nominees=3, count=2, meeting=meeting)
        practice = sc.printed_round(ws, tmp_path / "test", nominees=3, count=2, meeting=meeting, mode=Mode.TEST)
        rid = printed.built.round_id

        plans: dict[int, list[sc.Ink]] = {}
        troubled: set[int] = set()

        def plan(i: int, rng: random.Random) -> list[sc.Ink]:
            inks = sc.one_per_row(NOMINEES, 3, rng)
            if rng.random() < 0.3:
                inks = sc.with_trouble(inks, rng, 3)
            if any(ink in sc.DOUBTFUL or ink is sc.Ink.ERASURE for ink in inks):
                troubled.add(i)
            plans[i] = inks
            return inks

        scans = tmp_path / "scans"
        corpus = sc.write_scans(printed, scans, dpi=dpi, seed=dpi, plan=plan)
        sc.write_scans(other, scans / "khac", dpi=dpi, seed=1)
        sc.write_scans(practice, scans / "thu", dpi=dpi, seed=2)
        # Three sheets fed twice (the stack put through again): the copies must be refused.
        for sheet in corpus.sheets[:3]:
            shutil.copy(sheet.file, scans / f"zz_lai_{sheet.file.name}")
        assert corpus.box_count >= BOXES_PER_DPI

        run = ws.scanning.scan(rid, [scans, scans / "khac", scans / "thu"])

        refused = sorted(o.code for o in run.refused)
        assert refused == ["duplicate"] * 3 + ["other_round"] * 4, run.refused
        saved = {b.serial: b for b in ws.counting.ballots(rid)}
        index = {serial: i for i, serial in enumerate(printed.serials)}
        wrong = [
            (serial, {k: v for k, v in b.marks.rows.items() if v != _truth(printed, plans[index[serial]])[k]})
            for serial, b in saved.items()
            if b.marks.rows != _truth(printed, plans[index[serial]])
        ]
        assert wrong == [], f"{len(wrong)} auto-saved ballots with wrong marks"
        clean = [i for i in range(ballots) if i not in troubled]
        clean_saved = sum(1 for i in clean if printed.serials[i] in saved)
        assert clean_saved >= 0.98 * len(clean), (clean_saved, len(clean))
        # Faint pencil, smudges, scribbles and erasures: always to a person.
        assert not any(printed.serials[i] in saved for i in troubled)
        queued = {item.serial for item in ws.scanning.queue(rid)}
        assert {printed.serials[i] for i in troubled} <= queued
        assert run.saved == len(saved) and run.sheets == ballots + 4 + 3
        sys.stderr.write(
            f"\n{dpi} dpi: {corpus.box_count} boxes on {ballots} ballots; saved {run.saved}, queued {run.queued}, "
            f"clean saved {clean_saved}/{len(clean)}, troubled {len(troubled)} all queued\n"
        )
