"""The bundled Liberation Serif as the application font.

Offscreen and on machines without Vietnamese fonts Qt draws empty boxes and says nothing
(STYLE habit 9), so the fonts are loaded from resources/ before any window is built.
"""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication

from vote_counter.paths import resource

FONT_FILES = (
    "LiberationSerif-Regular.ttf",
    "LiberationSerif-Bold.ttf",
    "LiberationSerif-Italic.ttf",
    "LiberationSerif-BoldItalic.ttf",
)
FAMILY = "Liberation Serif"
POINT_SIZE = 11

_loaded: list[str] = []


def load_fonts() -> str:
    """Register the bundled fonts once per process; returns the family name."""
    if not _loaded:
        for name in FONT_FILES:
            font_id = QFontDatabase.addApplicationFont(str(resource("fonts", name)))
            if font_id < 0:
                raise RuntimeError(f"cannot load bundled font {name}")
            _loaded.extend(QFontDatabase.applicationFontFamilies(font_id))
    return _loaded[0] if _loaded else FAMILY


def ui_font(point_size: int = POINT_SIZE) -> QFont:
    font = QFont(load_fonts())
    font.setPointSize(point_size)
    return font


def apply_app_font(app: QGuiApplication) -> QFont:
    font = ui_font()
    app.setFont(font)
    return font
