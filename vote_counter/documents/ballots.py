"""QR-numbered paper ballots as PDF (SPEC §5). Domain objects in, PDF bytes out; no Qt, no database.

Every page is drawn from `ballot_layout`. What is the same on every ballot (header, table,
boxes, fiducials, watermark) is drawn once per page as a PDF form XObject and placed on each
sheet; only the QR code and the serial line are drawn per ballot. That keeps 1,000 ballots
fast to write and the file small enough for an office printer's memory.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, BinaryIO

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.pdfgen.canvas import Canvas

from vote_counter.documents import ballot_texts as texts
from vote_counter.documents.ballot_layout import (
    BOX_WIDTH,
    STAMP_GREY,
    STAMP_INSET,
    BallotLayout,
    PageLayout,
    ballot_layout,
)
from vote_counter.documents.fonts import SERIF_BOLD, pdf_text, register_fonts
from vote_counter.documents.page_format import PageFormat
from vote_counter.documents.page_items import (
    Align,
    Rect,
    TextItem,
    draw_line,
    draw_rect,
    draw_text,
    mm,
    pt,
    text_width,
)
from vote_counter.domain.model import Meeting, Nominee, Round
from vote_counter.domain.serials import format_serial, is_valid_serial, parse_payload

__all__ = ["BallotLayout", "PageFormat", "PrintedBallot", "ballot_layout", "render_ballots", "render_sample"]

Progress = Callable[[int, int], None]
QUIET_MODULES = 4  # the QR's quiet zone (qr_matrix border)
SAMPLE_MODULES = 33  # a version-2 code (25 modules) with its quiet zone: what the ballot payload needs


@dataclass(frozen=True)
class PrintedBallot:
    serial: str  # 12 digits
    payload: str  # the 49-digit QR payload from serials.make_payload


def render_ballots(
    meeting: Meeting,
    round_: Round,
    nominees: Sequence[Nominee],
    ballots: Sequence[PrintedBallot],
    out: BinaryIO,
    *,
    page_format: PageFormat = PageFormat.A4_PORTRAIT,
    progress: Progress | None = None,
) -> None:
    """Write one ballot per sheet (several pages when the list is long), in the order given."""
    if not ballots:
        raise ValueError("no ballots to print")
    for ballot in ballots:
        _check_ballot(round_, ballot)
    layout = ballot_layout(meeting, round_, nominees, page_format)
    canvas = _canvas(out, layout, round_)
    forms = [_page_form(canvas, page) for page in layout.pages]
    total = len(ballots)
    for done, ballot in enumerate(ballots, start=1):
        modules = qr_matrix(ballot.payload)
        serial_text = texts.serial_line(format_serial(ballot.serial))
        for page, form in zip(layout.pages, forms, strict=True):
            canvas.doForm(form)
            draw_qr(canvas, modules, page)
            draw_text(canvas, replace(page.serial, text=serial_text))
            canvas.showPage()
        if progress is not None:
            progress(done, total)
    canvas.save()


def render_sample(
    meeting: Meeting,
    round_: Round,
    nominees: Sequence[Nominee],
    out: BinaryIO,
    *,
    page_format: PageFormat = PageFormat.A4_PORTRAIT,
) -> None:
    """One ballot for the organisers to approve: "MẪU" where the QR goes, no serial."""
    layout = ballot_layout(meeting, round_, nominees, page_format)
    canvas = _canvas(out, layout, round_)
    for page in layout.pages:
        draw_static(canvas, page)
        # The box stands where the QR's dark modules would, inside its quiet zone, so the serial line
        # under it keeps the same white gap as on a real ballot.
        quiet = page.qr.w * QUIET_MODULES / SAMPLE_MODULES
        qr = Rect(page.qr.x + quiet, page.qr.y + quiet, page.qr.w - 2 * quiet, page.qr.h - 2 * quiet)
        draw_rect(canvas, qr, line_width=BOX_WIDTH)
        size = min(28.0, 0.75 * qr.w / text_width(texts.SAMPLE, SERIF_BOLD, 1.0))
        centre_y = qr.y + qr.h / 2 - mm(size) * 0.35
        draw_text(canvas, TextItem(texts.SAMPLE, qr.x + qr.w / 2, centre_y, SERIF_BOLD, size, Align.CENTRE))
        label = texts.serial_line(texts.SAMPLE)
        half = text_width(label, page.serial.font, page.serial.size) / 2
        x = min(qr.x + qr.w / 2, qr.right - half)
        draw_text(canvas, replace(page.serial, text=label, x=x))
        canvas.showPage()
    canvas.save()


def qr_matrix(payload: str) -> list[list[bool]]:
    """The QR modules, quiet zone included. All digits, so the library picks numeric mode."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=1, border=4)
    code.add_data(payload)
    code.make(fit=True)
    matrix: list[list[bool]] = code.get_matrix()
    return matrix


def draw_qr(canvas: Any, modules: list[list[bool]], page: PageLayout) -> None:
    """Dark modules as filled rectangles in the layout's QR square, one per horizontal run."""
    size = pt(page.qr.w) / len(modules)
    left, top = pt(page.qr.x), pt(page.qr.top)
    path = canvas.beginPath()
    for row, line in enumerate(modules):
        y = top - (row + 1) * size
        column = 0
        while column < len(line):
            if not line[column]:
                column += 1
                continue
            start = column
            while column < len(line) and line[column]:
                column += 1
            path.rect(left + start * size, y, (column - start) * size, size)
    canvas.setFillGray(0)
    canvas.drawPath(path, stroke=0, fill=1)


def draw_static(canvas: Any, page: PageLayout) -> None:
    """Everything on the page that is the same on every ballot."""
    if page.watermark is not None:
        draw_text(canvas, page.watermark)
    if page.stamp.r > 0:
        draw_stamp_area(canvas, page)
    for item in page.texts:
        draw_text(canvas, item)
    for line in page.lines:
        draw_line(canvas, line)
    for box in page.boxes:
        draw_rect(canvas, box.rect, line_width=BOX_WIDTH)
    for fiducial in page.fiducial_rects:
        draw_rect(canvas, fiducial, fill=True)


def draw_stamp_area(canvas: Any, page: PageLayout) -> None:
    """A light dashed circle just inside the stamp clearance: the clerk sees where the seal goes."""
    canvas.saveState()
    canvas.setStrokeGray(STAMP_GREY)
    canvas.setLineWidth(0.5)
    canvas.setDash([2, 2.5])
    canvas.circle(pt(page.stamp.cx), pt(page.stamp.cy), pt(page.stamp.r - STAMP_INSET))
    canvas.restoreState()


def _page_form(canvas: Any, page: PageLayout) -> str:
    name = f"ballot_page_{page.index}"
    canvas.beginForm(name)
    draw_static(canvas, page)
    canvas.endForm()
    return name


def _canvas(out: BinaryIO, layout: BallotLayout, round_: Round) -> Any:
    register_fonts()
    canvas = Canvas(out, pagesize=(pt(layout.width), pt(layout.height)), pageCompression=1)
    canvas.setTitle(pdf_text(texts.title(round_.kind)))
    canvas.setCreator("Kiểm Phiếu")
    return canvas


def _check_ballot(round_: Round, ballot: PrintedBallot) -> None:
    """A QR that disagrees with the printed serial or the round would be counted as forged."""
    if not is_valid_serial(ballot.serial):
        raise ValueError(f"invalid serial {ballot.serial!r}")
    payload = parse_payload(ballot.payload)
    if payload.serial != ballot.serial:
        raise ValueError(f"payload does not carry serial {ballot.serial}")
    if payload.mode is not round_.mode:
        raise ValueError(f"payload is for a {payload.mode} round, this round is {round_.mode}")
    if round_.code and payload.round_code != round_.code:
        raise ValueError(f"payload is for round {payload.round_code}, not {round_.code}")
