"""Long jobs off the UI thread (ui/jobs.py, issue 17): the sample meeting is built in a worker thread while the
window's event loop keeps running, a second start changes nothing, the progress dialog cannot be closed while the
job runs, and a job's error reaches the user as a message box with nothing half-written."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from tests.gui.conftest import seed_round
from tests.gui.job_wait import Answer, press_enter, wait_job
from tests.gui.keys import click, commit, open_tab, retype
from vote_counter.services.workspace import Workspace
from vote_counter.ui import demo_job, once_shown, texts
from vote_counter.ui.jobs import JobContext, ProgressDialog
from vote_counter.ui.main_window import MainWindow

MakeWindow = Callable[[], MainWindow]
# Offscreen Qt says this for every real dialog it shows (the progress dialog, the message boxes).
pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def count(db: Path, table: str) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    out: list[str] = []
    monkeypatch.setattr(once_shown, "show_once", lambda _p, title, intro, secret, after: out.append(secret))
    return out


def test_the_sample_meeting_is_built_off_the_ui_thread_and_only_once(
    make_window: MakeWindow, workspace: Workspace, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, shown: list[str]
) -> None:
    window = make_window()
    runner = window.ctx.jobs
    ui_thread = threading.get_ident()
    built_in: list[int] = []
    real_build = demo_job.build_demo

    def observed(ws: Workspace, **kwargs: object) -> object:
        built_in.append(threading.get_ident())
        assert ws is not workspace  # the job's own workspace: no session or connection crosses threads
        return real_build(ws, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(demo_job, "build_demo", observed)
    ticks: list[int] = []  # the UI thread's event loop, sampled while the job runs
    bar_values: list[int] = []

    def tick() -> None:
        if runner.busy() and runner.dialog is not None:
            ticks.append(1)
            bar_values.append(runner.dialog.bar.value())

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(20)

    qtbot.mouseClick(window.welcome.demo_button, Qt.MouseButton.LeftButton)
    assert runner.busy()
    dialog = runner.dialog
    assert isinstance(dialog, ProgressDialog) and dialog.isVisible()
    assert dialog.label.text() == texts.JOB_RUNNING.format(name=texts.JOB_DEMO)
    assert not window.welcome.demo_button.isEnabled()  # the action is greyed while it runs
    # A second trigger (the click on the greyed button, the menu, a queued signal) does not start a second one.
    qtbot.mouseClick(window.welcome.demo_button, Qt.MouseButton.LeftButton)
    assert window.open_demo() is False and runner.refusals == 1
    assert texts.JOB_BUSY.format(name=texts.JOB_DEMO, other=texts.JOB_DEMO) == dialog.note.text()
    # The progress dialog cannot be closed while the job runs: not by Esc, not by the window's close.
    QTest.keyClick(dialog, Qt.Key.Key_Escape)
    dialog.close()
    assert dialog.isVisible()

    wait_job(qtbot, runner)
    timer.stop()
    assert built_in and built_in[0] != ui_thread
    assert len(ticks) >= 5, "the window's event loop stopped while the sample meeting was built"
    assert max(bar_values) > 0 and bar_values[-1] >= bar_values[0]  # the bar moved as ballots were counted
    assert count(workspace.path, "meetings") == 1  # two clicks, one meeting
    assert window.welcome.demo_button.isEnabled()
    # The window took the board over from the job: signed in, the passphrases shown once.
    (meeting,) = workspace.setup.meetings()
    assert window.ctx.meeting_id == meeting.id
    assert "Nguyễn Thị Mai" in window.user_label.text()
    assert len(shown) == 1 and "mai-truong-ban" in shown[0]
    assert window.tabs.currentWidget() is window.results_page


def test_a_job_error_is_a_message_box_and_nothing_is_half_written(
    make_window: MakeWindow, workspace: Workspace, qtbot: QtBot, tmp_path: Path
) -> None:
    window = make_window()
    runner = window.ctx.jobs
    # The backups folder cannot be made: a file of that name is in the way (a real OS error, not a stub).
    (tmp_path / "backups").write_text("not a folder", encoding="utf-8")
    audit_before = count(workspace.path, "audit_log")
    boxes = Answer(press_enter)
    window.show_tool(window.tools_page.backup)
    panel = window.tools_page.backup
    qtbot.mouseClick(panel.backup_button, Qt.MouseButton.LeftButton)
    wait_job(qtbot, runner)
    qtbot.waitUntil(lambda: len(boxes.texts) == 1)
    boxes.stop()
    assert boxes.titles == [texts.ERROR_TITLE]
    assert "sao lưu" in boxes.texts[0].lower()
    assert panel.status.kind == "error" and panel.status.text() == boxes.texts[0]
    assert (tmp_path / "backups").is_file()  # nothing made in its place, no partial copy anywhere
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
    assert count(workspace.path, "audit_log") == audit_before
    assert panel.backup_button.isEnabled()  # given back after the failure


def test_a_job_runs_on_its_own_workspace_and_reports_progress(
    make_window: MakeWindow, workspace: Workspace, qtbot: QtBot
) -> None:
    window = make_window()
    runner = window.ctx.jobs
    seen: list[object] = []

    def work(job: JobContext) -> str:
        assert job.workspace is not None and job.workspace is not workspace
        assert job.workspace.path == workspace.path
        for i in range(1, 4):
            job.progress(i, 3)
        return "xong"

    assert runner.run("thử", work, seen.append)
    wait_job(qtbot, runner)
    assert seen == ["xong"]
    assert runner.dialog is None and not runner.busy()


def test_hundreds_of_ballots_print_off_the_ui_thread_with_a_moving_bar(
    make_window: MakeWindow, workspace: Workspace, qtbot: QtBot, tmp_path: Path
) -> None:
    seeded = seed_round(workspace, ballots=2, counting=False)
    window = make_window()
    page = window.ballots_page
    page.choose_path = lambda _parent, suggested: tmp_path / suggested
    opened: list[Path] = []
    page.open_file = opened.append
    open_tab(qtbot, window.tabs, page)
    retype(qtbot, page.count, "300")
    commit(qtbot)
    runner = window.ctx.jobs
    seen: list[tuple[int, int]] = []

    def sample() -> None:
        if runner.dialog is not None:
            seen.append((runner.dialog.bar.value(), runner.dialog.bar.maximum()))

    timer = QTimer()
    timer.timeout.connect(sample)
    timer.start(5)
    click(qtbot, page.print_button)
    assert runner.busy() and not page.print_button.isEnabled()
    # Nothing registered while the PDF is being drawn: the serials count only once it is on the disk.
    assert workspace.register.summary(seeded.round_id).printed == 2
    wait_job(qtbot, runner)
    timer.stop()
    assert page.status.kind == "ok", page.status.text()
    assert workspace.register.summary(seeded.round_id).printed == 302
    assert len(opened) == 1 and opened[0].read_bytes().startswith(b"%PDF")
    moving = [value for value, maximum in seen if maximum > 0]
    assert moving and max(moving) > 0, seen  # the bar followed the pages while the window kept running
    assert page.print_button.isEnabled()
