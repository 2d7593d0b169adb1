"""Công cụ → Phiếu mẫu, Sao lưu và khôi phục, driven as a board member would: the sample PDF is real and
registers nothing; a backup is a real file; a restore shows what it would drop first, needs the chair and a
member, keeps the replaced file and is logged; a cancelled restore, another meeting's backup and a tampered
backup change nothing."""

from __future__ import annotations

import random
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from tests.gui.conftest import type_text
from tests.gui.job_wait import Answer, press_enter, wait_job
from tests.gui.keys import click, tab_to_button_and_press
from tests.helpers.builders import CHAIR_NAME, MEMBER_NAME, Built, build_round, valid_marks
from vote_counter.domain.model import RoundKind
from vote_counter.services.workspace import Workspace
from vote_counter.ui import texts
from vote_counter.ui.main_window import MainWindow
from vote_counter.ui.pages.backup_panel import RestorePlanDialog

MakeWindow = Callable[[], MainWindow]
pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")  # offscreen Qt, every real dialog


def rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db)
    try:
        return list(conn.execute(sql).fetchall())
    finally:
        conn.close()


def count(db: Path, table: str) -> int:
    return int(rows(db, f"SELECT COUNT(*) FROM {table}")[0][0])


@pytest.fixture
def built(workspace: Workspace) -> Built:
    return build_round(workspace, RoundKind.CONFIDENCE, nominees=3, printed=12)


@pytest.fixture
def window(make_window: MakeWindow, built: Built) -> Iterator[MainWindow]:
    w = make_window()
    w.select_round(built.round_id)
    yield w
    if w.ctx.workspace is not None:
        w.ctx.workspace.close()  # a restore opened the file again: that workspace is the window's own


def record(ws: Workspace, built: Built, ballots: range) -> None:
    rng = random.Random(7)
    for i in ballots:
        ws.counting.record(built.round_id, built.printed[i].payload, valid_marks(rng, RoundKind.CONFIDENCE, built.ids))


def open_tool(qtbot: QtBot, window: MainWindow, index: int) -> None:
    """Công cụ → the index-th item, through the menu bar as a person opens it."""
    (tools,) = [a.menu() for a in window.menuBar().actions() if a.text() == texts.MENU_TOOLS]
    tools.actions()[index].trigger()
    qtbot.waitUntil(lambda: window.tabs.currentWidget() is window.tools_page)


def test_the_sample_ballot_is_a_pdf_marked_mau_and_registers_nothing(
    window: MainWindow, workspace: Workspace, built: Built, qtbot: QtBot, tmp_path: Path
) -> None:
    open_tool(qtbot, window, 0)
    panel = window.tools_page.sample
    assert window.tools_page.tabs.currentWidget() is panel
    opened: list[Path] = []
    panel.choose_path = lambda _parent, suggested: tmp_path / suggested
    panel.open_file = opened.append
    register_before = count(workspace.path, "ballot_register")
    audit_before = count(workspace.path, "audit_log")
    click(qtbot, panel.print_button)
    wait_job(qtbot, window.ctx.jobs)
    assert panel.status.kind == "ok", panel.status.text()
    (pdf,) = opened
    assert pdf == tmp_path / f"PhieuMau_luot{built.round_id}.pdf"
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "MẪU" in text
    assert built.nominees[0].full_name in text
    assert count(workspace.path, "ballot_register") == register_before  # no serial registered
    assert count(workspace.path, "audit_log") == audit_before


def test_backup_now_writes_a_real_copy_listed_with_its_reason(
    window: MainWindow, workspace: Workspace, built: Built, qtbot: QtBot, tmp_path: Path
) -> None:
    record(workspace, built, range(3))
    open_tool(qtbot, window, 1)
    panel = window.tools_page.backup
    listed = panel.table.rowCount()
    qtbot.mouseClick(panel.reason, Qt.MouseButton.LeftButton)
    type_text(panel.reason, "trước khi nhập tiếp")
    QTest.keyClick(panel.reason, Qt.Key.Key_Return)
    wait_job(qtbot, window.ctx.jobs)
    assert panel.status.kind == "ok", panel.status.text()
    (made,) = sorted((tmp_path / "backups").glob("*trước-khi-nhập-tiếp.sqlite3"))
    assert str(made) in panel.status.text()
    assert count(made, "ballots") == 3
    assert rows(made, "PRAGMA integrity_check") == [("ok",)]
    assert panel.table.rowCount() == listed + 1
    assert panel.table.item(0, 1).text() == "trước khi nhập tiếp"  # newest first, the reason in words
    assert panel.reason.text() == ""


def take_backup(qtbot: QtBot, window: MainWindow, reason: str) -> Path:
    panel = window.tools_page.backup
    qtbot.mouseClick(panel.reason, Qt.MouseButton.LeftButton)
    type_text(panel.reason, reason)
    click(qtbot, panel.backup_button)
    wait_job(qtbot, window.ctx.jobs)
    assert panel.status.kind == "ok", panel.status.text()
    return Path(panel.items[0].path)


def pick_row(qtbot: QtBot, window: MainWindow, row: int) -> None:
    table = window.tools_page.backup.table
    rect = table.visualRect(table.model().index(row, 1))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_restore_shows_what_it_drops_then_two_people_restore_and_the_replaced_file_is_kept(
    window: MainWindow, workspace: Workspace, built: Built, qtbot: QtBot, tmp_path: Path
) -> None:
    record(workspace, built, range(3))
    open_tool(qtbot, window, 1)
    backup = take_backup(qtbot, window, "ba phiếu")
    record(workspace, built, range(3, 7))  # four more ballots after the backup: restoring drops them
    window.tools_page.backup.refresh()
    pick_row(qtbot, window, 0)
    panel = window.tools_page.backup
    assert panel.selected_backup() == backup

    plans = Answer(lambda d: tab_to_button_and_press(d, texts.RESTORE_GO), RestorePlanDialog)
    infos = Answer(press_enter)
    click(qtbot, panel.restore_button)
    qtbot.waitUntil(lambda: len(infos.titles) == 1, timeout=600_000)
    plans.stop()
    infos.stop()
    (plan,) = plans.seen
    assert isinstance(plan, RestorePlanDialog)
    dropped = [plan.lines.item(i).text() for i in range(plan.lines.count())]
    assert any("4 phiếu đã nhập" in line for line in dropped), dropped
    assert infos.titles == [texts.RESTORE_DONE_TITLE]

    db = workspace.path
    assert count(db, "ballots") == 3
    (last,) = rows(db, "SELECT action, actor FROM audit_log ORDER BY seq DESC LIMIT 1")
    assert last[0] == "backup_restored"
    assert CHAIR_NAME in str(last[1]) and MEMBER_NAME in str(last[1])  # the two who restored, as the log names them
    (kept,) = sorted((tmp_path / "backups").glob("*truoc-khi-khoi-phuc.sqlite3"))
    assert count(kept, "ballots") == 7  # the replaced database, kept whole
    assert str(kept) in infos.texts[0]
    # The window opened the file again and goes on working on it, its two people still signed in.
    ws = window.ctx.workspace
    assert ws is not workspace
    record(ws, built, range(7, 8))
    assert count(db, "ballots") == 4
    assert panel.status.kind == "ok"


def test_a_cancelled_restore_changes_nothing(
    window: MainWindow, workspace: Workspace, built: Built, qtbot: QtBot
) -> None:
    record(workspace, built, range(2))
    open_tool(qtbot, window, 1)
    take_backup(qtbot, window, "hai phiếu")
    record(workspace, built, range(2, 5))
    audit_before = count(workspace.path, "audit_log")
    pick_row(qtbot, window, 0)
    plans = Answer(lambda d: QTest.keyClick(d, Qt.Key.Key_Escape), RestorePlanDialog)
    click(qtbot, window.tools_page.backup.restore_button)
    qtbot.waitUntil(lambda: len(plans.seen) == 1 and not window.ctx.jobs.busy(), timeout=600_000)
    qtbot.waitUntil(lambda: window.tools_page.backup.status.text() == texts.RESTORE_CANCELLED)
    plans.stop()
    assert count(workspace.path, "ballots") == 5
    assert count(workspace.path, "audit_log") == audit_before
    assert window.ctx.workspace is workspace


def refused_restore(qtbot: QtBot, window: MainWindow, file: Path) -> str:
    panel = window.tools_page.backup
    panel.choose_file = lambda _parent, _start, _shared=False: file
    errors = Answer(press_enter)
    click(qtbot, panel.restore_other_button)
    qtbot.waitUntil(lambda: len(errors.texts) == 1, timeout=600_000)
    errors.stop()
    assert errors.titles == [texts.ERROR_TITLE]
    assert panel.status.kind == "error" and panel.status.text() == errors.texts[0]
    return errors.texts[0]


def test_a_backup_of_another_meeting_is_refused_and_nothing_changes(
    window: MainWindow, workspace: Workspace, built: Built, qtbot: QtBot, tmp_path: Path
) -> None:
    other = Workspace.open(tmp_path / "khac" / "db.sqlite3")
    try:
        build_round(other, RoundKind.APPROVAL, nominees=1, printed=4)
    finally:
        other.close()
    foreign = tmp_path / "khac" / "hoi-nghi-khac.sqlite3"
    shutil.copy(tmp_path / "khac" / "db.sqlite3", foreign)
    record(workspace, built, range(2))
    audit_before = count(workspace.path, "audit_log")
    open_tool(qtbot, window, 1)
    message = refused_restore(qtbot, window, foreign)
    assert "hội nghị khác" in message and "Chưa có gì thay đổi" in message
    assert count(workspace.path, "ballots") == 2
    assert count(workspace.path, "audit_log") == audit_before
    assert not list((tmp_path / "backups").glob("*truoc-khi-khoi-phuc*"))


def test_a_tampered_backup_is_refused_and_nothing_changes(
    window: MainWindow, workspace: Workspace, built: Built, qtbot: QtBot, tmp_path: Path
) -> None:
    record(workspace, built, range(3))
    open_tool(qtbot, window, 1)
    backup = take_backup(qtbot, window, "nguyên bản")
    tampered = tmp_path / "sua.sqlite3"
    shutil.copy(backup, tampered)
    conn = sqlite3.connect(tampered)  # a hostile user edits the backup with sqlite3, not through the app
    conn.execute("UPDATE ballots SET valid = 1 - valid WHERE id = (SELECT MIN(id) FROM ballots)")
    conn.commit()
    conn.close()
    audit_before = count(workspace.path, "audit_log")
    message = refused_restore(qtbot, window, tampered)
    assert "sua.sqlite3" in message and "không bị thay đổi" in message
    assert count(workspace.path, "ballots") == 3
    assert count(workspace.path, "audit_log") == audit_before
    assert window.ctx.workspace is workspace


def test_a_sample_that_cannot_be_written_is_a_message_box_and_leaves_no_file(
    window: MainWindow, workspace: Workspace, qtbot: QtBot, tmp_path: Path
) -> None:
    open_tool(qtbot, window, 0)
    panel = window.tools_page.sample
    blocker = tmp_path / "không phải thư mục"
    blocker.write_text("x", encoding="utf-8")  # a file where the folder should be: the OS refuses the write
    panel.choose_path = lambda _parent, suggested: blocker / suggested
    opened: list[Path] = []
    panel.open_file = opened.append
    errors = Answer(press_enter)
    click(qtbot, panel.print_button)
    qtbot.waitUntil(lambda: len(errors.texts) == 1, timeout=600_000)
    errors.stop()
    assert errors.titles == [texts.ERROR_TITLE] and "Không ghi được tệp" in errors.texts[0]
    assert panel.status.kind == "error" and opened == []
    assert sorted(p.name for p in tmp_path.iterdir() if "PhieuMau" in p.name) == []
    assert panel.print_button.isEnabled()
