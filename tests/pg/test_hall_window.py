"""The window's "Máy chủ hội trường" driven as a board does (issue 16): host from the page (a real `vote-counter
host` child process on the bundled PostgreSQL), read its line and its QR code, switch the window to it, name the
station, save ballots; the server stopped → the status bar says so and a save is refused with the ballot kept on
screen and nothing written; the server started again → the same ballot saves."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.gui.conftest import Board, FakeClock, seed_round, type_text
from tests.gui.keys import click, clipped
from tests.pg.conftest import OpenWindow
from vote_counter.hosting import cluster, server
from vote_counter.services import hall
from vote_counter.services.workspace import Workspace
from vote_counter.ui import texts
from vote_counter.ui.main_window import MainWindow
from vote_counter.ui.pages.hall_panel import HallPanel

pytestmark = [
    pytest.mark.qt_log_ignore("does not support propagateSizeHints"),
    pytest.mark.usefixtures("no_station_left"),
]

SLOW_START_MS = 180_000  # initdb + first start on a shared 2-core machine


@pytest.fixture
def window(tmp_path: Path, open_window: OpenWindow) -> Iterator[MainWindow]:
    ws = Workspace.open(tmp_path / "tram.sqlite3")
    win = open_window(ws, approve=True)
    yield win
    win.tools_page.hall.stop_host()
    win.ctx.workspace.close()
    ws.close()


def qr_of(panel: HallPanel, path: Path) -> list[str]:
    pixmap = panel.qr.pixmap()
    assert not pixmap.isNull()
    assert pixmap.save(str(path))
    image = Image.open(path).convert("L")
    return [c.text for c in zxingcpp.read_barcodes(image) if c.format == zxingcpp.BarcodeFormat.QRCode]


def test_host_from_the_page_connect_save_lose_the_host_and_resume(
    window: MainWindow, qtbot: QtBot, data_dir: Path, tmp_path: Path, clock: FakeClock
) -> None:
    board = Board(qtbot, clock)  # the window's scan filter and the board share one clock
    panel = window.tools_page.hall
    window.show_tool(panel)
    status = window.hall_status
    assert status.db_label.text() == "SQLite: tệp tram.sqlite3"

    # The station's name, typed and saved: the status bar shows it.
    panel.station_edit.setFocus()
    type_text(panel.station_edit, "Tổ 2")  # as a Telex input method delivers it
    click(qtbot, panel.station_button)
    assert status.station_label.text() == "Trạm: Tổ 2"
    assert hall.station() == "Tổ 2"

    # Host: a folder, 127.0.0.1 (the default), a free port; the child prints its line; the secret shown once.
    shown: list[str] = []
    panel.show_secret = lambda _parent, _title, _intro, secret, _after: shown.append(secret)
    panel.choose_folder = lambda _parent, _start: data_dir
    click(qtbot, panel.folder_button)
    assert panel.address_combo.currentText() == "127.0.0.1"
    port = server.free_port("127.0.0.1")
    panel.port_spin.setValue(port)
    click(qtbot, panel.start_button)
    qtbot.waitUntil(lambda: panel.url is not None or panel.process is None, timeout=SLOW_START_MS)
    assert panel.url is not None, panel.host_status.text()
    line = "KP_DB=" + panel.url
    assert shown == [line]
    assert f"@127.0.0.1:{port}/" in line
    password = panel.url.split("://", 1)[1].split("@", 1)[0].split(":", 1)[1]
    assert password not in panel.line_view.text()  # on the page the password is hidden; the QR carries it
    assert qr_of(panel, tmp_path / "qr.png") == [line]
    QApplication.processEvents()  # the layout settles around the new texts before it is looked at
    if os.environ.get("KP_SCREENSHOTS"):
        window.grab().save(str(Path(os.environ["KP_SCREENSHOTS"]) / "6_cong_cu_6_may_chu_hoi_truong.png"))
    assert clipped(window) == []

    # A bad line pasted into "Kết nối" is refused in Vietnamese and changes nothing.
    panel.connect_edit.setFocus()
    type_text(panel.connect_edit, "postgres không phải dòng này")
    click(qtbot, panel.connect_button)
    assert panel.connect_status.kind == "error"
    assert "không phải dòng kết nối" in panel.connect_status.text()
    assert not window.ctx.workspace.shared
    # "Kết nối lại" is for the hall's database only: on a file it is greyed out and says why.
    assert not panel.reconnect_button.isEnabled()
    assert panel.reconnect_button.toolTip() == texts.HALL_RECONNECT_NO_HALL

    # This window switches to the hosted database, as another laptop would by scanning the QR.
    panel.connect_edit.clear()
    panel.connect_edit.setFocus()
    board.type(line)
    click(qtbot, panel.test_button)
    assert panel.connect_status.kind == "ok", panel.connect_status.text()
    click(qtbot, panel.connect_button)
    assert panel.connect_status.kind == "ok", panel.connect_status.text()
    # The panel's "Kết nối lại" opens the same URL again as a new workspace (after a restore on the host).
    window.show_tool(panel)
    assert panel.reconnect_button.isEnabled()
    first = window.ctx.workspace
    click(qtbot, panel.reconnect_button)
    assert window.ctx.workspace is not first and window.ctx.workspace.url == first.url
    assert panel.connect_status.kind == "ok" and panel.connect_status.text().startswith("Đã kết nối lại tới ")
    ws = window.ctx.workspace
    assert ws.shared
    # An empty hall database: the welcome screen (create a meeting), naming the hall's database, not the file.
    assert window.stack.currentWidget() is window.welcome
    named = window.welcome.database.text()
    assert named == texts.WELCOME_DATABASE_HALL.format(where=hall.shown(ws.url))  # "Cơ sở dữ liệu chung …"
    assert named.startswith("Cơ sở dữ liệu chung của hội trường: postgresql+psycopg://kp_app:***@127.0.0.1:")
    assert "tram.sqlite3" not in named and "Tệp dữ liệu" not in named
    password = ws.url.split("://", 1)[1].split("@", 1)[0].split(":", 1)[1]
    assert len(password) >= 20 and password not in named
    status.check()
    qtbot.waitUntil(lambda: status.db_label.text() == "Máy chủ hội trường: đã kết nối", timeout=10_000)
    QApplication.processEvents()
    if os.environ.get("KP_SCREENSHOTS"):
        window.grab().save(str(Path(os.environ["KP_SCREENSHOTS"]) / "0_chao_mung_hoi_truong.png"))
    assert clipped(window) == []

    # A meeting set up on the shared database; the board enters a ballot through the entry page.
    seeded = seed_round(ws)
    window.ctx.structure_changed()
    window.select_round(seeded.round_id)
    window.show_work()  # the empty hall database opened on the welcome screen; now it has a meeting
    window.tabs.setCurrentWidget(window.entry_page)
    page = window.entry_page
    page.focus_scan()
    board.scan(seeded.ballots[0].payload)
    board.digits("123")
    board.key(Qt.Key.Key_Return)
    assert page.status.kind == "ok", page.status.text()
    assert ws.counting.totals(seeded.round_id).valid == 1
    saved = [e for e in ws.audit.entries() if e.action == "ballot_saved"]
    assert saved and saved[-1].details.get("station") == "Tổ 2"

    # The next ballot scanned and keyed; then the host stops before Enter (the host laptop's "Tắt máy chủ": the
    # entry page stays in front, as on a station whose host is another laptop).
    board.scan(seeded.ballots[1].payload)
    board.digits("111")
    keyed, open_serial = page._marks(), page._serial
    assert open_serial is not None
    panel.stop_host()
    assert panel.process is None
    # Stopped by the stop file (no signal: the way that works on Windows too), and cleanly: PostgreSQL's own log
    # says a fast shutdown ran to its end, and pg_ctl finds no server.
    assert panel.stopped_by == "file"
    assert panel.stop_file is None
    log = data_dir / cluster.PGDATA / "server.log"
    stopped_log = log.read_text(encoding="utf-8")
    assert "received fast shutdown request" in stopped_log
    assert stopped_log.rstrip().endswith("database system is shut down")
    assert "immediate shutdown" not in stopped_log
    assert not cluster.running(cluster.prepare(data_dir))
    status.check()
    qtbot.waitUntil(lambda: not status.connected, timeout=30_000)
    assert status.db_label.text().startswith("Mất kết nối")

    page.grid.setFocus()
    board.key(Qt.Key.Key_Return)
    assert page.status.kind == "error"
    assert "Mất kết nối tới máy chủ hội trường" in page.status.text()
    # The ballot stays on screen with its marks, ready for the same Enter.
    assert (page._serial, page._marks()) == (open_serial, keyed)
    assert page.grid.isEnabled()
    # Looking at another page meanwhile: its reads fail; the window says so in red and keeps the ballot.
    window.tabs.setCurrentWidget(window.results_page)
    assert window.stage_status.kind == "error"
    assert window.stage_status.text().startswith("Mất kết nối tới máy chủ hội trường")
    window.tabs.setCurrentWidget(page)
    assert (page._serial, page._marks()) == (open_serial, keyed)
    QApplication.processEvents()
    if os.environ.get("KP_SCREENSHOTS"):
        window.grab().save(str(Path(os.environ["KP_SCREENSHOTS"]) / "3_kiem_phieu_mat_ket_noi.png"))
    assert clipped(window) == []  # the menu bar's "Đang làm việc: …" corner too (ui/user_corner.py)

    # The host again (same folder, same port, same credentials): the same Enter now saves it, once.
    shown.clear()
    panel.start_host()
    qtbot.waitUntil(lambda: panel.url is not None or panel.process is None, timeout=SLOW_START_MS)
    assert "KP_DB=" + str(panel.url) == line
    restarted_log = log.read_text(encoding="utf-8")[len(stopped_log) :]
    assert "database system was shut down at" in restarted_log  # no crash recovery: the stop above was clean
    assert "not properly shut down" not in restarted_log and "automatic recovery" not in restarted_log
    status.check()
    qtbot.waitUntil(lambda: status.connected, timeout=30_000)
    assert (page._serial, page._marks()) == (open_serial, keyed)
    assert window.stage_status.isHidden()  # the red line goes once the host answers
    page.grid.setFocus()
    board.key(Qt.Key.Key_Return)
    assert page.status.kind == "ok", page.status.text()
    totals = ws.counting.totals(seeded.round_id)
    assert totals.valid == 2
    assert ws.audit.verify().ok

    # Closing the window stops the hosted server cleanly, by the same stop file.
    window.close()
    assert panel.process is None
    assert panel.stopped_by == "file"
    assert server.port_free("127.0.0.1", port)
    assert log.read_text(encoding="utf-8").rstrip().endswith("database system is shut down")
