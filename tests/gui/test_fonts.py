"""The UI font draws Vietnamese: without the bundled font Qt draws empty boxes and says nothing."""

from __future__ import annotations

from PySide6.QtGui import QFontInfo, QFontMetrics, QRawFont
from PySide6.QtWidgets import QApplication, QLabel

from vote_counter.paths import resource
from vote_counter.ui.fonts import FAMILY, FONT_FILES

VIETNAMESE = "ỆấữđƯ"


def test_ui_font_covers_vietnamese(qapp: QApplication) -> None:
    font = qapp.font()
    assert font.family() == FAMILY
    label = QLabel(VIETNAMESE)
    assert QFontInfo(label.font()).family() == FAMILY  # resolved to the bundled file, not a fallback
    metrics = QFontMetrics(label.font())
    for ch in VIETNAMESE:
        assert metrics.inFontUcs4(ord(ch)), ch
    for name in FONT_FILES:
        raw = QRawFont(str(resource("fonts", name)), 12)
        assert raw.isValid(), name
        for ch in VIETNAMESE:
            assert raw.supportsCharacter(ord(ch)), (name, ch)
