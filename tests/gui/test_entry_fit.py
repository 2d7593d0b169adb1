"""A ballot fits (issue 11): 30 names without scrolling at 1366×768, the tally sheet with at least 15 rows, and a
window that is usable at 1280×720 and 1024×768 with nothing cut mid-word."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from tests.gui.conftest import Board, seed_round
from vote_counter.services.workspace import Workspace
from vote_counter.ui.geometry import fitted_size, should_maximise
from vote_counter.ui.main_window import MainWindow

MakeWindow = Callable[[], MainWindow]
# A 1366×768 screen, maximised on Windows: the taskbar (48 px on Windows 11) and the title bar (31 px) taken off.
CLIENT_1366 = (1366, 689)
NAMES_30 = tuple(f"Nguyễn Thị Hồng Nhung {i}" if i % 3 else f"Lê Văn Đức {i}" for i in range(1, 31))


def _open_ballot(make_window: MakeWindow, workspace: Workspace, board: Board, size: tuple[int, int]) -> MainWindow:
    seeded = seed_round(workspace, names=NAMES_30)
    window = make_window()
    window.resize(*size)
    QApplication.processEvents()
    board.scan(seeded.ballots[0].payload)
    assert window.entry_page.open_serial() == seeded.ballots[0].serial
    QApplication.processEvents()
    return window


def test_thirty_names_are_all_visible_at_1366x768(make_window: MakeWindow, workspace: Workspace, board: Board) -> None:
    window = _open_ballot(make_window, workspace, board, CLIENT_1366)
    grid = window.entry_page.grid
    assert grid.verticalScrollBar().maximum() == 0
    viewport = grid.viewport().rect()
    for row in range(30):
        rect = grid.visualRect(grid.grid_model.index(row, 1))
        assert viewport.contains(rect), (row, rect, viewport)
    board.digits("1" * 29)  # keying down to row 30: row 1 is still on screen
    assert grid.current_row() == 29
    assert grid.rowViewportPosition(0) == 0
    # Every column heading whole: no "Tín nhiệm thấ".
    header = grid.horizontalHeader()
    metrics = header.fontMetrics()
    for col in range(2, grid.grid_model.columnCount()):
        text = str(grid.grid_model.headerData(col, header.orientation()))
        assert header.sectionSize(col) >= metrics.horizontalAdvance(text), text


def test_tally_sheet_shows_at_least_15_rows(make_window: MakeWindow, workspace: Workspace) -> None:
    seed_round(workspace, names=NAMES_30)
    window = make_window()
    window.resize(*CLIENT_1366)
    page = window.entry_page
    page.tabs.setCurrentWidget(page.sheet)
    QApplication.processEvents()
    table = page.sheet.table
    visible = table.viewport().height() // table.rowHeight(0)
    assert visible >= 15, visible


@pytest.mark.parametrize("size", [(1280, 649), (1024, 697)], ids=["1280x720", "1024x768"])
def test_usable_on_small_screens_nothing_cut(
    make_window: MakeWindow, workspace: Workspace, board: Board, size: tuple[int, int]
) -> None:
    window = _open_ballot(make_window, workspace, board, size)
    assert window.width() <= size[0] and window.height() <= size[1]
    page = window.entry_page
    assert page.scan.width() >= 200
    for widget in (window.stage_label, window.next_button, window.back_button, page.counter, page.undo_button):
        assert isinstance(widget, QLabel | QPushButton)
        text = widget.text().replace("&", "")
        assert widget.width() >= widget.fontMetrics().horizontalAdvance(text), (text, widget.width())
        assert widget.geometry().right() <= widget.parentWidget().width()  # type: ignore[union-attr]
    grid = page.grid
    header = grid.horizontalHeader()
    for col in range(2, grid.grid_model.columnCount()):
        text = str(grid.grid_model.headerData(col, header.orientation()))
        assert header.sectionSize(col) >= header.fontMetrics().horizontalAdvance(text), text
    assert grid.columnWidth(1) >= 150  # names stay readable; the totals fold to make room
    if size[0] < 1300:
        assert not page.totals_view.isVisible()
    assert window.round_combo.toolTip() == workspace.setup.round(window.ctx.round_id or 0).title  # long title whole


@pytest.mark.parametrize(
    ("screen", "maximise", "size"),
    [
        ((1366, 728), True, (1366, 728)),
        ((1280, 680), True, (1280, 680)),
        ((1024, 728), True, (1024, 728)),
        ((1920, 1040), False, (1366, 768)),
        ((1280, 680), True, (1280, 680)),  # 1920×1080 at 150 %: Qt reports 1280×720 less the taskbar
    ],
)
def test_window_size_for_the_screen(screen: tuple[int, int], maximise: bool, size: tuple[int, int]) -> None:
    space = QSize(*screen)
    assert should_maximise(space) is maximise
    fitted = fitted_size(space)
    assert (fitted.width(), fitted.height()) == size
    assert fitted.width() <= space.width() and fitted.height() <= space.height()
