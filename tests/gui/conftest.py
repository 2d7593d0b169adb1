"""A real window over a real SQLite file, and a board that acts through the keyboard."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from tests.helpers.builders import Accounts, board_accounts
from vote_counter.domain.model import Counts, Meeting, MeetingId, Nominee, Round, RoundId, RoundKind, Stage
from vote_counter.services.accounts import Approval, Credential
from vote_counter.services.register import IssuedBallot
from vote_counter.services.workspace import Workspace
from vote_counter.ui import close_check, dialogs, sign_in
from vote_counter.ui.fonts import apply_app_font
from vote_counter.ui.language import ENGLISH, VIETNAMESE, use_language
from vote_counter.ui.main_window import MainWindow

NAMES = ("Nguyễn Văn An", "Trần Thị Bích", "Lê Hoàng Đức")


@pytest.fixture(autouse=True)
def app_font(qapp: QApplication) -> None:
    # Offscreen Qt has no Vietnamese font of its own: without the bundled one it draws boxes.
    apply_app_font(qapp)


@pytest.fixture
def english() -> Iterator[None]:
    """The window's texts and the services' messages in English for one test, Vietnamese again after it."""
    use_language(ENGLISH)
    try:
        yield
    finally:
        use_language(VIETNAMESE)


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    ws = Workspace.open(tmp_path / "db.sqlite3")
    yield ws
    ws.close()


@dataclass
class Seeded:
    round_id: RoundId
    ballots: list[IssuedBallot]
    accounts: Accounts | None = None


def seed_round(
    ws: Workspace,
    *,
    kind: RoundKind = RoundKind.CONFIDENCE,
    names: tuple[str, ...] = NAMES,
    ballots: int = 12,
    double_entry: bool = False,
    announced: bool = True,
    counting: bool = True,
    collected: int | None = None,
    title: str = "Lấy phiếu tín nhiệm năm 2025",
    accounts: bool = True,
) -> Seeded:
    """A meeting and a round set up through the services, ballots printed, counting open.

    With `accounts`, the board (chair Hoàng Thị Lan, member Ngô Quốc Việt) holds passphrases and both are
    signed in at `ws`, as after the start-up sign-in; two-person dialogs are answered by make_window."""
    meeting = ws.setup.create_meeting(Meeting(None, "Hội nghị cán bộ chủ chốt", "Sở Tài chính tỉnh Hà Giang"))
    board = board_accounts(ws, meeting, third=False) if accounts else None
    round_ = ws.setup.create_round(
        Round(
            None,
            meeting.id,
            title,
            kind,
            double_entry=double_entry,
            announced=announced,
            counts=Counts(summoned=ballots, present=ballots, issued=ballots, collected=collected),
        )
    )
    assert round_.id is not None
    ws.setup.add_nominees(
        round_.id, [Nominee(None, round_.id, name, current_position="Phó Giám đốc") for name in names]
    )
    issued = ws.register.print_batch(round_.id, ballots)
    if counting:
        ws.stages.change(round_.id, Stage.COUNTING)
    return Seeded(round_.id, issued, board)


def board_approval(ws: Workspace, meeting_id: MeetingId) -> Approval | None:
    """The chair and member of a seeded board, as they would type their passphrases into the dialog."""
    auth = ws.access.signed_in.get(meeting_id)
    return auth if isinstance(auth, Approval) else None


def board_chair(ws: Workspace, meeting_id: MeetingId) -> Credential | None:
    approval = board_approval(ws, meeting_id)
    return approval.first if approval is not None else None


class FakeClock:
    """The scan filter's clock (ui/scanner.py): the Board moves it as a person or a scanner would type."""

    HUMAN = 0.25  # seconds between a person's keys
    SCANNER = 0.004  # a keyboard-wedge scanner: a digit every 4 ms

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


# The real dialogs, as the product has them: `real_dialogs` puts them back for tests where the dialog is the point.
REAL_DIALOGS = (
    (dialogs, "confirm", dialogs.confirm),
    (close_check, "run_dialog", close_check.run_dialog),
    (sign_in, "ask_approval", sign_in.ask_approval),
    (sign_in, "ask_chair", sign_in.ask_chair),
)


@pytest.fixture
def make_window(
    qtbot: QtBot, workspace: Workspace, settings: QSettings, monkeypatch: pytest.MonkeyPatch, clock: FakeClock
) -> Iterator[Callable[[], MainWindow]]:
    """The window over `workspace`. Confirmations, the closing checks' list and the two-person dialogs are
    answered "yes" by the seeded board, for the tests where they are incidental (docs/TESTING.md lists them);
    a test that asks for `real_dialogs` gets the real ones and answers them by keys (tests/gui/answer.py)."""
    monkeypatch.setattr(dialogs, "confirm", lambda *_a, **_k: True)
    # The list of what blocks closing: closed at once (tests of the list itself press its buttons).
    monkeypatch.setattr(close_check, "run_dialog", lambda _dialog: None)
    # Two-person actions: the seeded chair and member confirm (tests of the dialogs themselves drive them).
    monkeypatch.setattr(sign_in, "ask_approval", lambda _p, ws, mid, *_a, **_k: board_approval(ws, mid))
    monkeypatch.setattr(sign_in, "ask_chair", lambda _p, ws, mid: board_chair(ws, mid))

    windows: list[MainWindow] = []  # qtbot.addWidget keeps only a weak reference

    def make() -> MainWindow:
        window = MainWindow(workspace, settings, clock=clock)
        windows.append(window)
        qtbot.addWidget(window)
        window.resize(1366, 768)
        with qtbot.waitActive(window):
            window.show()
            window.activateWindow()
        # Activation and the focus it restores arrive through the event loop.
        qtbot.waitUntil(lambda: QApplication.focusWidget() is not None, timeout=3000)
        return window

    yield make
    windows.clear()


@pytest.fixture
def real_dialogs(make_window: Callable[[], MainWindow], monkeypatch: pytest.MonkeyPatch) -> Callable[[], MainWindow]:
    """make_window with every confirmation, closing-checks list and two-person dialog real: the test answers them."""
    for module, name, real in REAL_DIALOGS:
        monkeypatch.setattr(module, name, real)
    return make_window


def type_text(widget: QWidget, text: str) -> None:
    """Type any text, Vietnamese included, as a Telex/VNI input method delivers it: one composed
    character per key event (QTest.keyClicks only knows ASCII)."""
    for ch in text:
        if ch.isascii():
            QTest.keyClick(widget, ch)
        else:
            QTest.sendKeyEvent(QTest.KeyAction.Press, widget, Qt.Key.Key_unknown, ch, Qt.KeyboardModifier.NoModifier)
            QTest.sendKeyEvent(QTest.KeyAction.Release, widget, Qt.Key.Key_unknown, ch, Qt.KeyboardModifier.NoModifier)


CR, LF, CRLF = "\r", "\n", "\r\n"


class Board:
    """A board member at the keyboard: every key goes to whatever has the focus, as on a real laptop.

    Keys typed by `type`, `key` and `digits` come at a person's pace; `scan` types at a scanner's pace
    and ends with CR, LF or CR+LF (LF as a wedge scanner sends it: Ctrl+J)."""

    def __init__(self, qtbot: QtBot, clock: FakeClock | None = None) -> None:
        self.qtbot = qtbot
        self.clock = clock if clock is not None else FakeClock()
        self.keys_sent = 0

    def focus(self) -> QWidget:
        widget = QApplication.focusWidget()
        assert widget is not None, "nothing has the keyboard focus"
        return widget

    def type(self, text: str) -> None:
        for ch in text:
            self.clock.advance(FakeClock.HUMAN)
            self.qtbot.keyClicks(self.focus(), ch)
            self.keys_sent += 1

    def key(self, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        self.clock.advance(FakeClock.HUMAN)
        self.qtbot.keyClick(self.focus(), key, modifier)
        self.keys_sent += 1

    def digits(self, text: str) -> None:
        """Marks, one key per row."""
        for ch in text:
            self.key(getattr(Qt.Key, f"Key_{ch}"))

    def scan(self, payload: str, ending: str = CR, *, pace: float = FakeClock.SCANNER) -> None:
        """A keyboard-wedge scanner: the digits at machine speed, each to whatever has the focus, then the ending."""
        self.clock.advance(FakeClock.HUMAN)  # the member lifts the scanner: a pause before the burst
        for ch in payload:
            self.qtbot.keyClick(self.focus(), ch)
            self.clock.advance(pace)
        for ch in ending:
            if ch == "\r":
                self.qtbot.keyClick(self.focus(), Qt.Key.Key_Return)
            else:  # LF: Ctrl+J, as a wedge scanner types ASCII control characters
                self.qtbot.keyClick(self.focus(), Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)
            self.clock.advance(pace)
        self.keys_sent += len(payload) + len(ending)


@pytest.fixture
def board(qtbot: QtBot, clock: FakeClock) -> Board:
    return Board(qtbot, clock)
