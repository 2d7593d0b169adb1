"""Công cụ → Gộp máy thứ hai, Kiểm tra gói kết quả, Thử nghiệm → chính thức, driven through the window: a second
station's package is taken only once its key is confirmed (a wrong fingerprint imports nothing), a package is
checked in plain words (whole, changed, or signed by a key not compared), and a test deck goes through entry
and the report to a live round counted from zero."""

from __future__ import annotations

import dataclasses
import json
import random
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from tests.gui.conftest import type_text
from tests.gui.job_wait import Answer, press_enter, wait_job
from tests.gui.keys import click, commit, focused, retype, tab_to_button_and_press
from tests.helpers.builders import Built, build_round, sign_in_known_boards, valid_marks
from vote_counter.domain.model import Mode, RoundKind, Stage
from vote_counter.exchange.backups import backup, restore
from vote_counter.exchange.export import export_package
from vote_counter.exchange.merge import ImportMode, export_entries
from vote_counter.exchange.trust import own_fingerprint
from vote_counter.services.demo import build_demo
from vote_counter.services.workspace import Workspace
from vote_counter.ui import dialogs, texts
from vote_counter.ui.main_window import MainWindow
from vote_counter.ui.pages import verify_panel
from vote_counter.ui.pages.merge_panel import TrustDialog

MakeWindow = Callable[[], MainWindow]
# Offscreen Qt, on every real dialog and on the combo box's list popping up.
pytestmark = pytest.mark.qt_log_ignore(
    "does not support propagateSizeHints", "does not support raise", "does not support grabbing the keyboard"
)


def count(db: Path, sql: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute(sql).fetchone()[0])
    finally:
        conn.close()


def open_tool(qtbot: QtBot, window: MainWindow, index: int) -> None:
    (tools,) = [a.menu() for a in window.menuBar().actions() if a.text() == texts.MENU_TOOLS]
    tools.actions()[index].trigger()
    qtbot.waitUntil(lambda: window.tabs.currentWidget() is window.tools_page)


# ---------------------------------------------------------------- a second station


@dataclasses.dataclass
class Stations:
    built: Built
    b: Workspace
    package: Path


@pytest.fixture
def stations(workspace: Workspace, tmp_path: Path) -> Iterator[Stations]:
    """Station B starts from a restored copy of A (the window's database), counts ten papers, four of which A
    also counted, and writes its entries package to a stick."""
    built = build_round(workspace, RoundKind.CONFIDENCE, nominees=3, printed=20)
    restore(tmp_path / "b" / "kp.sqlite3", backup(workspace, "cho máy 2"))
    b = Workspace.open(tmp_path / "b" / "kp.sqlite3")
    sign_in_known_boards(b)
    rng = random.Random(5)
    for ballot in built.printed[:10]:
        b.counting.record(built.round_id, ballot.payload, valid_marks(rng, RoundKind.CONFIDENCE, built.ids))
    for ballot in built.printed[6:10]:
        workspace.counting.record(built.round_id, ballot.payload, valid_marks(rng, RoundKind.CONFIDENCE, built.ids))
    (tmp_path / "usb").mkdir()
    package = export_entries(b, built.round_id, tmp_path / "usb")
    yield Stations(built, b, package)
    b.close()


def merge_window(make_window: MakeWindow, qtbot: QtBot, stations: Stations) -> MainWindow:
    window = make_window()
    window.select_round(stations.built.round_id)
    open_tool(qtbot, window, 2)
    panel = window.tools_page.merge
    panel.choose_folder = lambda _parent, _start: stations.package
    qtbot.mouseClick(panel.mode, Qt.MouseButton.LeftButton)  # the list opens; Down, Enter: "additional"
    QTest.keyClick(focused(), Qt.Key.Key_Down)
    QTest.keyClick(focused(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.mode.currentData() == ImportMode.ADDITIONAL.value)
    return window


def answer_trust(fingerprint: str) -> Callable[[QWidget], None]:
    def act(dialog: QWidget) -> None:
        assert isinstance(dialog, TrustDialog)
        type_text(dialog.typed, fingerprint)
        QTest.keyClick(dialog.typed, Qt.Key.Key_Return)

    return act


def test_a_second_stations_package_needs_its_fingerprint_the_first_time(
    make_window: MakeWindow, workspace: Workspace, stations: Stations, qtbot: QtBot
) -> None:
    window = merge_window(make_window, qtbot, stations)
    panel = window.tools_page.merge
    db = workspace.path
    ballots = "SELECT COUNT(*) FROM ballots"
    paired = "SELECT COUNT(*) FROM audit_log WHERE action = 'station_paired'"
    assert count(db, ballots) == 4

    # A fingerprint typed wrong: the package is refused, nothing counted, no key trusted.
    trust = Answer(answer_trust("0000 0000 0000 0000"), TrustDialog)
    errors = Answer(press_enter)
    click(qtbot, panel.import_button)
    qtbot.waitUntil(lambda: len(errors.texts) == 1, timeout=600_000)
    trust.stop()
    errors.stop()
    (dialog,) = trust.seen
    assert isinstance(dialog, TrustDialog)
    assert dialog.shown.text().replace(" ", "") == own_fingerprint(stations.b)  # shown in groups of four
    assert "không toàn vẹn" in errors.texts[0] and "0000000000000000" in errors.texts[0]
    assert count(db, ballots) == 4 and count(db, paired) == 0
    assert panel.status.kind == "error"

    # The fingerprint read off B's screen: taken, the overlaps reported, the key paired.
    trust = Answer(answer_trust(own_fingerprint(stations.b)), TrustDialog)
    click(qtbot, panel.import_button)
    qtbot.waitUntil(lambda: len(trust.seen) == 1 and not window.ctx.jobs.busy(), timeout=600_000)
    wait_job(qtbot, window.ctx.jobs)
    trust.stop()
    assert panel.status.kind == "ok", panel.status.text()
    assert texts.MERGE_DONE.format(count=6, fingerprint=own_fingerprint(stations.b)) in panel.status.text()
    assert "4 phiếu đã được nhập ở máy này" in panel.status.text()
    assert count(db, ballots) == 10 and count(db, paired) == 1

    # Known now: no question the second time, nothing counted twice.
    trust = Answer(answer_trust("x"), TrustDialog)
    click(qtbot, panel.import_button)
    wait_job(qtbot, window.ctx.jobs)
    trust.stop()
    assert trust.seen == []
    assert texts.MERGE_DONE.format(count=0, fingerprint=own_fingerprint(stations.b)) in panel.status.text()
    assert count(db, ballots) == 10


def test_the_chair_and_a_member_may_confirm_an_unknown_key_instead(
    make_window: MakeWindow, workspace: Workspace, stations: Stations, qtbot: QtBot
) -> None:
    window = merge_window(make_window, qtbot, stations)
    trust = Answer(lambda d: tab_to_button_and_press(d, texts.TRUST_TWO_MEMBERS), TrustDialog)
    click(qtbot, window.tools_page.merge.import_button)
    qtbot.waitUntil(lambda: len(trust.seen) == 1 and not window.ctx.jobs.busy(), timeout=600_000)
    wait_job(qtbot, window.ctx.jobs)
    trust.stop()
    assert window.tools_page.merge.status.kind == "ok", window.tools_page.merge.status.text()
    assert count(workspace.path, "SELECT COUNT(*) FROM ballots") == 10
    confirmed = "SELECT details FROM audit_log WHERE action = 'station_paired'"
    assert "two_members" in str(sqlite3.connect(workspace.path).execute(confirmed).fetchone()[0])


def test_this_stations_entries_package_is_written_with_its_fingerprint_shown(
    make_window: MakeWindow, workspace: Workspace, qtbot: QtBot, tmp_path: Path
) -> None:
    built = build_round(workspace, RoundKind.CONFIDENCE, nominees=2, printed=4)
    rng = random.Random(1)
    for ballot in built.printed[:3]:
        workspace.counting.record(built.round_id, ballot.payload, valid_marks(rng, RoundKind.CONFIDENCE, built.ids))
    window = make_window()
    window.select_round(built.round_id)
    open_tool(qtbot, window, 2)
    panel = window.tools_page.merge
    assert own_fingerprint(workspace) in panel.fingerprint.text()
    stick = tmp_path / "usb"
    stick.mkdir()
    panel.choose_folder = lambda _parent, _start: stick
    click(qtbot, panel.export_button)
    wait_job(qtbot, window.ctx.jobs)
    assert panel.status.kind == "ok", panel.status.text()
    (package,) = [p for p in stick.iterdir() if p.is_dir()]
    assert str(package) in panel.status.text()
    lines = (package / "PhieuDaNhap.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3
    assert not any(b.serial in " ".join(lines) for b in built.printed)  # the package holds no serial


def test_merging_is_refused_outside_counting(make_window: MakeWindow, workspace: Workspace, qtbot: QtBot) -> None:
    built = build_round(workspace, RoundKind.CONFIDENCE, nominees=2, printed=3, counting=False)
    window = make_window()
    window.select_round(built.round_id)
    open_tool(qtbot, window, 2)
    button = window.tools_page.merge.import_button
    assert not button.isEnabled()
    assert "Kiểm phiếu" in button.toolTip()


# ---------------------------------------------------------------- checking a package


def verify_in(qtbot: QtBot, window: MainWindow, chosen: Path, fingerprint: str = "") -> str:
    panel = window.tools_page.verify
    panel.choose_folder = lambda _parent: chosen
    retype(qtbot, panel.fingerprint, fingerprint) if fingerprint else None
    click(qtbot, panel.folder_button)
    wait_job(qtbot, window.ctx.jobs)
    return panel.answer.toPlainText()


def test_a_package_is_checked_in_plain_words(
    make_window: MakeWindow, workspace: Workspace, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    demo = build_demo(workspace, voters=12)
    assert demo.meeting.id is not None
    stick = tmp_path / "usb"
    stick.mkdir()
    result = export_package(workspace, demo.meeting.id, stick)
    window = make_window()
    open_tool(qtbot, window, 4)
    panel = window.tools_page.verify

    # A USB stick, as the panel lists the removable drives (here: a folder standing for one).
    monkeypatch.setattr(verify_panel, "removable_drives", lambda: [("USB (E:)", stick)])
    panel.refresh()
    assert panel.drives.currentText() == "USB (E:)" and panel.usb_button.isEnabled()
    click(qtbot, panel.usb_button)
    wait_job(qtbot, window.ctx.jobs)
    words = panel.answer.toPlainText()  # the stick's root: the package is found inside it
    assert panel.status.kind == "ok", words
    assert "Còn nguyên vẹn" in words and result.fingerprint in words
    for code in result.check_codes.values():
        assert code in words

    # A hostile edit of one file on the stick: named, and the package is not whole.
    results = next(p for p in result.folder.iterdir() if p.suffix == ".json" and p.name != "manifest.json")
    data = json.loads(results.read_text(encoding="utf-8"))
    results.write_text(json.dumps(data, ensure_ascii=False) + " ", encoding="utf-8")
    words = verify_in(qtbot, window, result.folder)
    assert panel.status.kind == "error"
    assert "KHÔNG nguyên vẹn" in words and results.name in words
    assert workspace.setup.meetings()  # nothing was created or changed by checking

    empty = tmp_path / "trong"
    empty.mkdir()
    words = verify_in(qtbot, window, empty)
    assert panel.status.kind == "error" and words == texts.VERIFY_NOTHING.format(folder=empty)


def test_a_package_of_a_key_never_compared_says_so_until_its_fingerprint_is_typed(
    make_window: MakeWindow, workspace: Workspace, qtbot: QtBot, tmp_path: Path
) -> None:
    other = Workspace.open(tmp_path / "khac" / "kp.sqlite3")
    try:
        demo = build_demo(other, voters=12)
        assert demo.meeting.id is not None
        (tmp_path / "usb").mkdir()
        result = export_package(other, demo.meeting.id, tmp_path / "usb")
    finally:
        other.close()
    window = make_window()
    open_tool(qtbot, window, 4)
    panel = window.tools_page.verify
    words = verify_in(qtbot, window, result.folder)
    assert panel.status.kind == "error"
    assert "CHƯA được đối chiếu" in words and result.fingerprint in words
    words = verify_in(qtbot, window, result.folder, result.fingerprint)
    assert panel.status.kind == "ok", words
    words = verify_in(qtbot, window, result.folder, "0123456789abcdef")
    assert panel.status.kind == "error" and "KHÔNG nguyên vẹn" in words


# ---------------------------------------------------------------- test deck → live


def test_test_deck_report_and_go_live(
    make_window: MakeWindow, workspace: Workspace, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = build_round(
        workspace, RoundKind.CONFIDENCE, nominees=3, mode=Mode.TEST, printed=0, counting=False, accounts=False
    )
    window = make_window()
    window.select_round(built.round_id)
    open_tool(qtbot, window, 3)
    panel = window.tools_page.test
    deck_folder = tmp_path / "deck"
    panel.choose_folder = lambda _parent, _start: deck_folder
    panel.choose_deck = lambda _parent, _start: deck_folder / "deck.jsonl"
    panel.choose_expected = lambda _parent, _start: deck_folder / "expected.json"
    db = workspace.path
    assert not panel.enter_button.isEnabled()  # entering waits for counting

    retype(qtbot, panel.count, "30")
    commit(qtbot)
    click(qtbot, panel.deck_button)
    wait_job(qtbot, window.ctx.jobs)
    assert panel.status.kind == "ok", panel.status.text()
    assert count(db, f"SELECT COUNT(*) FROM ballot_register WHERE round_id = {built.round_id}") == 30
    assert len((deck_folder / "deck.jsonl").read_text(encoding="utf-8").splitlines()) == 30

    click(qtbot, window.next_button)  # the stage bar: open counting
    qtbot.waitUntil(lambda: window.ctx.stage() is Stage.COUNTING)
    window.show_tool(panel)
    click(qtbot, panel.enter_button)
    wait_job(qtbot, window.ctx.jobs)
    assert panel.status.text() == texts.TEST_ENTERED.format(saved=30, refused=0)
    assert count(db, f"SELECT COUNT(*) FROM ballots WHERE round_id = {built.round_id}") == 30

    # The same deck entered again: every paper refused as already entered, each line said, nothing saved twice.
    click(qtbot, panel.enter_button)
    wait_job(qtbot, window.ctx.jobs)
    assert panel.status.kind == "error"
    assert panel.status.text() == texts.TEST_ENTERED.format(saved=0, refused=30)
    assert panel.report.toPlainText().count("dòng ") == 30
    assert count(db, f"SELECT COUNT(*) FROM ballots WHERE round_id = {built.round_id}") == 30

    click(qtbot, panel.report_button)
    wait_job(qtbot, window.ctx.jobs)
    assert panel.status.kind == "ok", panel.status.text()
    pdf = deck_folder / f"BaoCaoThuNghiem_luot{built.round_id}.pdf"
    assert all("THỬ NGHIỆM — KHÔNG CÓ GIÁ TRỊ" in p.extract_text() for p in PdfReader(pdf).pages)

    # An expected result that does not match what was counted: the report says so.
    expected = json.loads((deck_folder / "expected.json").read_text(encoding="utf-8"))
    expected["valid"] = int(expected["valid"]) + 1
    (deck_folder / "expected.json").write_text(json.dumps(expected), encoding="utf-8")
    click(qtbot, panel.report_button)
    wait_job(qtbot, window.ctx.jobs)
    assert panel.status.kind == "error" and "KHÔNG khớp" in panel.status.text()

    rounds_before = count(db, "SELECT COUNT(*) FROM rounds")
    monkeypatch.setattr(dialogs, "confirm", lambda *_a: False)  # "Không": nothing made
    click(qtbot, panel.live_button)
    assert count(db, "SELECT COUNT(*) FROM rounds") == rounds_before and window.ctx.round_id == built.round_id
    monkeypatch.setattr(dialogs, "confirm", lambda *_a: True)
    click(qtbot, panel.live_button)
    assert count(db, "SELECT COUNT(*) FROM rounds") == rounds_before + 1
    live = window.ctx.round()
    assert live is not None and live.id != built.round_id
    assert live.mode is Mode.LIVE and live.stage is Stage.PREPARATION
    assert count(db, f"SELECT COUNT(*) FROM ballots WHERE round_id = {live.id}") == 0
    assert count(db, f"SELECT COUNT(*) FROM ballots WHERE round_id = {built.round_id}") == 30  # the record kept
    assert not panel.deck_button.isEnabled() and panel.deck_button.toolTip() == texts.WHY_NOT_TEST_ROUND
