"""Keyboard parity (issue 11): Ctrl+1…5 for the workflow pages (Ctrl+digit stays a second mark on an open ballot),
Alt accelerators, the two-person dialog ready for a passphrase, Qt's context menus in Vietnamese."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit
from pytestqt.qtbot import QtBot

from tests.gui.conftest import Board, seed_round
from vote_counter.services.workspace import Workspace
from vote_counter.ui import qt_texts, texts
from vote_counter.ui.main_window import MainWindow
from vote_counter.ui.sign_in import ApprovalDialog

MakeWindow = Callable[[], MainWindow]


def test_ctrl_digits_switch_pages_but_mark_an_open_ballot(
    make_window: MakeWindow, workspace: Workspace, board: Board
) -> None:
    seeded = seed_round(workspace)
    window = make_window()
    page = window.entry_page
    board.key(Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is window.results_page
    board.key(Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is page
    assert QApplication.focusWidget() is page.scan  # back on the entry page, ready for the next scan

    board.scan(seeded.ballots[0].payload)
    board.key(Qt.Key.Key_1)
    board.key(Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)  # row 2 marked twice, as on the paper
    assert window.tabs.currentWidget() is page
    assert page.grid.grid_model.row_boxes(0) == {0}
    assert page.grid.grid_model.row_boxes(1) == {2}


def test_alt_accelerators_on_the_entry_page(make_window: MakeWindow, workspace: Workspace, board: Board) -> None:
    seed_round(workspace)
    window = make_window()
    page = window.entry_page
    page.tabs.tabBar().setFocus()
    board.key(Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)  # "Quét &mã QR …": to the scan field
    assert QApplication.focusWidget() is page.scan
    for text in (texts.UNDO_BUTTON, texts.REDO_BUTTON, texts.SCAN_LABEL_SHORT, texts.FIX_COUNTS):
        assert "&" in text


def test_approval_dialog_opens_in_the_passphrase_field(workspace: Workspace, qtbot: QtBot) -> None:
    seeded = seed_round(workspace)
    mid = workspace.setup.round(seeded.round_id).meeting_id
    assert mid is not None
    dialog = ApprovalDialog(workspace.setup.board(mid), "kết thúc kiểm phiếu")
    qtbot.addWidget(dialog)
    assert dialog.focusWidget() is dialog.chair_passphrase  # the field that gets the keys once it shows


def test_text_field_context_menus_speak_vietnamese(qapp: QApplication) -> None:
    qt_texts.install(qapp)
    for widget in (QLineEdit(), QPlainTextEdit()):
        menu = widget.createStandardContextMenu()
        shown = [a.text() for a in menu.actions() if not a.isSeparator()]
        labels = [label.split("\t")[0] for label in shown]
        assert "&Hoàn tác\tCtrl+Z" in shown, shown  # Qt's other words (key names) untouched
        assert "&Hoàn tác" in labels and "&Sao chép" in labels and "&Dán" in labels, labels
        assert not {"&Undo", "&Copy", "&Paste"} & set(labels)
        menu.deleteLater()
        widget.deleteLater()
