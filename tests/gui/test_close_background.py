"""Kết thúc kiểm phiếu through the real window (issue 15): every ballot is counted again in the background, with
progress, while the window keeps processing events; Hủy/Esc stops it and changes nothing; a total edited in the
file is an alarm that blocks closing; a ballot saved by another station after the check makes the close count
again inside its own transaction.

The recount is observed by wrapping recount.check (the function that reads and classifies every ballot) and, to
make "the window keeps running meanwhile" a fact rather than a race, by holding the recount's first batch until
a timer on the window's thread has fired: a recount on the window's thread could never get past that gate.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from tests.gui.answer import ENTER, ESCAPE, answer, file_state, file_value
from tests.gui.conftest import Seeded, board_approval, seed_round
from tests.gui.keys import click, clipped, tab_to_button_and_press
from tests.gui.test_minutes_page import count_ballots
from tests.helpers.builders import assert_vietnamese, workspace_at
from vote_counter.domain.model import BallotMarks, BoardMemberId, Counts, Stage
from vote_counter.services import recount
from vote_counter.services.accounts import Credential
from vote_counter.services.errors import ServiceError
from vote_counter.services.workspace import Workspace
from vote_counter.ui import close_check, dialogs, sign_in, texts
from vote_counter.ui.jobs import ProgressDialog
from vote_counter.ui.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")  # offscreen Qt: the progress dialog

MakeWindow = Callable[[], MainWindow]
HANG = 120.0  # seconds: only how long a broken gate may hang the run before the test fails; never a limit on the app
BALLOTS = 300
MARKS = "012"


@pytest.fixture
def recounts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The thread of every full recount from now on; batches of 50 ballots, so progress is reported six times."""
    calls: list[str] = []
    real = recount.check

    def spy(*args: Any, **kwargs: Any) -> recount.RecountCheck:
        calls.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(recount, "check", spy)
    monkeypatch.setattr(recount, "BATCH", 50)
    return calls


class Gate:
    """Holds the recount at its batch number `at` (the first by default) until the window's thread opens it
    (from a QTimer)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, at: int = 1) -> None:
        self.open = threading.Event()
        self.reached = threading.Event()
        self.passed = False
        self.batches = 0
        real = recount._tally

        def held(*args: Any) -> recount.Totals:
            self.batches += 1
            if self.batches == at:
                self.reached.set()
                self.passed = self.open.wait(HANG)
            return real(*args)

        monkeypatch.setattr(recount, "_tally", held)


def _counted(ws: Workspace, n: int = BALLOTS) -> Seeded:
    seeded = seed_round(ws, ballots=n, collected=n)
    count_ballots(ws, seeded, MARKS)
    return seeded


def _audit_entries(db: Path) -> int:
    return int(str(file_value(db, "SELECT count(*) FROM audit_log")))


def _stage(db: Path, round_id: int) -> str:
    return str(file_value(db, "SELECT stage FROM rounds WHERE id = ?", round_id))


@pytest.fixture
def confirmations(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """make_window answers the confirmation "Có"; this also keeps what it asked."""
    asked: list[str] = []

    def confirm(_parent: Any, _title: str, text: str, *_a: Any, **_k: Any) -> bool:
        asked.append(text)
        return True

    monkeypatch.setattr(dialogs, "confirm", confirm)
    return asked


def test_close_recounts_in_the_background_with_progress_then_closes_on_the_token(
    make_window: MakeWindow,
    workspace: Workspace,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    recounts: list[str],
    confirmations: list[str],
) -> None:
    seeded = _counted(workspace)
    db = workspace.path
    window = make_window()
    runner = window.ctx.jobs
    gate = Gate(monkeypatch)
    values: list[int] = []
    formats: list[str] = []
    during: dict[str, Any] = {"ticks": 0, "next_enabled": [], "back_enabled": [], "dialog": None, "entries": None}

    def watch_dialog(_name: str) -> None:
        dialog = runner.dialog
        assert dialog is not None
        during["dialog"] = dialog
        dialog.bar.valueChanged.connect(lambda v: (values.append(v), formats.append(dialog.bar.text())))

    runner.started.connect(watch_dialog)

    def tick() -> None:
        if not runner.busy():
            return
        during["ticks"] += 1
        during["next_enabled"].append(window.next_button.isEnabled())
        during["back_enabled"].append(window.back_button.isEnabled())
        if during["ticks"] == 1:
            during["entries"] = _audit_entries(db)
            # The member presses Enter again (it lands on the progress dialog: neither a second start nor a stop)
            # and a second start by any other way is refused.
            QTest.keyClick(QApplication.focusWidget() or during["dialog"], Qt.Key.Key_Return)
            window.advance_stage()
            gate.open.set()

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(10)
    click(qtbot, window.next_button)
    timer.stop()

    assert gate.passed, "the recount never got past its first batch while the window ran"
    assert during["ticks"] >= 1
    assert during["next_enabled"] and not any(during["next_enabled"]) and not any(during["back_enabled"])
    assert runner.refusals == 1
    assert isinstance(during["dialog"], ProgressDialog)
    assert during["dialog"].label.text() == texts.JOB_RUNNING.format(name=texts.JOB_CLOSE_RECOUNT)
    # The bar rose batch by batch: 50, 100, … 300 of 300, in words the board reads.
    assert values == list(range(50, BALLOTS + 1, 50)), values
    assert formats[2] == texts.JOB_PROGRESS.format(done="150", total="300")
    # One recount only, in the job's thread: the blockers list and the close took its token.
    assert len(recounts) == 1 and recounts[0] != threading.main_thread().name
    assert len(confirmations) == 1
    assert _stage(db, seeded.round_id) == Stage.CLOSED.value
    assert _audit_entries(db) == during["entries"] + 1
    assert file_value(db, "SELECT action FROM audit_log ORDER BY seq DESC LIMIT 1") == "stage_changed"
    assert window.stage_status.kind == "ok"
    assert not runner.busy() and window.back_button.isEnabled()


def test_grouped_progress_reads_as_the_board_says_it(qtbot: QtBot) -> None:
    dialog = ProgressDialog(texts.JOB_CLOSE_RECOUNT, None, cancel=lambda: None)
    qtbot.addWidget(dialog)
    dialog.set_progress(4_000, 11_000)
    assert dialog.bar.text() == "4.000 / 11.000"
    assert dialog.bar.value() == 4_000


def test_a_total_edited_in_the_file_blocks_closing_and_changes_nothing(
    real_dialogs: MakeWindow, workspace: Workspace, qtbot: QtBot, recounts: list[str]
) -> None:
    seeded = _counted(workspace, 12)
    db = workspace.path
    with closing(sqlite3.connect(db)) as conn, conn:
        conn.execute("UPDATE running_totals SET data = replace(data, '\"valid\":12', '\"valid\":11')")
    window = real_dialogs()
    before = file_state(db)
    shown = answer(ESCAPE)  # the blockers list; nothing may come after it (no confirmation, no passphrases)
    click(qtbot, window.next_button)
    assert shown.answered()
    blockers = shown.seen[0]
    assert isinstance(blockers, close_check.BlockersDialog)
    lines = [blockers.list.item(i).text() for i in range(blockers.list.count())]
    assert len(lines) == 1 and lines[0].startswith("BÁO ĐỘNG") and "tổng cộng dồn" in lines[0], lines
    assert_vietnamese(lines[0])
    assert window.stage_status.kind == "error" and "BÁO ĐỘNG" in window.stage_status.text()
    assert file_state(db) == before  # stage still counting, no audit entry
    assert _stage(db, seeded.round_id) == Stage.COUNTING.value
    assert len(recounts) == 1  # the background one decided; the list did not count again


@pytest.mark.parametrize("way", ["escape", "cancel_button"])
def test_escape_or_cancel_stops_the_recount_and_nothing_changes(
    make_window: MakeWindow,
    workspace: Workspace,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    recounts: list[str],
    confirmations: list[str],
    way: str,
) -> None:
    seeded = _counted(workspace, 120)
    db = workspace.path
    window = make_window()
    runner = window.ctx.jobs
    gate = Gate(monkeypatch)
    asked: list[object] = []
    monkeypatch.setattr(close_check, "run_dialog", lambda d: asked.append(d))
    monkeypatch.setattr(sign_in, "ask_approval", lambda *a, **k: asked.append(a))
    before = file_state(db)
    stopped: list[str] = []

    def tick() -> None:
        dialog = runner.dialog
        if dialog is None or stopped or not gate.reached.is_set():
            return
        dialog.activateWindow()
        QApplication.processEvents()
        if way == "escape":
            QTest.keyClick(QApplication.focusWidget() or dialog, Qt.Key.Key_Escape)
        else:
            tab_to_button_and_press(dialog, texts.CANCEL)
        stopped.append(dialog.note.text())
        gate.open.set()

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(10)
    click(qtbot, window.next_button)
    timer.stop()

    assert stopped == [texts.JOB_STOPPING]
    assert window.stage_status.kind == "error" and window.stage_status.text() == texts.CLOSE_RECOUNT_STOPPED
    assert_vietnamese(texts.CLOSE_RECOUNT_STOPPED)
    assert confirmations == [] and asked == []  # nothing asked after the stop
    assert file_state(db) == before and _stage(db, seeded.round_id) == Stage.COUNTING.value
    assert not runner.busy() and window.next_button.isEnabled() and window.back_button.isEnabled()
    assert len(recounts) == 1


def test_a_recount_that_fails_says_why_in_words_and_nothing_changes(
    make_window: MakeWindow, workspace: Workspace, qtbot: QtBot, confirmations: list[str]
) -> None:
    """Marks the app never writes, put into a ballot row with sqlite3: the background recount stops on it, the
    board reads which row in a message box (answered with Enter) and on the stage line; nothing is asked after."""
    seeded = _counted(workspace, 12)
    db = workspace.path
    with closing(sqlite3.connect(db)) as conn, conn:
        (bad,) = conn.execute("SELECT min(id) FROM ballots").fetchone()
        conn.execute("UPDATE ballots SET marks = '2|x' WHERE id = ?", (bad,))
    window = make_window()
    before = file_state(db)
    shown = answer(ENTER)
    click(qtbot, window.next_button)
    assert shown.answered()
    place = f"phiếu đã nhập số {bad}"
    assert place in shown.texts[0] and "sửa ngoài phần mềm" in shown.texts[0], shown.texts
    assert window.stage_status.kind == "error" and place in window.stage_status.text()
    assert window.stage_status.text().startswith(texts.CLOSE_RECOUNT_FAILED.split("{")[0])
    assert_vietnamese(window.stage_status.text())
    assert confirmations == []
    assert file_state(db) == before and _stage(db, seeded.round_id) == Stage.COUNTING.value
    assert not window.ctx.jobs.busy() and window.next_button.isEnabled()


def test_a_row_edited_right_after_the_background_check_is_named_before_any_question(
    make_window: MakeWindow, workspace: Workspace, qtbot: QtBot, recounts: list[str], confirmations: list[str]
) -> None:
    """Marks rewritten with sqlite3 the moment the background recount ends: the token no longer fits, the blockers
    list counts again on the window's thread, finds the row and says so on the stage line; nothing is asked."""
    seeded = _counted(workspace, 12)
    db = workspace.path
    window = make_window()
    edited: list[int] = []

    def edit(_name: str) -> None:
        with closing(sqlite3.connect(db)) as conn, conn:
            (bad,) = conn.execute("SELECT min(id) FROM ballots").fetchone()
            conn.execute("UPDATE ballots SET marks = '2|x' WHERE id = ?", (bad,))
        edited.append(bad)

    window.ctx.jobs.ended.connect(edit)
    click(qtbot, window.next_button)
    assert len(edited) == 1 and len(recounts) == 2
    assert window.stage_status.kind == "error" and f"phiếu đã nhập số {edited[0]}" in window.stage_status.text()
    assert confirmations == []
    assert _stage(db, seeded.round_id) == Stage.COUNTING.value


@pytest.fixture
def other_station(workspace: Workspace) -> Iterator[Callable[[Seeded], None]]:
    """A second station on the same file (its own engine and connection) that prints and saves one more ballot and
    types the new counts, committed, as a hall's other laptop would."""

    def save(seeded: Seeded) -> None:
        with workspace_at(workspace.path) as other:
            extra = other.register.print_batch(seeded.round_id, 1)[0]
            ids = [n.id for n in other.setup.nominees(seeded.round_id) if n.id is not None]
            other.counting.record(seeded.round_id, extra.payload, BallotMarks({nid: frozenset({2}) for nid in ids}))
            c = other.setup.round(seeded.round_id).counts
            one_more = Counts(c.summoned + 1, c.present + 1, c.issued + 1, (c.collected or 0) + 1)
            other.setup.set_counts(seeded.round_id, one_more)

    yield save


def test_a_ballot_saved_by_another_station_after_the_check_makes_the_close_count_again(
    make_window: MakeWindow,
    workspace: Workspace,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    recounts: list[str],
    other_station: Callable[[Seeded], None],
) -> None:
    seeded = _counted(workspace, 30)
    window = make_window()

    def approve_after_another_save(_parent: Any, ws: Workspace, mid: Any, *_a: Any, **_k: Any) -> object:
        other_station(seeded)  # between the background check and the passphrases
        return board_approval(ws, mid)

    monkeypatch.setattr(sign_in, "ask_approval", approve_after_another_save)
    click(qtbot, window.next_button)
    assert _stage(workspace.path, seeded.round_id) == Stage.CLOSED.value, window.stage_status.text()
    # The background recount, then the close's own (this round's ballots had changed), on the window's thread.
    assert len(recounts) == 2 and recounts[1] == threading.main_thread().name
    assert workspace.counting.totals(seeded.round_id).collected == 31
    assert workspace.counting.recount_check(seeded.round_id).matches


def test_a_wrong_passphrase_at_the_close_does_not_make_the_window_count_again(
    make_window: MakeWindow,
    workspace: Workspace,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    recounts: list[str],
) -> None:
    """A member mistypes at the close's passphrase prompt (the failure is logged, the audit head moves) and then
    types it right: nothing the recount read changed, so the close takes the background recount's token and the
    window's thread counts nothing."""
    seeded = _counted(workspace, 30)
    window = make_window()
    assert seeded.accounts is not None
    chair = seeded.accounts.chair

    def mistype_then_approve(_parent: Any, ws: Workspace, mid: Any, *_a: Any, **_k: Any) -> object:
        with pytest.raises(ServiceError):
            ws.accounts.sign_in(Credential(chair.id or BoardMemberId(0), "sai một chữ"))
        return board_approval(ws, mid)

    monkeypatch.setattr(sign_in, "ask_approval", mistype_then_approve)
    entries = _audit_entries(workspace.path)
    click(qtbot, window.next_button)
    assert _stage(workspace.path, seeded.round_id) == Stage.CLOSED.value, window.stage_status.text()
    assert file_value(workspace.path, "SELECT count(*) FROM audit_log WHERE action = 'sign_in_failed'") == 1
    assert _audit_entries(workspace.path) >= entries + 2  # the failure, then the close
    assert len(recounts) == 1 and recounts[0] != threading.main_thread().name
    assert workspace.counting.recount_check(seeded.round_id).matches


def _shot(window: MainWindow, dialog: QWidget, path: Path) -> None:
    """The window with the dialog drawn where it stands over it (offscreen Qt grabs each window alone)."""
    QApplication.processEvents()
    picture = window.grab()
    painter = QPainter(picture)
    corner = dialog.mapToGlobal(QPoint(0, 0)) - window.mapToGlobal(QPoint(0, 0))
    painter.drawPixmap(corner, dialog.grab())
    painter.setPen(QColor("#555555"))  # the frame a window manager would draw
    painter.drawRect(corner.x() - 1, corner.y() - 1, dialog.width() + 1, dialog.height() + 1)
    painter.end()
    assert isinstance(picture, QPixmap) and picture.save(str(path)), path


@pytest.mark.parametrize("size", [(1366, 768), (980, 600)], ids=["1366x768", "980x600"])
def test_screenshots_of_the_close_recount_and_its_alarm(
    make_window: MakeWindow,
    workspace: Workspace,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    recounts: list[str],
    tmp_path: Path,
    size: tuple[int, int],
) -> None:
    """Saved as PNG for a person to look at (KP_SCREENSHOTS=dir); nothing cut off in either dialog."""
    directory = Path(os.environ.get("KP_SCREENSHOTS") or tmp_path / "shots")
    directory.mkdir(parents=True, exist_ok=True)
    name = f"{size[0]}x{size[1]}"
    seeded = _counted(workspace)
    window = make_window()
    window.resize(*size)
    window.select_round(seeded.round_id)
    runner = window.ctx.jobs
    gate = Gate(monkeypatch, at=3)  # 100 of 300 reported
    taken: list[str] = []

    def tick() -> None:
        dialog = runner.dialog
        if taken or dialog is None or not gate.reached.is_set() or dialog.bar.value() < 100:
            return
        dialog.activateWindow()
        _shot(window, dialog, directory / f"ket_thuc_kiem_lai_{name}.png")
        taken.append(dialog.bar.text())
        assert clipped(dialog) == []
        gate.open.set()

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(10)
    click(qtbot, window.next_button)
    timer.stop()
    assert taken == [texts.JOB_PROGRESS.format(done="100", total="300")]
    assert _stage(workspace.path, seeded.round_id) == Stage.CLOSED.value

    other = _counted(workspace, 12)
    with closing(sqlite3.connect(workspace.path)) as conn, conn:
        conn.execute(
            "UPDATE running_totals SET data = replace(data, '\"valid\":12', '\"valid\":11') WHERE round_id = ?",
            (other.round_id,),
        )
    window.ctx.structure_changed()
    window.select_round(other.round_id)
    shown: list[close_check.BlockersDialog] = []

    def look(dialog: close_check.BlockersDialog) -> None:
        dialog.show()
        qtbot.waitExposed(dialog)
        _shot(window, dialog, directory / f"ket_thuc_bao_dong_{name}.png")
        assert clipped(dialog) == []
        shown.append(dialog)
        dialog.reject()

    monkeypatch.setattr(close_check, "run_dialog", look)
    click(qtbot, window.next_button)
    assert len(shown) == 1 and shown[0].list.item(0).text().startswith("BÁO ĐỘNG")
    assert _stage(workspace.path, other.round_id) == Stage.COUNTING.value
