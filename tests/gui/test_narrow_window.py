"""The narrowest window the app allows (980×600, main_window.setMinimumSize) and the board's usual laptop
(1366×768): on every page, no text cut without its tooltip and no widget drawn over another (tests/gui/keys.py
`clipped`, which also checks what one layout placed on top of another). At 980 px the stage bar used to draw
"Giai đoạn: Kiểm phiếu" under "← Quay lại", and the minutes page its export buttons over each other."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QScrollArea
from pytestqt.qtbot import QtBot

from tests.gui.keys import clipped
from tests.helpers.builders import build_round
from vote_counter.domain.model import RoundKind
from vote_counter.services.workspace import Workspace
from vote_counter.ui import texts
from vote_counter.ui.main_window import MainWindow

MakeWindow = Callable[[], MainWindow]


@pytest.mark.parametrize("size", [(980, 600), (1366, 768)])
def test_every_page_fits_without_overlap(
    make_window: MakeWindow, workspace: Workspace, qtbot: QtBot, size: tuple[int, int]
) -> None:
    built = build_round(workspace, RoundKind.CONFIDENCE, nominees=3, printed=12)
    window = make_window()
    window.select_round(built.round_id)
    window.resize(*size)
    qtbot.waitUntil(lambda: window.size().toTuple() == size)
    for i in range(window.tabs.count()):
        window.tabs.setCurrentIndex(i)
        qtbot.wait(50)  # the page's layout settles through the event loop
        assert clipped(window) == [], (size, window.tabs.tabText(i))
        if os.environ.get("KP_SCREENSHOTS"):
            shot = Path(os.environ["KP_SCREENSHOTS"]) / f"narrow_{size[0]}_{i}.png"
            assert window.grab().save(str(shot))
    counter = window.entry_page.counter
    assert counter.text().startswith("Đã nhập")
    if size == (980, 600):  # cut with "…", the whole count in the tooltip
        assert counter.toolTip() == counter.text()
    else:
        assert counter.toolTip() == ""


def test_the_minutes_page_scrolls_only_when_the_window_is_short(
    make_window: MakeWindow, workspace: Workspace, qtbot: QtBot
) -> None:
    built = build_round(workspace, RoundKind.CONFIDENCE, nominees=3, printed=12)
    window = make_window()
    window.select_round(built.round_id)
    window.tabs.setCurrentWidget(window.minutes_page)
    (scroll,) = window.minutes_page.findChildren(QScrollArea)
    assert window.minutes_page.usb_encrypt.toolTip() == texts.USB_ENCRYPT_TIP
    window.resize(1366, 768)
    qtbot.waitUntil(lambda: not scroll.verticalScrollBar().isVisible())
    window.resize(980, 600)
    qtbot.waitUntil(lambda: scroll.verticalScrollBar().isVisible())
    assert scroll.widget().width() <= scroll.viewport().width()  # only ever scrolled downwards


def test_the_english_window_fits_too(
    english: None, make_window: MakeWindow, workspace: Workspace, qtbot: QtBot
) -> None:
    built = build_round(workspace, RoundKind.CONFIDENCE, nominees=3, printed=12)
    window = make_window()
    window.select_round(built.round_id)
    for size in ((980, 600), (1366, 768)):
        window.resize(*size)
        qtbot.waitUntil(lambda s=size: window.size().toTuple() == s)
        for i in range(window.tabs.count()):
            window.tabs.setCurrentIndex(i)
            qtbot.wait(50)
            assert clipped(window) == [], (size, window.tabs.tabText(i))
    assert window.tabs.tabText(0) != "1. Chuẩn bị"  # the English texts really are shown
