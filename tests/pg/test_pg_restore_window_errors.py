"""Công cụ → Sao lưu on the host, a pg_dump that cannot be read (cut short on its way over, or not a dump at all)
chosen with “Khôi phục từ tệp khác…”: the status line says in Vietnamese what is wrong with the file, pg_restore's
own English line only below it after “Chi tiết:”, nothing cut; the hall's database is as it was."""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from tests.gui.job_wait import Answer, press_enter, wait_job
from tests.gui.keys import click, clipped
from tests.helpers.builders import assert_vietnamese, build_round, valid_marks
from tests.pg.conftest import Host, OpenWindow, databases, one
from vote_counter.domain.model import RoundKind
from vote_counter.hosting import cluster
from vote_counter.services import hall
from vote_counter.services.pg_backup import dump
from vote_counter.services.workspace import Workspace
from vote_counter.ui.main_window import MainWindow

pytestmark = [
    pytest.mark.qt_log_ignore("does not support propagateSizeHints"),
    pytest.mark.usefixtures("no_station_left", "drop_new_databases"),
]


@pytest.fixture
def host_window(
    pg_host: Host, pg_url: str, open_window: OpenWindow, tmp_path: Path
) -> Iterator[tuple[MainWindow, Path]]:
    """The host's window on the hall's database, three ballots saved, and a good dump of it."""
    cluster.remember(pg_host.hall)
    hall.set_station("Máy chủ")
    ws = Workspace.open(pg_url, station="Máy chủ")
    built = build_round(ws, RoundKind.CONFIDENCE, nominees=3, printed=6)
    rng = random.Random(3)
    for ballot in built.printed[:3]:
        ws.counting.record(built.round_id, ballot.payload, valid_marks(rng, RoundKind.CONFIDENCE, built.ids))
    good = dump(ws.url, tmp_path / "dumps", "ba phieu")
    win = open_window(ws, approve=True)
    win.select_round(built.round_id)
    try:
        yield win, good
    finally:
        win.ctx.workspace.close()
        ws.close()


@pytest.mark.parametrize(
    ("spoilt", "sentence"),
    [
        ("truncated", "tệp sao lưu bị cắt ngắn hoặc hỏng, có thể chưa chép hết"),
        ("random bytes", "tệp sao lưu hỏng hoặc không phải tệp pg_dump"),
    ],
)
def test_an_unreadable_dump_is_explained_in_vietnamese_with_the_tools_words_as_a_detail(
    host_window: tuple[MainWindow, Path],
    qtbot: QtBot,
    pg_host: Host,
    pg_url: str,
    tmp_path: Path,
    spoilt: str,
    sentence: str,
) -> None:
    win, good = host_window
    data = good.read_bytes()
    bad = tmp_path / "20261130-080000-000000_chep-tu-usb.pgdump"
    bad.write_bytes(data[: len(data) // 2] if spoilt == "truncated" else random.Random(9).randbytes(len(data)))
    live = pg_url.rsplit("/", 1)[1]
    panel = win.tools_page.backup
    win.show_tool(panel)
    panel.hosted = lambda _url: pg_host.hall.folder  # this window runs the tests' server
    panel.choose_file = lambda *_a: bad  # the platform's file dialog
    panel.refresh()
    shot = Path(os.environ.get("KP_SCREENSHOTS", tmp_path)) / f"pg_restore_error_{spoilt.replace(' ', '_')}.png"

    def look_then_close(box: QWidget) -> None:
        QApplication.processEvents()
        assert box.grab().save(str(shot))
        press_enter(box)

    boxes = Answer(look_then_close)
    click(qtbot, panel.restore_other_button)
    wait_job(qtbot, win.ctx.jobs)
    qtbot.waitUntil(lambda: len(boxes.texts) == 1)
    boxes.stop()
    assert panel.status.kind == "error"
    assert boxes.texts == [panel.status.text()]  # the message box says what the status line says
    first, detail = panel.status.text().split("\n")
    assert first == (
        f"Bản sao lưu “{bad.name}” không dùng được ({sentence}). Cơ sở dữ liệu hiện tại không bị thay đổi."
    )
    assert_vietnamese(first)
    assert detail.startswith("Chi tiết: pg_restore: error: ")
    assert clipped(win) == []
    if os.environ.get("KP_SCREENSHOTS"):
        win.grab().save(str(shot.with_name(shot.stem + "_window.png")))
    assert one(pg_host, live, "SELECT count(*) FROM main.ballots") == 3
    assert not [n for n in databases(pg_host) if n.startswith("kiemphieu_restore_")]
