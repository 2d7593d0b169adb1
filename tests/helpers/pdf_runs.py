"""Text runs read back out of a PDF with their font and size (pypdf's text visitor).

ReportLab writes each drawn string as one run (`Tf` then `Tj`), so a run is a line of a name, a
position, a heading; the size is the `Tf` size scaled by the text and graphics matrices.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pypdf


@dataclass(frozen=True)
class Run:
    page: int
    text: str
    font: str
    size: float
    x: float
    y: float


def runs(pdf: Path | Any) -> list[Run]:
    reader = pypdf.PdfReader(pdf)
    found: list[Run] = []
    for number, page in enumerate(reader.pages):

        def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float, number: int = number) -> None:
            if not text.strip():
                return
            scale = abs(tm[3] * cm[3]) or abs(tm[0] * cm[0]) or 1.0
            name = str(font.get("/BaseFont", "")) if font else ""
            x = tm[4] * cm[0] + cm[4]
            y = tm[5] * cm[3] + cm[5]
            found.append(Run(number, unicodedata.normalize("NFC", text.strip()), name, round(size * scale, 2), x, y))

        page.extract_text(visitor_text=visit)
    return found


def sizes_of(all_runs: list[Run], texts: list[str]) -> dict[str, set[float]]:
    """The sizes each of `texts` is printed at (a text may be split over lines: its first word is looked up)."""
    out: dict[str, set[float]] = {}
    for text in texts:
        first = text.split()[0] if text.split() else text
        out[text] = {
            r.size for r in all_runs if r.text == text or (r.text.startswith(first) and text.startswith(r.text))
        }
    return out


def font_names(pdf: Path | Any) -> set[str]:
    """Every font a PDF's pages (and their forms) reference."""
    reader = pypdf.PdfReader(pdf)
    names: set[str] = set()

    def walk(resources: Any) -> None:
        if not resources:
            return
        resources = resources.get_object()
        for font in (resources.get("/Font") or {}).values():
            names.add(str(font.get_object().get("/BaseFont")))
        for xobject in (resources.get("/XObject") or {}).values():
            obj = xobject.get_object()
            if obj.get("/Subtype") == "/Form":
                walk(obj.get("/Resources"))

    for page in reader.pages:
        walk(page.get("/Resources"))
    return names
