"""Every stage page at 1366×768, saved as PNG for a person to look at (KP_SCREENSHOTS=dir)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from tests.gui.conftest import Board, seed_round
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
    return path


@pytest.mark.qt_log_ignore("does not support propagateSizeHints")
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
    window.entry_page.pass_combo.setCurrentIndex(1)
    board.scan(seeded.ballots[0].payload)
    board.digits("11111111")
    board.key(Qt.Key.Key_Return)
    window.entry_page.pass_combo.setCurrentIndex(0)

    shots: list[Path] = []
    setup = window.setup_page
    window.tabs.setCurrentWidget(setup)
    for index in range(setup.tabs.count()):
        setup.tabs.setCurrentIndex(index)
        shots.append(_save(window, directory, f"1_chuan_bi_{index + 1}"))
    window.tabs.setCurrentWidget(window.ballots_page)
    shots.append(_save(window, directory, "2_phieu"))

    entry = window.entry_page
    window.tabs.setCurrentWidget(entry)
    board.scan(seeded.ballots[7].payload)
    board.digits("1231")
    shots.append(_save(window, directory, "3_kiem_phieu_1_nhap"))
    board.key(Qt.Key.Key_Escape)
    board.scan(seeded.ballots[0].payload)  # a duplicate: the red line
    shots.append(_save(window, directory, "3_kiem_phieu_2_trung"))
    for index in range(1, entry.tabs.count()):
        entry.tabs.setCurrentIndex(index)
        if entry.tabs.currentWidget() is entry.find_panel:
            entry.find_panel.query.setText(seeded.ballots[1].serial)
            entry.find_panel.search()
        if entry.tabs.currentWidget() is entry.sheet:
            entry.sheet.valid.setValue(5)
            cell = entry.sheet.cell(2, 0)
            assert cell is not None
            cell.setText("7")
        shots.append(_save(window, directory, f"3_kiem_phieu_{index + 2}"))
    entry.tabs.setCurrentIndex(0)

    window.tabs.setCurrentWidget(window.results_page)
    shots.append(_save(window, directory, "4_ket_qua"))
    window.results_page.project_button.click()
    projector = window.results_page.projector
    assert projector is not None
    projector.resize(1366, 768)
    shots.append(_save(projector, directory, "4_trinh_chieu"))
    projector.close()

    window.tabs.setCurrentWidget(window.minutes_page)
    shots.append(_save(window, directory, "5_bien_ban"))
    assert all(p.stat().st_size > 10_000 for p in shots)
