"""Công cụ at 1366×768 with real content, and its dialogs, saved as PNG for a person to look at (KP_SCREENSHOTS=dir);
nothing cut off, nothing outside its parent (keys.clipped)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from tests.gui.job_wait import wait_job
from tests.gui.keys import click, clipped
from vote_counter.exchange.export import export_package
from vote_counter.services.demo import build_demo
from vote_counter.services.workspace import Workspace
from vote_counter.ui.jobs import ProgressDialog
from vote_counter.ui.main_window import MainWindow
from vote_counter.ui.pages.backup_panel import RestorePlanDialog
from vote_counter.ui.pages.merge_panel import TrustDialog

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def save(widget: QWidget, directory: Path, name: str) -> None:
    QApplication.processEvents()
    path = directory / f"{name}.png"
    assert widget.grab().save(str(path)), path
    assert clipped(widget) == [], name


def test_screenshots_of_the_tools(
    make_window: Callable[[], MainWindow], workspace: Workspace, qtbot: QtBot, tmp_path: Path
) -> None:
    directory = Path(os.environ.get("KP_SCREENSHOTS") or tmp_path / "shots")
    directory.mkdir(parents=True, exist_ok=True)
    demo = build_demo(workspace, voters=20)
    assert demo.meeting.id is not None and demo.confidence.id is not None
    (tmp_path / "usb").mkdir()
    package = export_package(workspace, demo.meeting.id, tmp_path / "usb")
    window = make_window()
    window.resize(1366, 768)
    window.select_round(demo.confidence.id)
    tools = window.tools_page

    window.show_tool(tools.sample)
    save(window, directory, "6_cong_cu_1_phieu_mau")
    window.show_tool(tools.backup)
    save(window, directory, "6_cong_cu_2_sao_luu")
    window.show_tool(tools.merge)
    save(window, directory, "6_cong_cu_3_gop_may")
    window.show_tool(tools.test)
    save(window, directory, "6_cong_cu_4_thu_nghiem")
    window.show_tool(tools.verify)
    tools.verify.choose_folder = lambda _parent: tmp_path / "usb"
    click(qtbot, tools.verify.folder_button)
    wait_job(qtbot, window.ctx.jobs)
    assert tools.verify.status.kind == "ok", tools.verify.answer.toPlainText()
    save(window, directory, "6_cong_cu_5_kiem_tra_goi")

    long_line = (
        "Lượt 1 “Lấy phiếu tín nhiệm lãnh đạo Sở”: 118 phiếu đã nhập, 2 lần chuyển giai đoạn "
        "(Chuẩn bị → Kiểm phiếu; Kiểm phiếu → Đã kết thúc), 1 lần in biên bản"
    )
    for name, dialog in (
        (
            "6_hop_khoi_phuc",
            RestorePlanDialog(package.folder, 412, [long_line, "Hội nghị và Ban kiểm phiếu: 3"], window),
        ),
        ("6_hop_khoa_la", TrustDialog(package.fingerprint, window)),
        ("6_hop_dang_lam", ProgressDialog("tạo hội nghị mẫu", window)),
    ):
        if isinstance(dialog, ProgressDialog):
            dialog.set_progress(120, 355)
            dialog.refuse_second("in phiếu")
        dialog.show()
        save(dialog, directory, name)
        if isinstance(dialog, ProgressDialog):
            dialog.finish()
        else:
            dialog.reject()
