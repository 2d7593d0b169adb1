"""Đọc phiếu quét in the real window: choose a folder, the reading runs off the UI thread, each sheet's
outcome shows; then the review queue is decided box by box from the keyboard (SPEC §11)."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog
from pytestqt.qtbot import QtBot

from tests.gui.conftest import Board
from tests.helpers import scan_corpus as sc
from tests.helpers.builders import CHAIR_NAME
from vote_counter.services.workspace import Workspace
from vote_counter.ui import texts
from vote_counter.ui.main_window import MainWindow

MakeWindow = Callable[[], MainWindow]


def _plan(i: int, rng: random.Random) -> list[sc.Ink]:
    boxes = sc.one_per_row(4, 3, rng)
    if i == 2:  # ballot 2: row 1 has a faint pencil mark only, row 3 a smudged empty box
        boxes[0:3] = [sc.Ink.FAINT, sc.Ink.EMPTY, sc.Ink.EMPTY]
        boxes[6:9] = [sc.Ink.CROSS, sc.Ink.SMUDGE, sc.Ink.EMPTY]
    return boxes


@pytest.fixture
def scans(workspace: Workspace, tmp_path: Path) -> tuple[sc.PrintedRound, Path]:
    printed = sc.printed_round(workspace, tmp_path / "in", nominees=4, count=4)
    folder = tmp_path / "may_quet"
    sc.write_scans(printed, folder, plan=_plan, ballots=[0, 1, 2])
    sc.write_scans(printed, folder / "lai", plan=_plan, ballots=[0])  # fed twice
    return printed, folder


def _run_scan(qtbot: QtBot, window: MainWindow, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page = window.scan_page
    window.tabs.setCurrentWidget(page)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_a, **_k: str(folder))
    with qtbot.waitSignal(page.scanFinished, timeout=120_000) as finished:
        qtbot.mouseClick(page.folder_button, Qt.MouseButton.LeftButton)
        assert page.busy()  # the reading runs on its own thread: the window keeps painting
        assert not page.folder_button.isEnabled()
    assert finished.args[0] is not None, page.status.text()
    qtbot.waitUntil(lambda: not page.busy(), timeout=10_000)


def test_scan_a_folder_then_decide_the_doubtful_ballot_by_keyboard(
    qtbot: QtBot,
    make_window: MakeWindow,
    workspace: Workspace,
    scans: tuple[sc.PrintedRound, Path],
    board: Board,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    printed, folder = scans
    rid = printed.built.round_id
    window = make_window()
    page = window.scan_page
    assert window.tabs.tabText(window.tabs.indexOf(page)) == texts.PAGE_SCAN
    _run_scan(qtbot, window, folder, monkeypatch)
    assert page.counts.text() == texts.SCAN_COUNTS.format(saved=2, queued=1, refused=0)
    # 3 sheets × 12 boxes: 11 pen marks; the faint pencil and the smudge hold no ink (their darkness queues them).
    assert page.margin.text() == texts.SCAN_MARGIN.format(empty=25, middle=0, marked=11)
    outcomes = [page.table.item(r, 2).text() for r in range(page.table.rowCount())]
    assert sorted(outcomes) == sorted([texts.SCAN_OUTCOME["saved"]] * 2 + [texts.SCAN_OUTCOME["queued"]])
    # The folder is read, not its sub-folder: a copy of a ballot there is not seen.
    assert len(workspace.counting.ballots(rid)) == 2
    page.grab().save(str(tmp_path / "scan_page.png"))

    # The queue: one ballot, two doubtful boxes, decided with 1 and 0, then Enter.
    page.tabs.setCurrentIndex(1)
    review = page.review
    assert page.tabs.tabText(1) == texts.SCAN_QUEUE_TAB.format(count=1)
    assert len(review.groups) == 1 and len(review.doubts) == 2
    review.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is review, timeout=3000)
    assert review.decision_label.text() == texts.REVIEW_UNDECIDED
    assert "dòng 1" in review.box_label.text() and printed.built.nominees[0].full_name in review.box_label.text()
    board.key(Qt.Key.Key_1)  # the faint pencil mark: the voter meant it
    board.key(Qt.Key.Key_Return)  # one box still open: refused, nothing saved
    assert review.status.kind == "error" and len(workspace.counting.ballots(rid)) == 2
    assert review.status.text() == texts.REVIEW_LEFT.format(count=1)
    assert "dòng 3" in review.box_label.text()
    review.grab().save(str(tmp_path / "review.png"))
    board.key(Qt.Key.Key_0)  # the smudge: no mark
    board.key(Qt.Key.Key_Left)
    assert review.decision_label.text() == texts.REVIEW_MARKED
    board.key(Qt.Key.Key_Return)
    assert review.status.kind == "ok", review.status.text()
    ballots = {b.serial: b for b in workspace.counting.ballots(rid)}
    assert len(ballots) == 3
    decided = ballots[printed.serials[2]]
    ids = printed.built.ids
    assert decided.marks.rows[ids[0]] == frozenset({0}) and decided.marks.rows[ids[2]] == frozenset({0})
    assert page.tabs.tabText(1) == texts.SCAN_QUEUE_TAB.format(count=0)
    assert review.empty.isVisible()
    entry = workspace.audit.entries()[-1]
    assert entry.action == "ballot_saved" and entry.actor == CHAIR_NAME and entry.details["decided_boxes"] == 2

    # The same folder again: every sheet is now a duplicate, refused in red words, nothing counted twice.
    _run_scan(qtbot, window, folder, monkeypatch)
    assert page.counts.text() == texts.SCAN_COUNTS.format(saved=0, queued=0, refused=3)
    assert len(workspace.counting.ballots(rid)) == 3


def test_scanning_needs_the_counting_stage_and_a_bad_file_is_refused_in_words(
    qtbot: QtBot,
    make_window: MakeWindow,
    workspace: Workspace,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    printed = sc.printed_round(workspace, tmp_path / "in", nominees=3, count=2)
    (tmp_path / "hong").mkdir()
    (tmp_path / "hong" / "trang.png").write_bytes(b"\x89PNG\r\n\x1a\n rac")
    window = make_window()
    page = window.scan_page
    _run_scan(qtbot, window, tmp_path / "hong", monkeypatch)
    assert page.table.rowCount() == 1 and page.table.item(0, 2).text() == texts.SCAN_OUTCOME["refused"]
    assert "hỏng" in page.table.item(0, 4).text()
    from vote_counter.domain.model import Stage

    workspace.stages.change(printed.built.round_id, Stage.PREPARATION, reason="Sửa danh sách")
    window.ctx.changed()
    assert not page.folder_button.isEnabled() and not page.files_button.isEnabled()
    assert (
        page.folder_button.toolTip() == texts.SCAN_NEEDS_COUNTING
        or texts.SCAN_NEEDS_COUNTING in page.folder_button.toolTip()
    )


def test_thresholds_come_from_the_settings_and_nonsense_there_reads_nothing(
    qtbot: QtBot, make_window: MakeWindow, workspace: Workspace, settings: object, tmp_path: Path
) -> None:
    from tests.helpers.builders import snapshot
    from vote_counter.ui.pages.scan_page import KEY_DEFINITE, KEY_MARGINAL

    printed = sc.printed_round(workspace, tmp_path / "in", nominees=3, count=2)
    sc.write_scans(printed, tmp_path / "quet", ballots=[0])
    window = make_window()
    page = window.scan_page
    assert page.limits() == __import__("vote_counter.scanning.thresholds", fromlist=["x"]).Thresholds()
    page.settings.setValue(KEY_DEFINITE, "0.2")
    page.settings.setValue(KEY_MARGINAL, "0.05")
    assert (page.limits().definite, page.limits().marginal) == (0.2, 0.05)
    page.settings.setValue(KEY_MARGINAL, "0.5")  # above definite
    before = snapshot(workspace.path)
    assert not page.start([tmp_path / "quet"])
    assert page.status.kind == "error" and page.status.text() == texts.SCAN_BAD_LIMITS
    assert not page.busy() and page.table.rowCount() == 0
    assert snapshot(workspace.path) == before
    page.settings.setValue(KEY_MARGINAL, "không phải số")
    assert page.limits() is None
