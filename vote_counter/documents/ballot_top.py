"""The top of a ballot page, and the text-fitting rules the ballot table shares.

Page 1: the agency header; under it a band with the stamp area (dấu treo) on the left, the QR code and
"Số phiếu" on the right, and the title, the round, the position, the meeting and the instructions centred
between them (continuing full width below the band if long).
Pages 2, 3, …: a compact continuation header — the title and the round on the left, "Trang x/y" under
them, the QR and serial on the right — so a long list loses as little room as possible and every page
still says which round it belongs to and carries its QR.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from vote_counter.documents import ballot_texts as texts
from vote_counter.documents.fonts import SERIF, SERIF_BOLD, SERIF_BOLD_ITALIC, SERIF_ITALIC
from vote_counter.documents.header import header_layout
from vote_counter.documents.page_items import (
    ASCENT,
    Align,
    Circle,
    LineItem,
    Rect,
    TextItem,
    balanced_wrap,
    leading,
    mm,
    text_width,
    wrap,
)
from vote_counter.documents.typescale import BallotScale, HeaderScale
from vote_counter.domain.model import Meeting, Round, RoundKind
from vote_counter.domain.serials import format_serial

GAP = 2.0  # mm between the zones of the top band
SIZE_STEP = 0.25  # pt: names and positions shrink together in these steps


@dataclass(frozen=True)
class Top:
    """The part of a page above the table. `table_top` is where the table starts."""

    texts: tuple[TextItem, ...]
    lines: tuple[LineItem, ...]
    stamp: Circle  # r == 0 on continuation pages: the seal goes on the first page only
    qr: Rect
    serial: TextItem
    table_top: float


# ---------------------------------------------------------------- fitting text


def uniform_size(
    items: Sequence[str], font: str, largest: float, smallest: float, width: float, floor: float | None = None
) -> tuple[float, list[list[str]]]:
    """One size for every item of a column, chosen from the longest so that all fit.

    One line each at the largest size (down to `smallest`) that lets every item fit; else two lines at the
    largest size that fits them all in two (down to `smallest`, then to `floor` for a very long text);
    failing that, the last size and as many lines as it takes. Every item is set at the same size either way:
    a ballot shows every person alike.
    """
    cleaned = [" ".join(t.split()) for t in items]
    last = smallest if floor is None else floor
    for max_lines, lowest in ((1, smallest), (2, last)):
        size = largest
        while size >= lowest - 1e-9:
            wrapped = [wrap(t, font, size, width) if t else [] for t in cleaned]
            if all(len(w) <= max_lines for w in wrapped):
                return size, wrapped
            size -= SIZE_STEP
    return last, [wrap(t, font, last, width) if t else [] for t in cleaned]


# ---------------------------------------------------------------- the first page


def first_page_top(
    meeting: Meeting,
    round_: Round,
    *,
    width: float,
    height: float,
    margin_x: float,
    margin_top: float,
    sizes: BallotScale,
    header_sizes: HeaderScale,
    qr_size: float,
    stamp_radius: float,
) -> Top:
    content_width = width - 2 * margin_x
    header = header_layout(meeting, margin_x, height - margin_top, content_width, sizes=header_sizes)
    band_top = header.bottom - GAP
    r = stamp_radius
    stamp = Circle(margin_x + r, band_top - r, r)
    qr = Rect(width - margin_x - qr_size, band_top - qr_size, qr_size, qr_size)
    serial = _serial(qr, width - margin_x, sizes.serial)
    band_bottom = min(stamp.bounds.y, serial.bounds.y) - GAP / 2
    centre = width / 2
    half_band = min(centre - stamp.bounds.right - GAP, min(qr.x, serial.bounds.x) - GAP - centre)

    # (text, font, size, space after, may shrink rather than break). The subtitle lines share one size:
    # the largest (down to 85 %) at which the longest fits beside the stamp and the QR.
    subtitles = texts.subtitle_lines(meeting, round_)
    subtitle_size = sizes.subtitle
    while subtitle_size > 0.85 * sizes.subtitle and any(
        text_width(line, SERIF_BOLD, subtitle_size) > 2 * half_band for line in subtitles
    ):
        subtitle_size -= SIZE_STEP
    heading = [(texts.title(round_.kind), SERIF_BOLD, sizes.title, 1.2, True)]
    heading += [(line, SERIF_BOLD, subtitle_size, 0.4, True) for line in subtitles]
    heading[-1] = (*heading[-1][:3], 1.5, True)  # air between the title block and the instructions
    notes = [(texts.instructions(round_), SERIF_ITALIC, sizes.note, 0.4, False)]
    if round_.kind is RoundKind.NOMINATION:
        notes.append((texts.choose_at_most(round_.seats), SERIF_BOLD_ITALIC, sizes.note + 1, 0.4, False))
        if round_.write_ins:
            notes.append((texts.WRITE_IN_INSTRUCTION, SERIF_ITALIC, sizes.note, 0.4, False))

    cursor = band_top
    items: list[TextItem] = []
    for paragraph, font, size, after, may_shrink in heading + notes:
        rest = " ".join(paragraph.split())
        first_width = 2 * half_band if cursor > band_bottom else content_width
        if may_shrink and font is SERIF_BOLD and size == sizes.title:
            # A title on A5 reads better a little smaller than broken in two.
            smallest = 0.85 * size
            while size > smallest and text_width(rest, font, size) > first_width:
                size -= SIZE_STEP
        if may_shrink and cursor - leading(size) * 2 > band_bottom:
            # Wholly beside the stamp and QR: balanced lines, never a lone last word.
            lines = balanced_wrap(rest, font, size, first_width)
        else:
            lines = []
            probe = cursor
            while rest:
                # Lines level with the stamp and QR use the centre column; below them the full width.
                line_width = 2 * half_band if probe > band_bottom else content_width
                line = wrap(rest, font, size, line_width)[0]
                rest = rest[len(line) :].lstrip()
                lines.append(line)
                probe -= leading(size)
        for line in lines:
            items.append(TextItem(line, centre, cursor - mm(size) * ASCENT, font, size, Align.CENTRE))
            cursor -= leading(size)
        cursor -= after
    return Top(
        texts=(*header.texts, *items),
        lines=header.lines,
        stamp=stamp,
        qr=qr,
        serial=serial,
        table_top=min(cursor, band_bottom) - GAP,
    )


def _serial(qr: Rect, right_edge: float, size: float) -> TextItem:
    template = texts.serial_line(format_serial("0" * 12))
    half = text_width(template, SERIF_BOLD, size) / 2
    x = min(qr.x + qr.w / 2, right_edge - half)
    y = qr.y - mm(size) * 0.9  # the quiet zone already leaves white above
    return TextItem(template, x, y, SERIF_BOLD, size, Align.CENTRE)


# ---------------------------------------------------------------- pages 2, 3, …


def continuation_top(
    round_: Round,
    page: int,
    pages: int,
    *,
    width: float,
    height: float,
    margin_x: float,
    margin_top: float,
    size: float,
    serial_size: float,
    qr_size: float,
) -> Top:
    top = height - margin_top
    qr = Rect(width - margin_x - qr_size, top - qr_size, qr_size, qr_size)
    serial = _serial(qr, width - margin_x, serial_size)
    text_width_available = qr.x - GAP - margin_x
    lines = [
        (f"{texts.title(round_.kind)} {texts.CONTINUED}", SERIF_BOLD, size),
        *((line, SERIF_BOLD, size) for line in [texts.round_title_line(round_)] if line),
        *((line, SERIF, size) for line in texts.subtitle_lines_short(round_)),
        (texts.page_line(page, pages), SERIF_ITALIC, size),
    ]
    cursor = top
    items: list[TextItem] = []
    for text, font, s in lines:
        for line in wrap(text, font, s, text_width_available):
            items.append(TextItem(line, margin_x, cursor - mm(s) * ASCENT, font, s, Align.LEFT))
            cursor -= leading(s)
    return Top(
        texts=tuple(items),
        lines=(),
        stamp=Circle(margin_x, top, 0.0),
        qr=qr,
        serial=serial,
        table_top=min(cursor, serial.bounds.y) - GAP,
    )
