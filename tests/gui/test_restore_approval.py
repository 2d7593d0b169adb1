"""Restoring a backup in the window with the real dialogs (Công cụ → Sao lưu và khôi phục), answered by keys:
the plan, then the chair's and a member's passphrases. Escape on the approval, or a wrong passphrase, leaves the
SQLite file the same row for row (read with python's sqlite3) and the window on it; the right two restore it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.gui.answer import ENTER, ESCAPE, answer, approve, button, file_state, file_value
from tests.gui.job_wait import wait_job
from tests.gui.keys import click
from tests.gui.test_tools_backup import open_tool, pick_row, record, take_backup
from tests.helpers.builders import CHAIR_NAME, MEMBER_NAME, PASSPHRASES, Built, build_round
from vote_counter.domain.model import RoundKind
from vote_counter.services.workspace import Workspace
from vote_counter.ui import texts
from vote_counter.ui.main_window import MainWindow
from vote_counter.ui.pages.backup_panel import RestorePlanDialog
from vote_counter.ui.sign_in import ApprovalDialog

MakeWindow = Callable[[], MainWindow]
pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")  # offscreen Qt, every real dialog


@pytest.fixture
def built(workspace: Workspace) -> Built:
    return build_round(workspace, RoundKind.CONFIDENCE, nominees=3, printed=12)


@pytest.fixture
def window(real_dialogs: MakeWindow, built: Built) -> Iterator[MainWindow]:
    w = real_dialogs()
    w.select_round(built.round_id)
    yield w
    if w.ctx.workspace is not None:
        w.ctx.workspace.close()


def ballots(db: Path) -> object:
    return file_value(db, "SELECT count(*) FROM ballots")


def start_restore(qtbot: QtBot, window: MainWindow, workspace: Workspace, built: Built) -> Path:
    """Three ballots, a backup, four more: the restore would drop the four."""
    record(workspace, built, range(3))
    open_tool(qtbot, window, 1)
    backup = take_backup(qtbot, window, "ba phiếu")
    record(workspace, built, range(3, 7))
    window.tools_page.backup.refresh()
    pick_row(qtbot, window, 0)
    return backup


def plan_go(dialog: object) -> None:
    assert isinstance(dialog, RestorePlanDialog), dialog
    button(texts.RESTORE_GO)(dialog)


def test_escape_on_the_approval_changes_nothing(
    window: MainWindow, workspace: Workspace, built: Built, qtbot: QtBot
) -> None:
    start_restore(qtbot, window, workspace, built)
    before = file_state(workspace.path)
    answers = answer(plan_go, ESCAPE)
    click(qtbot, window.tools_page.backup.restore_button)
    qtbot.waitUntil(lambda: len(answers.seen) >= 2 and not window.ctx.jobs.busy(), timeout=600_000)
    qtbot.wait(300)  # a dialog more than expected would come now: `answered` then fails
    wait_job(qtbot, window.ctx.jobs)
    assert answers.answered()
    assert isinstance(answers.seen[1], ApprovalDialog)
    assert window.tools_page.backup.status.text() == texts.APPROVAL_CANCELLED
    assert file_state(workspace.path) == before  # every table, row for row
    assert ballots(workspace.path) == 7
    assert window.ctx.workspace is workspace  # the window stays on the file it had
    assert not sorted((workspace.path.parent / "backups").glob("*truoc-khi-khoi-phuc*"))


def test_a_wrong_passphrase_is_refused_and_changes_nothing(
    window: MainWindow, workspace: Workspace, built: Built, qtbot: QtBot
) -> None:
    start_restore(qtbot, window, workspace, built)
    before = file_state(workspace.path)
    answers = answer(plan_go, approve(second=PASSPHRASES[MEMBER_NAME] + "x"), ENTER)
    click(qtbot, window.tools_page.backup.restore_button)
    qtbot.waitUntil(lambda: len(answers.seen) == 3, timeout=600_000)
    wait_job(qtbot, window.ctx.jobs)
    assert answers.answered()
    assert answers.titles[2] == texts.ERROR_TITLE  # said in a message box, in Vietnamese, naming who
    assert f"Mật khẩu của {MEMBER_NAME} không đúng" in answers.texts[2], answers.texts[2]
    status = window.tools_page.backup.status
    assert status.kind == "error" and f"Mật khẩu của {MEMBER_NAME} không đúng" in status.text()
    # What the refusal left: the file as it was (the log too: a wrong passphrase is counted on the member's
    # row, which is not sealed, and that is all) and the window working on it.
    after = file_state(workspace.path)
    changed = [line for line in after if line not in before] + [line for line in before if line not in after]
    assert all("board_members" in line for line in changed), changed
    assert ballots(workspace.path) == 7
    assert file_value(workspace.path, "SELECT count(*) FROM audit_log WHERE action = 'backup_restored'") == 0
    assert not sorted((workspace.path.parent / "backups").glob("*truoc-khi-khoi-phuc*"))
    ws = window.ctx.workspace
    assert ws is not None
    record(ws, built, range(7, 8))  # the window carries on counting on the same file
    assert ballots(workspace.path) == 8


def test_the_chair_and_a_member_typing_their_passphrases_restore(
    window: MainWindow, workspace: Workspace, built: Built, qtbot: QtBot
) -> None:
    start_restore(qtbot, window, workspace, built)
    answers = answer(plan_go, approve(), ENTER)
    click(qtbot, window.tools_page.backup.restore_button)
    qtbot.waitUntil(lambda: len(answers.seen) == 3, timeout=600_000)
    assert answers.answered()
    assert answers.titles[2] == texts.RESTORE_DONE_TITLE
    assert ballots(workspace.path) == 3
    actor = file_value(workspace.path, "SELECT actor FROM audit_log WHERE action = 'backup_restored'")
    assert CHAIR_NAME in str(actor) and MEMBER_NAME in str(actor)
