"""The results page, the projector, and the ballots page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.gui.conftest import Board, seed_round
from tests.gui.job_wait import wait_job
from tests.gui.keys import click, open_tab, retype
from vote_counter.domain.model import BallotMarks, Counts, RoundKind
from vote_counter.services.workspace import Workspace
from vote_counter.ui.main_window import MainWindow
from vote_counter.ui.projector import ProjectorView

MakeWindow = Callable[[], MainWindow]


# The offscreen platform cannot resize a window to a full screen, and says so; a real screen can.
@pytest.mark.qt_log_ignore("does not support propagateSizeHints")
def test_results_table_projector_and_quorum_warning(
    make_window: MakeWindow, workspace: Workspace, board: Board, qtbot: QtBot
) -> None:
    seeded = seed_round(workspace, ballots=3)
    window = make_window()
    for b in seeded.ballots:
        board.scan(b.payload)
        board.digits("133")
        board.key(Qt.Key.Key_Return)
    page = window.results_page
    open_tab(qtbot, window.tabs, page)
    assert page.model.rowCount() == 3
    assert page.model.index(1, 7).data() == "100,00%"
    assert page.model.index(1, 9).data() == "Từ 2/3 phiếu tín nhiệm thấp trở lên"
    assert page.base.text().startswith("Tỷ lệ % trên tổng số phiếu thu về")
    assert page.quorum.isHidden()
    assert page.project_button.isEnabled()

    click(qtbot, page.project_button)
    projector = page.projector
    assert isinstance(projector, ProjectorView)
    qtbot.waitExposed(projector)
    assert projector.isFullScreen()
    assert projector.table.rowCount() == 3
    assert projector.table.item(1, 4).text() == "3  (100,00%)"
    qtbot.keyClick(projector, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: page.projector is None)

    # Only 1 of 3 summoned present: the quorum warning is red and loud.
    open_tab(qtbot, window.tabs, window.setup_page)
    workspace.setup.set_counts(seeded.round_id, Counts(summoned=9, present=3, issued=3))
    open_tab(qtbot, window.tabs, page)
    assert not page.quorum.isHidden()
    assert "không đủ 2/3" in page.quorum.text()


def test_projector_disabled_for_results_not_announced(
    make_window: MakeWindow, workspace: Workspace, qtbot: QtBot
) -> None:
    seeded = seed_round(workspace, kind=RoundKind.NOMINATION, announced=False)
    ids = [n.id for n in workspace.setup.nominees(seeded.round_id) if n.id is not None]
    workspace.counting.record(seeded.round_id, seeded.ballots[0].payload, BallotMarks({ids[0]: frozenset({0})}))
    window = make_window()
    open_tab(qtbot, window.tabs, window.results_page)
    button = window.results_page.project_button
    assert not button.isEnabled()
    assert "không công bố" in button.toolTip()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # a click on the greyed button does nothing
    assert window.results_page.projector is None


@pytest.mark.qt_log_ignore("does not support propagateSizeHints")  # offscreen Qt, the job's progress dialog
def test_print_ballots_and_exchange_a_spoiled_one(
    make_window: MakeWindow, workspace: Workspace, tmp_path: Path, qtbot: QtBot
) -> None:
    seeded = seed_round(workspace, ballots=2, counting=False)
    window = make_window()
    page = window.ballots_page
    opened: list[Path] = []
    page.choose_path = lambda _parent, suggested: tmp_path / suggested
    page.open_file = opened.append
    open_tab(qtbot, window.tabs, page)
    assert page.register_labels["printed"].text() == "2"
    retype(qtbot, page.count, "3")
    click(qtbot, page.print_button)
    wait_job(qtbot, window.ctx.jobs)  # hundreds of ballots are printed off the UI thread
    assert page.status.kind == "ok", page.status.text()
    assert len(opened) == 1 and opened[0].read_bytes().startswith(b"%PDF")
    summary = workspace.register.summary(seeded.round_id)
    assert summary.printed == 5
    assert page.register_labels["outstanding"].text() == "5"

    retype(qtbot, page.spoiled_serial, seeded.ballots[0].serial)
    click(qtbot, page.exchange_button)
    assert page.status.kind == "ok", page.status.text()
    assert workspace.register.summary(seeded.round_id).spoiled == 1
    assert page.register_labels["spoiled"].text() == "1"
    assert len(opened) == 2

    # Nominees are locked once ballots are printed, and the form says why.
    open_tab(qtbot, window.tabs, window.setup_page)
    assert not window.setup_page.nominees.add_button.isEnabled()
    assert "Đã in phiếu" in window.setup_page.nominees.add_button.toolTip()
