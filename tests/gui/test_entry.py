"""Entering ballots as a board member does: scan, one key per row, Enter (SPEC §6)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.gui.conftest import Board, seed_round
from vote_counter.domain.model import Reason, Stage
from vote_counter.services.workspace import Workspace
from vote_counter.ui.main_window import MainWindow

MakeWindow = Callable[[], MainWindow]


def test_scan_key_save_updates_totals_and_database(make_window: MakeWindow, workspace: Workspace, board: Board) -> None:
    seeded = seed_round(workspace)
    window = make_window()
    page = window.entry_page
    assert window.tabs.currentWidget() is page  # counting is open: the app starts on the entry page
    assert QApplication.focusWidget() is page.scan

    board.scan(seeded.ballots[0].payload)
    assert QApplication.focusWidget() is page.grid
    assert page.grid.current_row() == 0
    board.digits("123")  # cao, tín nhiệm, thấp
    board.key(Qt.Key.Key_Return)

    assert page.status.kind == "ok", page.status.text()
    assert QApplication.focusWidget() is page.scan
    assert page.scan.text() == ""
    assert [page.totals_model.counts(r) for r in range(3)] == [(1, 0, 0), (0, 1, 0), (0, 0, 1)]
    assert "1 / " in page.counter.text()

    # A typed serial (no scanner) works the same way.
    board.scan(seeded.ballots[1].serial)
    board.digits("111")
    board.key(Qt.Key.Key_Return)
    assert page.status.kind == "ok", page.status.text()
    assert page.totals_model.counts(0) == (2, 0, 0)

    totals = workspace.counting.totals(seeded.round_id)
    assert totals.valid == 2
    result = workspace.counting.result(seeded.round_id)
    assert [n.counts for n in result.nominees] == [(2, 0, 0), (1, 1, 0), (1, 0, 1)]


def test_duplicate_scan_is_refused_in_red_and_nothing_saved(
    make_window: MakeWindow, workspace: Workspace, board: Board
) -> None:
    seeded = seed_round(workspace)
    page = make_window().entry_page
    board.scan(seeded.ballots[0].payload)
    board.digits("111")
    board.key(Qt.Key.Key_Return)

    board.scan(seeded.ballots[0].payload)
    assert page.status.kind == "error"
    assert "đã được nhập rồi" in page.status.text()
    assert QApplication.focusWidget() is page.scan
    assert not page.grid.isEnabled()
    assert page.set_aside_button.isVisible()
    assert workspace.counting.totals(seeded.round_id).collected == 1


def test_invalid_reason_keys_and_escape(make_window: MakeWindow, workspace: Workspace, board: Board) -> None:
    seeded = seed_round(workspace)
    page = make_window().entry_page
    board.scan(seeded.ballots[0].payload)
    board.digits("12")
    board.key(Qt.Key.Key_Escape)  # cancel: nothing saved
    assert QApplication.focusWidget() is page.scan
    assert workspace.counting.totals(seeded.round_id).collected == 0

    board.scan(seeded.ballots[0].payload)
    board.digits("123")
    board.key(Qt.Key.Key_F6)  # a name crossed out on the paper
    assert page.declared[Reason.CROSSED_NAME].isChecked()
    board.key(Qt.Key.Key_Return)
    assert "KHÔNG HỢP LỆ" in page.status.text()
    totals = workspace.counting.totals(seeded.round_id)
    assert (totals.valid, totals.invalid) == (0, 1)
    assert totals.invalid_reasons == {Reason.CROSSED_NAME: 1}


def test_scanner_burst_into_open_grid_is_not_saved_silently(
    make_window: MakeWindow, workspace: Workspace, board: Board
) -> None:
    seeded = seed_round(workspace)
    page = make_window().entry_page
    board.scan(seeded.ballots[0].payload)
    board.scan(seeded.ballots[1].payload)  # forgot Enter: the next QR goes into the grid
    assert page.status.kind == "error"
    assert workspace.counting.totals(seeded.round_id).collected == 0


def test_correct_a_ballot_then_undo_and_redo(make_window: MakeWindow, workspace: Workspace, board: Board) -> None:
    seeded = seed_round(workspace)
    page = make_window().entry_page
    board.scan(seeded.ballots[0].payload)
    board.digits("111")
    board.key(Qt.Key.Key_Return)

    page.tabs.setCurrentWidget(page.find_panel)
    page.find_panel.query.setFocus()
    board.type(seeded.ballots[0].serial)
    board.key(Qt.Key.Key_Return)
    assert page.find_panel.table.rowCount() == 1
    page.find_panel.correct_button.click()
    assert QApplication.focusWidget() is page.grid
    board.digits("333")
    board.key(Qt.Key.Key_Return)
    assert page.status.kind == "ok", page.status.text()
    assert workspace.counting.totals(seeded.round_id).rows == dict.fromkeys(
        workspace.counting.totals(seeded.round_id).rows, (0, 0, 1)
    )

    page.undo_button.click()  # undo the correction: back to 1 1 1
    rows = workspace.counting.totals(seeded.round_id).rows
    assert set(rows.values()) == {(1, 0, 0)}
    assert page.totals_model.counts(0) == (1, 0, 0)
    page.undo_button.click()  # undo the save: the ballot is voided ("Hoàn tác")
    assert workspace.counting.totals(seeded.round_id).collected == 0
    assert workspace.counting.find(seeded.round_id, seeded.ballots[0].serial)[0].active is False
    page.redo_button.click()  # redo the save: restored
    assert workspace.counting.totals(seeded.round_id).collected == 1
    page.redo_button.click()  # redo the correction
    assert set(workspace.counting.totals(seeded.round_id).rows.values()) == {(0, 0, 1)}


def test_void_with_reason(make_window: MakeWindow, workspace: Workspace, board: Board, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from vote_counter.ui import dialogs

    seeded = seed_round(workspace)
    page = make_window().entry_page
    board.scan(seeded.ballots[0].payload)
    board.digits("111")
    board.key(Qt.Key.Key_Return)
    monkeypatch.setattr(dialogs, "ask_text", lambda *_a, **_k: "Nhập nhầm phiếu")
    page.tabs.setCurrentWidget(page.find_panel)
    page.find_panel.query.setText(seeded.ballots[0].serial)
    page.find_panel.find_button.click()
    page.find_panel.void_button.click()
    assert workspace.counting.totals(seeded.round_id).collected == 0
    page.undo_button.click()
    assert workspace.counting.totals(seeded.round_id).collected == 1


@pytest.mark.qt_log_ignore(
    "does not support propagateSizeHints"
)  # offscreen Qt: closing's recount runs under a progress dialog
def test_double_entry_disagreement_resolved_then_closing_works(
    make_window: MakeWindow, workspace: Workspace, board: Board, qtbot: QtBot
) -> None:
    seeded = seed_round(workspace, ballots=3, double_entry=True, collected=3)
    window = make_window()
    page = window.entry_page
    assert page.pass_combo.isEnabled()
    for b in seeded.ballots:
        board.scan(b.payload)
        board.digits("123")
        board.key(Qt.Key.Key_Return)
    page.pass_combo.setCurrentIndex(1)
    assert QApplication.focusWidget() is page.scan
    for i, b in enumerate(seeded.ballots):
        board.scan(b.payload)
        board.digits("123" if i else "113")  # one disagreement on the first ballot, row 2
        board.key(Qt.Key.Key_Return)
    assert page.status.kind == "ok", page.status.text()

    page.tabs.setCurrentWidget(page.compare)
    assert page.compare.model.rowCount() == 1
    diff = page.compare.model.difference(0)
    assert diff.serial == seeded.ballots[0].serial
    assert page.compare.model.index(0, 3).data() == "2. Trần Thị Bích"

    # Closing is refused while the passes disagree.
    window.next_button.click()
    assert workspace.setup.round(seeded.round_id).stage is Stage.COUNTING
    assert window.stage_status.kind == "error"

    page.compare.view.selectRow(0)
    page.compare.open_buttons[1].click()  # the second pass was keyed wrong
    assert QApplication.focusWidget() is page.grid
    board.digits("123")
    board.key(Qt.Key.Key_Return)
    page.tabs.setCurrentWidget(page.compare)
    assert page.compare.model.rowCount() == 0

    window.next_button.click()
    assert workspace.setup.round(seeded.round_id).stage is Stage.CLOSED, window.stage_status.text()
    assert window.stage_label.text().endswith("Đã kết thúc")
    assert not page.scan.isEnabled()
    assert "Kiểm phiếu" in page.scan.toolTip()


def test_tally_sheet_cell_that_does_not_add_up_is_red(make_window: MakeWindow, workspace: Workspace) -> None:
    seed_round(workspace)
    page = make_window().entry_page
    page.tabs.setCurrentWidget(page.sheet)
    sheet = page.sheet
    sheet.valid.setValue(5)
    for row in range(3):
        for option, value in enumerate((3, 1, 1)):
            cell = sheet.cell(row, option)
            assert cell is not None
            cell.setText(str(value))
    assert sheet.flagged_rows() == set()
    cell = sheet.cell(1, 0)
    assert cell is not None
    cell.setText("6")  # row 2 now adds up to 8 > 5 valid
    assert sheet.flagged_rows() == {1}
    assert any("Trần Thị Bích" in line for line in sheet.problem_lines())
    cell.setText("3")
    assert sheet.flagged_rows() == set()
    sheet.save_button.click()
    assert page.status.kind == "ok", page.status.text()
