"""Setting up a meeting through the forms, as the board's secretary would."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from tests.gui.answer import ESCAPE, answer, approve, reason
from tests.gui.conftest import seed_round, type_text
from tests.gui.keys import click, commit, open_tab, retype
from vote_counter.domain.model import BoardRole, RoundKind, Stage
from vote_counter.services.workspace import Workspace
from vote_counter.ui import sign_in
from vote_counter.ui.main_window import MainWindow
from vote_counter.ui.widgets import set_combo

MakeWindow = Callable[[], MainWindow]
LEFT = Qt.MouseButton.LeftButton


def test_create_meeting_round_nominees_board_counts_through_forms(
    make_window: MakeWindow, workspace: Workspace, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = make_window()
    setup = window.setup_page
    assert window.tabs.currentWidget() is setup
    assert window.windowTitle() == "Kiểm Phiếu"
    assert not window.next_button.isEnabled()
    assert window.next_button.toolTip()

    form = setup.meeting_form
    type_text(form.title, "Hội nghị cán bộ chủ chốt năm 2025")
    type_text(form.organisation, "Sở Tài chính")
    type_text(form.place, "Hội trường tầng 3")
    qtbot.mouseClick(form.save_button, LEFT)
    meetings = workspace.setup.meetings()
    assert [m.title for m in meetings] == ["Hội nghị cán bộ chủ chốt năm 2025"]
    assert window.ctx.meeting_id == meetings[0].id
    assert window.meeting_combo.currentText() == "Hội nghị cán bộ chủ chốt năm 2025"

    open_tab(qtbot, setup.tabs, setup.round_form)
    rf = setup.round_form
    type_text(rf.title, "Giới thiệu Phó Giám đốc")
    set_combo(rf.kind, RoundKind.NOMINATION)
    assert rf.seats.isEnabled() and not rf.level_preset.isEnabled()
    retype(qtbot, rf.seats, "1")
    commit(qtbot)
    assert rf.seats.value() == 1
    assert rf.announced.isChecked()
    qtbot.mouseClick(rf.announced, LEFT, pos=QPoint(8, rf.announced.height() // 2))
    assert not rf.announced.isChecked()
    qtbot.mouseClick(rf.double_entry, LEFT, pos=QPoint(8, rf.double_entry.height() // 2))
    qtbot.mouseClick(rf.save_button, LEFT)
    rounds = workspace.setup.rounds(meetings[0].id)
    assert len(rounds) == 1
    r = rounds[0]
    assert (r.kind, r.announced, r.double_entry, r.stage) == (RoundKind.NOMINATION, False, True, Stage.PREPARATION)
    assert window.ctx.round_id == r.id
    assert window.stage_label.text() == "Giai đoạn: Chuẩn bị"

    open_tab(qtbot, setup.tabs, setup.nominees)
    panel = setup.nominees
    # The last name is typed decomposed (NFD, as some input methods send it): it is stored as NFC.
    for name in ("Trần Văn Ưng", "Nguyễn Thị Ánh", "Lê Văn Anh", "Phạm Đức A\u0302n"):
        type_text(panel.full_name, name)
        qtbot.keyClick(panel.full_name, Qt.Key.Key_Return)
    assert [n.full_name for n in workspace.setup.nominees(r.id)] == [
        "Trần Văn Ưng",
        "Nguyễn Thị Ánh",
        "Lê Văn Anh",
        "Phạm Đức Ân",
    ]
    qtbot.mouseClick(panel.sort_button, LEFT)
    assert [n.full_name for n in workspace.setup.nominees(r.id)] == [
        "Lê Văn Anh",
        "Nguyễn Thị Ánh",
        "Phạm Đức Ân",
        "Trần Văn Ưng",
    ]
    qtbot.mouseClick(panel.table.viewport(), LEFT, pos=panel.table.visualRect(panel.model.index(3, 0)).center())
    qtbot.mouseClick(panel.up_button, LEFT)
    assert workspace.setup.nominees(r.id)[2].full_name == "Trần Văn Ưng"
    assert panel.model.rowCount() == 4

    open_tab(qtbot, setup.tabs, setup.board)
    type_text(setup.board.name, "Hoàng Thị Lan")
    set_combo(setup.board.role, BoardRole.CHAIR)
    qtbot.mouseClick(setup.board.add_button, LEFT)
    assert [(m.full_name, m.role) for m in workspace.setup.board(meetings[0].id)] == [
        ("Hoàng Thị Lan", BoardRole.CHAIR)
    ]
    # A live round opens for counting only once the chair has a passphrase (SPEC §9): she types her own,
    # twice, in "Đặt mật khẩu…", and is signed in by it.
    assert not workspace.setup.board(meetings[0].id)[0].has_passphrase

    def type_passphrase(dialog: QDialog) -> bool:
        assert isinstance(dialog, sign_in.PassphraseDialog)
        type_text(dialog.new, "mật khẩu của chị Lan")
        type_text(dialog.repeat, "mật khẩu của chị Lan")
        return True

    monkeypatch.setattr(sign_in, "run_dialog", type_passphrase)
    row0 = setup.board.table.visualRect(setup.board.table.model().index(0, 0)).center()
    qtbot.mouseClick(setup.board.table.viewport(), LEFT, pos=row0)
    qtbot.mouseClick(setup.board.passphrase_button, LEFT)
    assert workspace.setup.board(meetings[0].id)[0].has_passphrase
    assert "Hoàng Thị Lan" in window.user_label.text()

    open_tab(qtbot, setup.tabs, setup.counts)
    counts = setup.counts
    retype(qtbot, counts.summoned, "30")
    retype(qtbot, counts.present, "19")
    commit(qtbot)
    assert "KHÔNG ĐỦ" in counts.quorum.text()
    retype(qtbot, counts.present, "28")
    retype(qtbot, counts.issued, "28")
    commit(qtbot)
    qtbot.mouseClick(counts.save_button, LEFT)
    saved = workspace.setup.round(r.id).counts
    assert (saved.summoned, saved.present, saved.issued, saved.collected) == (30, 28, 28, None)

    # Forward to counting: the round definition locks, with a tooltip saying why.
    qtbot.mouseClick(window.next_button, LEFT)
    assert workspace.setup.round(r.id).stage is Stage.COUNTING
    open_tab(qtbot, window.tabs, setup)
    open_tab(qtbot, setup.tabs, setup.round_form)
    assert not rf.title.isEnabled()
    assert "Chuẩn bị" in rf.title.toolTip()
    assert not panel.add_button.isEnabled()


@pytest.mark.qt_log_ignore("does not support propagateSizeHints")  # offscreen Qt, on every real dialog
def test_going_back_asks_a_reason(real_dialogs: MakeWindow, workspace: Workspace, qtbot: QtBot) -> None:
    """The real reason prompt, answered by keys: Escape cancels (nothing happens), a typed reason + Enter and the
    chair's and a member's passphrases go back."""
    seeded = seed_round(workspace)
    window = real_dialogs()
    cancel = answer(ESCAPE)
    click(qtbot, window.back_button)
    assert cancel.answered() and "Chuẩn bị" in cancel.texts[0]
    assert workspace.setup.round(seeded.round_id).stage is Stage.COUNTING

    typed = answer(reason("Sửa danh sách"), approve())
    click(qtbot, window.back_button)
    assert typed.answered() and "Sửa danh sách" in typed.texts[1]
    assert workspace.setup.round(seeded.round_id).stage is Stage.PREPARATION
    assert workspace.audit.entries()[-1].details.get("reason") == "Sửa danh sách"
    assert not window.back_button.isEnabled()
    assert "Kiểm phiếu" in window.next_button.text()


def test_reopens_the_last_round_shown(make_window: MakeWindow, workspace: Workspace) -> None:
    first = seed_round(workspace)
    meeting_id = workspace.setup.round(first.round_id).meeting_id
    assert meeting_id is not None
    second = seed_round(workspace, title="Lượt hai")
    window = make_window()
    window.select_round(first.round_id)
    window.close()
    again = make_window()
    assert again.ctx.round_id == first.round_id
    assert again.round_combo.currentText() == "Lấy phiếu tín nhiệm năm 2025"
    again.select_round(second.round_id)
    assert make_window().ctx.round_id == second.round_id
