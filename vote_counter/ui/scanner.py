"""A scan is an event, not keystrokes (SPEC §6, STYLE habit 19).

A keyboard-wedge scanner types its payload into whatever widget has the focus, at machine speed, then
CR, LF or CR+LF. One application-level event filter watches every key press on the window:

* a digit typed within `max_gap_ms` of the previous one continues a burst. The first digit of a burst
  has already reached its widget (a person's key must act at once), so at the second fast digit the
  owner of that widget is asked to `restore()` what it was before the first one; the rest of the burst
  is held back;
* a burst of at least `MIN_DIGITS` digits ended by CR, LF (Return, Enter or Ctrl+J) or by silence is a
  scan: the owner's `scanned(payload)` is called and the ending key is swallowed, as is a second Enter
  arriving within `CRLF_WINDOW_MS` (the LF of a CR+LF scanner);
* a shorter fast burst (two keys pressed together) is replayed to its widget as the person typed it;
* a scanner configured to send a prefix key first (setting `scanner/prefix`, e.g. "F12") marks its
  payload explicitly: everything up to the ending key is the payload, whatever the speed.

While a `grab` widget is set (the lock screen) every input event aimed at anything outside it is
dropped: nothing behind the lock receives a key, a click or a shortcut.

The clock is injectable, so tests type at scanner speed or at a person's speed without sleeping.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QWidget

Clock = Callable[[], float]  # seconds, monotonic

MIN_DIGITS = 12  # a typed serial is 12 digits, a QR payload 49
DEFAULT_MAX_GAP_MS = 40.0  # wedge scanners type a digit every 1-15 ms; people need 80 ms or more
CRLF_WINDOW_MS = 150.0
KEY_MAX_GAP = "scanner/max_gap_ms"
KEY_PREFIX = "scanner/prefix"

DIGITS = {int(getattr(Qt.Key, f"Key_{d}")): str(d) for d in range(10)}
ENTER_KEYS = frozenset({int(Qt.Key.Key_Return), int(Qt.Key.Key_Enter)})
PLAIN = (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
GRABBED = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.KeyRelease,
        QEvent.Type.ShortcutOverride,
        QEvent.Type.Shortcut,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.Wheel,
        QEvent.Type.ContextMenu,
        QEvent.Type.TouchBegin,
    }
)


class ScanOwner(Protocol):
    """A part of the window that takes scans (the entry page, the lock screen)."""

    def owns(self, widget: QWidget) -> bool: ...

    def snapshot(self) -> object:
        """What a single digit is about to change (taken before every lone digit)."""
        ...

    def restore(self, state: object) -> None:
        """Undo the first digit of a burst: it was a scanner's, not a person's."""
        ...

    def scanned(self, payload: str) -> None: ...

    def command(self, event: QKeyEvent) -> bool:
        """Window-level keys of this part (undo, redo): True when handled."""
        ...


def is_enter(event: QKeyEvent) -> bool:
    """CR (Return), keypad Enter, or LF as a wedge scanner types it (Ctrl+J)."""
    if event.key() in ENTER_KEYS:
        return True
    ctrl_j = event.key() == Qt.Key.Key_J and bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
    return ctrl_j or event.text() in ("\r", "\n")


def digit_of(event: QKeyEvent) -> str | None:
    if event.modifiers() not in PLAIN:
        return None
    return DIGITS.get(event.key())


def within(widget: QObject | None, ancestor: QWidget) -> bool:
    """`widget` is `ancestor` or below it, across pop-up windows (a combo box's list) too."""
    obj: QObject | None = widget
    while isinstance(obj, QObject):
        if obj is ancestor:
            return True
        obj = obj.parent()
    return False


def parse_gap(value: object) -> float:
    """The setting `scanner/max_gap_ms` (between 5 and 200), or the default."""
    try:
        gap = float(str(value)) if value not in (None, "") else DEFAULT_MAX_GAP_MS
    except ValueError:
        return DEFAULT_MAX_GAP_MS
    return gap if 5.0 <= gap <= 200.0 else DEFAULT_MAX_GAP_MS


def parse_prefix(text: object) -> int | None:
    """The prefix key from the setting ("F12", "Ctrl+]", …), or None when unset or unreadable."""
    if not isinstance(text, str) or not text.strip():
        return None
    seq = QKeySequence(text.strip())
    if seq.isEmpty():
        return None
    combo = seq[0]  # type: ignore[index]
    return int(combo.key()) | int(combo.keyboardModifiers().value)


class ScanFilter(QObject):
    def __init__(
        self,
        clock: Clock | None = None,
        *,
        max_gap_ms: float = DEFAULT_MAX_GAP_MS,
        prefix: int | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.clock: Clock = clock if clock is not None else time.monotonic
        self.max_gap_ms = max_gap_ms
        self.prefix = prefix
        self.grab: QWidget | None = None
        self.owners: list[ScanOwner] = []
        self.scans = 0  # bursts recognised (for tests and the benchmark)
        self._digits = ""
        self._last = 0.0
        self._owner: ScanOwner | None = None
        self._target: QWidget | None = None
        self._state: object = None
        self._bursting = False
        self._prefixed = False
        self._replaying = False
        self._enter_until = -1.0
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.timeout.connect(self._flush_if_quiet)

    def install(self, app: QApplication) -> None:
        app.installEventFilter(self)

    def _now_ms(self) -> float:
        return self.clock() * 1000.0

    def _owner_of(self, widget: QWidget) -> ScanOwner | None:
        return next((o for o in self.owners if o.owns(widget)), None)

    # ------------------------------------------------------------ Qt
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if self.grab is not None and kind in GRABBED and not within(watched, self.grab):
            return True
        if self._replaying or not isinstance(event, QKeyEvent):
            return False
        # A key an inner widget ignores is offered to its parents too: look at it once, where it lands.
        if not isinstance(watched, QWidget) or watched is not QApplication.focusWidget():
            return False
        if kind == QEvent.Type.ShortcutOverride:
            return self._override(watched, event)
        if kind == QEvent.Type.KeyPress:
            return self._key(watched, event)
        return False

    def _override(self, widget: QWidget, event: QKeyEvent) -> bool:
        """Undo/redo are the page's, not the line edit's: claim the key so it arrives as a key press."""
        owner = self._owner_of(widget)
        if owner is not None and _is_history_key(event):
            event.accept()
            return True
        return False

    def _key(self, widget: QWidget, event: QKeyEvent) -> bool:
        owner = self._owner_of(widget)
        if owner is None:
            self._flush()
            return False
        now = self._now_ms()
        if is_enter(event) and now <= self._enter_until:
            self._enter_until = -1.0  # the LF of a CR+LF scanner
            return True
        self._enter_until = -1.0
        combo = int(event.key()) | int(event.modifiers().value)
        if self.prefix is not None and combo == self.prefix:
            self._flush()
            self._start(widget, owner, now, prefixed=True)
            return True
        digit = digit_of(event)
        if digit is not None:
            return self._digit(widget, owner, digit, now)
        if is_enter(event) and (self._prefixed or (self._bursting and now - self._last <= self.max_gap_ms)):
            return self._end_burst(now)
        self._flush()
        return owner.command(event)

    def _start(self, widget: QWidget, owner: ScanOwner, now: float, *, prefixed: bool) -> None:
        self._owner, self._target = owner, widget
        self._digits, self._last = "", now
        self._bursting, self._prefixed = prefixed, prefixed
        self._state = None

    def _digit(self, widget: QWidget, owner: ScanOwner, digit: str, now: float) -> bool:
        if self._prefixed:
            self._digits += digit
            self._last = now
            return True
        if self._digits and owner is self._owner and now - self._last <= self.max_gap_ms:
            if not self._bursting:
                self._bursting = True
                owner.restore(self._state)
            self._digits += digit
            self._last = now
            self._flush_timer.start(int(self.max_gap_ms * 2) + 1)
            return True
        self._flush()
        self._start(widget, owner, now, prefixed=False)
        self._state = owner.snapshot()
        self._digits = digit
        return False  # a person's digit acts at once

    def _end_burst(self, now: float) -> bool:
        owner, payload = self._owner, self._digits
        prefixed = self._prefixed
        if owner is None or (len(payload) < MIN_DIGITS and not prefixed):
            self._flush()
            return False
        self._reset()
        self._enter_until = now + CRLF_WINDOW_MS
        self.scans += 1
        owner.scanned(payload)
        return True

    def _flush_if_quiet(self) -> None:
        if self._bursting and not self._prefixed:
            if self._now_ms() - self._last <= self.max_gap_ms:
                self._flush_timer.start(int(self.max_gap_ms * 2) + 1)
                return
            self._flush()

    def flush(self) -> None:
        """End whatever burst is pending (the next key does this too)."""
        self._flush()

    def _flush(self) -> None:
        """A pending burst ends without CR/LF: a scanner with no suffix, or two keys pressed together."""
        owner, target, digits = self._owner, self._target, self._digits
        bursting, prefixed = self._bursting, self._prefixed
        self._reset()
        if owner is None or not bursting or prefixed:
            return
        if len(digits) >= MIN_DIGITS:
            self.scans += 1
            owner.scanned(digits)
            return
        if target is None:
            return
        self._replaying = True
        try:
            for d in digits:
                for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                    key = QKeyEvent(kind, Qt.Key(int(getattr(Qt.Key, f"Key_{d}"))), Qt.KeyboardModifier.NoModifier, d)
                    QApplication.sendEvent(target, key)
        finally:
            self._replaying = False

    def _reset(self) -> None:
        self._flush_timer.stop()
        self._digits = ""
        self._owner = None
        self._target = None
        self._state = None
        self._bursting = False
        self._prefixed = False


def _is_history_key(event: QKeyEvent) -> bool:
    return (
        event.matches(QKeySequence.StandardKey.Undo) or event.matches(QKeySequence.StandardKey.Redo) or is_redo_y(event)
    )


def is_redo_y(event: QKeyEvent) -> bool:
    return event.key() == Qt.Key.Key_Y and event.modifiers() == Qt.KeyboardModifier.ControlModifier
