"""The menu bar's corner: who is working, "Đăng nhập…" and "Khóa màn hình" (issue 11 moved them up there).

QMenuBar sizes its corner widget only when the bar itself is laid out (a resize, its menus changing, the corner
shown or hidden), never when what is inside the corner grows: "Đang làm việc: … (Trưởng ban)" written after the
window was laid out (the board signed in as a hall database's meeting opens) was cut 9 px short at 1366×768.
So the corner asks the bar to lay out again whenever its own layout changes. A name too long for the room the
menus leave even in the narrowest window is cut with "…" and shown whole in the tooltip.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QMenuBar, QWidget

# px: the text's share of the narrowest window's menu bar (980 px: setMinimumSize) beside the menus and the two
# buttons; "Đang làm việc: <a 45-letter name> (Trưởng ban)" fits.
MAX_TEXT_WIDTH = 500


class UserCorner(QWidget):
    def __init__(self, *buttons: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 4, 0)
        row.addWidget(self.label)
        for button in buttons:
            row.addWidget(button)

    def show_text(self, text: str, limit: int = MAX_TEXT_WIDTH) -> None:
        metrics = self.label.fontMetrics()
        if metrics.horizontalAdvance(text) <= limit:
            self.label.setText(text)
            self.label.setToolTip("")
        else:
            self.label.setText(metrics.elidedText(text, Qt.TextElideMode.ElideRight, limit))
            self.label.setToolTip(text)

    def event(self, event: QEvent) -> bool:
        done = super().event(event)
        if event.type() == QEvent.Type.LayoutRequest:  # the label or a button changed its size
            self.lay_out_bar()
        return done

    def lay_out_bar(self) -> None:
        """QMenuBar places its corner widgets in its resize handler: the same size, sent again."""
        bar = self.parentWidget()
        if isinstance(bar, QMenuBar) and bar.isVisible():
            QApplication.sendEvent(bar, QResizeEvent(bar.size(), bar.size()))
