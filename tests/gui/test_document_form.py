"""Chuẩn bị → Thông tin văn bản, typed as the board's secretary would; the minutes page says what is missing."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.gui.conftest import seed_round, type_text
from vote_counter.domain.model import MeetingId, RoundId
from vote_counter.services.workspace import Workspace
from vote_counter.ui import texts
from vote_counter.ui.main_window import MainWindow

MakeWindow = Callable[[], MainWindow]
LEFT = Qt.MouseButton.LeftButton


def test_details_typed_into_the_form_are_saved_and_the_gaps_named(
    make_window: MakeWindow, workspace: Workspace, qtbot: QtBot, tmp_path: Path
) -> None:
    seeded = seed_round(workspace, counting=False)
    meeting_id = MeetingId(1)
    window = make_window()
    window.ctx.select(meeting_id, RoundId(seeded.round_id))
    setup = window.setup_page
    form = setup.documents
    setup.tabs.setCurrentWidget(form)
    form.refresh()
    assert "số biên bản" in form.missing.text() and "nơi nhận" in form.missing.text()

    type_text(form.place, "Hà Giang")
    type_text(form.symbol, "BB-STC")
    form.numbers.item(0, 1).setText("07")
    form.recipients.setPlainText("Ban Tổ chức Tỉnh ủy | 2\nLưu: VT, Ban kiểm phiếu")
    qtbot.mouseClick(form.save_button, LEFT)
    assert setup.status.kind == "ok", setup.status.text()
    details = workspace.documents.details(meeting_id)
    assert details.numbers == {seeded.round_id: "07"} and details.symbol == "BB-STC" and details.place == "Hà Giang"
    assert [(r.name, r.copies) for r in details.recipients] == [
        ("Ban Tổ chức Tỉnh ủy", 2),
        ("Lưu: VT, Ban kiểm phiếu", 1),
    ]
    assert form.missing.text() == texts.DOC_COMPLETE
    shot = Path(os.environ.get("KP_SHOTS", tmp_path)) / "document_form.png"
    assert window.grab().save(str(shot))

    # A line that cannot be read is named, and nothing is saved.
    form.recipients.setPlainText("Ban Tổ chức Tỉnh ủy | hai")
    qtbot.mouseClick(form.save_button, LEFT)
    assert setup.status.kind == "error"
    assert setup.status.text() == texts.DOC_BAD_RECIPIENT.format(line=1)
    assert workspace.documents.details(meeting_id) == details
    form.recipients.setPlainText("Lưu | 0")
    qtbot.mouseClick(form.save_button, LEFT)
    assert setup.status.kind == "error" and "số bản" in setup.status.text()
    assert workspace.documents.details(meeting_id) == details
