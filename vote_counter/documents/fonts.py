"""The bundled Times-compatible font with full Vietnamese coverage, registered once."""

from __future__ import annotations

import unicodedata
from functools import cache

from reportlab import rl_config
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import tables

from vote_counter.paths import resource

SERIF = "LiberationSerif"
SERIF_BOLD = "LiberationSerif-Bold"
SERIF_ITALIC = "LiberationSerif-Italic"
SERIF_BOLD_ITALIC = "LiberationSerif-BoldItalic"

_FILES = {
    SERIF: "LiberationSerif-Regular.ttf",
    SERIF_BOLD: "LiberationSerif-Bold.ttf",
    SERIF_ITALIC: "LiberationSerif-Italic.ttf",
    SERIF_BOLD_ITALIC: "LiberationSerif-BoldItalic.ttf",
}


@cache
def register_fonts() -> None:
    for name, filename in _FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(resource("fonts", filename))))
    addMapping(SERIF, 0, 0, SERIF)
    addMapping(SERIF, 1, 0, SERIF_BOLD)
    addMapping(SERIF, 0, 1, SERIF_ITALIC)
    addMapping(SERIF, 1, 1, SERIF_BOLD_ITALIC)
    # A canvas starts every page with its base font set; ReportLab's default is Helvetica, which would be
    # referenced, unembedded, by every PDF we write. Every document is set in the bundled Liberation Serif.
    rl_config.canvas_basefontname = SERIF
    # Table cells that hold plain strings (even empty ones) are set in the cell style's font: the same.
    tables.CellStyle.fontname = SERIF


def pdf_text(text: str) -> str:
    """ReportLab places decomposed marks wrongly: every drawn string goes through NFC."""
    return unicodedata.normalize("NFC", text)
