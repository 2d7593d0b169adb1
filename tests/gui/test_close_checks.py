"""Checks before passphrases (issue 11): closing lists what blocks it before anyone types a passphrase, with a way
to go and fix it; the results page never says the figures agree while the physical count C is missing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from tests.gui.answer import answer, button, keyboard_back
from tests.gui.conftest import Board, seed_round
from tests.gui.keys import click
from vote_counter.domain.model import Stage
from vote_counter.services.workspace import Workspace
from vote_counter.ui import close_check, texts
from vote_counter.ui.main_window import MainWindow

MakeWindow = Callable[[], MainWindow]


def _enter(board: Board, payload: str, keys: str) -> None:
    board.scan(payload)
    board.digits(keys)
    board.key(Qt.Key.Key_Return)


def _lines(dialog: QWidget) -> list[str]:
    assert isinstance(dialog, close_check.BlockersDialog), dialog
    return [dialog.list.item(i).text() for i in range(dialog.list.count())]


@pytest.mark.qt_log_ignore("does not support propagateSizeHints")  # offscreen Qt, on every real dialog
def test_close_lists_blockers_before_any_passphrase_and_leads_to_the_fix(
    real_dialogs: MakeWindow, workspace: Workspace, board: Board, qtbot: QtBot
) -> None:
    """The real list, its fix button pressed by keys; no confirmation and no passphrase dialog comes after it
    (`answer` fails on a dialog more than the one)."""
    seeded = seed_round(workspace, ballots=3, collected=None)
    window = real_dialogs()
    _enter(board, seeded.ballots[0].payload, "123")
    shown = answer(button(texts.FIX_COUNTS))
    click(qtbot, window.next_button)
    assert shown.answered()
    lines = _lines(shown.seen[0])
    assert any("số phiếu thu về" in line for line in lines), lines
    assert workspace.setup.round(seeded.round_id).stage is Stage.COUNTING
    assert window.tabs.currentWidget() is window.setup_page
    assert window.setup_page.tabs.currentWidget() is window.setup_page.counts
    counts = window.setup_page.counts
    keyboard_back(qtbot, window)
    assert QApplication.focusWidget() in (counts.collected, counts.collected_known)

    window.tabs.setCurrentWidget(window.results_page)
    page = window.results_page
    assert page.problems_title.text() == texts.PROBLEMS  # never "Số liệu khớp nhau" while C is missing
    assert texts.C_MISSING in page.problem_lines()


@pytest.mark.qt_log_ignore("does not support propagateSizeHints")
def test_entered_not_equal_collected_and_passes_disagree_are_listed(
    real_dialogs: MakeWindow, workspace: Workspace, board: Board, qtbot: QtBot
) -> None:
    seeded = seed_round(workspace, ballots=3, collected=3, double_entry=True)
    window = real_dialogs()
    _enter(board, seeded.ballots[0].payload, "123")
    window.entry_page.pass_combo.setCurrentIndex(1)
    _enter(board, seeded.ballots[0].payload, "113")
    shown = answer(button(texts.FIX_COMPARE))
    click(qtbot, window.next_button)
    assert shown.answered()
    lines = _lines(shown.seen[0])
    assert any("khác nhau" in line for line in lines), lines
    assert any("3" in line and "1" in line for line in lines)  # entered 1 of 3 collected
    assert window.entry_page.tabs.currentWidget() is window.entry_page.compare
    assert workspace.setup.round(seeded.round_id).stage is Stage.COUNTING
    window.tabs.setCurrentWidget(window.results_page)
    assert texts.PASSES_DISAGREE.format(n=1) in window.results_page.problem_lines()


@pytest.mark.qt_log_ignore(
    "does not support propagateSizeHints"
)  # offscreen Qt: closing's recount runs under a progress dialog
def test_a_stage_message_stays_with_its_round(make_window: MakeWindow, workspace: Workspace) -> None:
    seeded = seed_round(workspace, ballots=3, collected=None)
    other = seed_round(workspace, ballots=3, title="Lượt hai")
    window = make_window()
    window.select_round(seeded.round_id)
    window.next_button.click()
    assert window.stage_status.isVisible() and window.stage_status.kind == "error"
    window.select_round(other.round_id)
    assert not window.stage_status.isVisible()
