"""A window connected to a hall database that another station sets up (issue 16): its welcome screen lists the
other station's meeting as soon as it is there (the window's next check of the database), offers it to continue
as a file with a meeting does, and the board goes in by keyboard, signs in, and counts into the shared meeting."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from psycopg import sql
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.gui.answer import answer, keyboard_back, type_then_enter
from tests.gui.conftest import Board, FakeClock, seed_round
from tests.gui.keys import clipped
from tests.helpers.builders import CHAIR_NAME, PASSPHRASES
from tests.pg.conftest import Host, OpenWindow
from vote_counter.services import hall
from vote_counter.services.workspace import Workspace
from vote_counter.ui import sign_in, texts
from vote_counter.ui.hall_status import CHECK_EVERY_MS
from vote_counter.ui.main_window import MainWindow
from vote_counter.ui.sign_in import SignInDialog

pytestmark = [
    pytest.mark.qt_log_ignore("does not support propagateSizeHints"),
    pytest.mark.usefixtures("no_station_left"),
]


@pytest.fixture
def window(tmp_path: Path, open_window: OpenWindow) -> Iterator[MainWindow]:
    """This station's window on an empty SQLite file: the welcome screen. The sign-in dialog is the real one."""
    ws = Workspace.open(tmp_path / "tram.sqlite3")
    win = open_window(ws, approve=False)
    yield win
    win.ctx.workspace.close()
    ws.close()


def test_a_meeting_another_station_sets_up_is_offered_on_the_welcome_screen_and_opened_by_keyboard(
    window: MainWindow, qtbot: QtBot, pg_url: str, clock: FakeClock
) -> None:
    board = Board(qtbot, clock)
    welcome = window.welcome
    assert window.stack.currentWidget() is welcome

    # This station connects to the hall's (still empty) database: the welcome screen, nothing to continue yet.
    panel = window.tools_page.hall
    window.show_tool(panel)
    panel.connect_edit.setFocus()
    board.type(hall.LINE_PREFIX + pg_url)  # pasted or read from the host's QR code, then Enter
    board.key(Qt.Key.Key_Return)
    assert panel.connect_status.kind == "ok", panel.connect_status.text()
    assert window.ctx.workspace.shared
    assert window.stack.currentWidget() is welcome
    assert welcome.recent_none.isVisibleTo(welcome) and not welcome.continue_button.isVisibleTo(welcome)

    # Another station (its own connection, its own name) sets the meeting up and signs its board in there.
    other = Workspace.open(pg_url, station="Tổ 1")
    try:
        seeded = seed_round(other)
        (meeting,) = other.setup.meetings()

        # Within the window's next check of the database, the welcome screen lists it and offers to continue.
        qtbot.waitUntil(lambda: welcome.recent.count() == 1, timeout=3 * CHECK_EVERY_MS)
        assert welcome.recent.item(0).text() == meeting.title
        assert welcome.recent_box.title() == texts.WELCOME_MEETINGS  # not opened on this laptop before
        assert welcome.continue_button.isVisibleTo(welcome) and welcome.open_button.isEnabled()
        assert not welcome.recent_none.isVisibleTo(welcome)
        QApplication.processEvents()
        if os.environ.get("KP_SCREENSHOTS"):
            window.grab().save(str(Path(os.environ["KP_SCREENSHOTS"]) / "0_chao_mung_hoi_nghi_tram_khac.png"))
        assert clipped(window) == []

        # The list has the keyboard: Enter opens the meeting; its chair signs in here by typing her passphrase.
        keyboard_back(qtbot, window)
        assert QApplication.focusWidget() is welcome.recent
        asked = answer(type_then_enter(PASSPHRASES[CHAIR_NAME]))
        board.key(Qt.Key.Key_Return)
        assert asked.answered() and isinstance(asked.seen[0], SignInDialog)
        assert window.stack.currentWidget() is window.work
        assert (window.ctx.meeting_id, window.ctx.round_id) == (meeting.id, seeded.round_id)
        assert window.meeting_combo.currentText() == meeting.title
        assert window.user_label.text() == f"Đang làm việc: {CHAIR_NAME} (Trưởng ban)"

        # Counting goes on in the shared meeting: a ballot scanned and keyed here is counted for both stations.
        keyboard_back(qtbot, window)
        window.tabs.setCurrentWidget(window.entry_page)
        window.entry_page.focus_scan()
        board.scan(seeded.ballots[0].payload)
        board.digits("111")
        board.key(Qt.Key.Key_Return)
        assert window.entry_page.status.kind == "ok", window.entry_page.status.text()
        assert other.counting.totals(seeded.round_id).valid == 1
        # The menu's welcome screen now lists it as opened here, and "Vào trang làm việc" goes back to it.
        window.show_welcome()
        assert welcome.recent_box.title() == texts.WELCOME_RECENT
        welcome.continue_button.click()
        assert window.stack.currentWidget() is window.work and window.ctx.meeting_id == meeting.id
    finally:
        other.close()


def test_continue_on_a_meeting_that_appeared_opens_the_one_chosen_and_a_lost_host_lists_nothing(
    window: MainWindow, qtbot: QtBot, pg_url: str, pg_host: Host, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "Vào trang làm việc" when the window had no meeting (the hall database was empty at connecting): it
    opens the meeting chosen in the list, not an empty work screen. While the host cannot be reached, the
    welcome screen's check lists nothing new and raises nothing (the status bar says the connection is lost)."""
    monkeypatch.setattr(sign_in, "ask_sign_in", lambda *_a: False)  # nobody signs in: it opens to look
    window.ctx.switch(pg_url, None)
    welcome = window.welcome
    assert window.stack.currentWidget() is welcome
    other = Workspace.open(pg_url, station="Tổ 1")
    try:
        seeded = seed_round(other, accounts=False, counting=False)
    finally:
        other.close()

    name = pg_url.rsplit("/", 1)[1]
    with pg_host.admin() as conn:  # the hall's database out of reach: every connection to it refused
        conn.autocommit = True
        conn.execute(sql.SQL("ALTER DATABASE {} WITH ALLOW_CONNECTIONS false").format(sql.Identifier(name)))
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
    window.follow_shared_meetings()  # the window's next check, before its probe has noticed: the read fails
    assert window.stack.currentWidget() is welcome
    assert welcome.recent.count() == 0 and not welcome.continue_button.isVisibleTo(welcome)
    window.hall_status.check()  # the probe (a worker thread) notices; then the welcome screen does not even ask
    qtbot.waitUntil(lambda: not window.hall_status.connected, timeout=30_000)
    window.follow_shared_meetings()
    assert welcome.recent.count() == 0
    with pg_host.admin() as conn:
        conn.autocommit = True
        conn.execute(sql.SQL("ALTER DATABASE {} WITH ALLOW_CONNECTIONS true").format(sql.Identifier(name)))

    window.hall_status.check()
    qtbot.waitUntil(lambda: window.hall_status.connected, timeout=30_000)
    window.follow_shared_meetings()
    assert welcome.recent.count() == 1 and welcome.continue_button.isVisibleTo(welcome)
    welcome.continue_button.click()
    assert window.stack.currentWidget() is window.work
    assert window.ctx.round_id == seeded.round_id
