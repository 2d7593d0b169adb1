"""Running totals persisted in the database (issue 15): always equal to a full recount, sealed, checked at close.

The persisted row is read from the file with sqlite3, as an outsider would, and compared with a recount of
every entered ballot after each step of random sequences of saves (both passes of double entry), corrections,
voids, restores and set-asides.
"""

from __future__ import annotations

import dataclasses
import random
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers.builders import (
    assert_vietnamese,
    build_round,
    count_and_close,
    expect_error,
    random_marks,
    raw,
    valid_marks,
    workspace_at,
)
from vote_counter.domain.model import BallotId, BallotMarks, Counts, Mode, Reason, RoundId, RoundKind, Stage
from vote_counter.domain.rules import Totals
from vote_counter.services.errors import ErrorCode, ServiceError, tamper_place
from vote_counter.services.workspace import Workspace
from vote_counter.storage.totals import decode, encode


def stored_row(path: Path, round_id: int, pass_no: int) -> str | None:
    with raw(path) as conn:
        row = conn.execute(
            "SELECT data FROM running_totals WHERE round_id = ? AND pass_no = ?", (round_id, pass_no)
        ).fetchone()
    return None if row is None else str(row[0])


def assert_stored_equals_recount(ws: Workspace, round_id: RoundId) -> None:
    check = ws.counting.recount_check(round_id)
    for p in check.passes:
        data = stored_row(ws.path, round_id, p.pass_no)
        if p.recounted.collected:
            assert data is not None, p.pass_no
            assert decode(data) == decode(encode(p.recounted)), p.pass_no  # the file, not a cache
        assert p.matches, p
    assert check.matches


# ------------------------------------------------------------------ random sequences


@dataclass(frozen=True)
class Op:
    what: str  # save1, save2, aside, correct, void, restore
    index: int
    seed: int


ops = st.lists(
    st.builds(
        Op,
        st.sampled_from(["save1", "save1", "save2", "save2", "aside", "correct", "void", "restore"]),
        st.integers(0, 30),
        st.integers(0, 10_000),
    ),
    max_size=28,
)


@settings(max_examples=15, deadline=None)
@given(kind=st.sampled_from(list(RoundKind)), sequence=ops)
def test_persisted_totals_equal_a_recount_after_any_sequence(kind: RoundKind, sequence: list[Op]) -> None:
    with tempfile.TemporaryDirectory() as d, workspace_at(Path(d) / "kp.sqlite3") as ws:
        # A test-mode round without accounts: no passphrase hashing per example (the checks are the same).
        b = build_round(ws, kind, nominees=4, printed=30, double_entry=True, mode=Mode.TEST, accounts=False)
        saved: list[BallotId] = []
        passes: dict[int, list[str]] = {1: [], 2: []}
        for op in sequence:
            rng = random.Random(op.seed)
            try:
                if op.what in ("save1", "save2"):
                    pass_no = 1 if op.what == "save1" else 2
                    if pass_no == 2 and passes[1]:
                        serial = passes[1][op.index % len(passes[1])]
                    else:
                        serial = b.printed[op.index % len(b.printed)].serial
                    s = ws.counting.record(b.round_id, serial, random_marks(rng, kind, b.ids, odd=0.3), pass_no)
                    saved.append(s.id)
                    passes[pass_no].append(serial)
                    # What the save returns is what it wrote.
                    assert encode(s.totals) == stored_row(ws.path, b.round_id, pass_no)
                elif op.what == "aside":
                    saved.append(ws.counting.set_aside(b.round_id, rng.choice([Reason.NOT_ISSUED, Reason.DUPLICATE])))
                elif saved:
                    target = saved[op.index % len(saved)]
                    if op.what == "correct":
                        ws.counting.correct(target, random_marks(rng, kind, b.ids, odd=0.3), "đối chiếu phiếu giấy")
                    elif op.what == "void":
                        ws.counting.void(target, "nhập nhầm")
                    else:
                        ws.counting.restore(target, "khôi phục")
            except ServiceError as exc:
                # Refusals (a duplicate, voiding twice, correcting a void) change nothing; the books still balance.
                assert exc.code in (ErrorCode.DUPLICATE, ErrorCode.INVALID_INPUT), exc
            assert_stored_equals_recount(ws, b.round_id)
        assert ws.audit.verify().ok
        with workspace_at(ws.path) as fresh:  # a restart reads the same totals without recounting
            assert fresh.counting.totals(b.round_id) == ws.counting.totals(b.round_id)
            assert fresh.counting.totals(b.round_id, 2) == ws.counting.totals(b.round_id, 2)


def test_results_read_the_stored_totals_not_the_ballots(tmp_path: Path) -> None:
    """Proof that results no longer recount: a ballot row deleted behind the app's back does not move the
    totals (the audit check and the recount at close find it instead)."""
    with workspace_at(tmp_path / "kp.sqlite3") as ws:
        b = build_round(ws, RoundKind.CONFIDENCE, nominees=3, printed=5)
        rng = random.Random(3)
        for ib in b.printed[:4]:
            ws.counting.record(b.round_id, ib.payload, valid_marks(rng, RoundKind.CONFIDENCE, b.ids))
        before = ws.counting.result(b.round_id)
        with raw(ws.path) as conn:
            conn.execute("DELETE FROM ballots WHERE id = (SELECT max(id) FROM ballots)")
        assert ws.counting.result(b.round_id) == before
        assert ws.counting.totals(b.round_id).collected == 4
        check = ws.counting.recount_check(b.round_id)
        assert not check.matches and check.differing == (1,)
        assert check.passes[0].recounted.collected == 3


# ------------------------------------------------------------------ the seal and the alarm at close


def _counted(ws: Workspace, n: int = 4) -> RoundId:
    b = build_round(ws, RoundKind.CONFIDENCE, nominees=3, printed=n + 1, counts=Counts(n + 1, n + 1, n + 1, n))
    rng = random.Random(n)
    for ib in b.printed[:n]:
        ws.counting.record(b.round_id, ib.payload, valid_marks(rng, RoundKind.CONFIDENCE, b.ids))
    return b.round_id


def test_totals_edited_in_the_file_break_the_seal_and_block_closing(tmp_path: Path) -> None:
    with workspace_at(tmp_path / "kp.sqlite3") as ws:
        rid = _counted(ws)
        assert ws.audit.verify().ok
        data = stored_row(ws.path, rid, 1)
        assert data is not None
        forged = decode(data)
        forged = Totals(
            forged.valid,
            forged.invalid,
            forged.invalid_reasons,
            {nid: (row[0] + 1, *row[1:]) for nid, row in forged.rows.items()},
            forged.not_counted,
            forged.write_ins,
        )
        with raw(ws.path) as conn:
            conn.execute("UPDATE running_totals SET data = ? WHERE round_id = ?", (encode(forged), rid))
            (row_id,) = conn.execute("SELECT id FROM running_totals WHERE round_id = ?", (rid,)).fetchone()
        report = ws.audit.verify()
        assert not report.ok and report.bad_rows == (("running_totals", row_id),) and report.bad_ballots == ()
        place = tamper_place(report.first_bad_seq, report.bad_ballots, report.bad_rows)
        assert f"tổng cộng dồn số {row_id}" in place
        assert_vietnamese(place)
        err = expect_error(ws, ErrorCode.CANNOT_CLOSE, ws.stages.change, rid, Stage.CLOSED)
        assert "BÁO ĐỘNG" in err.message and "tổng cộng dồn" in err.message
        assert ws.setup.round(rid).stage is Stage.COUNTING


def test_deleted_totals_row_is_found(tmp_path: Path) -> None:
    with workspace_at(tmp_path / "kp.sqlite3") as ws:
        rid = _counted(ws)
        with raw(ws.path) as conn:
            (row_id,) = conn.execute("SELECT id FROM running_totals WHERE round_id = ?", (rid,)).fetchone()
            conn.execute("DELETE FROM running_totals")
        report = ws.audit.verify()
        assert not report.ok and report.bad_rows == (("running_totals", row_id),)
        # Without its row the results fall back to counting the ballots (never a silent zero) ...
        assert ws.counting.totals(rid).collected == 4
        # ... and closing refuses: the sealed totals are gone.
        expect_error(ws, ErrorCode.CANNOT_CLOSE, ws.stages.change, rid, Stage.CLOSED)


def test_closing_checks_the_recount_and_closes_when_equal(tmp_path: Path) -> None:
    with workspace_at(tmp_path / "kp.sqlite3") as ws:
        b = build_round(ws, RoundKind.APPROVAL, nominees=2, printed=6)
        closed = count_and_close(b, 5)
        assert closed.stage is Stage.CLOSED
        assert ws.counting.recount_check(b.round_id).matches
        assert ws.audit.verify().ok


def test_totals_of_changed_settings_are_counted_again(tmp_path: Path) -> None:
    """A round sent back to preparation and changed: its stored totals no longer fit and are never trusted."""
    with workspace_at(tmp_path / "kp.sqlite3") as ws:
        b = build_round(ws, RoundKind.APPROVAL, nominees=2, printed=6, counts=Counts(6, 6, 6, 3))
        blank = BallotMarks({})
        for ib in b.printed[:3]:
            ws.counting.record(b.round_id, ib.payload, blank)
        assert ws.counting.result(b.round_id).nominees[0].counts == (0, 0)
        ws.stages.change(b.round_id, Stage.PREPARATION, "sửa cách tính phiếu trắng")
        r = ws.setup.round(b.round_id)
        ws.setup.update_round(dataclasses.replace(r, blank_is_disagree=True))
        ws.stages.change(b.round_id, Stage.COUNTING, "tiếp tục")
        # Blank ballots now count as disagreeing: the stale stored totals are not used.
        assert ws.counting.result(b.round_id).nominees[0].counts == (0, 3)
        assert ws.counting.recount_check(b.round_id).passes[0].stale
        ws.stages.change(b.round_id, Stage.CLOSED)
        assert ws.counting.recount_check(b.round_id).matches
        assert ws.audit.verify().ok


def test_recount_reports_progress(tmp_path: Path) -> None:
    with workspace_at(tmp_path / "kp.sqlite3") as ws:
        rid = _counted(ws, 6)
        seen: list[tuple[int, int]] = []
        assert ws.counting.recount_check(rid, progress=lambda done, total: seen.append((done, total))).matches
        assert seen[-1] == (6, 6)
        assert all(done <= total for done, total in seen)


def test_failed_save_leaves_the_totals_untouched(tmp_path: Path) -> None:
    with workspace_at(tmp_path / "kp.sqlite3") as ws:
        rid = _counted(ws, 2)
        printed = ws.register.summary(rid)
        before = stored_row(ws.path, rid, 1)
        with pytest.raises(ServiceError):
            ws.counting.record(rid, "123", BallotMarks({}))
        assert stored_row(ws.path, rid, 1) == before
        assert printed == ws.register.summary(rid)
