"""First run: the welcome screen, the sample meeting with its passphrases, a new meeting, recent meetings,
the settings dialog, the About box and the English window."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QWidget
from pytestqt.qtbot import QtBot

from tests.gui.conftest import seed_round
from tests.gui.job_wait import wait_job
from tests.gui.keys import Modal, click, commit, focused, press, retype
from vote_counter import __version__
from vote_counter.services.demo import DEMO_BOARD
from vote_counter.services.workspace import Workspace
from vote_counter.ui import dialogs, once_shown, settings_dialog, texts
from vote_counter.ui.language import ENGLISH, VIETNAMESE, saved_language, use_language
from vote_counter.ui.main_window import MainWindow
from vote_counter.ui.settings import KEY_IDLE_MINUTES
from vote_counter.ui.settings_dialog import SettingsDialog

MakeWindow = Callable[[], MainWindow]


@pytest.fixture
def infos(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(dialogs, "show_info", lambda _p, title, message: shown.append((title, message)))
    # The sample board's passphrases are shown once, in the dialog that only "Tôi đã ghi lại" closes.
    monkeypatch.setattr(
        once_shown, "show_once", lambda _p, title, intro, secret, after: shown.append((title, f"{intro}\n{secret}"))
    )
    return shown


def test_an_empty_database_opens_on_the_welcome_screen(make_window: MakeWindow, workspace: Workspace) -> None:
    window = make_window()
    assert window.stack.currentWidget() is window.welcome
    assert window.welcome.demo_button.text() == "Mở hội nghị mẫu"
    assert window.welcome.new_button.text() == "Tạo hội nghị mới"
    assert str(workspace.path) in window.welcome.database.text()
    assert window.welcome.recent_none.isVisibleTo(window.welcome)
    assert not window.welcome.continue_button.isVisibleTo(window.welcome)


@pytest.mark.qt_log_ignore("does not support propagateSizeHints")  # offscreen Qt, the job's progress dialog
def test_sample_meeting_shows_its_passphrases_and_signs_the_board_in(
    make_window: MakeWindow, workspace: Workspace, qtbot: QtBot, infos: list[tuple[str, str]]
) -> None:
    window = make_window()
    qtbot.mouseClick(window.welcome.demo_button, Qt.MouseButton.LeftButton)
    wait_job(qtbot, window.ctx.jobs)  # built off the UI thread (tests/gui/test_jobs.py)
    assert window.stack.currentWidget() is window.work
    assert window.tabs.currentWidget() is window.results_page
    (meeting,) = workspace.setup.meetings()
    assert window.ctx.meeting_id == meeting.id
    ((title, message),) = infos
    assert title == texts.DEMO_READY_TITLE
    for name, _role, passphrase in DEMO_BOARD:
        assert f"{name}" in message and passphrase in message
    assert "Nguyễn Thị Mai" in window.user_label.text()  # signed in: the sign-in box has the same names
    # the sample meeting is now a recent meeting, listed on the welcome screen and in the menu
    window.show_welcome()
    assert window.welcome.recent.count() == 1
    assert window.welcome.recent.item(0).text() == meeting.title
    assert window.welcome.continue_button.isVisibleTo(window.welcome)
    window._fill_recent_menu()
    assert [a.text() for a in window.recent_menu.actions()] == [meeting.title]
    qtbot.mouseClick(window.welcome.open_button, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.work


def test_new_meeting_goes_to_set_up_with_empty_fields(
    make_window: MakeWindow, workspace: Workspace, qtbot: QtBot
) -> None:
    window = make_window()
    qtbot.mouseClick(window.welcome.new_button, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.work
    assert window.tabs.currentWidget() is window.setup_page
    form = window.setup_page.meeting_form
    assert window.setup_page.tabs.currentWidget() is form
    assert form.title.text() == ""
    qtbot.keyClicks(form.title, "Hoi nghi moi")
    qtbot.keyClicks(form.organisation, "So Tu phap")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert [m.title for m in workspace.setup.meetings()] == ["Hoi nghi moi"], window.setup_page.status.text()


def test_a_database_with_meetings_opens_on_the_work_pages(make_window: MakeWindow, workspace: Workspace) -> None:
    seed_round(workspace, counting=False, accounts=False)
    window = make_window()
    assert window.stack.currentWidget() is window.work


@pytest.mark.qt_log_ignore("does not support propagateSizeHints")
def test_settings_dialog_saves_idle_minutes_and_language(
    make_window: MakeWindow,
    workspace: Workspace,
    settings: QSettings,
    monkeypatch: pytest.MonkeyPatch,
    qtbot: QtBot,
) -> None:
    window = make_window()
    opened: list[str] = []
    monkeypatch.setattr(settings_dialog.QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
    dialog = SettingsDialog(settings, workspace.path, window.idle.minutes, window)
    with qtbot.waitExposed(dialog):
        dialog.show()
    dialog.activateWindow()
    assert dialog.database.isReadOnly() and dialog.database.text() == str(workspace.path)
    click(qtbot, dialog.open_folder)
    assert opened == [str(workspace.path.parent)]
    assert dialog.idle.value() == 10
    assert [dialog.language.itemText(i) for i in range(dialog.language.count())] == ["Tiếng Việt", "English"]
    retype(qtbot, dialog.idle, "3")
    commit(qtbot)  # Tab: from the minutes to the language box, which the Down arrow steps
    assert focused() is dialog.language
    press(qtbot, Qt.Key.Key_Down)
    assert dialog.idle.value() == 3 and dialog.language.currentText() == "English"
    assert dialog.save() is True
    assert int(str(settings.value(KEY_IDLE_MINUTES))) == 3
    assert saved_language(settings) == ENGLISH
    assert texts.PAGE_SETUP == "1. Chuẩn bị"  # applies at the next start only
    dialog.deleteLater()


@pytest.mark.qt_log_ignore(
    "does not support propagateSizeHints", "does not support raise", "does not support grabbing the keyboard"
)
def test_settings_from_the_menu_apply_the_idle_lock_at_once(
    make_window: MakeWindow, infos: list[tuple[str, str]], qtbot: QtBot
) -> None:
    """The real dialog from the menu, filled in by keys: the minutes retyped, the language picked from its
    list with Down + Enter, then Enter on the dialog saves."""
    window = make_window()

    def fill(dialog: QWidget) -> None:
        assert isinstance(dialog, SettingsDialog)
        retype(qtbot, dialog.idle, "2")
        qtbot.mouseClick(dialog.language, Qt.MouseButton.LeftButton)
        popup = QApplication.activePopupWidget()
        assert popup is not None  # the language list is open
        view = popup.findChild(QAbstractItemView)
        assert view is not None
        qtbot.keyClick(view, Qt.Key.Key_Down)
        qtbot.keyClick(view, Qt.Key.Key_Return)
        assert dialog.language.currentText() == "English"
        dialog.activateWindow()  # the keyboard back from the closed list (offscreen Qt has no window manager)
        qtbot.keyClick(dialog, Qt.Key.Key_Return)

    answer = Modal(fill)
    (settings_action,) = [
        a for m in window.menuBar().actions() for a in m.menu().actions() if a.text() == texts.MENU_SETTINGS
    ]
    settings_action.trigger()
    assert answer.answered()
    assert window.idle.minutes == 2
    assert window.idle.timer.interval() == 120_000
    assert infos == [(texts.SETTINGS_TITLE, texts.LANGUAGE_CHANGED)]


@pytest.mark.qt_log_ignore("does not support propagateSizeHints")
def test_about_shows_the_version(make_window: MakeWindow, qtbot: QtBot) -> None:
    window = make_window()
    about_box = Modal(lambda _dialog: press(qtbot, Qt.Key.Key_Return))
    (help_menu,) = [m.menu() for m in window.menuBar().actions() if m.text() == texts.MENU_HELP]
    (about,) = [a for a in help_menu.actions() if a.text() == texts.MENU_ABOUT]
    about.trigger()
    assert about_box.answered() and __version__ in about_box.texts[0]
    assert QApplication.activeModalWidget() is None  # Enter closed it


def test_the_window_in_english(qtbot: QtBot, workspace: Workspace, tmp_path: Path) -> None:
    seed_round(workspace, counting=False, accounts=False)
    use_language(ENGLISH)
    try:
        window = MainWindow(workspace, QSettings(str(tmp_path / "en.ini"), QSettings.Format.IniFormat))
        qtbot.addWidget(window)
        tabs = [window.tabs.tabText(i) for i in range(window.tabs.count())]
        assert tabs == [
            "1. Set-up",
            "2. Ballots",
            "3. Counting",
            "3b. Read scans",
            "4. Results",
            "5. Minutes and export",
            "Tools",
        ]
        assert window.setup_page.tabs.tabText(0) == "Meeting"
        assert window.menuBar().actions()[0].text() == "&Meeting"
        assert window.setup_page.nominees.model.headerData(1, Qt.Orientation.Horizontal) == "Full name"
    finally:
        use_language(VIETNAMESE)
    assert texts.PAGE_SETUP == "1. Chuẩn bị"
