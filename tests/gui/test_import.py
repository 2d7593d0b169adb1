"""Importing a nominee list from a file: preview first, one transaction on confirm, nothing on refusal."""

from __future__ import annotations

import codecs
import os
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from tests.gui.conftest import seed_round
from tests.helpers.builders import board_accounts
from vote_counter.domain.model import Meeting, Nominee, Round, RoundId, RoundKind, Stage
from vote_counter.services.importers import read_nominee_file
from vote_counter.services.workspace import Workspace
from vote_counter.ui import dialogs
from vote_counter.ui.main_window import MainWindow
from vote_counter.ui.pages import import_dialog
from vote_counter.ui.pages.import_dialog import PreviewDialog, PreviewModel
from vote_counter.ui.pages.round_forms import NomineesPanel

MakeWindow = Callable[[], MainWindow]
HEADER = "STT,Họ và tên,Năm sinh,Chức vụ hiện tại,Chức vụ dự kiến,Đơn vị\n"
ROWS = (
    "1,Nguyễn Thị Ánh Tuyết,1975,Trưởng phòng,Phó Giám đốc,Phòng Kế hoạch\n"
    "2,Trần Văn Ưng,1980,Phó Trưởng phòng,Trưởng phòng,Phòng Tổng hợp\n"
    "3,Phạm Đức Ân,,Chuyên viên chính,,Văn phòng Sở\n"
)
TONES = "\u0300\u0301\u0303\u0309\u0323"  # grave, acute, tilde, hook above, dot below
NAMES = ["Nguyễn Thị Ánh Tuyết", "Trần Văn Ưng", "Phạm Đức Ân"]


def preparing_round(ws: Workspace) -> RoundId:
    """A round still in preparation, no ballots printed, one person already on the list."""
    meeting = ws.setup.create_meeting(Meeting(None, "Hội nghị cán bộ chủ chốt", "Sở Tài chính"))
    board_accounts(ws, meeting, third=False)  # a live round opens for counting only with the chair's passphrase
    round_ = ws.setup.create_round(Round(None, meeting.id, "Lấy phiếu tín nhiệm năm 2025", RoundKind.CONFIDENCE))
    assert round_.id is not None
    ws.setup.add_nominee(Nominee(None, round_.id, "Lê Văn Anh"))
    return round_.id


def to_cp1258(text: str) -> bytes:
    """Text as old Vietnamese Excel saves it: Windows-1258 base letters with separate tone marks."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            decomposed = unicodedata.normalize("NFD", ch)
            base = "".join(c for c in decomposed if c not in TONES)
            tones = "".join(c for c in decomposed if c in TONES)
            out += unicodedata.normalize("NFC", base).encode("cp1258") + tones.encode("cp1258")
    return bytes(out)


def open_panel(window: MainWindow) -> NomineesPanel:
    setup = window.setup_page
    window.tabs.setCurrentWidget(setup)
    setup.tabs.setCurrentWidget(setup.nominees)
    return setup.nominees


class Dialogs:
    """Stands in for every modal: records what was shown and answers as the test says."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
        self.errors: list[str] = []
        self.offers: list[str] = []
        self.labels: list[str] = []
        self.previews: list[PreviewDialog] = []
        self.accept_preview = True
        self.retry_1258 = True
        self.path: Path | None = path
        monkeypatch.setattr(dialogs, "show_error", lambda _p, message: self.errors.append(message))
        monkeypatch.setattr(import_dialog, "choose_file", lambda _p: self.path)
        monkeypatch.setattr(import_dialog, "offer_cp1258", self._offer)
        monkeypatch.setattr(import_dialog, "run_dialog", self._run)

    def _offer(self, _parent: object, message: str, label: str = "Đọc bằng Windows-1258") -> bool:
        self.offers.append(message)
        self.labels.append(label)
        return self.retry_1258

    def _run(self, dialog: PreviewDialog) -> bool:
        self.previews.append(dialog)
        button = dialog.ok_button if self.accept_preview else dialog.cancel_button
        button.click()
        return dialog.result() == PreviewDialog.DialogCode.Accepted


def preview_rows(dialog: PreviewDialog) -> list[list[str]]:
    model = dialog.model
    return [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]


def test_utf8_bom_nfd_names_preview_then_confirm(
    make_window: MakeWindow, workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rid = preparing_round(workspace)
    path = tmp_path / "danh_sach.csv"
    # Saved by Excel as "CSV UTF-8" (a BOM) from text typed with a decomposing input method (NFD).
    path.write_bytes(codecs.BOM_UTF8 + unicodedata.normalize("NFD", HEADER + ROWS).encode("utf-8"))
    modals = Dialogs(monkeypatch, path)
    window = make_window()
    panel = open_panel(window)
    assert panel.import_button.isEnabled()
    assert panel.import_button.text() == "Nhập từ tệp (CSV, Excel)…"

    panel.import_button.click()
    assert modals.errors == [] and modals.offers == []
    (dialog,) = modals.previews
    assert dialog.ok_button.text() == "Thêm vào danh sách" and dialog.cancel_button.text() == "Hủy"
    assert dialog.encoding_label.text() == "Bảng mã: UTF-8 (có BOM)"
    horizontal = Qt.Orientation.Horizontal
    assert [dialog.model.headerData(c, horizontal) for c in range(6)] == [
        "STT",
        "Họ và tên",
        "Năm sinh",
        "Chức vụ hiện tại",
        "Chức vụ dự kiến",
        "Đơn vị",
    ]
    rows = preview_rows(dialog)
    assert [r[1] for r in rows] == NAMES
    assert all(unicodedata.is_normalized("NFC", cell) for row in rows for cell in row)
    assert rows[0] == ["1", "Nguyễn Thị Ánh Tuyết", "1975", "Trưởng phòng", "Phó Giám đốc", "Phòng Kế hoạch"]
    assert rows[2][2] == "—"

    saved = workspace.setup.nominees(rid)
    assert [n.full_name for n in saved] == ["Lê Văn Anh", *NAMES]
    assert [n.order for n in saved] == [1, 2, 3, 4]  # after whoever was already there
    assert saved[1].birth_year == 1975 and saved[2].unit == "Phòng Tổng hợp"
    assert panel.model.rowCount() == 4
    assert panel.model.index(3, 1).data() == "Phạm Đức Ân"
    assert window.setup_page.status.kind == "ok" and "3 người" in window.setup_page.status.text()
    added = [e for e in workspace.audit.entries() if e.action == "nominees_added"]
    assert added[-1].details["names"] == NAMES  # one call, one transaction, one audit entry


def test_mojibake_is_refused_and_nothing_added(
    make_window: MakeWindow, workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rid = preparing_round(workspace)
    path = tmp_path / "hong.csv"
    # UTF-8 once opened as Windows-1252 and saved again: "Nguyễn" has become "Nguyá»…n".
    path.write_text(HEADER + "1,Nguyá»…n Thá»‹ Ãnh,1975,,,\n", encoding="utf-8")
    modals = Dialogs(monkeypatch, path)
    window = make_window()
    panel = open_panel(window)
    panel.import_button.click()
    assert len(modals.errors) == 1 and "lỗi mã" in modals.errors[0]
    assert modals.offers == [] and modals.previews == []
    assert [n.full_name for n in workspace.setup.nominees(rid)] == ["Lê Văn Anh"]


def test_windows_1258_file_read_after_retry(
    make_window: MakeWindow, workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rid = preparing_round(workspace)
    path = tmp_path / "excel_cu.csv"
    path.write_bytes(to_cp1258(HEADER + ROWS))
    modals = Dialogs(monkeypatch, path)
    window = make_window()
    panel = open_panel(window)

    modals.retry_1258 = False  # the user closes the message: nothing happens
    panel.import_button.click()
    assert len(modals.offers) == 1 and "1258" in modals.offers[0]
    assert modals.previews == [] and modals.errors == []

    modals.retry_1258 = True
    panel.import_button.click()
    assert len(modals.offers) == 2 and modals.errors == []
    (dialog,) = modals.previews
    assert dialog.encoding_label.text() == "Bảng mã: Windows-1258"
    assert [r[1] for r in preview_rows(dialog)] == NAMES
    assert [n.full_name for n in workspace.setup.nominees(rid)] == ["Lê Văn Anh", *NAMES]


def test_cancel_adds_nothing_and_locked_list_disables_import(
    make_window: MakeWindow, workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rid = preparing_round(workspace)
    path = tmp_path / "danh_sach.csv"
    path.write_text(HEADER + ROWS + "4,,1990,,,\n", encoding="utf-8")
    modals = Dialogs(monkeypatch, path)
    window = make_window()
    panel = open_panel(window)
    modals.accept_preview = False
    panel.import_button.click()
    (dialog,) = modals.previews
    assert dialog.encoding_label.text() == "Bảng mã: UTF-8"
    assert not dialog.warnings_label.isHidden() and "Dòng 5" in dialog.warnings_label.text()
    assert [n.full_name for n in workspace.setup.nominees(rid)] == ["Lê Văn Anh"]

    modals.path = None  # the file dialog cancelled
    panel.import_button.click()
    assert len(modals.previews) == 1

    # Once counting starts the list is locked, and the button says why.
    workspace.stages.change(rid, Stage.COUNTING)
    window.ctx.changed()
    assert not panel.import_button.isEnabled()
    assert "Chuẩn bị" in panel.import_button.toolTip()


def test_import_locked_after_ballots_printed(make_window: MakeWindow, workspace: Workspace) -> None:
    seed_round(workspace, counting=False)
    window = make_window()
    panel = open_panel(window)
    assert not panel.import_button.isEnabled()
    assert "Đã in phiếu" in panel.import_button.toolTip()


def test_preview_model(qtmodeltester: ModelTester, tmp_path: Path) -> None:
    qtmodeltester.check(PreviewModel())
    path = tmp_path / "danh_sach.csv"
    path.write_text(HEADER + ROWS, encoding="utf-8")
    model = PreviewModel(read_nominee_file(path).nominees)
    qtmodeltester.check(model)
    assert model.rowCount() == 3 and model.columnCount() == 6
    assert model.headerData(1, Qt.Orientation.Horizontal) == "Họ và tên"


# The offscreen platform cannot pass a dialog's size hints to a window manager, and says so.
@pytest.mark.qt_log_ignore("does not support propagateSizeHints")
def test_screenshot_of_the_preview(qtbot: QtBot, workspace: Workspace, tmp_path: Path) -> None:
    directory = Path(os.environ.get("KP_SCREENSHOTS") or tmp_path)
    directory.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "Danh sách lấy phiếu.csv"
    path.write_bytes(to_cp1258(HEADER + ROWS + ",,,,,\n5,,1990,,,\n"))
    preview = read_nominee_file(path, "cp1258")
    dialog = PreviewDialog(path, preview, "Lấy phiếu tín nhiệm năm 2025")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    shot = directory / "1_nhap_tu_tep.png"
    assert dialog.grab().save(str(shot))
    assert shot.stat().st_size > 10_000
    dialog.reject()


def test_tcvn3_file_is_converted_only_after_the_user_agrees(
    make_window: MakeWindow, workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.unit.importers.test_legacy import to_tcvn3

    rid = preparing_round(workspace)
    path = tmp_path / "danh_sach_cu.csv"
    path.write_bytes(to_tcvn3("Họ và tên,Chức vụ\nnguyễn thị ánh tuyết,phó giám đốc\ntrần đức ưng,chánh văn phòng\n"))
    modals = Dialogs(monkeypatch, path)
    modals.retry_1258 = False
    window = make_window()
    panel = open_panel(window)
    panel.import_button.click()
    assert modals.labels == ["Đọc bằng TCVN3"] and "TCVN3" in modals.offers[0]
    assert modals.previews == [] and len(workspace.setup.nominees(rid)) == 1  # declined: nothing read, nothing added
    modals.retry_1258 = True
    panel.import_button.click()
    (dialog,) = modals.previews
    names = [r[1] for r in preview_rows(dialog)]
    assert names == ["Nguyễn Thị Ánh Tuyết", "Trần Đức Ưng"]
    assert [n.full_name for n in workspace.setup.nominees(rid)][1:] == names
