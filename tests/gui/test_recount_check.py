"""Kiểm lại từng phiếu on the results page (issue 15): the full recount runs in the background with progress
and says whether the stored running totals agree; a difference edited into the file is an alarm."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.gui.conftest import seed_round
from tests.gui.test_minutes_page import count_ballots
from tests.helpers.builders import assert_vietnamese
from vote_counter.services.workspace import Workspace
from vote_counter.ui import texts
from vote_counter.ui.main_window import MainWindow

MakeWindow = Callable[[], MainWindow]


def test_recount_in_the_background_agrees(
    make_window: MakeWindow, workspace: Workspace, qtbot: QtBot, tmp_path: Path
) -> None:
    seeded = seed_round(workspace, ballots=6)
    count_ballots(workspace, seeded, "012012012012012012")
    window = make_window()
    window.tabs.setCurrentWidget(window.results_page)
    check = window.results_page.recount
    seen: list[tuple[int, int]] = []
    check.progressed.connect(lambda done, total: seen.append((done, total)))
    with qtbot.waitSignal(check.finished, timeout=30_000):
        qtbot.mouseClick(check.button, Qt.MouseButton.LeftButton)
        assert not check.button.isEnabled()  # one recount at a time
    qtbot.waitUntil(lambda: check.button.isEnabled(), timeout=10_000)
    assert check.status.kind == "ok" and check.status.text() == texts.RECOUNT_MATCHES.format(count=6)
    assert seen and seen[-1] == (6, 6)
    window.grab().save(str(tmp_path / "kiem_lai.png"))


def test_a_total_edited_in_the_file_is_an_alarm(make_window: MakeWindow, workspace: Workspace, qtbot: QtBot) -> None:
    seeded = seed_round(workspace, ballots=4)
    count_ballots(workspace, seeded, "012012012012")
    conn = sqlite3.connect(workspace.path)
    with conn:
        conn.execute("UPDATE running_totals SET data = replace(data, '\"valid\":4', '\"valid\":3')")
    conn.close()
    window = make_window()
    window.tabs.setCurrentWidget(window.results_page)
    check = window.results_page.recount
    with qtbot.waitSignal(check.finished, timeout=30_000):
        check.button.click()
    qtbot.waitUntil(lambda: check.button.isEnabled(), timeout=10_000)
    assert check.status.kind == "error" and check.status.text().startswith("BÁO ĐỘNG")
    assert_vietnamese(check.status.text())
