"""The ballot save's kept round context and register check (services/ballot_save.py, issue 15), as mutation run 9
of 30 Nov 2026 found them unchecked (docs/TESTING.md): what is saved is read back with sqlite3 and checked with
verify-audit; how often the round's context is loaded and the full serial check runs is counted with spies, as
tests/unit/services/test_fast_save.py counts the fast path's seals."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import scan_corpus as sc
from tests.helpers.builders import Built, build_round, raw, valid_marks, workspace_at
from vote_counter.domain.model import BallotMarks, RoundKind
from vote_counter.services.counting import CountingService


@pytest.fixture
def built(tmp_path: Path) -> Iterator[Built]:
    with workspace_at(tmp_path / "kp.sqlite3") as ws:
        yield build_round(ws, RoundKind.CONFIDENCE, nominees=3, printed=6)


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How often a save loaded the round's context, and how often it ran the full serial check."""
    counted = {"load": 0, "verify": 0}
    load, verify = CountingService._load_context, CountingService._verify

    def counting_load(self: CountingService, *args: Any) -> Any:
        counted["load"] += 1
        return load(self, *args)

    def counting_verify(self: CountingService, *args: Any) -> Any:
        counted["verify"] += 1
        return verify(self, *args)

    monkeypatch.setattr(CountingService, "_load_context", counting_load)
    monkeypatch.setattr(CountingService, "_verify", counting_verify)
    return counted


def test_the_full_path_reuses_a_current_context_and_the_plain_register_check(
    built: Built, calls: dict[str, int]
) -> None:
    """Saves that take the full path with the round's context still current (a save with extra audit details,
    as a scanned ballot's image hashes, never takes the kept connection): the context is neither loaded again
    nor is the serial checked the long way, and what they save is sealed as the file holds it, details included.
    (Until 30 Nov 2026 a trigger planted in the file sent the save back to the full path; since the kept
    connection seals only what it wrote, nothing does but extra details.)"""
    ws, rng = built.ws, random.Random(21)
    first = ws.counting.record(
        built.round_id, built.printed[0].payload, valid_marks(rng, RoundKind.CONFIDENCE, built.ids)
    )
    assert calls == {"load": 1, "verify": 0}
    later = [
        ws.counting.record(
            built.round_id,
            built.printed[i].payload,
            valid_marks(rng, RoundKind.CONFIDENCE, built.ids),
            audit_extra=lambda _s, ballot_id: {"source": "scan", "images": [f"ảnh-{ballot_id}"]},
        )
        for i in (1, 2)
    ]
    assert calls == {"load": 1, "verify": 0}
    with raw(ws.path) as conn:
        rows = conn.execute("SELECT id, serial FROM ballots ORDER BY id").fetchall()
        status = dict(conn.execute("SELECT serial, status FROM ballot_register").fetchall())
        details = [
            json.loads(d)
            for (d,) in conn.execute("SELECT details FROM audit_log WHERE action = 'ballot_saved' ORDER BY seq")
        ]
    assert rows == [(s.id, ib.serial) for s, ib in zip([first, *later], built.printed, strict=False)]
    assert [status[ib.serial] for ib in built.printed[:4]] == ["counted", "counted", "counted", "printed"]
    assert [(d["ballot"], d.get("images")) for d in details] == [
        (first.id, None),
        *((s.id, [f"ảnh-{s.id}"]) for s in later),
    ]
    report = ws.audit.verify()
    assert report.ok, report


def test_a_scanned_ballot_decided_by_a_member_is_linked_to_its_queue_row(tmp_path: Path) -> None:
    """The save's `audit_extra` gets the new ballot's id: the queue row it settles names that ballot in the file."""
    with workspace_at(tmp_path / "kp.sqlite3") as ws:
        printed = sc.printed_round(ws, tmp_path / "in", nominees=3, count=2)

        def plan(_i: int, rng: random.Random) -> list[sc.Ink]:
            boxes = sc.one_per_row(3, 3, rng)
            boxes[boxes.index(next(b for b in boxes[:3] if b in sc.PEN))] = sc.Ink.FAINT
            return boxes

        sc.write_scans(printed, tmp_path / "scans", plan=plan, ballots=[0])
        rid = printed.built.round_id
        assert (ws.scanning.scan(rid, [tmp_path / "scans"]).queued, ws.counting.ballots(rid)) == (1, [])
        (item,) = ws.scanning.queue(rid)
        doubtful = [b.index for b in ws.scanning.sheet(item.id).boxes if b.state == "ambiguous"]
        saved = ws.scanning.decide([item.id], {(item.id, i): True for i in doubtful})
        with raw(ws.path) as conn:
            row = conn.execute("SELECT status, ballot_id FROM scan_queue WHERE id = ?", (item.id,)).fetchone()
            serial = conn.execute("SELECT serial FROM ballots WHERE id = ?", (saved.id,)).fetchone()[0]
        assert row == ("decided", saved.id) and serial == printed.serials[0]
        report = ws.audit.verify()
        assert report.ok, report


def test_the_fast_path_writes_each_row_as_the_full_path_writes_it(
    built: Built, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same marks saved once on the kept connection and once through the session (the fast path switched off):
    the ballot rows read back with sqlite3 are the same, value and storage type (a bool as the integer 0 or 1)."""
    ws, rng = built.ws, random.Random(22)
    ws.counting.record(built.round_id, built.printed[0].payload, valid_marks(rng, RoundKind.CONFIDENCE, built.ids))
    fast_path = CountingService._record_fast
    pairs = []
    for i in range(2):  # an invalid ballot (a name written on a confidence ballot), then a valid one
        marks = valid_marks(rng, RoundKind.CONFIDENCE, built.ids)
        if i == 0:
            marks = BallotMarks(marks.rows, ("Trần Thị Ượng",), marks.declared)
        fast = ws.counting.record(built.round_id, built.printed[1 + 2 * i].payload, marks)
        monkeypatch.setattr(CountingService, "_record_fast", lambda *_args: None)
        full = ws.counting.record(built.round_id, built.printed[2 + 2 * i].payload, marks)
        monkeypatch.setattr(CountingService, "_record_fast", fast_path)
        pairs.append((fast.id, full.id))
    columns = "round_id, pass_no, marks, valid, typeof(valid), reasons, status, set_aside, typeof(set_aside)"
    with raw(ws.path) as conn:
        read = {row[0]: row[1:] for row in conn.execute(f"SELECT id, {columns} FROM ballots WHERE id > 1").fetchall()}
    assert [read[fast] for fast, _ in pairs] == [read[full] for _, full in pairs]
    assert [read[fast][3:5] for fast, _ in pairs] == [(0, "integer"), (1, "integer")]
    report = ws.audit.verify()
    assert report.ok, report
