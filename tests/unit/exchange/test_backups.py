"""Backups with SQLite's backup API: automatic at each stage change, on demand; restores checked and logged."""

from __future__ import annotations

import random
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.helpers.builders import (
    CHAIR_NAME,
    MEMBER_NAME,
    PASSPHRASES,
    build_round,
    expect_error,
    random_marks,
    snapshot,
    workspace_at,
)
from vote_counter.domain.model import Counts, RoundId, RoundKind, Stage
from vote_counter.exchange.backups import backup, backups_dir, check_backup, list_backups, restore
from vote_counter.services.errors import ErrorCode, ServiceError
from vote_counter.services.workspace import Workspace

TWO = ((CHAIR_NAME, PASSPHRASES[CHAIR_NAME]), (MEMBER_NAME, PASSPHRASES[MEMBER_NAME]))


def _results(ws: Workspace) -> dict[RoundId, object]:
    out: dict[RoundId, object] = {}
    for m in ws.setup.meetings():
        assert m.id is not None
        for r in ws.setup.rounds(m.id):
            assert r.id is not None
            out[r.id] = ws.counting.result(r.id)
    return out


def test_backup_and_restore_at_random_points(tmp_path: Path) -> None:
    db = tmp_path / "kp.sqlite3"
    rng = random.Random(7)
    taken: list[tuple[Path, dict[RoundId, object], str, int]] = []
    with workspace_at(db) as ws:
        rounds = [
            build_round(ws, RoundKind.CONFIDENCE, nominees=4, printed=40),
            build_round(ws, RoundKind.NOMINATION, nominees=3, printed=40),
        ]
        for step in range(60):
            b = rng.choice(rounds)
            entered = {x.serial for x in ws.counting.ballots(b.round_id, 1)}
            fresh = [ib for ib in b.printed if ib.serial not in entered]
            ws.counting.record(b.round_id, fresh[0].payload, random_marks(rng, b.round.kind, b.ids))
            if rng.random() < 0.15:
                path = backup(ws, f"bước {step}")
                taken.append((path, _results(ws), ws.audit.head(), len(ws.audit.entries())))
        final_results, final_head = _results(ws), ws.audit.head()
    assert len(taken) >= 3
    for path, results, head, entries in rng.sample(taken, len(taken)):
        report = restore(db, path, TWO, confirm=True)  # the chair and a member (issue 12)
        assert report.head == head and report.entries == entries
        with workspace_at(db) as ws:
            assert _results(ws) == results
            log = ws.audit.entries()
            assert log[-2].hash == head  # the head right after the backup, before the restore's entry
            assert log[-1].action == "backup_restored"
            assert log[-1].details["backup"] == path.name
            assert ws.audit.verify().ok
    # the file replaced by each restore is kept, and it is the state before that restore
    kept = [b for b in list_backups(db) if b.reason == "truoc-khi-khoi-phuc"]
    assert len(kept) == len(taken)
    with workspace_at(kept[0].path) as first_replaced:
        assert _results(first_replaced) == final_results
        assert first_replaced.audit.head() == final_head


def test_a_backup_is_written_at_each_stage_change(ws: Workspace) -> None:
    b = build_round(ws, RoundKind.APPROVAL, nominees=1, printed=3)  # preparation → counting
    after_counting = ws.audit.head()
    names = [i.reason for i in list_backups(ws.path)]
    assert names == [f"luot{b.round_id}-counting"]
    assert check_backup(list_backups(ws.path)[0].path).head == after_counting
    ws.setup.set_counts(b.round_id, Counts(3, 3, 3, collected=0))
    ws.stages.change(b.round_id, Stage.CLOSED)
    ws.stages.change(b.round_id, Stage.COUNTING, reason="nhập thiếu phiếu")
    assert [i.reason for i in list_backups(ws.path)] == [
        f"luot{b.round_id}-counting",
        f"luot{b.round_id}-closed",
        f"luot{b.round_id}-counting",
    ]
    for item in list_backups(ws.path):
        assert check_backup(item.path).ok
        assert not Path(str(item.path) + "-wal").exists()  # one self-contained file


def test_a_failed_automatic_backup_says_the_stage_did_change(ws: Workspace) -> None:
    backups_dir(ws.path).parent.mkdir(parents=True, exist_ok=True)
    backups_dir(ws.path).write_text("không phải thư mục", encoding="utf-8")
    b = build_round(ws, RoundKind.APPROVAL, nominees=1, printed=3, counting=False)
    with pytest.raises(ServiceError) as info:
        ws.stages.change(b.round_id, Stage.COUNTING)
    assert info.value.code is ErrorCode.AUTO_BACKUP_FAILED
    assert "Đã chuyển giai đoạn" in info.value.message
    assert ws.setup.round(b.round_id).stage is Stage.COUNTING


def test_a_damaged_backup_is_refused_and_nothing_changes(ws: Workspace, tmp_path: Path) -> None:
    build_round(ws, RoundKind.CONFIDENCE, nominees=2, printed=5)
    good = backup(ws, "thủ công")
    damaged = tmp_path / "hong.sqlite3"
    data = bytearray(good.read_bytes())
    for at in range(4096, len(data), 997):
        data[at] ^= 0x5A
    damaged.write_bytes(bytes(data))
    expect_error(ws, ErrorCode.BACKUP_INVALID, restore, ws.path, damaged)
    not_a_db = tmp_path / "ghi_chu.sqlite3"
    not_a_db.write_text("xin chào", encoding="utf-8")
    expect_error(ws, ErrorCode.BACKUP_INVALID, restore, ws.path, not_a_db)
    expect_error(ws, ErrorCode.BACKUP_INVALID, restore, ws.path, tmp_path / "khong_co.sqlite3")


def test_a_backup_with_a_broken_audit_chain_is_refused(ws: Workspace, tmp_path: Path) -> None:
    build_round(ws, RoundKind.CONFIDENCE, nominees=2, printed=5)
    tampered = tmp_path / "sua.sqlite3"
    shutil.copyfile(backup(ws, "trước khi sửa"), tampered)
    conn = sqlite3.connect(tampered)
    conn.execute(
        "INSERT INTO audit_log (seq, at, actor, action, details, prev_hash, hash) "
        "SELECT seq + 1, at, actor, 'ballot_saved', details, hash, hash FROM audit_log ORDER BY seq DESC LIMIT 1"
    )
    conn.commit()
    conn.close()
    before = snapshot(ws.path)
    with pytest.raises(ServiceError) as info:
        restore(ws.path, tampered)
    assert info.value.code is ErrorCode.BACKUP_INVALID and "nhật ký" in info.value.message
    assert snapshot(ws.path) == before


def test_restore_creates_a_missing_database(ws: Workspace, tmp_path: Path) -> None:
    """A second station starts from a backup of the first: same set-up, same register, same keys."""
    b = build_round(ws, RoundKind.CONFIDENCE, nominees=2, printed=5)
    source = backup(ws, "cho máy 2")
    other = tmp_path / "may2" / "kp.sqlite3"
    report = restore(other, source)
    assert report.replaced_copy is None
    with workspace_at(other) as ws2:
        assert ws2.setup.round(b.round_id).code == b.round.code
        assert ws2.register.summary(b.round_id) == ws.register.summary(b.round_id)
        assert ws2.audit.entries()[-1].action == "backup_restored"
