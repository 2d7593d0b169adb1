"""The traps of issue 11, driven as a keyboard-wedge scanner and a board member drive the window: every key goes
to QApplication.focusWidget(), scans at machine speed with CR, LF or CR+LF endings; each test then asks the
services (the SQLite file) what was counted."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.gui.answer import ESCAPE, answer, approve, button, file_state, file_value, keyboard_back, reason
from tests.gui.conftest import CR, CRLF, LF, Board, FakeClock, seed_round, type_text
from tests.gui.keys import click
from tests.helpers.builders import CHAIR_NAME, PASSPHRASES
from vote_counter.domain.model import RoundKind
from vote_counter.services.workspace import Workspace
from vote_counter.ui import texts
from vote_counter.ui.main_window import MainWindow
from vote_counter.ui.scanner import KEY_PREFIX, within
from vote_counter.ui.sign_in import ApprovalDialog, select_member

MakeWindow = Callable[[], MainWindow]
ENDINGS = pytest.mark.parametrize("ending", [CR, LF, CRLF], ids=["CR", "LF", "CRLF"])


@pytest.fixture
def beeps(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    monkeypatch.setattr(QApplication, "beep", staticmethod(lambda: calls.append(1)))
    return calls


def _collected(ws: Workspace, round_id: int) -> int:
    return ws.counting.totals(round_id).collected  # type: ignore[arg-type]


@ENDINGS
def test_scan_into_an_open_ballot_never_becomes_marks(
    make_window: MakeWindow, workspace: Workspace, board: Board, beeps: list[int], ending: str
) -> None:
    seeded = seed_round(workspace)
    page = make_window().entry_page
    board.scan(seeded.ballots[0].payload, ending)
    assert QApplication.focusWidget() is page.grid
    board.digits("12")  # rows 1 and 2 keyed by a person
    board.scan(seeded.ballots[1].payload, ending)  # the next ballot scanned before saving this one

    assert page.status.kind == "error"
    serial = seeded.ballots[0].serial
    assert page.status.text() == texts.SCAN_WHILE_OPEN.format(serial=f"{serial[:4]}-{serial[4:8]}-{serial[8:]}")
    assert beeps, "a scan into an open ballot must also be heard"
    assert page.open_serial() == seeded.ballots[0].serial  # the open ballot stays open …
    marks = page.grid.grid_model.marks()
    assert sorted(map(sorted, marks.values())) == [[], [0], [1]]  # … with exactly the person's marks
    assert page.grid.current_row() == 2
    assert _collected(workspace, seeded.round_id) == 0

    board.digits("3")  # the person goes on where they were: row 3
    board.key(Qt.Key.Key_Return)  # Enter saves what the person keyed, nothing more
    assert page.status.kind == "ok", page.status.text()
    result = workspace.counting.result(seeded.round_id)
    assert [n.counts for n in result.nominees] == [(1, 0, 0), (0, 1, 0), (0, 0, 1)]
    totals = workspace.counting.totals(seeded.round_id)
    assert (totals.collected, totals.valid, totals.invalid) == (1, 1, 0)
    assert workspace.counting.find(seeded.round_id, seeded.ballots[1].serial) == []


@ENDINGS
@pytest.mark.parametrize("kind", [RoundKind.CONFIDENCE, RoundKind.APPROVAL])
def test_an_extra_enter_after_a_scan_never_saves_a_ballot(
    make_window: MakeWindow, workspace: Workspace, board: Board, beeps: list[int], ending: str, kind: RoundKind
) -> None:
    seeded = seed_round(workspace, kind=kind)
    page = make_window().entry_page
    board.scan(seeded.ballots[0].payload, ending)
    assert page.open_serial() == seeded.ballots[0].serial
    assert page.status.kind != "error", page.status.text()  # the LF of CR+LF was swallowed, not a save attempt
    board.key(Qt.Key.Key_Return)  # "… rồi nhấn Enter": a member's Enter on a ballot nobody keyed
    assert page.status.kind == "error"
    assert "Ctrl+Enter" in page.status.text()
    assert beeps
    assert page.open_serial() == seeded.ballots[0].serial
    assert _collected(workspace, seeded.round_id) == 0

    board.key(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # the deliberate blank ballot
    assert page.status.kind == "ok", page.status.text()
    assert _collected(workspace, seeded.round_id) == 1
    assert QApplication.focusWidget() is page.scan


def test_digits_at_a_persons_pace_are_marks_and_two_keys_together_are_replayed(
    make_window: MakeWindow, workspace: Workspace, board: Board, clock: FakeClock, qtbot: QtBot
) -> None:
    seeded = seed_round(workspace)
    window = make_window()
    page = window.entry_page
    board.scan(seeded.ballots[0].payload)
    board.digits("1")
    # A person rolls two keys within a few milliseconds: a short burst, not a scan; it is replayed as typed.
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_2)
    clock.advance(0.005)
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_3)
    clock.advance(FakeClock.HUMAN)
    window.scan_filter.flush()  # what the next key or the filter's timer does
    assert sorted(map(sorted, page.grid.grid_model.marks().values())) == [[0], [1], [2]]
    board.key(Qt.Key.Key_Return)
    assert page.status.kind == "ok", page.status.text()
    assert [n.counts for n in workspace.counting.result(seeded.round_id).nominees] == [
        (1, 0, 0),
        (0, 1, 0),
        (0, 0, 1),
    ]


@ENDINGS
def test_a_scan_is_recognised_wherever_the_focus_is_on_the_page(
    make_window: MakeWindow, workspace: Workspace, board: Board, ending: str
) -> None:
    seeded = seed_round(workspace)
    page = make_window().entry_page
    page.tabs.tabBar().setFocus()  # e.g. after a click on a tab
    assert QApplication.focusWidget() is page.tabs.tabBar()
    board.scan(seeded.ballots[0].payload, ending)
    assert page.open_serial() == seeded.ballots[0].serial
    assert QApplication.focusWidget() is page.grid
    board.digits("123")
    board.key(Qt.Key.Key_Return)
    assert _collected(workspace, seeded.round_id) == 1


def test_a_prefix_key_marks_a_slow_scanners_payload(
    make_window: MakeWindow, workspace: Workspace, board: Board, settings: QSettings
) -> None:
    settings.setValue(KEY_PREFIX, "F12")
    seeded = seed_round(workspace)
    page = make_window().entry_page
    board.scan(seeded.ballots[0].payload)
    board.digits("12")
    board.key(Qt.Key.Key_F12)  # the scanner's prefix, then digits slower than any burst
    board.scan(seeded.ballots[1].payload, CRLF, pace=0.2)
    assert page.status.kind == "error"
    assert sorted(map(sorted, page.grid.grid_model.marks().values())) == [[], [0], [1]]
    board.key(Qt.Key.Key_Escape)
    board.key(Qt.Key.Key_F12)
    board.scan(seeded.ballots[1].payload, CR, pace=0.2)
    assert page.open_serial() == seeded.ballots[1].serial


def test_undo_and_redo_from_the_scan_field_say_what_they_did(
    make_window: MakeWindow, workspace: Workspace, board: Board
) -> None:
    seeded = seed_round(workspace)
    page = make_window().entry_page
    board.scan(seeded.ballots[0].payload)
    board.digits("123")
    board.key(Qt.Key.Key_Return)
    assert QApplication.focusWidget() is page.scan
    board.type("12")  # half a serial typed into the scan field: Ctrl+Z is still the page's undo
    board.key(Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _collected(workspace, seeded.round_id) == 0
    assert page.status.kind == "ok", page.status.text()
    serial = seeded.ballots[0].serial
    assert f"{serial[:4]}-{serial[4:8]}-{serial[8:]}" in page.status.text()
    assert "1 2 3" in page.status.text()  # the marks it undid
    assert QApplication.focusWidget() is page.scan

    board.key(Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert _collected(workspace, seeded.round_id) == 1
    assert page.status.text().startswith(texts.REDONE.split("{")[0])
    page.undo_button.click()  # a button: the focus comes back to the scan field, and the next scan works
    assert _collected(workspace, seeded.round_id) == 0
    assert QApplication.focusWidget() is page.scan
    page.scan.clear()
    board.scan(seeded.ballots[1].payload)
    assert page.open_serial() == seeded.ballots[1].serial
    board.key(Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # over an open ballot: refused, ballot kept
    assert page.status.kind == "error"
    assert page.open_serial() == seeded.ballots[1].serial
    assert _collected(workspace, seeded.round_id) == 0


@pytest.mark.qt_log_ignore("does not support propagateSizeHints")  # offscreen Qt, on every real dialog
def test_undo_of_a_save_asks_for_the_chair_and_a_member(
    real_dialogs: MakeWindow, workspace: Workspace, board: Board
) -> None:
    """The real two-person dialog, which says which ballot and what was on it; Escape undoes nothing."""
    seeded = seed_round(workspace)
    page = real_dialogs().entry_page
    board.scan(seeded.ballots[0].payload)
    board.digits("111")
    board.key(Qt.Key.Key_Return)
    before = file_state(workspace.path)
    asked = answer(ESCAPE)
    board.key(Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert asked.answered() and isinstance(asked.seen[0], ApprovalDialog)
    assert "1 1 1" in asked.texts[0]  # the dialog says which ballot and what was on it
    assert page.status.kind == "error"  # nobody confirmed: nothing undone
    assert file_state(workspace.path) == before
    assert _collected(workspace, seeded.round_id) == 1

    # The step is still there: the next Ctrl+Z asks again (the board need not void it from the find panel). A
    # mistyped passphrase changes nothing and keeps it too; the right two passphrases undo it.
    assert page.undo_stack.canUndo() and page.undo_button.isEnabled()
    assert "bước này vẫn còn: nhấn Ctrl+Z lần nữa" in page.status.text()
    QApplication.processEvents()
    if os.environ.get("KP_SCREENSHOTS"):
        page.window().grab().save(str(Path(os.environ["KP_SCREENSHOTS"]) / "3_hoan_tac_chua_duyet.png"))
    keyboard_back(board.qtbot, page.window())
    asked = answer(approve(chair="không phải mật khẩu"))
    board.key(Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert asked.answered() and isinstance(asked.seen[0], ApprovalDialog)
    assert page.status.kind == "error" and "không đúng" in page.status.text()
    assert _collected(workspace, seeded.round_id) == 1
    assert page.undo_stack.canUndo() and not page.undo_stack.canRedo()
    keyboard_back(board.qtbot, page.window())
    asked = answer(button(texts.CANCEL))  # "Hủy", reached with Tab and pressed with Space
    board.key(Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert asked.answered() and isinstance(asked.seen[0], ApprovalDialog)
    assert page.status.kind == "error" and _collected(workspace, seeded.round_id) == 1
    assert page.undo_stack.canUndo()
    keyboard_back(board.qtbot, page.window())
    asked = answer(approve())
    board.key(Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert asked.answered() and "1 1 1" in asked.texts[0]
    assert page.status.kind == "ok", page.status.text()
    assert file_value(workspace.path, "SELECT status FROM ballots") == "void"
    assert _collected(workspace, seeded.round_id) == 0
    assert not page.undo_stack.canUndo() and page.undo_stack.canRedo()


def test_view_only_refuses_at_the_scan(
    make_window: MakeWindow, workspace: Workspace, board: Board, beeps: list[int]
) -> None:
    seeded = seed_round(workspace)
    page = make_window().entry_page
    workspace.accounts.sign_out()
    board.scan(seeded.ballots[0].payload)
    assert page.status.kind == "error"
    assert page.status.text() == texts.VIEW_ONLY_SCAN
    assert beeps
    assert page.open_serial() is None and not page.grid.isEnabled()
    assert QApplication.focusWidget() is page.scan
    assert _collected(workspace, seeded.round_id) == 0


def _failed_attempts(db: Path) -> int:
    with sqlite3.connect(db) as con:
        return int(con.execute("SELECT coalesce(sum(failed_attempts), 0) FROM board_members").fetchone()[0])


@ENDINGS
def test_the_lock_holds_and_a_scan_at_it_is_no_wrong_passphrase(
    make_window: MakeWindow, workspace: Workspace, board: Board, qtbot: QtBot, beeps: list[int], ending: str
) -> None:
    seeded = seed_round(workspace)
    window = make_window()
    page = window.entry_page
    window.lock_screen()
    overlay = window.lock_overlay
    assert QApplication.focusWidget() is overlay.passphrase
    for _ in range(8):  # Tab never reaches the lists, buttons or scan field behind the lock
        board.key(Qt.Key.Key_Tab)
        assert within(QApplication.focusWidget(), overlay), QApplication.focusWidget()
    overlay.passphrase.setFocus()
    # Keys and clicks sent straight at widgets behind the lock go nowhere.
    QTest.keyClicks(page.scan, "123456789012")
    QTest.keyClick(page.scan, Qt.Key.Key_Return)
    qtbot.mouseClick(window.next_button, Qt.MouseButton.LeftButton)
    board.key(Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)  # window shortcuts do not reach behind it
    board.key(Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert page.scan.text() == "" and page.open_serial() is None
    assert window.tabs.currentWidget() is page
    assert window.stage_status.isHidden()

    type_text(overlay.passphrase, "ab")
    board.scan(seeded.ballots[0].payload, ending)  # the scanner fires at the locked screen
    assert overlay.isVisible()
    assert overlay.error.text() == texts.LOCK_SCAN
    assert beeps
    assert overlay.passphrase.text() == "ab"  # the field as the person left it
    assert _failed_attempts(workspace.path) == 0
    assert page.open_serial() is None
    assert _collected(workspace, seeded.round_id) == 0

    overlay.passphrase.clear()
    type_text(overlay.passphrase, PASSPHRASES[CHAIR_NAME])
    meeting_id = workspace.setup.round(seeded.round_id).meeting_id
    assert meeting_id is not None
    chair = next(m for m in workspace.setup.board(meeting_id) if m.full_name == CHAIR_NAME)
    select_member(overlay.member, chair.id)  # the chair opens the lock
    board.key(Qt.Key.Key_Return)
    assert not overlay.isVisible()
    assert QApplication.focusWidget() is page.scan
    board.scan(seeded.ballots[0].payload, ending)
    board.digits("123")
    board.key(Qt.Key.Key_Return)
    assert _collected(workspace, seeded.round_id) == 1


@pytest.mark.qt_log_ignore("does not support propagateSizeHints")  # offscreen Qt, on every real dialog
def test_redo_of_a_void_that_nobody_approves_stays_redoable(
    real_dialogs: MakeWindow, workspace: Workspace, board: Board
) -> None:
    """A ballot voided from the find panel, its void undone (restored), then Ctrl+Y voids it again: Escape on the
    two people's dialog changes nothing and leaves the step for another Ctrl+Y."""
    seeded = seed_round(workspace)
    window = real_dialogs()
    page = window.entry_page
    serial = seeded.ballots[0].serial
    board.scan(seeded.ballots[0].payload)
    board.digits("111")
    board.key(Qt.Key.Key_Return)
    page.tabs.setCurrentWidget(page.find_panel)
    click(board.qtbot, page.find_panel.query)
    board.type(serial)
    board.key(Qt.Key.Key_Return)
    asked = answer(reason("Nhập nhầm phiếu"), approve())
    click(board.qtbot, page.find_panel.void_button)
    assert asked.answered()
    assert _collected(workspace, seeded.round_id) == 0

    keyboard_back(board.qtbot, window)
    page.focus_scan()
    board.key(Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undoing a void restores: nobody asked
    assert page.status.kind == "ok", page.status.text()
    assert _collected(workspace, seeded.round_id) == 1
    before = file_state(workspace.path)
    asked = answer(ESCAPE)
    board.key(Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert asked.answered() and isinstance(asked.seen[0], ApprovalDialog)
    assert page.status.kind == "error"
    assert file_state(workspace.path) == before
    assert page.undo_stack.canRedo() and page.redo_button.isEnabled()
    assert "bước này vẫn còn: nhấn Ctrl+Y lần nữa" in page.status.text()
    keyboard_back(board.qtbot, window)
    asked = answer(approve())
    board.key(Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert asked.answered()
    assert page.status.kind == "ok", page.status.text()
    assert file_value(workspace.path, "SELECT status FROM ballots WHERE serial = ?", serial) == "void"
    assert not page.undo_stack.canRedo() and page.undo_stack.canUndo()
