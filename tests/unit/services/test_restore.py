"""Issue 12: restore is a two-person action that shows what it would drop, refuses another meeting's database
and a backup that fails verify-audit's checks, and keeps the replaced file."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.builders import (
    CHAIR_NAME,
    MEMBER_NAME,
    PASSPHRASES,
    THIRD_NAME,
    Built,
    build_round,
    confidence_marks,
    expect_error,
    raw,
    snapshot,
    workspace_at,
)
from vote_counter.cli import main
from vote_counter.domain.model import RoundKind, Stage, TallySheet
from vote_counter.exchange.backups import backup, list_backups, plan_restore, restore
from vote_counter.services.errors import ErrorCode, ServiceError
from vote_counter.services.restore import discard_plan

TWO = ((CHAIR_NAME, PASSPHRASES[CHAIR_NAME]), (MEMBER_NAME, PASSPHRASES[MEMBER_NAME]))


@pytest.fixture
def built(tmp_path: Path) -> Iterator[Built]:
    with workspace_at(tmp_path / "kp.sqlite3") as ws:
        b = build_round(ws, RoundKind.CONFIDENCE, nominees=3, printed=10)
        for i, ib in enumerate(b.printed[:3]):
            ws.counting.record(b.round_id, ib.payload, confidence_marks(b.ids, [i % 3, 0, 1]))
        yield b


def _older_backup_then_more_work(b: Built) -> Path:
    ws = b.ws
    older = backup(ws, "trước khi nhập thêm")
    for ib in b.printed[3:7]:
        ws.counting.record(b.round_id, ib.payload, confidence_marks(b.ids, [0, 0, 0]))
    ws.counting.enter_tally_sheet(b.round_id, 1, TallySheet(valid=1, invalid={}, rows={b.ids[0]: (1, 0, 0)}))
    return older


def _no_stray_files(b: Built) -> None:
    assert not [p for p in (b.ws.path.parent / "backups").iterdir() if p.name.startswith(".restore-")]


def test_the_dry_run_lists_what_would_be_dropped_per_round(built: Built) -> None:
    older = _older_backup_then_more_work(built)
    ws = built.ws
    ws.stages.change(built.round_id, Stage.PREPARATION, reason="in thêm phiếu")
    before = snapshot(ws.path)
    plan = plan_restore(ws.path, older, TWO)
    discard_plan(plan)
    assert snapshot(ws.path) == before
    _no_stray_files(built)
    (line,) = [x for x in plan.dropped if x.startswith(f"Lượt {built.round_id} ")]
    assert "4 phiếu đã nhập" in line
    assert "1 lần chuyển giai đoạn (Kiểm phiếu → Chuẩn bị)" in line
    assert "thay đổi khác" in line  # the tally sheet


def test_an_older_backup_without_credentials_is_refused(built: Built) -> None:
    older = _older_backup_then_more_work(built)
    ws = built.ws
    expect_error(ws, ErrorCode.RESTORE_CONFIRM, restore, ws.path, older)  # nobody, no confirmation
    expect_error(ws, ErrorCode.RESTORE_CONFIRM, restore, ws.path, older, TWO)  # two people, not confirmed
    one = TWO[:1]
    expect_error(ws, ErrorCode.RESTORE_CONFIRM, restore, ws.path, older, one, confirm=True)
    two_members = ((MEMBER_NAME, PASSPHRASES[MEMBER_NAME]), (THIRD_NAME, PASSPHRASES[THIRD_NAME]))
    expect_error(ws, ErrorCode.NEEDS_CHAIR, restore, ws.path, older, two_members, confirm=True)
    wrong = ((CHAIR_NAME, "không phải mật khẩu"), TWO[1])
    with pytest.raises(ServiceError) as info:  # not expect_error: a wrong passphrase is counted (lockout)
        restore(ws.path, older, wrong, confirm=True)
    assert info.value.code is ErrorCode.WRONG_PASSPHRASE
    assert len(ws.counting.ballots(built.round_id, 1)) == 7
    _no_stray_files(built)


def test_the_chair_and_a_member_restore_and_the_replaced_file_is_kept(built: Built) -> None:
    older = _older_backup_then_more_work(built)
    ws = built.ws
    live_head = ws.audit.head()
    report = restore(ws.path, older, TWO, confirm=True)
    assert any("4 phiếu đã nhập" in line for line in report.dropped)
    assert report.replaced_copy is not None and report.replaced_copy.exists()
    with workspace_at(ws.path) as after:
        assert len(after.counting.ballots(built.round_id, 1)) == 3
        last = after.audit.entries()[-1]
        assert last.action == "backup_restored"
        assert last.actor == f"{CHAIR_NAME} + {MEMBER_NAME}"
        assert last.details["dropped"] == list(report.dropped)
    with workspace_at(report.replaced_copy) as kept:
        assert kept.audit.head() == live_head
        assert len(kept.counting.ballots(built.round_id, 1)) == 7
    _no_stray_files(built)


def test_another_meetings_database_is_refused(built: Built, tmp_path: Path) -> None:
    with workspace_at(tmp_path / "khac" / "kp.sqlite3") as other:
        build_round(other, RoundKind.APPROVAL, nominees=1, printed=3)
        foreign = backup(other, "hội nghị khác")
    ws = built.ws
    err = expect_error(ws, ErrorCode.RESTORE_OTHER_MEETING, restore, ws.path, foreign, TWO, confirm=True)
    assert "None" not in err.message
    _no_stray_files(built)


def test_a_backup_with_an_edited_tally_sheet_is_refused(built: Built, tmp_path: Path) -> None:
    ws = built.ws
    ws.counting.enter_tally_sheet(built.round_id, 1, TallySheet(valid=1, invalid={}, rows={built.ids[0]: (1, 0, 0)}))
    doctored = tmp_path / "sua.sqlite3"
    shutil.copyfile(backup(ws, "để sửa"), doctored)
    with raw(doctored) as conn:
        (sheet,) = conn.execute("SELECT id FROM tally_sheets").fetchone()
        conn.execute(
            "UPDATE tally_sheets SET data = replace(data, '\"valid\":1', '\"valid\":9') WHERE id = ?", (sheet,)
        )
    err = expect_error(ws, ErrorCode.BACKUP_INVALID, restore, ws.path, doctored, TWO, confirm=True)
    assert f"phiếu tổng hợp số {sheet}" in err.message and "None" not in err.message
    _no_stray_files(built)


def test_a_refused_restore_never_says_none(built: Built, tmp_path: Path) -> None:
    ws = built.ws
    doctored = tmp_path / "sua.sqlite3"
    shutil.copyfile(backup(ws, "để sửa"), doctored)
    with raw(doctored) as conn:
        conn.execute("UPDATE ballots SET valid = 0 WHERE id = (SELECT min(id) FROM ballots)")
    err = expect_error(ws, ErrorCode.BACKUP_INVALID, restore, ws.path, doctored, TWO, confirm=True)
    assert "phiếu đã nhập số" in err.message and "None" not in err.message


def test_the_command_lists_first_and_restores_with_two_people_and_confirm(
    built: Built, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    older = _older_backup_then_more_work(built)
    db = str(built.ws.path)
    before = snapshot(built.ws.path)
    assert main(["--db", db, "restore", str(older)]) == 0
    out = capsys.readouterr().out
    assert "CHƯA khôi phục" in out and "4 phiếu đã nhập" in out
    assert snapshot(built.ws.path) == before
    assert main(["--db", db, "restore", str(older), "--confirm"]) == 1
    assert "Trưởng ban và một thành viên" in capsys.readouterr().err
    assert snapshot(built.ws.path) == before
    monkeypatch.setenv("KP_PASSPHRASE", PASSPHRASES[CHAIR_NAME])
    monkeypatch.setenv("KP_PASSPHRASE2", PASSPHRASES[MEMBER_NAME])
    argv = ["--db", db, "--as", CHAIR_NAME, "--with", MEMBER_NAME, "restore", str(older), "--confirm"]
    assert main(argv) == 0
    assert "Đã khôi phục" in capsys.readouterr().out
    assert [b.reason for b in list_backups(built.ws.path)].count("truoc-khi-khoi-phuc") == 1
