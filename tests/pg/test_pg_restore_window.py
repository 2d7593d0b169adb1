"""Công cụ → Sao lưu on the hall's database (issue 16), driven as the board does: the list shows this station's
pg_dumps; a window that does not host the server says restore is done on the host and offers no button; on the
host the same dry run → chair and member → restore as for a file, the replaced database kept and named, the window
working on the restored database afterwards."""

from __future__ import annotations

import os
import random
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from psycopg import sql
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from tests.gui.conftest import FakeClock, type_text
from tests.gui.job_wait import Answer, press_enter, wait_job
from tests.gui.keys import click, clipped, tab_to_button_and_press
from tests.helpers.builders import (
    CHAIR_NAME,
    MEMBER_NAME,
    PASSPHRASES,
    Built,
    assert_vietnamese,
    build_round,
    sign_in_known_boards,
    valid_marks,
)
from tests.pg.conftest import Host, OpenWindow, databases, one
from vote_counter.domain.model import RoundKind
from vote_counter.hosting import cluster
from vote_counter.services import hall
from vote_counter.services.errors import ErrorCode, ServiceError
from vote_counter.services.workspace import Workspace
from vote_counter.ui import close_check, sign_in, texts
from vote_counter.ui.fonts import apply_app_font
from vote_counter.ui.main_window import MainWindow
from vote_counter.ui.pages.backup_panel import RestorePlanDialog

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def _record(ws: Workspace, built: Built, ballots: range) -> None:
    rng = random.Random(5)
    for i in ballots:
        ws.counting.record(built.round_id, built.printed[i].payload, valid_marks(rng, RoundKind.CONFIDENCE, built.ids))


@pytest.fixture
def window(
    pg_host: Host, pg_url: str, open_window: OpenWindow, clock: FakeClock, drop_new_databases: None
) -> Iterator[tuple[MainWindow, Built, FakeClock]]:
    cluster.remember(pg_host.hall)  # as `host` does at its first run: the administrator's credentials in DIR
    hall.set_station("Máy chủ")
    ws = Workspace.open(pg_url, station="Máy chủ")
    built = build_round(ws, RoundKind.CONFIDENCE, nominees=3, printed=12)  # the chair and a member signed in
    win = open_window(ws, approve=True)
    win.select_round(built.round_id)
    try:
        yield win, built, clock
    finally:
        win.ctx.workspace.close()
        ws.close()
        hall.set_station("")


def _shot(window: MainWindow, name: str) -> None:
    QApplication.processEvents()
    if os.environ.get("KP_SCREENSHOTS"):
        window.grab().save(str(Path(os.environ["KP_SCREENSHOTS"]) / name))


def test_the_hall_database_is_backed_up_listed_and_restored_from_the_host_window(
    window: tuple[MainWindow, Built, FakeClock], qtbot: QtBot, pg_host: Host, pg_url: str
) -> None:
    win, built, _clock = window
    live = pg_url.rsplit("/", 1)[1]
    ws = win.ctx.workspace
    _record(ws, built, range(3))
    panel = win.tools_page.backup
    win.show_tool(panel)

    # "Sao lưu ngay" on the hall's database: a pg_dump in this station's backups/ folder, listed first.
    listed = panel.table.rowCount()
    panel.reason.setFocus()
    type_text(panel.reason, "ba phiếu")
    click(qtbot, panel.backup_button)
    wait_job(qtbot, win.ctx.jobs)
    assert panel.status.kind == "ok", panel.status.text()
    assert panel.table.rowCount() == listed + 1
    assert panel.table.item(0, 1).text() == "ba phiếu"
    dumped = Path(panel.items[0].path)
    assert dumped.suffix == ".pgdump" and dumped.is_file()
    _record(ws, built, range(3, 7))  # four more after the dump

    # A window that does not host the server: restore is the host's; no button leads to it.
    panel.refresh()
    panel.table.selectRow(0)
    assert panel.host_only.isVisible() and panel.host_only.text() == texts.RESTORE_HOST_ONLY
    assert panel.hint.text() == texts.RESTORE_HINT_HALL
    assert not panel.restore_button.isEnabled() and not panel.restore_other_button.isEnabled()
    assert panel.restore_button.toolTip() == texts.WHY_HOST_ONLY
    _shot(win, "6_cong_cu_2_sao_luu_hoi_truong_tram.png")
    assert clipped(win) == []

    # The host window (the hall panel knows the data folder of the server it runs; here the tests' server).
    panel.hosted = lambda url: pg_host.hall.folder if hall.shown(url) == hall.shown(pg_url) else None
    panel.refresh()
    assert not panel.host_only.isVisible()
    rect = panel.table.visualRect(panel.table.model().index(0, 1))
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert panel.selected_backup() == dumped and panel.restore_button.isEnabled()
    _shot(win, "6_cong_cu_2_sao_luu_hoi_truong_may_chu.png")

    def look_then_restore(dialog: QWidget) -> None:
        QApplication.processEvents()
        if os.environ.get("KP_SCREENSHOTS"):
            dialog.grab().save(str(Path(os.environ["KP_SCREENSHOTS"]) / "6_cong_cu_2_khoi_phuc_hoi_truong.png"))
        tab_to_button_and_press(dialog, texts.RESTORE_GO)

    plans = Answer(look_then_restore, RestorePlanDialog)
    infos = Answer(press_enter)
    click(qtbot, panel.restore_button)
    qtbot.waitUntil(lambda: len(infos.titles) == 1, timeout=600_000)
    plans.stop()
    infos.stop()
    (plan,) = plans.seen
    assert isinstance(plan, RestorePlanDialog)
    dropped = [plan.lines.item(i).text() for i in range(plan.lines.count())]
    assert len(dropped) == 1 and "4 phiếu đã nhập" in dropped[0], dropped
    assert plan.after.text() == texts.RESTORE_PLAN_AFTER_HALL
    assert infos.titles == [texts.RESTORE_DONE_TITLE], infos.texts
    (replaced,) = [n for n in databases(pg_host) if n.startswith("kiemphieu_replaced_")]
    assert replaced in infos.texts[0] and "kết nối lại" in infos.texts[0]
    assert not [n for n in databases(pg_host) if n.startswith("kiemphieu_restore_")]

    assert one(pg_host, live, "SELECT count(*) FROM main.ballots") == 3
    assert one(pg_host, replaced, "SELECT count(*) FROM main.ballots") == 7
    last = one(pg_host, live, "SELECT actor FROM main.audit_log ORDER BY seq DESC LIMIT 1")
    assert last == f"{CHAIR_NAME} + {MEMBER_NAME}"
    # The window opened the restored database again (the same station, the two still signed in) and saves.
    new = win.ctx.workspace
    assert new is not ws and new.shared
    _record(new, built, range(7, 8))
    assert one(pg_host, live, "SELECT count(*) FROM main.ballots") == 4
    saved = [e for e in new.audit.entries() if e.action == "ballot_saved"]
    assert saved[-1].details.get("station") == "Máy chủ"
    assert panel.status.kind == "ok"


def test_restore_is_offered_only_while_this_window_hosts_the_database_it_uses(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The wiring with a real `vote-counter host` child of the window: the hall panel knows its data folder."""
    from vote_counter.hosting import server

    monkeypatch.setattr(close_check, "run_dialog", lambda _dialog: None)
    apply_app_font(qapp)
    outside = Path(tempfile.mkdtemp(prefix="kp-restore-ui-"))  # the service account must reach it (as root)
    data = outside / "hoi-truong"
    ws = Workspace.open(tmp_path / "tram.sqlite3")
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(ws, settings, clock=FakeClock())
    qtbot.addWidget(win)
    win.resize(1366, 768)
    with qtbot.waitActive(win):
        win.show()
        win.activateWindow()
    try:
        hall_panel, backup_panel = win.tools_page.hall, win.tools_page.backup
        win.show_tool(hall_panel)
        hall_panel.show_secret = lambda *_a: None
        hall_panel.choose_folder = lambda _parent, _start: data
        click(qtbot, hall_panel.folder_button)
        hall_panel.port_spin.setValue(server.free_port("127.0.0.1"))
        click(qtbot, hall_panel.start_button)
        qtbot.waitUntil(lambda: hall_panel.url is not None or hall_panel.process is None, timeout=180_000)
        assert hall_panel.url is not None, hall_panel.host_status.text()
        assert hall_panel.hosted_folder(hall_panel.url) == data
        win.show_tool(backup_panel)
        assert not backup_panel.host_only.isVisible()  # a file: the file's restore, as before
        assert backup_panel.host_folder() is None

        win.show_tool(hall_panel)
        click(qtbot, hall_panel.use_button)  # this window now works on the database it hosts
        assert win.ctx.workspace.shared
        win.show_tool(backup_panel)
        assert backup_panel.host_folder() == data
        assert not backup_panel.host_only.isVisible() and backup_panel.restore_other_button.isEnabled()

        hall_panel.stop_host()  # no longer the host: restore is not offered here
        assert hall_panel.hosted_folder(str(win.ctx.workspace.url)) is None
        backup_panel.refresh()
        assert backup_panel.host_only.isVisible() and not backup_panel.restore_other_button.isEnabled()
    finally:
        win.tools_page.hall.stop_host()
        win.ctx.workspace.close()
        ws.close()
        hall.set_station("")
        server.remove_tree(outside)


def test_a_station_window_open_across_a_restore_on_the_host_refuses_to_save_then_reconnects(
    window: tuple[MainWindow, Built, FakeClock],
    qtbot: QtBot,
    pg_host: Host,
    pg_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from tests.gui.conftest import Board
    from vote_counter.cli import main
    from vote_counter.services.pg_backup import dump

    win, built, clock = window
    live = pg_url.rsplit("/", 1)[1]
    board = Board(qtbot, clock)
    _record(win.ctx.workspace, built, range(2))
    dumped = dump(pg_url, tmp_path / "dumps", "hai phiếu")
    _record(win.ctx.workspace, built, range(2, 4))

    # The entry page has a ballot keyed when the host restores the dump (another laptop, its command line).
    win.tabs.setCurrentWidget(win.entry_page)
    page = win.entry_page
    page.focus_scan()
    board.scan(built.printed[5].payload)
    board.digits("123")
    monkeypatch.setenv("KP_PASSPHRASE", PASSPHRASES[CHAIR_NAME])
    monkeypatch.setenv("KP_PASSPHRASE2", PASSPHRASES[MEMBER_NAME])
    argv = ["--db", pg_url, "--as", CHAIR_NAME, "--with", MEMBER_NAME, "restore", str(dumped)]
    assert main([*argv, "--data", str(pg_host.hall.folder), "--confirm"]) == 0, capsys.readouterr().err
    assert one(pg_host, live, "SELECT count(*) FROM main.ballots") == 2

    # Enter: refused with the restore's message, nothing written, the ballot still on screen.
    page.grid.setFocus()
    board.key(Qt.Key.Key_Return)
    assert page.status.kind == "error"
    assert page.status.text() == ServiceError(ErrorCode.HALL_REPLACED).message
    kept = page._marks()
    assert page._serial == built.printed[5].serial and kept.rows
    assert one(pg_host, live, "SELECT count(*) FROM main.ballots") == 2
    # Another page: its read is refused the same way, in red, and the window carries on.
    win.tabs.setCurrentWidget(win.results_page)
    assert win.stage_status.kind == "error"
    assert "vừa được khôi phục" in win.stage_status.text()
    win.hall_status.check()
    qtbot.waitUntil(lambda: not win.hall_status.connected, timeout=30_000)
    assert win.hall_status.db_label.text() == texts.HALL_STATUS_REPLACED  # not a cable to check: reconnect
    _shot(win, "3_kiem_phieu_sau_khoi_phuc_tren_may_chu.png")
    assert [c for c in clipped(win) if not c.startswith("QLabel 'Đang làm việc")] == []  # (see test_hall_window)

    # The station connects again (the host's line, as scanned from its QR) and saves on the restored database.
    panel = win.tools_page.hall
    win.show_tool(panel)
    panel.connect_edit.setFocus()
    board.type("KP_DB=" + pg_url)
    click(qtbot, panel.connect_button)
    assert panel.connect_status.kind == "ok", panel.connect_status.text()
    sign_in_known_boards(win.ctx.workspace)
    win.select_round(built.round_id)
    win.show_work()
    win.tabs.setCurrentWidget(page)
    # The paper ballot that was refused is still open with its marks (saved nowhere): Enter saves it now, once,
    # checked against the restored database.
    assert page._serial == built.printed[5].serial and page._marks() == kept
    page.grid.setFocus()
    board.key(Qt.Key.Key_Return)
    assert page.status.kind == "ok", page.status.text()
    assert one(pg_host, live, "SELECT count(*) FROM main.ballots") == 3


def test_a_station_reconnects_with_one_click_after_a_restore_on_the_host_and_the_board_signs_in_again(
    window: tuple[MainWindow, Built, FakeClock],
    qtbot: QtBot,
    pg_host: Host,
    pg_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """ "Kết nối lại" in the status bar (and F5, and the hall panel): the same URL opened as a new workspace, nobody
    signed in, the same meeting and round; the ballot left on screen is saved once, after the board signs in."""
    from PySide6.QtWidgets import QDialog

    from tests.gui.conftest import Board
    from vote_counter.cli import main
    from vote_counter.services.pg_backup import dump
    from vote_counter.ui.sign_in import SignInDialog, select_member

    win, built, clock = window
    live = pg_url.rsplit("/", 1)[1]
    board = Board(qtbot, clock)
    status = win.hall_status
    _record(win.ctx.workspace, built, range(2))
    dumped = dump(pg_url, tmp_path / "dumps", "hai phiếu")
    _record(win.ctx.workspace, built, range(2, 4))
    assert not status.reconnect_button.isVisible()  # connected: nothing to reconnect
    win.tabs.setCurrentWidget(win.entry_page)
    page = win.entry_page
    page.focus_scan()
    board.scan(built.printed[6].payload)
    board.digits("213")
    monkeypatch.setenv("KP_PASSPHRASE", PASSPHRASES[CHAIR_NAME])
    monkeypatch.setenv("KP_PASSPHRASE2", PASSPHRASES[MEMBER_NAME])
    argv = ["--db", pg_url, "--as", CHAIR_NAME, "--with", MEMBER_NAME, "restore", str(dumped)]
    assert main([*argv, "--data", str(pg_host.hall.folder), "--confirm"]) == 0, capsys.readouterr().err
    page.grid.setFocus()
    board.key(Qt.Key.Key_Return)
    assert page.status.text() == ServiceError(ErrorCode.HALL_REPLACED).message
    kept = page._marks()
    status.check()
    qtbot.waitUntil(lambda: not status.connected, timeout=30_000)
    assert status.db_label.text() == texts.HALL_STATUS_REPLACED
    assert status.reconnect_button.isVisible() and status.reconnect_button.text() == "Kết nối lại"
    _shot(win, "3_kiem_phieu_ket_noi_lai.png")
    assert [c for c in clipped(win) if not c.startswith("QLabel 'Đang làm việc")] == []

    # The host does not answer under the name yet (its database renamed away by hand): F5 says so in red and the
    # window stays as it was, on the old workspace, still offering to reconnect.
    old = win.ctx.workspace
    with pg_host.admin() as conn:
        conn.autocommit = True
        conn.execute(sql.SQL("ALTER DATABASE {} RENAME TO {}").format(sql.Identifier(live), sql.Identifier("kp_away")))
    try:
        page.grid.setFocus()
        board.key(Qt.Key.Key_F5)
        assert win.ctx.workspace is old
        assert win.stage_status.kind == "error"
        assert win.stage_status.text().startswith("Chưa kết nối lại được: ")
        assert_vietnamese(win.stage_status.text())
        assert status.reconnect_button.isVisible()
    finally:
        with pg_host.admin() as conn:
            conn.autocommit = True
            conn.execute(
                sql.SQL("ALTER DATABASE {} RENAME TO {}").format(sql.Identifier("kp_away"), sql.Identifier(live))
            )

    # One click: the same URL as a new workspace, on the same meeting and round; nobody signed in.
    click(qtbot, status.reconnect_button)
    new = win.ctx.workspace
    assert new is not old and new.shared and new.url == old.url
    assert win.stage_status.kind == "ok"
    assert win.stage_status.text() == texts.HALL_RECONNECTED.format(where=hall.shown(pg_url))
    assert (win.ctx.meeting_id, win.ctx.round_id) == (built.meeting.id, built.round_id)
    assert built.meeting.id is not None and new.accounts.signed_in_member(built.meeting.id) is None
    assert win.user_label.text() == texts.SIGNED_IN_NONE
    qtbot.waitUntil(lambda: status.connected and not status.reconnect_button.isVisible(), timeout=30_000)
    assert status.db_label.text() == texts.HALL_STATUS_CONNECTED

    # Enter before anyone signs in: refused, nothing written.
    win.tabs.setCurrentWidget(page)
    assert page._serial == built.printed[6].serial and page._marks() == kept
    page.grid.setFocus()
    board.key(Qt.Key.Key_Return)
    assert page.status.kind == "error"
    assert one(pg_host, live, "SELECT count(*) FROM main.ballots") == 2

    # The chair signs in through the window's own dialog; Enter saves the ballot once, on the restored database.
    def fill(dialog: QDialog) -> bool:
        assert isinstance(dialog, SignInDialog)
        chair = next(m for m in new.setup.board(built.meeting.id) if m.full_name == CHAIR_NAME)
        assert chair.id is not None
        select_member(dialog.member, chair.id)
        type_text(dialog.passphrase, PASSPHRASES[CHAIR_NAME])
        return True

    monkeypatch.setattr(sign_in, "run_dialog", fill)
    click(qtbot, win.sign_in_button)
    assert CHAIR_NAME in win.user_label.text()
    page.grid.setFocus()
    board.key(Qt.Key.Key_Return)
    assert page.status.kind == "ok", page.status.text()
    board.key(Qt.Key.Key_Return)  # a second Enter on the emptied page saves nothing more
    assert one(pg_host, live, "SELECT count(*) FROM main.ballots") == 3
    serial = built.printed[6].serial
    assert one(pg_host, live, f"SELECT count(*) FROM main.ballots WHERE serial = '{serial}'") == 1
    _shot(win, "3_kiem_phieu_sau_ket_noi_lai.png")
