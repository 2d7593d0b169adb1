"""Checks before passphrases (issue 11): closing lists what blocks it before anyone types a passphrase, with a way
to go and fix it; the results page never says the figures agree while the physical count C is missing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.gui.conftest import Board, seed_round
from vote_counter.domain.model import Stage
from vote_counter.services.workspace import Workspace
from vote_counter.ui import close_check, sign_in, texts
from vote_counter.ui.main_window import MainWindow

MakeWindow = Callable[[], MainWindow]


def _enter(board: Board, payload: str, keys: str) -> None:
    board.scan(payload)
    board.digits(keys)
    board.key(Qt.Key.Key_Return)


def test_close_lists_blockers_before_any_passphrase_and_leads_to_the_fix(
    make_window: MakeWindow, workspace: Workspace, board: Board, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeded = seed_round(workspace, ballots=3, collected=None)
    window = make_window()
    _enter(board, seeded.ballots[0].payload, "123")
    asked: list[str] = []
    monkeypatch.setattr(sign_in, "ask_approval", lambda *a, **_k: asked.append(str(a[3])))
    shown: list[close_check.BlockersDialog] = []

    def press_fix(dialog: close_check.BlockersDialog) -> str | None:
        shown.append(dialog)
        dialog.fix_buttons[close_check.FIX_COUNTS].click()  # as the member would
        return dialog.choice

    monkeypatch.setattr(close_check, "run_dialog", press_fix)
    window.next_button.click()

    assert asked == []  # nobody was asked for a passphrase
    assert len(shown) == 1
    lines = [shown[0].list.item(i).text() for i in range(shown[0].list.count())]
    assert any("số phiếu thu về" in line for line in lines), lines
    assert workspace.setup.round(seeded.round_id).stage is Stage.COUNTING
    assert window.tabs.currentWidget() is window.setup_page
    assert window.setup_page.tabs.currentWidget() is window.setup_page.counts
    counts = window.setup_page.counts
    assert QApplication.focusWidget() in (counts.collected, counts.collected_known)

    window.tabs.setCurrentWidget(window.results_page)
    page = window.results_page
    assert page.problems_title.text() == texts.PROBLEMS  # never "Số liệu khớp nhau" while C is missing
    assert texts.C_MISSING in page.problem_lines()


def test_entered_not_equal_collected_and_passes_disagree_are_listed(
    make_window: MakeWindow, workspace: Workspace, board: Board, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeded = seed_round(workspace, ballots=3, collected=3, double_entry=True)
    window = make_window()
    _enter(board, seeded.ballots[0].payload, "123")
    window.entry_page.pass_combo.setCurrentIndex(1)
    _enter(board, seeded.ballots[0].payload, "113")
    choices: list[list[str]] = []

    def go_compare(dialog: close_check.BlockersDialog) -> str | None:
        choices.append([dialog.list.item(i).text() for i in range(dialog.list.count())])
        dialog.fix_buttons[close_check.FIX_COMPARE].click()
        return dialog.choice

    monkeypatch.setattr(close_check, "run_dialog", go_compare)
    window.next_button.click()
    assert len(choices) == 1
    assert any("khác nhau" in line for line in choices[0]), choices
    assert any("3" in line and "1" in line for line in choices[0])  # entered 1 of 3 collected
    assert window.entry_page.tabs.currentWidget() is window.entry_page.compare
    assert workspace.setup.round(seeded.round_id).stage is Stage.COUNTING
    window.tabs.setCurrentWidget(window.results_page)
    assert texts.PASSES_DISAGREE.format(n=1) in window.results_page.problem_lines()


def test_a_stage_message_stays_with_its_round(make_window: MakeWindow, workspace: Workspace) -> None:
    seeded = seed_round(workspace, ballots=3, collected=None)
    other = seed_round(workspace, ballots=3, title="Lượt hai")
    window = make_window()
    window.select_round(seeded.round_id)
    window.next_button.click()
    assert window.stage_status.isVisible() and window.stage_status.kind == "error"
    window.select_round(other.round_id)
    assert not window.stage_status.isVisible()
