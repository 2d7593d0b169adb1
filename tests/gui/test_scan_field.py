"""One serial format everywhere (issue 17): after a scan the scan field shows the serial as printed under the
QR (xxxx-xxxx-xxxx), never the 49-digit payload, whether the ballot opens or is refused; the save and the
set-aside still use what was scanned."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.gui.conftest import Board, seed_round
from tests.gui.keys import click
from vote_counter.domain.serials import format_serial
from vote_counter.services.workspace import Workspace
from vote_counter.ui.main_window import MainWindow

MakeWindow = Callable[[], MainWindow]


def test_the_scan_field_shows_the_dashed_serial_and_the_save_uses_the_scan(
    make_window: MakeWindow, workspace: Workspace, board: Board, qtbot: QtBot
) -> None:
    seeded = seed_round(workspace)
    window = make_window()
    page = window.entry_page
    first = seeded.ballots[0]
    board.scan(first.payload)
    assert len(first.payload) == 49
    assert page.scan.text() == format_serial(first.serial)  # e.g. 4821-0937-5516, not the payload
    assert first.payload not in page.scan.text()
    board.digits("123")
    board.key(Qt.Key.Key_Return)
    assert page.status.kind == "ok", page.status.text()
    assert workspace.counting.totals(seeded.round_id).valid == 1

    # Scanned again: refused as a duplicate, the field still shows the serial, and setting the paper aside
    # records it (with what was scanned, not the dashed text).
    board.scan(first.payload)
    assert page.status.kind == "error"
    assert page.scan.text() == format_serial(first.serial)
    assert QApplication.focusWidget() is page.scan and page.scan.selectedText() == page.scan.text()
    assert page.scan_code() == first.payload
    click(qtbot, page.set_aside_button)
    assert page.status.kind == "ok", page.status.text()
    conn = sqlite3.connect(workspace.path)
    try:
        (aside,) = conn.execute("SELECT COUNT(*) FROM ballots WHERE set_aside = 1").fetchone()
    finally:
        conn.close()
    assert aside == 1

    # A serial typed by hand opens the ballot as before; the field shows it in the same form.
    board.scan(seeded.ballots[1].serial)
    assert page.scan.text() == format_serial(seeded.ballots[1].serial)
    assert page.scan_code() == seeded.ballots[1].serial
