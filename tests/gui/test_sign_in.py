"""Signing in, the idle lock, two-person actions, sealed rounds and the start-up audit alarm, as the board sees them."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from pytestqt.qtbot import QtBot

from tests.gui.conftest import Seeded, seed_round, type_text
from tests.gui.test_minutes_page import count_ballots
from tests.helpers.builders import CHAIR_NAME, MEMBER_NAME, PASSPHRASES
from vote_counter.domain.model import MeetingId, RoundId, Stage
from vote_counter.services.accounts import Approval, Credential
from vote_counter.services.errors import ErrorCode, ServiceError
from vote_counter.services.workspace import Workspace
from vote_counter.ui import sign_in, texts
from vote_counter.ui.main_window import MainWindow
from vote_counter.ui.sign_in import ApprovalDialog, PassphraseDialog, SignInDialog, select_member

MakeWindow = Callable[[], MainWindow]
LEFT = Qt.MouseButton.LeftButton
REAL_ASK_APPROVAL = sign_in.ask_approval  # make_window answers two-person dialogs itself; these tests drive them


def _shot(widget: QWidget, name: str, tmp_path: Path) -> None:
    directory = Path(os.environ.get("KP_SCREENSHOTS") or tmp_path)
    directory.mkdir(parents=True, exist_ok=True)
    widget.adjustSize()
    assert widget.grab().save(str(directory / name))


def _meeting(ws: Workspace, seeded: Seeded) -> MeetingId:
    mid = ws.setup.round(seeded.round_id).meeting_id
    assert mid is not None
    return mid


def _ids(ws: Workspace, mid: MeetingId) -> dict[str, int]:
    return {m.full_name: m.id for m in ws.setup.board(mid) if m.id is not None}


def test_sign_in_at_start(
    make_window: MakeWindow, workspace: Workspace, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    seeded = seed_round(workspace)
    mid = _meeting(workspace, seeded)
    workspace.access.forget()  # a fresh start: nobody signed in
    ids = _ids(workspace, mid)
    typed = iter(["sai mật khẩu rồi", PASSPHRASES[MEMBER_NAME]])
    seen: list[str] = []

    def fill(dialog: QDialog) -> bool:
        assert isinstance(dialog, SignInDialog)
        assert dialog.passphrase.echoMode() is dialog.passphrase.EchoMode.Password
        seen.append(dialog.error.text())
        select_member(dialog.member, ids[MEMBER_NAME])
        type_text(dialog.passphrase, next(typed))
        _shot(dialog, "dang_nhap.png", tmp_path)
        return True

    monkeypatch.setattr(sign_in, "run_dialog", fill)
    window = make_window()
    assert texts.SIGNED_IN_NONE in window.user_label.text()
    window.start()
    assert seen[0] == "" and "không đúng" in seen[1]  # the wrong passphrase was said so, in Vietnamese
    assert MEMBER_NAME in window.user_label.text() and "Thành viên" in window.user_label.text()
    assert workspace.audit.entries()[-1].action == "signed_in"
    assert workspace.audit.entries()[-1].actor == MEMBER_NAME
    assert window.lock_button.isEnabled()


def test_idle_lock_covers_the_window_and_asks_a_passphrase(
    make_window: MakeWindow, workspace: Workspace, qtbot: QtBot, tmp_path: Path
) -> None:
    seeded = seed_round(workspace)
    mid = _meeting(workspace, seeded)
    ids = _ids(workspace, mid)
    workspace.access.remember(mid, Credential(ids[MEMBER_NAME], PASSPHRASES[MEMBER_NAME]))  # type: ignore[arg-type]
    window = make_window()
    assert window.idle.timer.isActive() and window.idle.minutes == 10
    # Any key or click anywhere restarts the idle timer (an application-wide event filter).
    real_timer = window.idle.timer
    restarts: list[int] = []

    class Timer:
        def isActive(self) -> bool:
            return True

        def start(self) -> None:
            restarts.append(1)

    window.idle.timer = Timer()  # type: ignore[assignment]
    key = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window.entry_page.scan, key)
    qtbot.mouseClick(window.tabs, LEFT)
    window.idle.timer = real_timer
    assert len(restarts) >= 2
    window.idle.timer.timeout.emit()  # ten minutes without input
    overlay = window.lock_overlay
    assert overlay.isVisible() and overlay.geometry() == window.rect()
    assert workspace.access.signed_in == {}
    assert texts.SIGNED_IN_NONE in window.user_label.text()
    assert overlay.member.currentData() == ids[MEMBER_NAME]  # the same member first
    with pytest.raises(ServiceError) as info:
        workspace.counting.record(seeded.round_id, seeded.ballots[0].payload, _marks(workspace, seeded.round_id))
    assert info.value.code is ErrorCode.NOT_SIGNED_IN
    _shot(window, "khoa_man_hinh.png", tmp_path)
    type_text(overlay.passphrase, "không phải")
    qtbot.mouseClick(overlay.unlock_button, LEFT)
    assert overlay.isVisible() and "không đúng" in overlay.error.text()
    select_member(overlay.member, ids[CHAIR_NAME])  # or another member
    type_text(overlay.passphrase, PASSPHRASES[CHAIR_NAME])
    qtbot.mouseClick(overlay.unlock_button, LEFT)
    assert not overlay.isVisible()
    assert CHAIR_NAME in window.user_label.text()
    assert window.idle.timer.isActive()
    qtbot.mouseClick(window.lock_button, LEFT)  # "Khóa màn hình" at once
    assert overlay.isVisible()


def _marks(ws: Workspace, rid: RoundId) -> object:
    from vote_counter.domain.model import BallotMarks

    return BallotMarks({n.id: frozenset({0}) for n in ws.setup.nominees(rid) if n.id is not None})


@pytest.mark.qt_log_ignore(
    "does not support propagateSizeHints"
)  # offscreen Qt: closing's recount runs under a progress dialog
def test_two_person_close(
    make_window: MakeWindow, workspace: Workspace, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    seeded = seed_round(workspace, ballots=4, collected=4)
    count_ballots(workspace, seeded, "01201201")
    mid = _meeting(workspace, seeded)
    ids = _ids(workspace, mid)
    workspace.access.remember(mid, Credential(ids[MEMBER_NAME], PASSPHRASES[MEMBER_NAME]))  # type: ignore[arg-type]
    monkeypatch.setattr(sign_in, "ask_approval", REAL_ASK_APPROVAL)
    chair_typed = iter(["đoán mò mật khẩu", PASSPHRASES[CHAIR_NAME]])

    def fill(dialog: QDialog) -> bool:
        assert isinstance(dialog, ApprovalDialog)
        assert dialog.second.currentData() == ids[MEMBER_NAME]  # the signed-in member is already there
        assert dialog.chair.currentData() == ids[CHAIR_NAME]
        dialog.chair_passphrase.clear()
        dialog.second_passphrase.clear()
        type_text(dialog.chair_passphrase, next(chair_typed))
        type_text(dialog.second_passphrase, PASSPHRASES[MEMBER_NAME])
        _shot(dialog, "hai_nguoi_xac_nhan.png", tmp_path)
        return True

    monkeypatch.setattr(sign_in, "run_dialog", fill)
    window = make_window()
    window.next_button.click()  # a wrong chair passphrase: refused, still counting
    assert workspace.setup.round(seeded.round_id).stage is Stage.COUNTING
    assert "không đúng" in window.stage_status.text()
    window.next_button.click()
    assert workspace.setup.round(seeded.round_id).stage is Stage.CLOSED
    last = workspace.audit.entries()[-1]
    assert (last.action, last.actor) == ("stage_changed", f"{CHAIR_NAME} + {MEMBER_NAME}")
    # Cancelled: nothing happens.
    monkeypatch.setattr(sign_in, "run_dialog", lambda _d: False)
    window.next_button.click()
    assert workspace.setup.round(seeded.round_id).stage is Stage.CLOSED
    assert texts.APPROVAL_CANCELLED in window.stage_status.text()


def test_a_sealed_round_is_read_only_in_the_window(make_window: MakeWindow, workspace: Workspace) -> None:
    seeded = seed_round(workspace, ballots=4, collected=4)
    count_ballots(workspace, seeded, "01201201")
    workspace.stages.change(seeded.round_id, Stage.CLOSED)
    workspace.stages.change(seeded.round_id, Stage.SEALED)
    window = make_window()
    setup = window.setup_page
    window.tabs.setCurrentWidget(setup)
    for widget in (setup.meeting_form.title, setup.meeting_form.save_button):
        assert not widget.isEnabled() and widget.toolTip() == texts.WHY_SEALED_MEETING
    setup.tabs.setCurrentWidget(setup.board)
    for widget in (setup.board.add_button, setup.board.remove_button, setup.board.name):
        assert not widget.isEnabled() and "niêm phong" in widget.toolTip()
    setup.tabs.setCurrentWidget(setup.counts)
    assert not setup.counts.save_button.isEnabled() and "niêm phong" in setup.counts.save_button.toolTip()
    window.tabs.setCurrentWidget(window.entry_page)
    assert not window.entry_page.scan.isEnabled() and "niêm phong" in window.entry_page.scan.toolTip()
    window.tabs.setCurrentWidget(window.ballots_page)
    assert not window.ballots_page.print_button.isEnabled()
    assert "niêm phong" in window.ballots_page.print_button.toolTip()
    assert not window.next_button.isEnabled()
    assert window.back_button.isEnabled()  # going back: the chair, another member and a reason


def test_audit_alarm_at_start_when_a_ballot_row_was_edited(
    make_window: MakeWindow, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeded = seed_round(workspace, ballots=4, collected=4)
    count_ballots(workspace, seeded, "01201201")
    workspace.stages.change(seeded.round_id, Stage.CLOSED)
    conn = sqlite3.connect(workspace.path)
    with conn:
        conn.execute("UPDATE ballots SET valid = 0 WHERE id = 2")  # edited in the file, outside the app
    conn.close()
    alarms: list[str] = []
    monkeypatch.setattr(sign_in, "show_alarm", lambda _p, message: alarms.append(message))
    window = make_window()
    window.start()
    (message,) = alarms
    assert "phiếu đã nhập số 2 khác với lúc lưu" in message and "Không được xuất" in message
    window.tabs.setCurrentWidget(window.minutes_page)
    usb = window.minutes_page.usb_button
    assert not usb.isEnabled() and usb.toolTip() == texts.WHY_AUDIT_BROKEN
    # issue 12: no minutes, results files or export from a doctored file; the page says why
    minutes = window.minutes_page.minutes_button
    assert not minutes.isEnabled() and "phiếu đã nhập số 2" in minutes.toolTip()
    assert "phiếu đã nhập số 2" in window.minutes_page.locked_note.text()


def test_set_passphrase_dialog_and_the_real_alarm_box(
    make_window: MakeWindow, workspace: Workspace, tmp_path: Path
) -> None:
    seeded = seed_round(workspace)
    mid = _meeting(workspace, seeded)
    window = make_window()
    (member,) = [m for m in workspace.setup.board(mid) if m.full_name == MEMBER_NAME]
    dialog = PassphraseDialog(member, window)
    assert not dialog.current.isHidden() or member.has_passphrase
    type_text(dialog.new, "mật khẩu mới")
    type_text(dialog.repeat, "mật khẩu khác")
    dialog.accept()
    assert dialog.error.text() == texts.PASSPHRASES_DIFFER and dialog.result() != QDialog.DialogCode.Accepted
    _shot(dialog, "dat_mat_khau.png", tmp_path)
    from vote_counter.ui import dialogs

    box = dialogs.alarm_box(window, texts.AUDIT_ALARM_TITLE, texts.AUDIT_ALARM.format(where="phiếu đã nhập số 2 khác"))
    _shot(box, "canh_bao_nhat_ky.png", tmp_path)
    approval = ApprovalDialog(workspace.setup.board(mid), texts.ACTION_BACK.format(stage="Kiểm phiếu"), "Nhập thiếu")
    assert approval.approval() == Approval(
        Credential(approval.chair.currentData(), ""), Credential(approval.second.currentData(), "")
    )
