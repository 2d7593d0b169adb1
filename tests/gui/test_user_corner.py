"""The menu bar's corner, "Đang làm việc: … (Trưởng ban)", shows the whole text at 1366×768 whenever who is
working changes: at start, after the board is signed in behind the window's back (a meeting appearing on a
hall database), after a lock, and with a long Vietnamese name."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from tests.gui.conftest import seed_round
from tests.gui.keys import clipped
from tests.helpers import builders
from vote_counter.services.workspace import Workspace
from vote_counter.ui.main_window import MainWindow

MakeWindow = Callable[[], MainWindow]
LONG_NAME = "Công Tằng Tôn Nữ Thị Phương Khánh Ngọc Diễm"


def corner_fits(window: MainWindow) -> list[str]:
    QApplication.processEvents()  # what the window does with a posted layout request happens here
    label = window.user_label
    problems = [c for c in clipped(window.menuBar()) if "Đang làm việc" in c or "Chưa đăng nhập" in c]
    if label.sizeHint().width() > label.width():
        problems.append(f"label needs {label.sizeHint().width()} px, has {label.width()}")
    bar = window.user_bar
    if not window.menuBar().rect().contains(bar.geometry()):
        problems.append(f"corner {bar.geometry().getRect()} outside the menu bar {window.menuBar().rect().getRect()}")
    return problems


@pytest.mark.parametrize("chair", [builders.CHAIR_NAME, LONG_NAME])
def test_the_corner_shows_the_whole_text_after_the_board_signs_in_behind_the_windows_back(
    make_window: MakeWindow, workspace: Workspace, monkeypatch: pytest.MonkeyPatch, chair: str
) -> None:
    window = make_window()  # an empty file: the welcome screen, nobody to sign in
    assert window.size().toTuple() == (1366, 768)
    assert corner_fits(window) == []
    short = window.user_label.text()
    monkeypatch.setattr(builders, "CHAIR_NAME", chair)
    monkeypatch.setattr(builders, "PASSPHRASES", {**builders.PASSPHRASES, chair: "trưởng ban kiểm phiếu"})
    seeded = seed_round(workspace)  # another station's meeting, its chair signed in here (as after sign-in)
    window.ctx.structure_changed()
    window.select_round(seeded.round_id)
    window.show_work()
    assert window.user_label.text() == f"Đang làm việc: {chair} (Trưởng ban)"
    assert len(window.user_label.text()) > len(short)
    assert corner_fits(window) == []
    if os.environ.get("KP_SCREENSHOTS"):
        window.grab().save(str(Path(os.environ["KP_SCREENSHOTS"]) / f"goc_menu_{len(chair)}.png"))


def test_a_name_too_long_for_the_corner_is_cut_with_its_whole_text_in_the_tooltip(
    make_window: MakeWindow, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = "Công Tằng Tôn Nữ Hoàng Thị Phương Khánh Ngọc Diễm Quỳnh Như Ý Xuân Thu Hạ Đông Bảo Châu Minh Nguyệt"
    window = make_window()
    monkeypatch.setattr(builders, "CHAIR_NAME", name)
    monkeypatch.setattr(builders, "PASSPHRASES", {**builders.PASSPHRASES, name: "trưởng ban kiểm phiếu"})
    seeded = seed_round(workspace)
    window.ctx.structure_changed()
    window.select_round(seeded.round_id)
    window.show_work()
    whole = f"Đang làm việc: {name} (Trưởng ban)"
    label = window.user_label
    assert label.text() != whole and label.text().endswith("…")
    assert whole.startswith(label.text()[:-1])
    assert label.toolTip() == whole
    assert corner_fits(window) == []
    window.resize(980, 600)  # the narrowest the window goes: the corner still beside the menus, not over them
    assert window.size().toTuple() == (980, 600)
    assert corner_fits(window) == []
    if os.environ.get("KP_SCREENSHOTS"):
        window.grab().save(str(Path(os.environ["KP_SCREENSHOTS"]) / "goc_menu_980_cat.png"))
    menus_end = max(window.menuBar().actionGeometry(a).right() for a in window.menuBar().actions())
    assert window.user_bar.geometry().left() > menus_end
    window.lock_screen()  # who is working changes again: "Chưa đăng nhập" fits, the tooltip goes
    assert label.toolTip() == ""
    assert corner_fits(window) == []
