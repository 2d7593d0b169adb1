"""Công cụ → Máy chủ hội trường without a server: the station's name (status bar, audit, settings), and every
refusal — a wrong line, a host that is not there, no folder, a host that cannot start — in Vietnamese, with the
window left on its own database (tests/pg/test_hall_window.py runs the real host)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.gui.conftest import type_text
from tests.gui.keys import click
from vote_counter.domain.model import Meeting
from vote_counter.hosting import server
from vote_counter.services import hall
from vote_counter.services.workspace import Workspace
from vote_counter.ui.main_window import MainWindow
from vote_counter.ui.pages.hall_panel import KEY_STATION

MakeWindow = Callable[[], MainWindow]


@pytest.fixture(autouse=True)
def _no_station_left() -> Iterator[None]:
    yield
    hall.set_station("")


def test_station_typed_and_saved_shows_in_the_status_bar_the_audit_and_the_settings(
    make_window: MakeWindow, workspace: Workspace, settings: QSettings, qtbot: QtBot
) -> None:
    window = make_window()
    panel = window.tools_page.hall
    window.show_tool(panel)
    assert window.hall_status.station_label.text() == "Trạm: (chưa đặt tên)"
    assert window.hall_status.db_label.text() == "SQLite: tệp db.sqlite3"

    panel.station_edit.clear()
    type_text(panel.station_edit, "Tổ 1")
    click(qtbot, panel.station_button)
    assert panel.host_status.kind == "ok"
    assert window.hall_status.station_label.text() == "Trạm: Tổ 1"
    assert settings.value(KEY_STATION) == "Tổ 1"
    workspace.setup.create_meeting(Meeting(None, "Hội nghị thử", "Sở Tài chính"))
    assert workspace.audit.entries()[-1].details.get("station") == "Tổ 1"

    # Too long: refused in red, the name in use stays.
    panel.station_edit.clear()
    type_text(panel.station_edit, "Tổ " + "x" * hall.STATION_MAX)
    click(qtbot, panel.station_button)
    assert panel.host_status.kind == "error"
    assert "Tên trạm không dùng được" in panel.host_status.text()
    assert hall.station() == "Tổ 1"
    assert settings.value(KEY_STATION) == "Tổ 1"
    assert window.hall_status.station_label.text() == "Trạm: Tổ 1"


def test_a_saved_station_is_used_by_the_next_window(make_window: MakeWindow, settings: QSettings) -> None:
    settings.setValue(KEY_STATION, "Tổ 5")
    window = make_window()
    assert hall.station() == "Tổ 5"
    assert window.hall_status.station_label.text() == "Trạm: Tổ 5"
    assert window.tools_page.hall.station_edit.text() == "Tổ 5"


def test_wrong_line_and_absent_host_are_refused_and_the_window_keeps_its_file(
    make_window: MakeWindow, workspace: Workspace, qtbot: QtBot
) -> None:
    window = make_window()
    panel = window.tools_page.hall
    window.show_tool(panel)
    panel.connect_edit.setFocus()
    type_text(panel.connect_edit, "C:\\KiemPhieu\\kiem_phieu.sqlite3")
    click(qtbot, panel.connect_button)
    assert panel.connect_status.kind == "error"
    assert "Đây không phải dòng kết nối của máy chủ hội trường" in panel.connect_status.text()
    assert window.ctx.workspace is workspace

    port = server.free_port("127.0.0.1")  # nothing listens there
    panel.connect_edit.clear()
    type_text(panel.connect_edit, f"KP_DB=postgresql+psycopg://kp_app:x@127.0.0.1:{port}/kiemphieu")
    click(qtbot, panel.test_button)
    assert panel.connect_status.kind == "error"
    assert panel.connect_status.text().startswith("Mất kết nối tới máy chủ hội trường")
    click(qtbot, panel.connect_button)
    assert panel.connect_status.kind == "error"
    assert panel.connect_status.text().startswith("Mất kết nối tới máy chủ hội trường")
    assert window.ctx.workspace is workspace
    assert window.hall_status.db_label.text() == "SQLite: tệp db.sqlite3"


def test_hosting_without_a_folder_or_in_a_folder_it_cannot_use(
    make_window: MakeWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    window = make_window()
    panel = window.tools_page.hall
    window.show_tool(panel)
    panel.folder_edit.clear()
    click(qtbot, panel.start_button)
    assert panel.host_status.kind == "error"
    assert panel.host_status.text() == "Hãy chọn thư mục dữ liệu của máy chủ trước."
    assert panel.process is None

    # A folder holding someone else's files: the real `vote-counter host` child refuses; its words are shown.
    foreign = tmp_path / "khac"
    foreign.mkdir()
    (foreign / "bao_cao.docx").write_bytes(b"not ours")
    panel.choose_folder = lambda _parent, _start: foreign
    click(qtbot, panel.folder_button)
    panel.port_spin.setValue(server.free_port("127.0.0.1"))
    click(qtbot, panel.start_button)
    assert panel.process is not None
    qtbot.waitUntil(lambda: panel.process is None, timeout=60_000)
    assert panel.host_status.kind == "error"
    assert panel.host_status.text().startswith("Máy chủ không chạy được: Lỗi: Thư mục")
    assert "không phải máy chủ hội trường" in panel.host_status.text()
    assert panel.url is None and panel.start_button.isEnabled() and not panel.stop_button.isEnabled()
    assert sorted(p.name for p in foreign.iterdir()) == ["bao_cao.docx"]  # nothing written there


def test_a_host_that_will_not_stop_is_killed_and_the_page_says_so(
    make_window: MakeWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A hung host (here a child that never reads its stop file and ignores SIGTERM): asked, then terminated, then
    killed; the page says it was forced, in red, and that the saved data recovers at the next start."""
    import sys

    from tests.gui.keys import clipped
    from tests.gui.test_host_child import CHILD
    from vote_counter.ui import host_child

    window = make_window()
    panel = window.tools_page.hall
    window.show_tool(panel)
    commands: list[list[str]] = []

    def hung(data: Path, listen: str, port: int, stop_file: Path | None = None) -> tuple[str, list[str]]:
        commands.append(["--stop-file", str(stop_file)])
        return sys.executable, ["-c", CHILD, "-", "ignore"]

    monkeypatch.setattr(hall, "host_command", hung)
    monkeypatch.setattr(host_child, "WAITS", {"file": 300, "terminate": 300, "kill": 20_000})
    panel.folder_edit.setText(str(tmp_path / "hoi-truong"))
    click(qtbot, panel.start_button)
    process = panel.process
    assert process is not None and process.waitForReadyRead(20_000)  # SIGTERM ignored from here on
    stop_file = panel.stop_file
    assert stop_file is not None and commands == [["--stop-file", str(stop_file)]]
    click(qtbot, panel.stop_button)
    assert panel.stopped_by == "kill"
    assert panel.process is None and panel.start_button.isEnabled()
    assert panel.host_status.kind == "error"
    assert panel.host_status.text().startswith("Máy chủ không tự tắt được nên đã bị buộc dừng.")
    assert not stop_file.parent.exists()  # its folder removed with it
    QApplication.processEvents()  # the layout settles around the new text before it is looked at
    if os.environ.get("KP_SCREENSHOTS"):
        window.grab().save(str(Path(os.environ["KP_SCREENSHOTS"]) / "6_may_chu_bi_buoc_dung.png"))
    assert clipped(window) == []
