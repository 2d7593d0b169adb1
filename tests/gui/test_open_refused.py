"""The window refuses a database file holding objects the app did not make (storage/schema_guard.py): one
message box naming the object, exit 2, no window, the file unchanged — never a traceback."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from tests.helpers.builders import raw, workspace_at
from vote_counter.services.workspace import Workspace
from vote_counter.ui import app as ui_app
from vote_counter.ui import dialogs
from vote_counter.ui.main_window import MainWindow


def test_the_window_refuses_a_file_with_a_planted_trigger(
    qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "kp.sqlite3"
    Workspace.open(path).close()
    with raw(path) as conn:
        conn.execute("CREATE TRIGGER kp_rewrite AFTER INSERT ON ballots BEGIN SELECT 1; END")
    before = path.read_bytes()
    shown: list[str] = []
    monkeypatch.setattr(dialogs, "show_error", lambda _parent, message: shown.append(message))
    built: list[object] = []
    monkeypatch.setattr(ui_app, "MainWindow", lambda *a: built.append(a) or MainWindow(*a))
    assert ui_app.run_gui(path) == 2
    assert built == []  # no window on a refused file
    assert len(shown) == 1 and "trigger “kp_rewrite” không do phần mềm tạo ra" in shown[0]
    assert shown[0].startswith("Dữ liệu bị sửa ngoài phần mềm: ")
    assert "Không mở được cơ sở dữ liệu: Dữ liệu bị sửa ngoài phần mềm" in capsys.readouterr().err
    assert path.read_bytes() == before


@pytest.mark.qt_log_ignore("does not support propagateSizeHints")  # offscreen plugin, dialogs
def test_the_refusal_box_reads_whole(qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The real box run_gui shows, grabbed instead of run (KP_SHOTS=folder keeps the PNG to look at)."""
    path = tmp_path / "kp.sqlite3"
    with workspace_at(path):
        pass
    with raw(path) as conn:
        conn.execute("CREATE VIEW tong_phieu AS SELECT 1")
    boxes: list[QMessageBox] = []

    def grab(box: QMessageBox) -> int:
        boxes.append(box)
        box.show()  # laid out as on screen: the text wraps to the box's width
        qapp.processEvents()
        shot = Path(os.environ.get("KP_SHOTS", str(tmp_path))) / "open_refused.png"
        assert box.grab().save(str(shot))
        box.close()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", grab)
    assert ui_app.run_gui(path) == 2
    (box,) = boxes
    assert "view “tong_phieu” không do phần mềm tạo ra" in box.text()
    assert [b.text() for b in box.buttons()] == ["Đóng"]
