"""The window's size on the board's laptops: maximised on small screens, never larger than the screen.

Board laptops are often 1366×768 (or 1280×720, 1024×768 projectors) at 100–150 % scaling; Qt reports the
available geometry in device-independent pixels, so the same rule holds at every scaling.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QFontMetrics, QGuiApplication, QScreen
from PySide6.QtWidgets import QHeaderView, QTableView, QWidget

PREFERRED = QSize(1366, 768)


def available(widget: QWidget) -> QSize | None:
    screen: QScreen | None = widget.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry().size() if screen is not None else None


def should_maximise(space: QSize) -> bool:
    """Screens up to 1366×768 (after scaling): every pixel is needed for the ballot."""
    return space.width() <= PREFERRED.width() or space.height() <= PREFERRED.height()


def fitted_size(space: QSize | None) -> QSize:
    if space is None:
        return PREFERRED
    return QSize(min(PREFERRED.width(), space.width()), min(PREFERRED.height(), space.height()))


def fit_to_screen(window: QWidget) -> None:
    """Size the window for its screen; the minimum size never exceeds what the screen offers."""
    space = available(window)
    if space is not None:
        minimum = window.minimumSize()
        window.setMinimumSize(min(minimum.width(), space.width()), min(minimum.height(), space.height()))
    window.resize(fitted_size(space))


def show_fitted(window: QWidget) -> None:
    space = available(window)
    if space is not None and should_maximise(space):
        window.showMaximized()
    else:
        window.show()


def compact_rows(view: QTableView, padding: int = 4) -> int:
    """Rows as tall as the view's text plus `padding` pixels (Qt's default is far taller): the row height."""
    height = QFontMetrics(view.font()).height() + padding
    header = view.verticalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    header.setMinimumSectionSize(height)
    header.setDefaultSectionSize(height)
    return height
