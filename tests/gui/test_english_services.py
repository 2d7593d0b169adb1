"""In the English window the services' messages are English too (issue 17): the error a service raises is read
from the real message box, answered by a key press; the same action in Vietnamese shows the Vietnamese source."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from tests.gui.keys import Modal
from tests.gui.test_import import HEADER, open_panel, preparing_round
from vote_counter import i18n
from vote_counter.domain.model import BallotMarks, Meeting, Nominee, NomineeId, Round, RoundId, RoundKind
from vote_counter.services.errors import ServiceError
from vote_counter.services.workspace import Workspace
from vote_counter.ui.language import ENGLISH, VIETNAMESE, use_language
from vote_counter.ui.main_window import MainWindow
from vote_counter.ui.pages import import_dialog

MakeWindow = Callable[[], MainWindow]
VIETNAMESE_LETTERS = re.compile(r"[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.I)


def _import_a_text_file(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qtbot: QtBot
) -> tuple[Modal, list[str]]:
    """Set-up → Nominees → “Import from file” with a list that has its header row and nobody under it: the import
    service refuses it."""
    path = tmp_path / "danh_sach.csv"
    path.write_text(HEADER, encoding="utf-8")
    monkeypatch.setattr(import_dialog, "choose_file", lambda _parent: path)  # the platform's own file dialog
    buttons: list[str] = []

    def read_and_close(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        buttons.extend(b.text() for b in box.findChildren(QPushButton))
        qtbot.keyClick(box, Qt.Key.Key_Return)

    answer = Modal(read_and_close)
    panel = open_panel(window)
    panel.import_button.click()
    return answer, buttons


@pytest.mark.qt_log_ignore("does not support propagateSizeHints")
def test_a_service_error_in_the_english_window_is_english(
    english: None,
    make_window: MakeWindow,
    workspace: Workspace,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    qtbot: QtBot,
) -> None:
    assert i18n.current_language() == ENGLISH  # the window's setting reaches the services
    rid = preparing_round(workspace)
    window = make_window()
    answer, buttons = _import_a_text_file(window, tmp_path, monkeypatch, qtbot)
    assert answer.answered()
    assert answer.titles == ["Could not be done"]
    shown = answer.texts[0].strip()  # the labels of the box: the icon's (empty) and the message
    assert shown == "Invalid data: the file has nobody with a full name."
    assert not VIETNAMESE_LETTERS.search(shown)
    assert buttons == ["Close"]
    assert [n.full_name for n in workspace.setup.nominees(rid)] == ["Lê Văn Anh"]  # nothing added


@pytest.mark.qt_log_ignore("does not support propagateSizeHints")
def test_the_same_error_in_the_vietnamese_window_is_the_source_text(
    make_window: MakeWindow, workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qtbot: QtBot
) -> None:
    assert i18n.current_language() == VIETNAMESE
    preparing_round(workspace)
    window = make_window()
    answer, buttons = _import_a_text_file(window, tmp_path, monkeypatch, qtbot)
    assert answer.answered()
    assert [t.strip() for t in answer.texts] == ["Dữ liệu không hợp lệ: tệp không có người nào có họ tên."]
    assert buttons == ["Đóng"]


def test_a_stage_refusal_in_the_english_window_names_the_stage_in_english(english: None, workspace: Workspace) -> None:
    """A message built from parts (the action, the stage label) is English in every part."""
    meeting = workspace.setup.create_meeting(Meeting(None, "Hội nghị cán bộ", "Sở Tài chính"))
    round_ = workspace.setup.create_round(Round(None, meeting.id, "Lấy phiếu tín nhiệm", RoundKind.CONFIDENCE))
    assert round_.id is not None
    nominee = workspace.setup.add_nominee(Nominee(None, round_.id, "Lê Văn Anh"))
    assert nominee.id is not None
    with pytest.raises(ServiceError) as refused:
        workspace.counting.record(
            RoundId(round_.id), "000000000000", BallotMarks({NomineeId(nominee.id): frozenset({0})})
        )
    assert refused.value.message == "Cannot enter ballots while the round is in the “Preparation” stage."
    use_language(VIETNAMESE)
    with pytest.raises(ServiceError) as refused:
        workspace.counting.record(
            RoundId(round_.id), "000000000000", BallotMarks({NomineeId(nominee.id): frozenset({0})})
        )
    assert refused.value.message == "Không thể nhập phiếu khi lượt bỏ phiếu đang ở giai đoạn “Chuẩn bị”."
