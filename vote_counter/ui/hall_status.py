"""The status bar's two permanent facts (issue 16): which station this laptop is, and which database it writes to
and whether that database still answers — "SQLite: tệp …", "Máy chủ hội trường: đã kết nối", "Mất kết nối".

The check runs every few seconds on a worker thread (a lost network can make a connection attempt wait for its
timeout, which must never freeze the window); its answer comes back to the UI thread through a queued signal.
"""

from __future__ import annotations

import contextlib
import threading

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from vote_counter.services import hall
from vote_counter.services.errors import ServiceError
from vote_counter.services.workspace import Workspace
from vote_counter.ui import texts
from vote_counter.ui.context import AppContext

CHECK_EVERY_MS = 5000


class _Answer(QObject):
    probed = Signal(object, bool)  # (the workspace asked about, whether it answered)


class HallStatus(QWidget):
    """Station and connection, always visible; `connected` is the last answer (True until one says otherwise)."""

    changed = Signal(bool)
    reconnected = Signal(bool, str)  # (whether the hall's database opened again, what to tell the board)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.connected = True
        self.station_label = QLabel()
        self.db_label = QLabel()
        self.db_label.setObjectName("hallConnection")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.station_label)
        layout.addSpacing(12)
        layout.addWidget(self.db_label)
        # After a restore on the host: one click (or F5) opens the same URL again as a new workspace.
        self.reconnect_button = QPushButton(texts.HALL_RECONNECT)
        self.reconnect_button.setToolTip(texts.HALL_RECONNECT_TIP + " (F5)")
        self.reconnect_button.clicked.connect(self.reconnect)
        self.reconnect_button.hide()
        layout.addWidget(self.reconnect_button)
        if parent is not None:
            shortcut = QShortcut(QKeySequence(Qt.Key.Key_F5), parent)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(self._reconnect_key)
        self._answer = _Answer(self)
        self._answer.probed.connect(self._probed)
        self._busy = threading.Event()
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_EVERY_MS)
        self.timer.timeout.connect(self.check)
        ctx.workspaceReplaced.connect(self._replaced)
        self.draw()
        self.timer.start()

    def _replaced(self) -> None:
        self.connected = True
        self.draw()
        self.check()

    def restored_on_host(self) -> bool:
        """The hall's database this window opened was replaced by a restore on the host (services/hall_watch.py)."""
        ws = self.ctx.workspace
        return ws.shared and ws.watch is not None and ws.watch.replaced

    def reconnect(self) -> None:
        """Open the hall's database again by the same URL as a new workspace (AppContext.reopen): nobody signed in
        (the restored database's board may differ), the same meeting and round when they are still there. A host
        that does not answer leaves the window as it was."""
        try:
            ws = self.ctx.reopen()
        except ServiceError as exc:
            self.reconnected.emit(False, texts.HALL_RECONNECT_FAILED.format(detail=exc.message))
            return
        self.reconnected.emit(True, texts.HALL_RECONNECTED.format(where=hall.shown(ws.url)))

    def _reconnect_key(self) -> None:
        if self.restored_on_host():
            self.reconnect()

    def draw(self) -> None:
        name = hall.station()
        self.station_label.setText(
            texts.HALL_STATUS_STATION.format(name=name) if name else texts.HALL_STATUS_NO_STATION
        )
        ws = self.ctx.workspace
        if not ws.shared:
            self.db_label.setText(texts.HALL_STATUS_SQLITE.format(path=ws.path.name))
            self.db_label.setToolTip(str(ws.path))
            self.db_label.setStyleSheet("")
        elif self.connected:
            self.db_label.setText(texts.HALL_STATUS_CONNECTED)
            self.db_label.setToolTip(hall.shown(ws.url))
            self.db_label.setStyleSheet("QLabel { color: #1b5e20; font-weight: bold; }")
        else:
            replaced = self.restored_on_host()  # a restore on the host, not the cable
            self.db_label.setText(texts.HALL_STATUS_REPLACED if replaced else texts.HALL_STATUS_LOST)
            self.db_label.setToolTip(hall.shown(ws.url))
            self.db_label.setStyleSheet("QLabel { color: #b71c1c; font-weight: bold; }")
        self.reconnect_button.setVisible(ws.shared and not self.connected and self.restored_on_host())
        # A bold text is wider than the plain one it replaces: the status bar makes room now, never cutting it.
        self.db_label.ensurePolished()
        self.db_label.setMinimumWidth(self.db_label.sizeHint().width())
        self.updateGeometry()

    def check(self) -> None:
        """Ask the open database on a worker thread (one question at a time)."""
        if self._busy.is_set():
            return
        self._busy.set()
        ws = self.ctx.workspace
        answer = self._answer

        def work() -> None:
            try:
                ok = hall.reachable(ws)
            finally:
                self._busy.clear()
            with contextlib.suppress(RuntimeError):  # the window closed while the question was out
                answer.probed.emit(ws, ok)

        threading.Thread(target=work, name="kp-hall-check", daemon=True).start()

    def _probed(self, ws: Workspace, ok: bool) -> None:
        if ws is not self.ctx.workspace:
            return  # an answer about a database the window no longer uses
        changed = ok != self.connected
        self.connected = ok
        self.draw()
        if changed:
            self.changed.emit(ok)

    def stop(self) -> None:
        self.timer.stop()
