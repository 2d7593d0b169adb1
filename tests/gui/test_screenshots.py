"""Every stage page at 1366×768, saved as PNG for a person to look at (KP_SCREENSHOTS=dir)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from tests.gui.conftest import Board, seed_round
from tests.gui.keys import click, clipped, commit, edit_cell, open_tab, retype
from vote_counter.services.workspace import Workspace
from vote_counter.ui.main_window import MainWindow

NAMES = (
    "Nguyễn Văn An",
    "Trần Thị Bích Ngọc",
    "Lê Hoàng Đức",
    "Phạm Thị Thu Hương",
    "Hoàng Văn Ưng",
    "Vũ Đình Trọng",
    "Đặng Thị Ánh Tuyết",
    "Bùi Quang Ệ",
)


def _save(widget: QWidget, directory: Path, name: str) -> Path:
    # Layouts settle through the event loop, as they would between two frames on a real screen.
    QApplication.processEvents()
    path = directory / f"{name}.png"
    assert widget.grab().save(str(path)), path
    # What a person would see wrong on the picture: a cut-off label or button, a widget outside its parent.
    assert clipped(widget) == [], name
    return path


# The offscreen platform cannot do what a window manager does for a combo box's list, and says so.
@pytest.mark.qt_log_ignore(
    "does not support propagateSizeHints", "does not support raise", "does not support grabbing the keyboard"
)
def test_screenshots_of_every_page(
    make_window: Callable[[], MainWindow], workspace: Workspace, board: Board, qtbot: QtBot, tmp_path: Path
) -> None:
    directory = Path(os.environ.get("KP_SCREENSHOTS") or tmp_path)
    directory.mkdir(parents=True, exist_ok=True)
    seeded = seed_round(workspace, names=NAMES, ballots=20, double_entry=True, collected=20)
    meeting_id = workspace.setup.round(seeded.round_id).meeting_id
    assert meeting_id is not None
    # seed_round's board: chair Hoàng Thị Lan, member Ngô Quốc Việt (with passphrases)
    assert [m.full_name for m in workspace.setup.board(meeting_id)] == ["Hoàng Thị Lan", "Ngô Quốc Việt"]
    window = make_window()
    window.resize(1366, 768)
    for i, b in enumerate(seeded.ballots[:6]):
        board.scan(b.payload)
        board.digits("12312312" if i % 3 else "11111133")
        board.key(Qt.Key.Key_Return)
    # The second pass: the pass box chosen with the keyboard (click, Down), then back (Up).
    _choose(qtbot, window.entry_page.pass_combo, Qt.Key.Key_Down)
    assert window.entry_page.pass_combo.currentIndex() == 1
    board.scan(seeded.ballots[0].payload)
    board.digits("11111111")
    board.key(Qt.Key.Key_Return)
    _choose(qtbot, window.entry_page.pass_combo, Qt.Key.Key_Up)
    assert window.entry_page.pass_combo.currentIndex() == 0

    shots: list[Path] = []
    setup = window.setup_page
    open_tab(qtbot, window.tabs, setup)
    for index in range(setup.tabs.count()):
        open_tab(qtbot, setup.tabs, setup.tabs.widget(index))
        shots.append(_save(window, directory, f"1_chuan_bi_{index + 1}"))
    open_tab(qtbot, window.tabs, window.ballots_page)
    shots.append(_save(window, directory, "2_phieu"))

    entry = window.entry_page
    open_tab(qtbot, window.tabs, entry)
    board.scan(seeded.ballots[7].payload)
    board.digits("1231")
    shots.append(_save(window, directory, "3_kiem_phieu_1_nhap"))
    board.key(Qt.Key.Key_Escape)
    board.scan(seeded.ballots[0].payload)  # a duplicate: the red line
    shots.append(_save(window, directory, "3_kiem_phieu_2_trung"))
    for index in range(1, entry.tabs.count()):
        open_tab(qtbot, entry.tabs, entry.tabs.widget(index))
        if entry.tabs.currentWidget() is entry.find_panel:
            retype(qtbot, entry.find_panel.query, seeded.ballots[1].serial)
            board.key(Qt.Key.Key_Return)
            assert entry.find_panel.table.rowCount() == 1  # the typed serial, found
        if entry.tabs.currentWidget() is entry.sheet:
            retype(qtbot, entry.sheet.valid, "5")
            commit(qtbot)
            assert entry.sheet.valid.value() == 5
            cell = entry.sheet.cell(2, 0)
            assert cell is not None
            edit_cell(qtbot, cell.tableWidget(), cell.row(), cell.column(), "7")
            assert cell.text() == "7"
        shots.append(_save(window, directory, f"3_kiem_phieu_{index + 2}"))
    open_tab(qtbot, entry.tabs, entry.tabs.widget(0))

    open_tab(qtbot, window.tabs, window.results_page)
    shots.append(_save(window, directory, "4_ket_qua"))
    click(qtbot, window.results_page.project_button)
    projector = window.results_page.projector
    assert projector is not None
    projector.resize(1366, 768)
    shots.append(_save(projector, directory, "4_trinh_chieu"))
    projector.close()

    open_tab(qtbot, window.tabs, window.minutes_page)
    shots.append(_save(window, directory, "5_bien_ban"))
    assert all(p.stat().st_size > 10_000 for p in shots)


def _choose(qtbot: QtBot, combo: QComboBox, key: Qt.Key) -> None:
    """Focus a combo box with a click on it, close the list it opens (Escape), and step with an arrow key."""
    click(qtbot, combo)
    popup = QApplication.activePopupWidget()
    if popup is not None:
        qtbot.keyClick(popup, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None)
    # The window manager gives the keyboard back to the window; offscreen Qt leaves it with the closed list.
    combo.window().activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is combo.window())
    qtbot.keyClick(combo, key)


def test_the_clipping_check_sees_what_a_person_would(qtbot: QtBot) -> None:
    """The check the screenshots rely on, shown to fail: a label squeezed below its text, a button cut short,
    a child placed outside its parent."""
    root = QWidget()
    qtbot.addWidget(root)
    root.resize(300, 100)
    squeezed = QLabel("Tín nhiệm thấp — từ 2/3 trở lên", root)
    squeezed.setGeometry(0, 0, 40, 20)
    button = QPushButton("Xuất ra USB và kiểm tra", root)
    button.setGeometry(0, 30, 30, 30)
    outside = QLabel("Ệ", root)
    outside.setGeometry(290, 90, 40, 40)
    fits = QLabel("Đủ", root)
    fits.setGeometry(100, 0, fits.sizeHint().width(), fits.sizeHint().height())
    root.show()
    problems = clipped(root)
    assert len(problems) == 3, problems
    assert any("Tín nhiệm thấp" in p for p in problems)
    assert any("Xuất ra USB" in p for p in problems)
    assert any("outside its parent" in p and "Ệ" in p for p in problems)
