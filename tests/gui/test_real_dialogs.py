"""The dialogs that are the point of an action, answered as the board answers them: the real confirmation, the
real two-person approval, the real reason prompt and the real list of what blocks closing, each by key presses
on what has the focus. Escape, Enter on the safe default or "Không" must change nothing: the SQLite file, read
with python's sqlite3, is the same row for row."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox
from pytestqt.qtbot import QtBot

from tests.gui.answer import (
    ENTER,
    ESCAPE,
    answer,
    approve,
    button,
    file_state,
    file_value,
    keyboard_back,
    reason,
    type_then_enter,
    yes,
)
from tests.gui.conftest import Board, seed_round
from tests.gui.job_wait import settle
from tests.gui.keys import click, open_tab
from tests.gui.test_minutes_page import counted_round
from tests.helpers.builders import CHAIR_NAME, MEMBER_NAME, PASSPHRASES, THIRD_NAME, board_accounts
from vote_counter.domain.model import Stage
from vote_counter.services.accounts import Credential
from vote_counter.services.workspace import Workspace
from vote_counter.ui import close_check, texts
from vote_counter.ui.main_window import MainWindow
from vote_counter.ui.pages import minutes_page
from vote_counter.ui.sign_in import ApprovalDialog, SignInDialog

MakeWindow = Callable[[], MainWindow]
pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")  # offscreen Qt, on every real dialog


def _stage(db: Path, round_id: int) -> object:
    return file_value(db, "SELECT stage FROM rounds WHERE id = ?", round_id)


def _last_entry(db: Path) -> tuple[object, object]:
    return (
        file_value(db, "SELECT action FROM audit_log ORDER BY seq DESC LIMIT 1"),
        file_value(db, "SELECT actor FROM audit_log ORDER BY seq DESC LIMIT 1"),
    )


def test_closing_is_confirmed_then_approved_and_every_way_out_changes_nothing(
    real_dialogs: MakeWindow, workspace: Workspace, qtbot: QtBot
) -> None:
    rid = counted_round(workspace).round_id
    db = workspace.path
    window = real_dialogs()
    before = file_state(db)

    for way_out in (ESCAPE, ENTER, button(texts.NO)):  # Enter: "Không" is the default
        asked = answer(way_out)
        click(qtbot, window.next_button)
        assert asked.answered()
        assert isinstance(asked.seen[0], QMessageBox)
        assert "sang giai đoạn “Đã kết thúc”?" in asked.texts[0]
        assert file_state(db) == before

    # "Có", then Escape on the two people's dialog: nothing closed, and the window says why.
    asked = answer(yes, ESCAPE)
    click(qtbot, window.next_button)
    assert asked.answered(2) and isinstance(asked.seen[1], ApprovalDialog)
    assert texts.ACTION_CLOSE in asked.texts[1]
    assert file_state(db) == before
    assert texts.APPROVAL_CANCELLED in window.stage_status.text()

    # A wrong chair passphrase: the service refuses, still counting.
    asked = answer(yes, approve(chair="đoán mò mật khẩu"))
    click(qtbot, window.next_button)
    assert asked.answered(2)
    assert _stage(db, rid) == Stage.COUNTING.value
    assert "không đúng" in window.stage_status.text()

    asked = answer(yes, approve())
    click(qtbot, window.next_button)
    assert asked.answered(2)
    assert _stage(db, rid) == Stage.CLOSED.value
    assert _last_entry(db) == ("stage_changed", f"{CHAIR_NAME} + {MEMBER_NAME}")


def test_sealing_warns_then_asks_two_people_and_every_way_out_changes_nothing(
    real_dialogs: MakeWindow, workspace: Workspace, qtbot: QtBot
) -> None:
    rid = counted_round(workspace).round_id
    workspace.stages.change(rid, Stage.CLOSED)
    db = workspace.path
    window = real_dialogs()
    before = file_state(db)

    for way_out in (ESCAPE, ENTER, button(texts.NO)):
        asked = answer(way_out)
        click(qtbot, window.next_button)
        assert asked.answered() and "Sau khi niêm phong" in asked.texts[0]
        assert file_state(db) == before
    asked = answer(yes, ESCAPE)
    click(qtbot, window.next_button)
    assert asked.answered(2) and texts.ACTION_SEAL in asked.texts[1]
    assert file_state(db) == before

    asked = answer(yes, approve())
    click(qtbot, window.next_button)
    assert asked.answered(2)
    assert _stage(db, rid) == Stage.SEALED.value
    assert _last_entry(db) == ("stage_changed", f"{CHAIR_NAME} + {MEMBER_NAME}")


def test_going_back_from_sealed_needs_a_reason_and_two_people(
    real_dialogs: MakeWindow, workspace: Workspace, qtbot: QtBot
) -> None:
    rid = counted_round(workspace).round_id
    workspace.stages.change(rid, Stage.CLOSED)
    workspace.stages.change(rid, Stage.SEALED)
    db = workspace.path
    window = real_dialogs()
    before = file_state(db)

    asked = answer(ESCAPE)  # the reason prompt
    click(qtbot, window.back_button)
    assert asked.answered() and isinstance(asked.seen[0], QInputDialog)
    assert file_state(db) == before
    asked = answer(reason("Ghi sai số phiếu thu về"), ESCAPE)  # a reason, then nobody approves
    click(qtbot, window.back_button)
    assert asked.answered(2) and "Ghi sai số phiếu thu về" in asked.texts[1]
    assert file_state(db) == before
    assert texts.APPROVAL_CANCELLED in window.stage_status.text()

    asked = answer(reason("Ghi sai số phiếu thu về"), approve())
    click(qtbot, window.back_button)
    assert asked.answered(2)
    assert _stage(db, rid) == Stage.CLOSED.value
    details = file_value(db, "SELECT details FROM audit_log WHERE action = 'stage_changed' ORDER BY seq DESC LIMIT 1")
    assert isinstance(details, str) and "Ghi sai số phiếu thu về" in details


def test_the_list_of_what_blocks_closing_is_answered_by_keys(
    real_dialogs: MakeWindow, workspace: Workspace, board: Board, qtbot: QtBot
) -> None:
    """No physical count: the list comes before any passphrase; Escape closes it, a fix button reached by Tab
    leads to the field; neither changes the file."""
    seeded = seed_round(workspace, ballots=3, collected=None)
    window = real_dialogs()
    board.scan(seeded.ballots[0].payload)
    board.digits("123")
    board.key(Qt.Key.Key_Return)
    db = workspace.path
    before = file_state(db)

    asked = answer(ESCAPE)
    click(qtbot, window.next_button)
    assert asked.answered() and isinstance(asked.seen[0], close_check.BlockersDialog)
    blockers = asked.seen[0]
    assert any("số phiếu thu về" in blockers.list.item(i).text() for i in range(blockers.list.count()))
    assert file_state(db) == before
    assert window.tabs.currentWidget() is window.entry_page  # Escape: no fix chosen, the page stays

    fix = blockers.fix_buttons[close_check.FIX_COUNTS].text().replace("&", "")
    asked = answer(button(fix))
    click(qtbot, window.next_button)
    assert asked.answered()
    assert file_state(db) == before
    assert window.setup_page.tabs.currentWidget() is window.setup_page.counts
    counts = window.setup_page.counts
    keyboard_back(qtbot, window)
    assert QApplication.focusWidget() in (counts.collected, counts.collected_known)


def test_undoing_a_save_and_voiding_are_approved_by_two_people_typing(
    real_dialogs: MakeWindow, workspace: Workspace, board: Board
) -> None:
    """Ctrl+Z on a save: the two people type their passphrases and the ballot is voided. Voiding from the find
    panel: the reason prompt and the approval, each escaped once (nothing changes), then answered.
    (Escape on Ctrl+Z's approval: tests/gui/test_entry_traps.py.)"""
    seeded = seed_round(workspace)
    window = real_dialogs()
    page = window.entry_page
    db = workspace.path
    first, second = seeded.ballots[0].serial, seeded.ballots[1].serial
    for ballot in seeded.ballots[:2]:
        board.scan(ballot.payload)
        board.digits("111")
        board.key(Qt.Key.Key_Return)

    asked = answer(approve())
    board.key(Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert asked.answered() and "1 1 1" in asked.texts[0]
    assert file_value(db, "SELECT status FROM ballots WHERE serial = ?", second) == "void"
    assert file_value(db, "SELECT status FROM ballots WHERE serial = ?", first) == "active"
    assert _last_entry(db) == ("ballot_voided", f"{CHAIR_NAME} + {MEMBER_NAME}")

    keyboard_back(board.qtbot, window)
    page.tabs.setCurrentWidget(page.find_panel)
    click(board.qtbot, page.find_panel.query)
    board.type(first)
    board.key(Qt.Key.Key_Return)
    assert page.find_panel.table.rowCount() == 1
    before = file_state(db)
    asked = answer(ESCAPE)
    click(board.qtbot, page.find_panel.void_button)
    assert asked.answered() and isinstance(asked.seen[0], QInputDialog)
    assert file_state(db) == before
    asked = answer(reason("Nhập nhầm phiếu"), ESCAPE)
    click(board.qtbot, page.find_panel.void_button)
    assert asked.answered() and isinstance(asked.seen[1], ApprovalDialog)
    assert file_state(db) == before
    asked = answer(reason("Nhập nhầm phiếu"), approve())
    click(board.qtbot, page.find_panel.void_button)
    assert asked.answered()
    assert file_value(db, "SELECT status FROM ballots WHERE serial = ?", first) == "void"
    assert workspace.counting.totals(seeded.round_id).collected == 0
    assert _last_entry(db) == ("ballot_voided", f"{CHAIR_NAME} + {MEMBER_NAME}")
    details = file_value(db, "SELECT details FROM audit_log ORDER BY seq DESC LIMIT 1")
    assert isinstance(details, str) and "Nhập nhầm phiếu" in details


def test_reprinting_the_minutes_asks_why_and_two_people(
    real_dialogs: MakeWindow, workspace: Workspace, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rid = counted_round(workspace).round_id
    workspace.stages.change(rid, Stage.CLOSED)
    out = tmp_path / "bien ban"
    out.mkdir()
    monkeypatch.setattr(minutes_page, "choose_folder", lambda *_a: out)
    window = real_dialogs()
    page = window.minutes_page
    window.tabs.setCurrentWidget(page)
    click(qtbot, page.minutes_button)  # the first print: no question asked
    settle(window.ctx.jobs)  # written off the UI thread (ui/jobs.py)
    first = sorted(out.iterdir())
    assert [p.name for p in first] == [f"BienBan_luot{rid}.docx", f"BienBan_luot{rid}.pdf"]
    db = workspace.path
    before = file_state(db)

    asked = answer(ESCAPE)  # why print again? — no answer
    click(qtbot, page.minutes_button)
    settle(window.ctx.jobs)  # the prompt and approval come when the job refuses; then the reprint's own job
    settle(window.ctx.jobs)
    assert asked.answered() and "In lại biên bản — ghi rõ lý do" in asked.texts[0]
    assert sorted(out.iterdir()) == first and file_state(db) == before

    # A reason, then Escape on the two people's dialog: refused in a message box (closed with Enter).
    asked = answer(reason("Cấp trên đề nghị gửi thêm bản"), ESCAPE, ENTER)
    click(qtbot, page.minutes_button)
    settle(window.ctx.jobs)  # the prompt and approval come when the job refuses; then the reprint's own job
    settle(window.ctx.jobs)
    assert asked.answered(3) and isinstance(asked.seen[2], QMessageBox)
    assert texts.ACTION_REPRINT in asked.texts[1]
    assert page.status.kind == "error" and page.status.text() in asked.texts[2]
    assert sorted(out.iterdir()) == first and file_state(db) == before

    asked = answer(reason("Cấp trên đề nghị gửi thêm bản"), approve())
    click(qtbot, page.minutes_button)
    settle(window.ctx.jobs)  # the prompt and approval come when the job refuses; then the reprint's own job
    settle(window.ctx.jobs)
    assert asked.answered(2)
    assert page.status.kind == "ok"
    assert (out / f"BienBan_luot{rid}_in2.pdf").exists()
    details = file_value(db, "SELECT details FROM audit_log WHERE action = 'minutes_printed' ORDER BY seq DESC LIMIT 1")
    assert isinstance(details, str) and "Cấp trên đề nghị gửi thêm bản" in details
    assert _last_entry(db)[1] == f"{CHAIR_NAME} + {MEMBER_NAME}"


def test_opening_the_count_asks_the_chair_when_a_member_is_signed_in(
    real_dialogs: MakeWindow, workspace: Workspace, qtbot: QtBot
) -> None:
    rid = seed_round(workspace, counting=False).round_id
    mid = workspace.setup.round(rid).meeting_id
    assert mid is not None
    member = next(m for m in workspace.setup.board(mid) if m.full_name == MEMBER_NAME)
    assert member.id is not None
    workspace.access.remember(mid, Credential(member.id, PASSPHRASES[MEMBER_NAME]))
    db = workspace.path
    window = real_dialogs()
    before = file_state(db)

    asked = answer(yes, ESCAPE)  # "Có", then no chair at the keyboard
    click(qtbot, window.next_button)
    assert asked.answered() and isinstance(asked.seen[1], SignInDialog)
    assert file_state(db) == before and _stage(db, rid) == Stage.PREPARATION.value

    asked = answer(yes, type_then_enter(PASSPHRASES[CHAIR_NAME]))  # the chair types hers and presses Enter
    click(qtbot, window.next_button)
    assert asked.answered()
    assert _stage(db, rid) == Stage.COUNTING.value
    assert _last_entry(db) == ("stage_changed", CHAIR_NAME)


def test_removing_a_member_who_holds_a_passphrase_needs_two_people(
    real_dialogs: MakeWindow, workspace: Workspace, qtbot: QtBot
) -> None:
    rid = seed_round(workspace).round_id
    mid = workspace.setup.round(rid).meeting_id
    assert mid is not None
    board_accounts(workspace, workspace.setup.meeting(mid), third=True)  # a third member with a passphrase
    db = workspace.path
    window = real_dialogs()
    setup = window.setup_page
    open_tab(qtbot, window.tabs, setup)
    open_tab(qtbot, setup.tabs, setup.board)
    table = setup.board.table
    row = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == THIRD_NAME)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualItemRect(table.item(row, 0)).center())
    before = file_state(db)

    asked = answer(ESCAPE)
    click(qtbot, setup.board.remove_button)
    assert asked.answered() and texts.ACTION_REMOVE_MEMBER in asked.texts[0]
    assert file_state(db) == before

    asked = answer(approve())
    click(qtbot, setup.board.remove_button)
    assert asked.answered()
    assert file_value(db, "SELECT count(*) FROM board_members WHERE full_name = ?", THIRD_NAME) == 0
    assert _last_entry(db)[1] == f"{CHAIR_NAME} + {MEMBER_NAME}"
