"""The user guide's pictures (docs/HUONG_DAN.md): the real window at 1366×768, driven as a board would.

With KP_GUIDE_SHOTS set, the PNGs go to docs/images/ (optimised, commit-worthy); without it, to a temporary folder,
so the walk itself is tested on every run. Regenerate: `KP_GUIDE_SHOTS=1 .venv/bin/pytest tests/gui/test_guide_shots.py`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QBuffer, QIODevice, QSettings, Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from tests.gui.conftest import Board, seed_round
from tests.gui.job_wait import settle, wait_job
from vote_counter.services.workspace import Workspace
from vote_counter.ui import dialogs, once_shown
from vote_counter.ui.main_window import MainWindow
from vote_counter.ui.pages import minutes_page, usb_dialog
from vote_counter.ui.settings_dialog import SettingsDialog

DOCS_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"
NAMES = ("Nguyễn Văn An", "Trần Thị Bích Ngọc", "Lê Hoàng Đức", "Phạm Thị Thu Hương", "Hoàng Văn Ưng")
MAX_TOTAL_BYTES = 3 * 1024 * 1024


def save_png(widget: QWidget, path: Path) -> int:
    """Grab, reduce to a 256-colour palette (text stays crisp: no dithering) and write an optimised PNG."""
    QApplication.processEvents()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    assert widget.grab().save(buffer, "PNG")
    from io import BytesIO

    image = Image.open(BytesIO(bytes(buffer.data().data()))).convert("RGB")
    small = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    small.save(path, optimize=True)
    return path.stat().st_size


@pytest.mark.qt_log_ignore("does not support propagateSizeHints")
def test_guide_pictures(
    make_window: Callable[[], MainWindow],
    workspace: Workspace,
    settings: QSettings,
    board: Board,
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = DOCS_IMAGES if os.environ.get("KP_GUIDE_SHOTS") else tmp_path / "images"
    out.mkdir(parents=True, exist_ok=True)
    shown: list[str] = []
    monkeypatch.setattr(dialogs, "show_info", lambda _p, _title, message: shown.append(message))
    monkeypatch.setattr(once_shown, "show_once", lambda _p, _title, intro, secret, _after: shown.append(secret))
    errors: list[str] = []
    monkeypatch.setattr(dialogs, "show_error", lambda _p, message: errors.append(message))
    sizes: dict[str, int] = {}

    def shot(widget: QWidget, name: str) -> None:
        sizes[name] = save_png(widget, out / f"{name}.png")

    # 1. first run: the welcome screen, then the sample meeting
    window = make_window()
    window.resize(1366, 768)
    shot(window, "01_bat_dau")
    qtbot.mouseClick(window.welcome.demo_button, Qt.MouseButton.LeftButton)
    wait_job(qtbot, window.ctx.jobs)  # the sample meeting is built off the UI thread
    assert shown and "mai-truong-ban" in shown[0]
    demo_meeting_id = window.ctx.meeting_id
    assert demo_meeting_id is not None

    # 2. set-up, printing, counting on a live round of a second meeting (its board signed in)
    seeded = seed_round(workspace, names=NAMES, ballots=24, collected=24, title="Lấy phiếu tín nhiệm năm 2026")
    window.ctx.structure_changed()
    window.select_round(seeded.round_id)
    setup = window.setup_page
    window.tabs.setCurrentWidget(setup)
    setup.tabs.setCurrentWidget(setup.meeting_form)
    shot(window, "02_chuan_bi_hoi_nghi")
    setup.tabs.setCurrentWidget(setup.nominees)
    shot(window, "03_chuan_bi_danh_sach")
    window.tabs.setCurrentWidget(window.ballots_page)
    shot(window, "04_in_phieu")
    window.tabs.setCurrentWidget(window.entry_page)
    for i, ballot in enumerate(seeded.ballots[:8]):
        board.scan(ballot.payload)
        board.digits("12312" if i % 3 else "11113")
        board.key(Qt.Key.Key_Return)
    board.scan(seeded.ballots[9].payload)
    board.digits("121")
    shot(window, "05_kiem_phieu")
    board.key(Qt.Key.Key_Escape)

    # 3. results, minutes and export on the sample meeting's closed round
    first_round = workspace.setup.rounds(demo_meeting_id)[0]
    assert first_round.id is not None
    window.select_round(first_round.id)
    window.tabs.setCurrentWidget(window.results_page)
    shot(window, "06_ket_qua")
    files = tmp_path / "files"
    files.mkdir()
    monkeypatch.setattr(minutes_page, "choose_folder", lambda *_a: files)
    monkeypatch.setattr(minutes_page, "open_file", lambda _path: None)
    window.tabs.setCurrentWidget(window.minutes_page)
    window.minutes_page.write_minutes()
    settle(window.ctx.jobs)  # written off the UI thread (ui/jobs.py)
    assert errors == []
    shot(window, "07_bien_ban")
    usb = tmp_path / "usb"
    usb.mkdir()
    monkeypatch.setattr(usb_dialog, "choose_export_target", lambda _parent: usb)
    window.minutes_page.export_usb()
    settle(window.ctx.jobs)  # written off the UI thread (ui/jobs.py)
    assert errors == [] and window.minutes_page.status.kind == "ok", window.minutes_page.status.text()
    shot(window, "08_xuat_usb")

    # 4. settings
    dialog = SettingsDialog(settings, workspace.path, window.idle.minutes, window)
    dialog.show()
    qtbot.waitExposed(dialog)
    shot(dialog, "09_cai_dat")
    dialog.close()

    assert sum(sizes.values()) < MAX_TOTAL_BYTES, sizes
    for name in sizes:
        with Image.open(out / f"{name}.png") as image:
            assert image.width >= 700
