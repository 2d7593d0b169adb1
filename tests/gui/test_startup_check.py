"""The audit check at start-up runs after first paint in a background thread (issue 15): the window says
"Đang kiểm tra nhật ký…", every write is refused until the check has finished, then sign-in and any alarm
follow as before."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.gui.conftest import seed_round
from tests.gui.test_minutes_page import count_ballots
from tests.helpers.builders import assert_vietnamese
from vote_counter.domain.model import BallotMarks, Stage
from vote_counter.services.errors import ErrorCode, ServiceError
from vote_counter.services.workspace import Workspace
from vote_counter.ui import sign_in, texts
from vote_counter.ui.main_window import MainWindow

MakeWindow = Callable[[], MainWindow]


def _gate(workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Hold the check in its thread until the test lets it go (the real verify then runs)."""
    go = threading.Event()
    real = workspace.audit.verify

    def held() -> Any:
        assert threading.current_thread() is not threading.main_thread()  # really in the background
        assert go.wait(timeout=30)
        return real()

    monkeypatch.setattr(workspace.audit, "verify", held)
    return go


def test_writes_wait_for_the_background_check(
    make_window: MakeWindow, workspace: Workspace, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    seeded = seed_round(workspace, ballots=3)
    go = _gate(workspace, monkeypatch)
    window = make_window()
    window.start(background=True)
    QApplication.processEvents()
    assert window.audit_status.isVisible() and window.audit_status.text() == texts.AUDIT_CHECKING
    window.grab().save(str(tmp_path / "dang_kiem_tra.png"))
    assert window.audit_status.height() < 3 * window.audit_status.fontMetrics().height()  # one line, not wrapped
    # The window is up and readable; nothing can be saved yet, through any path.
    assert workspace.counting.totals(seeded.round_id).collected == 0
    for attempt in (
        lambda: workspace.counting.record(seeded.round_id, seeded.ballots[0].payload, BallotMarks({})),
        lambda: workspace.audit.record("thử ghi", {}),
    ):
        with pytest.raises(ServiceError) as info:
            attempt()
        assert info.value.code is ErrorCode.AUDIT_CHECKING
        assert_vietnamese(info.value.message)
    before = len(workspace.audit.entries())
    go.set()
    with qtbot.waitSignal(window.auditFinished, timeout=30_000):
        pass
    assert not window.audit_status.isVisible()
    assert len(workspace.audit.entries()) == before  # the refused writes left nothing behind
    count_ballots(workspace, seeded, "012")  # and now saves go through
    assert workspace.counting.totals(seeded.round_id).collected == 3


def test_background_check_still_raises_the_alarm(
    make_window: MakeWindow, workspace: Workspace, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeded = seed_round(workspace, ballots=4, collected=4)
    count_ballots(workspace, seeded, "01201201")
    workspace.stages.change(seeded.round_id, Stage.CLOSED)
    conn = sqlite3.connect(workspace.path)
    with conn:
        conn.execute("UPDATE running_totals SET data = replace(data, '\"valid\":4', '\"valid\":5')")
    conn.close()
    alarms: list[str] = []
    monkeypatch.setattr(sign_in, "show_alarm", lambda _p, message: alarms.append(message))
    window = make_window()
    with qtbot.waitSignal(window.auditFinished, timeout=30_000):
        window.start(background=True)
    (message,) = alarms
    assert "tổng cộng dồn" in message and "khác với lúc niêm phong" in message
    assert_vietnamese(message)
    window.tabs.setCurrentWidget(window.minutes_page)
    assert not window.minutes_page.usb_button.isEnabled()


def test_a_check_that_cannot_run_is_said_and_releases_nothing_silently(
    make_window: MakeWindow, workspace: Workspace, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_round(workspace, ballots=1)

    def broken() -> Any:
        raise ServiceError(ErrorCode.STORAGE, detail="lỗi đọc/ghi ổ đĩa")

    monkeypatch.setattr(workspace.audit, "verify", broken)
    alarms: list[str] = []
    monkeypatch.setattr(sign_in, "show_alarm", lambda _p, message: alarms.append(message))
    window = make_window()
    with qtbot.waitSignal(window.auditFinished, timeout=30_000):
        window.start(background=True)
    (message,) = alarms
    assert message.startswith("Không kiểm tra được nhật ký") and "lỗi đọc/ghi ổ đĩa" in message
    assert window.ctx.audit_problem is not None  # export stays refused
