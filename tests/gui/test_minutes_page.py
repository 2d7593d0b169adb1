"""The minutes and export page: closed rounds only, the check code on screen, every file it writes."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QListWidget, QWidget
from pytestqt.qtbot import QtBot

from tests.gui.answer import ENTER, ESCAPE, answer, approve, reason, yes
from tests.gui.conftest import NAMES, Seeded, seed_round
from tests.gui.job_wait import settle
from tests.gui.keys import Modal, click, press
from vote_counter import platform_os
from vote_counter.domain.model import BallotMarks, Stage
from vote_counter.exchange.verify import verify_package
from vote_counter.services.workspace import Workspace
from vote_counter.ui import dialogs, once_shown, texts
from vote_counter.ui.main_window import MainWindow
from vote_counter.ui.pages import minutes_page, usb_dialog

MakeWindow = Callable[[], MainWindow]
# Offscreen Qt says this for every real dialog, the progress dialog of a job (ui/jobs.py) included.
pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def count_ballots(ws: Workspace, seeded: Seeded, marks: str) -> None:
    """Every issued ballot keyed through the counting service, one digit (box) per nominee."""
    ids = [n.id for n in ws.setup.nominees(seeded.round_id) if n.id is not None]
    for i, ballot in enumerate(seeded.ballots):
        boxes = marks[i % 2 :] + marks[: i % 2]
        rows = {nid: frozenset({int(b)}) for nid, b in zip(ids, boxes, strict=False)}
        ws.counting.record(seeded.round_id, ballot.payload, BallotMarks(rows))


def counted_round(ws: Workspace, names: tuple[str, ...] = NAMES, ballots: int = 4) -> Seeded:
    """A round with the physical count typed in and every ballot entered: ready to close."""
    seeded = seed_round(ws, names=names, ballots=ballots, collected=ballots)
    meeting_id = ws.setup.round(seeded.round_id).meeting_id
    assert meeting_id is not None
    # seed_round's board: chair Hoàng Thị Lan, member Ngô Quốc Việt (with passphrases)
    assert [m.full_name for m in ws.setup.board(meeting_id)] == ["Hoàng Thị Lan", "Ngô Quốc Việt"]
    count_ballots(ws, seeded, "01201201")
    return seeded


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture
def errors(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(dialogs, "show_error", lambda _parent, message: shown.append(message))
    return shown


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    paths: list[Path] = []
    monkeypatch.setattr(minutes_page, "open_file", paths.append)
    return paths


def test_disabled_until_the_count_is_closed(make_window: MakeWindow, workspace: Workspace) -> None:
    seed_round(workspace)
    window = make_window()
    page = window.minutes_page
    window.tabs.setCurrentWidget(page)
    for button in (page.minutes_button, page.annex_button, page.results_button, page.summary_button):
        assert not button.isEnabled()
        assert "Kết thúc kiểm phiếu trước khi lập biên bản" in button.toolTip()
    assert not page.locked_note.isHidden()
    assert page.check_code.text() == "—"
    assert not page.usb_button.isEnabled() and not page.usb_encrypt.isEnabled()
    assert "Kết thúc kiểm phiếu trước khi lập biên bản" in page.usb_button.toolTip()
    assert not page.open_button.isEnabled() and not page.print_button.isEnabled()


@pytest.mark.qt_log_ignore("does not support propagateSizeHints")  # offscreen Qt, on every real dialog
def test_minutes_reprint_annex_results_summary(
    real_dialogs: MakeWindow,
    qtbot: QtBot,
    workspace: Workspace,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    errors: list[str],
    opened: list[Path],
) -> None:
    seeded = counted_round(workspace)
    rid = seeded.round_id
    out = tmp_path / "bien ban"
    out.mkdir()
    monkeypatch.setattr(minutes_page, "choose_folder", lambda *_a: out)
    window = real_dialogs()
    page = window.minutes_page
    window.tabs.setCurrentWidget(page)
    assert not page.minutes_button.isEnabled()

    # Close the count, as the board does: the real confirmation, "Không" first (Enter: the safe default), then
    # "Có" reached with Tab and pressed with Space, then the chair's and a member's passphrases typed.
    no = answer(ENTER)
    click(qtbot, window.next_button)
    assert no.answered() and "sang giai đoạn “Đã kết thúc”?" in no.texts[0]
    assert workspace.setup.round(rid).stage is Stage.COUNTING
    closing = answer(yes, approve())
    click(qtbot, window.next_button)
    assert closing.answered() and texts.ACTION_CLOSE in closing.texts[1]
    assert workspace.setup.round(rid).stage is Stage.CLOSED
    assert page.minutes_button.isEnabled() and page.locked_note.isHidden()
    code = workspace.reports.minutes_data(rid).check_code
    assert page.check_code.text() == code

    page.minutes_button.click()
    settle(window.ctx.jobs)  # written off the UI thread (ui/jobs.py)
    pdf, docx = out / f"BienBan_luot{rid}.pdf", out / f"BienBan_luot{rid}.docx"
    assert errors == []
    assert pdf.read_bytes().startswith(b"%PDF") and docx.read_bytes().startswith(b"PK")
    assert page.written_files() == [pdf, docx]
    assert page.status.kind == "ok" and str(pdf) in page.status.text() and code in page.status.text()
    text = pdf_text(pdf)
    assert code in text  # the code on the screen is the one on the paper
    assert all(copy in text for copy in ("01/03", "02/03", "03/03"))

    # Opening the PDF for printing goes through the system viewer.
    assert page.selected_file() == pdf and page.print_button.isEnabled()
    page.print_button.click()
    assert opened == [pdf]
    page.files.setCurrentRow(1)
    assert not page.print_button.isEnabled() and page.open_button.isEnabled()
    page.open_button.click()
    assert opened == [pdf, docx]

    # A second print asks why (the real prompt); Escape writes nothing. A reason typed, then the two people.
    cancelled = answer(ESCAPE)
    click(qtbot, page.minutes_button)
    settle(window.ctx.jobs)  # written off the UI thread (ui/jobs.py); the prompt comes when the job refuses
    assert cancelled.answered() and "In lại biên bản — ghi rõ lý do" in cancelled.texts[0]
    assert page.status.kind == "info" and len(page.written_files()) == 2
    signed_print = pdf.read_bytes()
    reprint = answer(reason("Cấp trên đề nghị gửi thêm bản"), approve())
    click(qtbot, page.minutes_button)
    settle(window.ctx.jobs)
    settle(window.ctx.jobs)  # the reprint itself, a second job started once the two people approved
    assert reprint.answered() and errors == []
    assert page.status.kind == "ok"
    # The reprint gets new names: the first print's files (the ones signed) are never overwritten.
    pdf2, docx2 = out / f"BienBan_luot{rid}_in2.pdf", out / f"BienBan_luot{rid}_in2.docx"
    assert page.written_files() == [pdf, docx, pdf2, docx2]
    assert pdf.read_bytes() == signed_print and code in pdf_text(pdf2)
    printed = [e for e in workspace.audit.entries() if e.action == "minutes_printed"]
    assert len(printed) == 2
    assert [e.details["reprint"] for e in printed] == [False, True]
    assert printed[1].details["reason"] == "Cấp trên đề nghị gửi thêm bản"
    assert printed[1].details["check_code"] == code

    page.annex_button.click()
    settle(window.ctx.jobs)  # written off the UI thread (ui/jobs.py)
    annex = out / f"NhatKyNhapPhieu_luot{rid}.pdf"
    assert annex.read_bytes().startswith(b"%PDF")
    assert seeded.ballots[0].serial not in pdf_text(annex)  # the annex carries no serials
    page.results_button.click()
    settle(window.ctx.jobs)  # written off the UI thread (ui/jobs.py)
    meeting_id = window.ctx.meeting_id
    xlsx, js = out / f"KetQua_hoinghi{meeting_id}.xlsx", out / f"KetQua_hoinghi{meeting_id}.json"
    assert xlsx.read_bytes().startswith(b"PK") and code in js.read_text(encoding="utf-8")
    page.summary_button.click()
    settle(window.ctx.jobs)  # written off the UI thread (ui/jobs.py)
    summary = out / f"TongHop_hoinghi{meeting_id}.pdf"
    assert summary.read_bytes().startswith(b"%PDF")
    assert page.written_files()[-4:] == [annex, xlsx, js, summary]
    assert errors == []

    # Sealed (its own warning, answered "Có", then the two people): still readable and printable.
    seal = answer(yes, approve())
    click(qtbot, window.next_button)
    assert seal.answered() and "Sau khi niêm phong" in seal.texts[0]
    assert workspace.setup.round(rid).stage is Stage.SEALED
    assert page.minutes_button.isEnabled() and page.check_code.text() == code


def test_a_folder_that_cannot_be_written_is_said_in_a_message_box(
    make_window: MakeWindow, workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, errors: list[str]
) -> None:
    seeded = counted_round(workspace)
    workspace.stages.change(seeded.round_id, Stage.CLOSED)
    blocker = tmp_path / "not a folder"
    blocker.write_text("x")
    monkeypatch.setattr(minutes_page, "choose_folder", lambda *_a: blocker)
    window = make_window()
    page = window.minutes_page
    window.tabs.setCurrentWidget(page)
    page.annex_button.click()
    settle(window.ctx.jobs)  # written off the UI thread (ui/jobs.py)
    assert len(errors) == 1 and str(blocker) in errors[0]
    assert page.status.kind == "error" and page.written_files() == []

    # Cancelling the folder dialog does nothing at all.
    monkeypatch.setattr(minutes_page, "choose_folder", lambda *_a: None)
    page.minutes_button.click()
    settle(window.ctx.jobs)  # written off the UI thread (ui/jobs.py)
    assert len(errors) == 1 and not any(e.action == "minutes_printed" for e in workspace.audit.entries())


def test_screenshot_after_closing(
    make_window: MakeWindow, workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, errors: list[str]
) -> None:
    directory = Path(os.environ.get("KP_SCREENSHOTS") or tmp_path)
    directory.mkdir(parents=True, exist_ok=True)
    names = ("Nguyễn Văn An", "Trần Thị Bích Ngọc", "Lê Hoàng Đức", "Phạm Thị Thu Hương", "Hoàng Văn Ưng")
    seeded = counted_round(workspace, names=names, ballots=12)
    workspace.stages.change(seeded.round_id, Stage.CLOSED)
    out = tmp_path / "Biên bản hội nghị"
    monkeypatch.setattr(minutes_page, "choose_folder", lambda *_a: out)
    window = make_window()
    window.resize(1366, 768)
    page = window.minutes_page
    window.tabs.setCurrentWidget(page)
    page.minutes_button.click()
    settle(window.ctx.jobs)  # written off the UI thread (ui/jobs.py)
    page.results_button.click()
    settle(window.ctx.jobs)  # written off the UI thread (ui/jobs.py)
    assert errors == []
    QApplication.processEvents()
    path = directory / "5_bien_ban_sau_ket_thuc.png"
    assert window.grab().save(str(path))
    assert path.stat().st_size > 10_000


@pytest.mark.parametrize("encrypt", [False, True])
def test_usb_export_is_verified_before_it_says_done(
    make_window: MakeWindow,
    workspace: Workspace,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    errors: list[str],
    encrypt: bool,
) -> None:
    seeded = counted_round(workspace)
    workspace.stages.change(seeded.round_id, Stage.CLOSED)
    stick = tmp_path / "usb"
    stick.mkdir()
    monkeypatch.setattr(usb_dialog, "choose_export_target", lambda _parent: stick)
    monkeypatch.setattr(platform_os, "is_removable", lambda path: Path(path).parent == stick)  # a stick here
    shown: list[str] = []
    monkeypatch.setattr(once_shown, "show_once", lambda _parent, _title, _intro, secret, _after: shown.append(secret))
    window = make_window()
    page = window.minutes_page
    window.tabs.setCurrentWidget(page)
    assert page.usb_button.isEnabled()
    page.usb_encrypt.setChecked(encrypt)
    page.usb_button.click()
    settle(window.ctx.jobs)  # written off the UI thread (ui/jobs.py)
    assert errors == []
    (folder,) = [p for p in stick.iterdir() if p.is_dir()]
    assert page.status.kind == "ok" and "có thể rút USB" in page.status.text() and str(folder) in page.status.text()
    passphrase = None
    if encrypt:
        (passphrase,) = shown
        assert (folder / "KetQua.zip").exists()
    else:
        assert shown == []
    report = verify_package(folder, passphrase=passphrase)
    assert report.ok, report.problems
    assert page.check_code.text() in str(report.check_codes)  # the code on screen is the one in the package
    assert [e.action for e in workspace.audit.entries()][-1] == "export_written"


def test_removable_drives_lists_only_writable_external_volumes() -> None:
    for label, root in usb_dialog.removable_drives():
        assert str(root) not in {"/", "/home", "/boot"} and label


@pytest.mark.qt_log_ignore("does not support propagateSizeHints")
def test_the_usb_dialog_lists_the_sticks_or_says_none_is_plugged_in(
    make_window: MakeWindow, workspace: Workspace, qtbot: QtBot, errors: list[str]
) -> None:
    """The real dialog, answered by keys. With no stick (as on CI) it says so in Vietnamese and Enter cannot
    pick anything; Escape cancels and nothing is written. With sticks, each is listed and the hint shown."""
    seeded = counted_round(workspace)
    workspace.stages.change(seeded.round_id, Stage.CLOSED)
    window = make_window()
    page = window.minutes_page
    window.tabs.setCurrentWidget(page)
    drives = usb_dialog.removable_drives()
    entries = len(workspace.audit.entries())
    still_open: list[bool] = []
    listed: list[int] = []

    def look_then_cancel(dialog: QWidget) -> None:
        listed.append(dialog.findChild(QListWidget).count())
        if not drives:
            press(qtbot, Qt.Key.Key_Return)  # "OK" with nothing to choose: the dialog stays
            still_open.append(QApplication.activeModalWidget() is dialog)
        press(qtbot, Qt.Key.Key_Escape)

    modal = Modal(look_then_cancel)
    click(qtbot, page.usb_button)
    settle(window.ctx.jobs)  # written off the UI thread (ui/jobs.py)
    assert modal.answered()
    assert modal.titles == [texts.USB_TITLE]
    assert listed == [len(drives)]
    if drives:
        assert texts.USB_HINT in modal.texts[0]
    else:
        assert "Không thấy ổ USB nào đang cắm" in modal.texts[0]
        assert still_open == [True]
    assert len(workspace.audit.entries()) == entries  # cancelled: nothing exported, nothing logged
    assert errors == [] and "có thể rút USB" not in page.status.text()


def test_the_page_shows_its_code_without_checking_every_row_but_prints_nothing_from_a_doctored_file(
    make_window: MakeWindow,
    qtbot: QtBot,
    workspace: Workspace,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    errors: list[str],
) -> None:
    """The check code is read from the running totals on each refresh (milliseconds; the full audit check of every
    sealed row took a second at 10,000 ballots on the window's thread). A ballot changed with sqlite3 after the
    window opened is still caught where it matters: the minutes are refused, no file is written."""
    import sqlite3

    from vote_counter.storage import audit

    seeded = counted_round(workspace)
    rid = seeded.round_id
    workspace.stages.change(rid, Stage.CLOSED)
    out = tmp_path / "bien ban"
    out.mkdir()
    monkeypatch.setattr(minutes_page, "choose_folder", lambda *_a: out)
    window = make_window()
    page = window.minutes_page
    checks: list[int] = []
    real_verify = audit.verify
    monkeypatch.setattr(audit, "verify", lambda *a, **k: checks.append(1) or real_verify(*a, **k))
    window.tabs.setCurrentWidget(page)
    page.refresh()
    assert checks == []  # shown without reading every sealed row
    assert page.check_code.text() == workspace.reports.minutes_data(rid).check_code  # the checked code, the same

    with sqlite3.connect(workspace.path) as conn:  # a hostile edit, behind the open window's back
        changed = conn.execute("UPDATE ballots SET valid = 1 - valid WHERE id = 1").rowcount
    assert changed == 1
    page.minutes_button.click()
    settle(window.ctx.jobs)
    assert not any(out.iterdir())  # nothing printed
    assert len(errors) == 1 and "phiếu đã nhập số 1" in errors[0], errors
    assert checks  # the print checked every row
