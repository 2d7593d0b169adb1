"""What every page of a results document shares: the page layout of each header style, and the page
furniture (secrecy marking, copy number, "Trang x/y", check code, test watermark) drawn after layout by
`FurnitureCanvas`, when the page count of each copy is known. Minutes, annex and summary build on it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, BinaryIO

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from vote_counter.documents import labels as L
from vote_counter.documents.fonts import SERIF, SERIF_BOLD, pdf_text, register_fonts
from vote_counter.documents.typescale import PARTY, STATE, TypeScale
from vote_counter.domain.model import HeaderStyle

WARNING_RED = colors.HexColor("#B00000")
HEADER_FILL = colors.HexColor("#E8E8E8")


# ---------------------------------------------------------------- layout per header style


@dataclass(frozen=True)
class Layout:
    left: float
    right: float
    top: float
    bottom: float
    body_size: float
    pagesize: tuple[float, float] = A4

    @property
    def width(self) -> float:
        return self.pagesize[0] - self.left - self.right


# Nghị định 30/2020 Phụ lục I: left 30–35 mm, right 15–20 mm, top/bottom 20–25 mm, body 13–14 pt.
# Hướng dẫn 36-HD/VPTW: left 30–35 mm, right 15 mm, top/bottom 20 mm, body 14 pt.
# The top margin also holds the secrecy marking and the copy number, so both use 25 mm.
LAYOUTS = {
    HeaderStyle.STATE: Layout(left=30 * mm, right=15 * mm, top=25 * mm, bottom=20 * mm, body_size=STATE.body),
    HeaderStyle.PARTY: Layout(left=30 * mm, right=15 * mm, top=25 * mm, bottom=20 * mm, body_size=PARTY.body),
}
LEFT_SHARE = 0.4  # of the header width: the right block holds the national name at 13 pt on one line


@dataclass(frozen=True)
class Furniture:
    """What every page carries outside the frame."""

    layout: Layout
    secrecy: str | None
    footer: str
    watermark: bool
    copies: int = 1  # > 1 prints "Bản số: 01/03"
    copy_label: bool = True
    scale: TypeScale = STATE


class SetCopy(Flowable):  # type: ignore[misc]
    """Zero-size marker at the start of each copy: tells the canvas which copy it is drawing."""

    def __init__(self, copy: int) -> None:
        super().__init__()
        self.copy = copy

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv.vc_copy = self.copy


class FurnitureCanvas(Canvas):  # type: ignore[misc]
    """Holds pages back until the end, then draws the furniture knowing each copy's page count."""

    def __init__(self, *args: Any, furniture: Furniture, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.vc_copy = 1
        self._furniture = furniture
        self._held: list[tuple[dict[str, Any], int]] = []
        self.pages_per_copy: list[int] = []

    def showPage(self) -> None:
        self._held.append((dict(self.__dict__), self.vc_copy))
        self._startPage()

    def save(self) -> None:
        per_copy: dict[int, int] = {}
        for _, copy in self._held:
            per_copy[copy] = per_copy.get(copy, 0) + 1
        counts = [per_copy[c] for c in sorted(per_copy)]
        page_in_copy: dict[int, int] = {}
        for state, copy in self._held:
            self.__dict__.update(state)
            page_in_copy[copy] = page_in_copy.get(copy, 0) + 1
            draw_furniture(self, self._furniture, copy, page_in_copy[copy], per_copy[copy])
            super().showPage()
        # Restoring page states above also restored this attribute: set it last.
        self.pages_per_copy = counts
        super().save()


def furniture_canvas(furniture: Furniture) -> Callable[..., FurnitureCanvas]:
    def make(*args: Any, **kwargs: Any) -> FurnitureCanvas:
        return FurnitureCanvas(*args, furniture=furniture, **kwargs)

    return make


def draw_furniture(canv: Canvas, f: Furniture, copy: int, page: int, pages: int) -> None:
    lay = f.layout
    width, height = lay.pagesize
    right = width - lay.right
    canv.saveState()
    if f.watermark:
        canv.saveState()
        canv.setFillColor(WARNING_RED)
        canv.setFillAlpha(0.16)
        canv.translate(width / 2, height / 2)
        canv.rotate(50)
        mark = pdf_text(L.TEST_WATERMARK)
        size = 44.0
        while stringWidth(mark, SERIF_BOLD, size) > 0.75 * (width**2 + height**2) ** 0.5 and size > 20:
            size -= 2
        canv.setFont(SERIF_BOLD, size)
        canv.drawCentredString(0, -size / 3, mark)
        canv.restoreState()

    # Top right: the secrecy marking in a box, the copy number under it.
    y = height - 8 * mm
    sc = f.scale
    if f.secrecy:
        mark = pdf_text(f.secrecy)
        canv.setFont(SERIF_BOLD, sc.secrecy)
        w = stringWidth(mark, SERIF_BOLD, sc.secrecy) + 6 * mm
        box_h = sc.secrecy * 0.5 * mm  # 6.5 mm at 13 pt
        canv.setLineWidth(1)
        canv.rect(right - w, y - box_h, w, box_h)
        canv.drawCentredString(right - w / 2, y - box_h / 2 - sc.secrecy * 0.33, mark)
        y -= box_h
    if f.copy_label and f.copies > 0:
        canv.setFont(SERIF, sc.copy_number)
        canv.drawRightString(right, y - 5 * mm, pdf_text(L.COPY.format(copy=copy, copies=f.copies)))

    # Bottom: a thin rule, the check code and audit head, "Trang x/y".
    base = lay.bottom - 10 * mm
    canv.setLineWidth(0.4)
    canv.line(lay.left, base + 4 * mm, right, base + 4 * mm)
    canv.setFont(SERIF, sc.footer)
    canv.drawString(lay.left, base, pdf_text(f.footer))
    canv.setFont(SERIF, sc.page_number)
    canv.drawRightString(right, base, pdf_text(L.PAGE.format(page=page, pages=pages)))
    canv.restoreState()


def document(
    out: BinaryIO, layout: Layout, furniture: Furniture, title: str, author: str = "", subject: str = ""
) -> BaseDocTemplate:
    """The page template; the PDF's metadata say what it is and who issues it, dated when it is written."""
    register_fonts()
    doc = BaseDocTemplate(
        out,
        pagesize=layout.pagesize,
        leftMargin=layout.left,
        rightMargin=layout.right,
        topMargin=layout.top,
        bottomMargin=layout.bottom,
        title=pdf_text(title),
        author=pdf_text(author) or "Kiểm Phiếu",
        subject=pdf_text(subject),
        creator="Kiểm Phiếu",
        lang="vi-VN",
    )
    frame = Frame(
        layout.left,
        layout.bottom,
        layout.width,
        layout.pagesize[1] - layout.top - layout.bottom,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    return doc


def build(doc: BaseDocTemplate, story: list[Flowable], furniture: Furniture) -> list[int]:
    """Lay out the story; return the page count of each copy."""
    made: list[FurnitureCanvas] = []
    make = furniture_canvas(furniture)

    def maker(*args: Any, **kwargs: Any) -> FurnitureCanvas:
        canv = make(*args, **kwargs)
        made.append(canv)
        return canv

    doc.build(story, canvasmaker=maker)
    return made[-1].pages_per_copy
