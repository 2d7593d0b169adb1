"""An existing database migrates to persisted running totals (issue 15).

tests/unit/storage/data/schema2_counting.sqlite3 was written by the app before this change (see
make_schema2_database.py next to it): schema version 2, marks stored as JSON objects, no running_totals table.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest

from tests.helpers.builders import random_marks, raw, workspace_at
from vote_counter.domain.model import BallotMarks, NomineeId, Reason, RoundId, RoundKind, Stage
from vote_counter.domain.rules import tally
from vote_counter.storage import migrations
from vote_counter.storage.totals import decode

OLD = Path(__file__).with_name("data") / "schema2_counting.sqlite3"


@pytest.fixture
def old_copy(tmp_path: Path) -> Path:
    path = tmp_path / "old.sqlite3"
    shutil.copyfile(OLD, path)
    with raw(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert "running_totals" not in tables
        assert conn.execute("SELECT marks FROM ballots LIMIT 1").fetchone()[0].startswith("{")
    return path


def _by_hand(path: Path, ws_round: int) -> tuple[int, int, dict[int, tuple[int, ...]]]:
    """Valid, invalid and per-nominee counts of pass 1 straight from the old JSON rows (not via the app's reader)."""
    with workspace_at(path) as ws:
        round_ = ws.setup.round(RoundId(ws_round))
        nominees = ws.setup.nominees(RoundId(ws_round))
    with raw(path) as conn:
        rows = conn.execute(
            "SELECT marks, set_aside FROM ballots WHERE round_id = ? AND pass_no = 1 AND status = 'active'",
            (ws_round,),
        ).fetchall()
    keyed = []
    aside = 0
    for text, is_aside in rows:
        if is_aside:
            aside += 1
            continue
        data = json.loads(text)
        keyed.append(
            BallotMarks(
                rows={NomineeId(int(k)): frozenset(v) for k, v in data["rows"].items()},
                write_ins=tuple(data["write_ins"]),
                declared=frozenset(Reason(r) for r in data["declared"]),
            )
        )
    t = tally(round_, nominees, keyed)
    return t.valid, t.invalid + aside, {int(k): v for k, v in t.rows.items()}


def test_old_database_gets_its_totals_counted_and_sealed(old_copy: Path) -> None:
    expected = {rid: _by_hand_before(old_copy, rid) for rid in (1, 2, 3, 4)}
    with workspace_at(old_copy) as ws:
        with raw(old_copy) as conn:
            assert conn.execute("PRAGMA user_version").fetchone()[0] == migrations.SCHEMA_VERSION
            stored = dict(((r, p), d) for r, p, d in conn.execute("SELECT round_id, pass_no, data FROM running_totals"))
            rebuilt = conn.execute("SELECT count(*) FROM audit_log WHERE action = 'totals_rebuilt'").fetchone()[0]
        assert set(stored) == {(1, 1), (1, 2), (2, 1), (3, 1), (4, 1)}
        assert rebuilt == len(stored)
        for rid in (1, 2, 3, 4):
            check = ws.counting.recount_check(RoundId(rid))
            assert check.matches, rid
            valid, invalid, rows = expected[rid]
            t = decode(stored[(rid, 1)])
            assert (t.valid, t.invalid) == (valid, invalid)
            assert {k: v for k, v in rows.items() if any(v)} == {int(k): v for k, v in t.rows.items()}
        assert ws.audit.verify().ok
        # The old rows are still read, and counting goes on with the new compact ones.
        old = ws.counting.ballots(RoundId(1))
        assert old and all(isinstance(b.marks, BallotMarks) for b in old)
        rng = random.Random(1)
        conf = ws.setup.round(RoundId(1))
        assert conf.stage is Stage.COUNTING and conf.kind is RoundKind.CONFIDENCE
        ids = [n.id for n in ws.setup.nominees(RoundId(1)) if n.id is not None]
        ws.counting.void(old[0].id, "nhập nhầm")
        ws.counting.correct(old[1].id, random_marks(rng, RoundKind.CONFIDENCE, ids), "đối chiếu phiếu giấy")
        assert ws.counting.recount_check(RoundId(1)).matches
        assert ws.audit.verify().ok
    with workspace_at(old_copy) as again:  # migrating is done once: a second open changes nothing
        with raw(old_copy) as conn:
            assert conn.execute("SELECT count(*) FROM audit_log WHERE action = 'totals_rebuilt'").fetchone()[0] == 5
        assert again.audit.verify().ok


def _by_hand_before(path: Path, rid: int) -> tuple[int, int, dict[int, tuple[int, ...]]]:
    """Read before the app opens (and migrates) the file: a copy is counted by hand."""
    copy = path.with_name(f"peek{rid}.sqlite3")
    shutil.copyfile(path, copy)
    return _by_hand(copy, rid)


def test_the_migration_step_is_idempotent(old_copy: Path) -> None:
    """Revisions from the running totals on run again on a migrated file: nothing is counted or sealed twice."""
    with workspace_at(old_copy):
        pass
    with raw(old_copy) as conn:
        before = conn.execute("SELECT round_id, pass_no, data FROM running_totals ORDER BY 1, 2").fetchall()
        conn.execute("UPDATE alembic_version SET version_num = '0003'")
    with workspace_at(old_copy) as ws:
        assert ws.audit.verify().ok
    with raw(old_copy) as conn:
        assert conn.execute("SELECT round_id, pass_no, data FROM running_totals ORDER BY 1, 2").fetchall() == before
        assert conn.execute("SELECT count(*) FROM audit_log WHERE action = 'totals_rebuilt'").fetchone()[0] == 5
