"""Safe outputs (issue 17): a secret shown once survives Enter, Esc and the close button; the USB wording is
said only for a removable drive; two persons of the same name are warned about at once."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from gui.conftest import type_text
from gui.test_minutes_page import counted_round
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.gui.job_wait import settle
from vote_counter import platform_os
from vote_counter.domain.model import Meeting, Nominee, Round, RoundKind, Stage
from vote_counter.exchange.verify import verify_package
from vote_counter.services.workspace import Workspace
from vote_counter.ui import dialogs, texts
from vote_counter.ui.main_window import MainWindow
from vote_counter.ui.once_shown import OnceShownDialog
from vote_counter.ui.pages import usb_dialog

MakeWindow = Callable[[], MainWindow]
SHOTS = Path(os.environ.get("KP_SHOTS", "")) if os.environ.get("KP_SHOTS") else None
SECRET = "ngựa-vằn-7341-cầu-thang-0925"


def _try_to_dismiss(qtbot: QtBot, dialog: OnceShownDialog) -> None:
    """Everything that dismisses an ordinary message box, each on the widget that has the focus."""
    for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape):
        for target in (QApplication.focusWidget() or dialog, dialog, dialog.copy_button, dialog.done_button):
            qtbot.keyClick(target, key)
            assert dialog.isVisible(), (key, target)
    dialog.close()  # the window's close button
    assert dialog.isVisible() and not dialog.acknowledged


@pytest.mark.qt_log_ignore("does not support propagateSizeHints")  # offscreen plugin, dialogs
def test_once_shown_secret_is_closed_only_by_i_have_written_it_down(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = OnceShownDialog(
        texts.USB_PASSPHRASE_TITLE, texts.USB_PASSPHRASE_INTRO, SECRET, texts.USB_PASSPHRASE_AFTER, None
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    assert dialog.done_button.text() == "Tôi đã ghi lại" and dialog.copy_button.text() == "Sao chép"
    # No default button anywhere: Enter has nothing to press.
    assert not any(b.isDefault() or b.autoDefault() for b in (dialog.copy_button, dialog.done_button))
    assert dialog.secret_view.toPlainText() == SECRET
    _try_to_dismiss(qtbot, dialog)
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == SECRET
    assert dialog.isVisible() and dialog.copied.text() == texts.ONCE_COPIED
    shot = (SHOTS or tmp_path) / "mat_khau_mot_lan.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    assert dialog.grab().save(str(shot))
    qtbot.mouseClick(dialog.done_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible() and dialog.acknowledged and dialog.result() == OnceShownDialog.DialogCode.Accepted
    QGuiApplication.clipboard().clear()


@pytest.mark.qt_log_ignore("does not support propagateSizeHints")  # offscreen plugin, dialogs
def test_encrypted_export_passphrase_survives_enter_in_the_real_dialog(
    make_window: MakeWindow, workspace: Workspace, tmp_path: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The export as the board runs it: the dialog is modal (exec), keys are pressed while it waits."""
    seeded = counted_round(workspace)
    workspace.stages.change(seeded.round_id, Stage.CLOSED)
    folder = tmp_path / "thư mục thường"  # a plain folder, not a stick
    folder.mkdir()
    monkeypatch.setattr(usb_dialog, "choose_export_target", lambda _parent: folder)
    errors: list[str] = []
    monkeypatch.setattr(dialogs, "show_error", lambda _p, message: errors.append(message))
    window = make_window()
    page = window.minutes_page
    window.tabs.setCurrentWidget(page)
    page.usb_encrypt.setChecked(True)
    seen: list[str] = []

    def while_shown() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, OnceShownDialog):
            QTimer.singleShot(20, while_shown)
            return
        _try_to_dismiss(qtbot, dialog)
        seen.append(dialog.secret)
        qtbot.mouseClick(dialog.done_button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, while_shown)
    page.usb_button.click()
    settle(window.ctx.jobs)  # written off the UI thread (ui/jobs.py)
    assert errors == [] and len(seen) == 1
    (package,) = [p for p in folder.iterdir() if p.is_dir()]
    assert verify_package(package, passphrase=seen[0]).ok  # the passphrase shown is the one that opens it
    # A plain folder: "written to the folder", never "you may remove the USB stick".
    assert page.status.kind == "ok"
    assert "có thể rút USB" not in page.status.text() and f"Đã ghi xong vào thư mục {package}" in page.status.text()
    assert not platform_os.is_removable(package)


def test_duplicate_name_is_warned_when_added(
    make_window: MakeWindow, workspace: Workspace, qtbot: QtBot, tmp_path: Path
) -> None:
    meeting = workspace.setup.create_meeting(Meeting(None, "Hội nghị cán bộ chủ chốt", "Sở Tư pháp tỉnh Hà Giang"))
    round_ = workspace.setup.create_round(Round(None, meeting.id, "Lấy phiếu tín nhiệm", RoundKind.CONFIDENCE))
    assert round_.id is not None
    workspace.setup.add_nominees(round_.id, [Nominee(None, round_.id, n) for n in ("Nguyễn Văn An", "Trần Thị Bình")])
    window = make_window()
    window.ctx.select(meeting.id, round_.id)
    window.show_work()
    window.tabs.setCurrentWidget(window.setup_page)
    panel = window.setup_page.nominees
    window.setup_page.tabs.setCurrentWidget(panel)
    type_text(panel.full_name, "nguyễn  văn An")  # another case and spacing: still the same name
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    assert len(workspace.setup.nominees(round_.id)) == 3  # allowed: namesakes happen
    status = window.setup_page.status
    assert status.kind == "error" and "Cảnh báo" in status.text() and "STT 1, 3" in status.text()
    assert "Nguyễn Văn An" in status.text()
    QApplication.processEvents()  # the word-wrapped status line takes its height through the layout
    shot = (SHOTS or tmp_path) / "canh_bao_trung_ten.png"
    assert window.grab().save(str(shot))
    # Removing the namesake again: the list has no warning left.
    namesake = workspace.setup.nominees(round_.id)[2]
    assert namesake.id is not None
    workspace.setup.remove_nominee(namesake.id)
    assert workspace.setup.name_warnings(round_.id) == []
