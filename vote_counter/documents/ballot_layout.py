"""Where everything on a ballot goes (SPEC §3, §5): pure geometry, nothing is drawn here.

The layout is computed once per round and page format; `ballots.render_ballots` draws
exactly this, and `BallotLayout.to_dict()` is stored so that scanned ballots can be read
back automatically (fiducials to register the page, box rectangles to look for marks).

Top of every page: the agency header; under it a band with the empty stamp area (dấu treo)
on the left, the QR code and "Số phiếu" on the right, and the title, subtitle and
instructions centred between them (continuing full width below the band if long). Then the
table, its heading row repeated on every page, and "Trang x/y" at the foot when the list
runs over several pages.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from vote_counter.documents import ballot_texts as texts
from vote_counter.documents.fonts import SERIF, SERIF_BOLD, SERIF_BOLD_ITALIC, SERIF_ITALIC, register_fonts
from vote_counter.documents.header import header_layout
from vote_counter.documents.page_format import PageFormat
from vote_counter.documents.page_items import (
    ASCENT,
    Align,
    Circle,
    LineItem,
    Point,
    Rect,
    TextItem,
    fit_text,
    leading,
    mm,
    rect_dict,
    stacked_lines,
    text_width,
    wrap,
)
from vote_counter.domain.model import Meeting, Mode, Nominee, Round, RoundKind
from vote_counter.domain.serials import format_serial

LAYOUT_VERSION = 1
GAP = 3.0  # mm between the zones of the top band
CELL_PAD = 1.8  # mm of padding inside table cells, horizontally
ROW_PAD = 1.2  # mm above and below wrapped text in a row
GRID_WIDTH = 0.6  # pt
BOX_WIDTH = 1.0  # pt: the boxes stand out from the grid


@dataclass(frozen=True)
class FormatSpec:
    """Paper size and the measures that depend on it (mm, font sizes in pt)."""

    width: float
    height: float
    margin_x: float
    margin_top: float
    margin_bottom: float
    header_size: float
    title_size: float
    subtitle_size: float
    note_size: float
    heading_size: float
    name_size: float
    text_size: float
    min_size: float
    serial_size: float
    row_height: float
    box: float
    qr: float
    number_width: float
    option_width: float
    fiducial: float
    fiducial_inset: float
    stamp_radius: float = 17.5  # a 35 mm circle of clearance for the seal


_A4 = FormatSpec(
    width=210,
    height=297,
    margin_x=15,
    margin_top=12,
    margin_bottom=15,
    header_size=12,
    title_size=15,
    subtitle_size=12,
    note_size=11,
    heading_size=11,
    name_size=12,
    text_size=11,
    min_size=9,
    serial_size=10,
    row_height=9,
    box=6.5,
    qr=28,
    number_width=11,
    option_width=24,
    fiducial=5,
    fiducial_inset=8,
)
# A5 keeps the physical sizes that matter (seal, boxes, QR modules) and sets smaller type.
_A5 = replace(
    _A4, width=148, height=210, margin_x=11, margin_top=10, margin_bottom=12,
    header_size=8.5, title_size=12, subtitle_size=9.5, note_size=8.5, heading_size=8.5,
    name_size=10, text_size=9, min_size=7.5, serial_size=8, row_height=8, box=6, qr=24,
    number_width=9.5, option_width=17, fiducial=4, fiducial_inset=6.5,
)  # fmt: skip
FORMATS: dict[PageFormat, FormatSpec] = {
    PageFormat.A4_PORTRAIT: _A4,
    PageFormat.A4_LANDSCAPE: replace(_A4, width=297, height=210, option_width=30),
    PageFormat.A5_PORTRAIT: _A5,
}


@dataclass(frozen=True)
class BoxSlot:
    """One box a voter marks: which nominee (or write-in line) and which option it is."""

    page: int
    rect: Rect
    option: int  # confidence: level 0..2; approval: 0 agree / 1 disagree; nomination: 0 chosen
    label: str
    nominee_index: int | None  # position in the nominee list given, None on a write-in line
    nominee_id: int | None
    write_in: int | None = None  # 0-based write-in line, None on a nominee row

    def to_dict(self) -> dict[str, Any]:
        return {
            "page": self.page,
            **rect_dict(self.rect),
            "option": self.option,
            "label": self.label,
            "nominee_index": self.nominee_index,
            "nominee_id": self.nominee_id,
            "write_in": self.write_in,
        }


@dataclass(frozen=True)
class RowSlot:
    page: int
    rect: Rect
    nominee_index: int | None
    nominee_id: int | None
    write_in: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "page": self.page,
            **rect_dict(self.rect),
            "nominee_index": self.nominee_index,
            "nominee_id": self.nominee_id,
            "write_in": self.write_in,
        }


@dataclass(frozen=True)
class PageLayout:
    index: int
    texts: tuple[TextItem, ...]  # everything printed the same on every ballot
    lines: tuple[LineItem, ...]
    rows: tuple[RowSlot, ...]
    boxes: tuple[BoxSlot, ...]
    fiducials: tuple[Point, ...]  # centres, bottom-left, bottom-right, top-left, top-right
    fiducial_size: float
    qr: Rect  # the QR square including its 4-module quiet zone
    serial: TextItem  # where "Số phiếu: …" goes; the text is a template
    stamp: Circle
    watermark: TextItem | None

    @property
    def fiducial_rects(self) -> tuple[Rect, ...]:
        half = self.fiducial_size / 2
        return tuple(Rect(x - half, y - half, self.fiducial_size, self.fiducial_size) for x, y in self.fiducials)

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "fiducials": [[round(x, 2), round(y, 2)] for x, y in self.fiducials],
            "fiducial_size": self.fiducial_size,
            "qr": rect_dict(self.qr),
            "serial": rect_dict(self.serial.bounds),
            "stamp": {"cx": round(self.stamp.cx, 2), "cy": round(self.stamp.cy, 2), "r": self.stamp.r},
            "rows": [row.to_dict() for row in self.rows],
            "boxes": [box.to_dict() for box in self.boxes],
        }


@dataclass(frozen=True)
class BallotLayout:
    page_format: PageFormat
    width: float
    height: float
    kind: RoundKind
    options: tuple[str, ...]
    pages: tuple[PageLayout, ...]

    @property
    def boxes(self) -> tuple[BoxSlot, ...]:
        return tuple(box for page in self.pages for box in page.boxes)

    @property
    def page_rect(self) -> Rect:
        return Rect(0, 0, self.width, self.height)

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": LAYOUT_VERSION,
            "units": "mm, origin bottom-left",
            "page_format": str(self.page_format),
            "width": self.width,
            "height": self.height,
            "kind": str(self.kind),
            "options": list(self.options),
            "pages": [page.to_dict() for page in self.pages],
        }


@dataclass(frozen=True)
class _Top:
    """The part of a page that repeats: header, band, title block. `table_top` is where the table starts."""

    texts: tuple[TextItem, ...]
    lines: tuple[LineItem, ...]
    stamp: Circle
    qr: Rect
    serial: TextItem
    table_top: float


@dataclass(frozen=True)
class _Column:
    x: float
    w: float

    @property
    def centre(self) -> float:
        return self.x + self.w / 2


@dataclass(frozen=True)
class _Row:
    """A table row before it is placed on a page."""

    height: float
    number: str
    name: tuple[float, list[str]]  # font size, lines
    position: tuple[float, list[str]]
    nominee_index: int | None
    nominee_id: int | None
    write_in: int | None


def ballot_layout(
    meeting: Meeting, round_: Round, nominees: Sequence[Nominee], page_format: PageFormat
) -> BallotLayout:
    register_fonts()
    spec = FORMATS[PageFormat(page_format)]
    top = _top(meeting, round_, spec)
    number_head, name_head, position_head, option_heads = texts.column_headings(round_)
    # "Không đồng ý" reads badly broken in two: approval's two columns can afford the room.
    option_width = spec.option_width * (1.2 if round_.kind is RoundKind.APPROVAL else 1.0)
    names = [text_width(n.full_name, SERIF_BOLD, spec.name_size) for n in nominees]
    columns = _columns(spec, len(option_heads), option_width, max(names, default=0.0) + 2 * CELL_PAD)
    heading_texts, heading_height = _heading(spec, columns, [number_head, name_head, position_head, *option_heads])
    rows = _rows(spec, columns, round_, nominees)

    per_page = _paginate(rows, top.table_top - heading_height - spec.margin_bottom)

    fiducials = _fiducials(spec)
    watermark = _watermark(spec, top.table_top) if round_.mode is Mode.TEST else None
    pages = []
    for index, page_rows in enumerate(per_page):
        page_texts = list(top.texts)
        page_lines = list(top.lines)
        page_texts += [_shift(t, top.table_top) for t in heading_texts]
        table_lines, row_texts, slots, boxes = _table(
            spec, columns, option_heads, page_rows, index, top.table_top, heading_height
        )
        page_texts += row_texts
        page_lines += table_lines
        if len(per_page) > 1:
            footer_y = spec.fiducial_inset - mm(spec.text_size) * 0.33
            page_texts.append(
                TextItem(texts.page_line(index + 1, len(per_page)), spec.width / 2, footer_y, SERIF, spec.text_size, Align.CENTRE)
            )  # fmt: skip
        pages.append(
            PageLayout(
                index=index,
                texts=tuple(page_texts),
                lines=tuple(page_lines),
                rows=tuple(slots),
                boxes=tuple(boxes),
                fiducials=fiducials,
                fiducial_size=spec.fiducial,
                qr=top.qr,
                serial=top.serial,
                stamp=top.stamp,
                watermark=watermark,
            )
        )
    return BallotLayout(
        page_format=PageFormat(page_format),
        width=spec.width,
        height=spec.height,
        kind=round_.kind,
        options=tuple(option_heads),
        pages=tuple(pages),
    )


def _top(meeting: Meeting, round_: Round, spec: FormatSpec) -> _Top:
    content_width = spec.width - 2 * spec.margin_x
    header = header_layout(meeting, spec.margin_x, spec.height - spec.margin_top, content_width, size=spec.header_size)
    band_top = header.bottom - GAP
    r = spec.stamp_radius
    stamp = Circle(spec.margin_x + r, band_top - r, r)
    qr = Rect(spec.width - spec.margin_x - spec.qr, band_top - spec.qr, spec.qr, spec.qr)
    template = texts.serial_line(format_serial("0" * 12))
    half = text_width(template, SERIF_BOLD, spec.serial_size) / 2
    serial_x = min(qr.x + qr.w / 2, spec.width - spec.margin_x - half)
    serial_y = qr.y - mm(spec.serial_size) * 0.9  # the quiet zone already leaves white above
    serial = TextItem(template, serial_x, serial_y, SERIF_BOLD, spec.serial_size, Align.CENTRE)
    band_bottom = min(stamp.bounds.y, serial.bounds.y) - GAP
    centre = spec.width / 2
    half_band = min(centre - stamp.bounds.right - GAP, min(qr.x, serial.bounds.x) - GAP - centre)

    # (text, font, size, space after, may shrink rather than break)
    heading = [(texts.title(round_.kind), SERIF_BOLD, spec.title_size, 1.5, True)]
    heading += [(line, SERIF_BOLD, spec.subtitle_size, 0.5, True) for line in texts.subtitle_lines(meeting, round_)]
    heading[-1] = (*heading[-1][:3], 2.0, True)  # air between the title block and the instructions
    notes = [(texts.instructions(round_), SERIF_ITALIC, spec.note_size, 0.5, False)]
    if round_.kind is RoundKind.NOMINATION:
        notes.append((texts.choose_at_most(round_.seats), SERIF_BOLD_ITALIC, spec.note_size + 1, 0.5, False))
        if round_.write_ins:
            notes.append((texts.WRITE_IN_INSTRUCTION, SERIF_ITALIC, spec.note_size, 0.5, False))

    cursor = band_top
    items: list[TextItem] = []
    for paragraph, font, size, after, may_shrink in heading + notes:
        rest = " ".join(paragraph.split())
        if may_shrink:  # a title on A5 reads better a little smaller than broken in two
            width = 2 * half_band if cursor > band_bottom else content_width
            smallest = 0.8 * size
            while size > smallest and text_width(rest, font, size) > width:
                size -= 0.5
        while rest:
            # Lines level with the stamp and QR use the centre column; below them the full width.
            width = 2 * half_band if cursor > band_bottom else content_width
            line = wrap(rest, font, size, width)[0]
            rest = rest[len(line) :].lstrip()
            items.append(TextItem(line, centre, cursor - mm(size) * ASCENT, font, size, Align.CENTRE))
            cursor -= leading(size)
        cursor -= after
    return _Top(
        texts=(*header.texts, *items),
        lines=header.lines,
        stamp=stamp,
        qr=qr,
        serial=serial,
        table_top=min(cursor, band_bottom) - GAP,
    )


def _columns(spec: FormatSpec, options: int, option_width: float, longest_name: float) -> list[_Column]:
    """Names get the room the longest one needs (within limits); positions get the rest."""
    content_width = spec.width - 2 * spec.margin_x
    free = content_width - spec.number_width - options * option_width
    name_width = min(max(longest_name + 1, free * 0.4), free * 0.6)
    widths = [spec.number_width, name_width, free - name_width] + [option_width] * options
    columns, x = [], spec.margin_x
    for w in widths:
        columns.append(_Column(x, w))
        x += w
    return columns


def _heading(spec: FormatSpec, columns: list[_Column], headings: list[str]) -> tuple[list[TextItem], float]:
    """Heading texts placed relative to the table top (y = 0), and the heading row's height."""
    cells = []
    for heading, column in zip(headings, columns, strict=True):
        width, size = column.w - 2 * CELL_PAD, spec.heading_size
        # A word is never broken: a narrow column ("STT" on A5) takes a smaller size instead.
        while size > spec.min_size and max(text_width(w, SERIF_BOLD, size) for w in heading.split()) > width:
            size -= 0.5
        cells.append((column, size, wrap(heading, SERIF_BOLD, size, width)))
    tallest = max(len(lines) * leading(size) for _, size, lines in cells)
    height = max(spec.row_height + 1, tallest + 2 * ROW_PAD + 1)
    items = []
    for column, size, lines in cells:
        items += stacked_lines(lines, SERIF_BOLD, size, column.centre, -height / 2, Align.CENTRE)
    return items, height


def _shift(item: TextItem, dy: float) -> TextItem:
    return TextItem(item.text, item.x, item.y + dy, item.font, item.size, item.align, item.angle, item.grey)


def _rows(spec: FormatSpec, columns: list[_Column], round_: Round, nominees: Sequence[Nominee]) -> list[_Row]:
    name_width = columns[1].w - 2 * CELL_PAD
    position_width = columns[2].w - 2 * CELL_PAD
    rows = []
    for index, nominee in enumerate(nominees):
        name = fit_text(nominee.full_name, SERIF_BOLD, spec.name_size, spec.min_size, name_width)
        position = fit_text(nominee.current_position, SERIF, spec.text_size, spec.min_size, position_width)
        tallest = max(len(name[1]) * leading(name[0]), len(position[1]) * leading(position[0]))
        height = max(spec.row_height, tallest + 2 * ROW_PAD)
        rows.append(_Row(height, str(index + 1), name, position, index, nominee.id, None))
    if round_.kind is RoundKind.NOMINATION and round_.write_ins:
        for line in range(round_.seats):
            rows.append(_Row(spec.row_height + 1, "", (spec.name_size, []), (spec.text_size, []), None, None, line))
    return rows


def _table(
    spec: FormatSpec,
    columns: list[_Column],
    option_heads: Sequence[str],
    rows: list[_Row],
    page: int,
    table_top: float,
    heading_height: float,
) -> tuple[list[LineItem], list[TextItem], list[RowSlot], list[BoxSlot]]:
    left, right = columns[0].x, columns[-1].x + columns[-1].w
    lines = [LineItem(left, table_top, right, table_top, GRID_WIDTH)]
    y = table_top - heading_height
    lines += [LineItem(c.x, table_top, c.x, y, GRID_WIDTH) for c in columns[1:]]
    lines.append(LineItem(left, y, right, y, GRID_WIDTH))
    items: list[TextItem] = []
    slots: list[RowSlot] = []
    boxes: list[BoxSlot] = []
    first_option = 3
    for row in rows:
        top, bottom = y, y - row.height
        middle = (top + bottom) / 2
        for i, column in enumerate(columns[1:], start=1):
            # A write-in line runs across the name and position columns.
            if not (row.write_in is not None and i == 2):
                lines.append(LineItem(column.x, top, column.x, bottom, GRID_WIDTH))
        lines.append(LineItem(left, bottom, right, bottom, GRID_WIDTH))
        if row.number:
            items += stacked_lines([row.number], SERIF, spec.text_size, columns[0].centre, middle, Align.CENTRE)
        name_x, position_x = columns[1].x + CELL_PAD, columns[2].x + CELL_PAD
        items += stacked_lines(row.name[1], SERIF_BOLD, row.name[0], name_x, middle, Align.LEFT)
        items += stacked_lines(row.position[1], SERIF, row.position[0], position_x, middle, Align.LEFT)
        if row.write_in is not None:
            write_y = bottom + 2.2
            lines.append(LineItem(name_x, write_y, columns[2].x + columns[2].w - CELL_PAD, write_y, 0.5, dotted=True))
        slots.append(
            RowSlot(page, Rect(left, bottom, right - left, row.height), row.nominee_index, row.nominee_id, row.write_in)
        )
        for option, label in enumerate(option_heads):
            column = columns[first_option + option]
            box = Rect(column.centre - spec.box / 2, middle - spec.box / 2, spec.box, spec.box)
            boxes.append(BoxSlot(page, box, option, label, row.nominee_index, row.nominee_id, row.write_in))
        y = bottom
    lines.append(LineItem(left, table_top, left, y, GRID_WIDTH))
    lines.append(LineItem(right, table_top, right, y, GRID_WIDTH))
    return lines, items, slots, boxes


def _pack(rows: list[_Row], capacity: float) -> list[list[_Row]]:
    pages: list[list[_Row]] = [[]]
    used = 0.0
    for row in rows:
        if pages[-1] and used + row.height > capacity:
            pages.append([])
            used = 0.0
        pages[-1].append(row)
        used += row.height
    return pages


def _paginate(rows: list[_Row], capacity: float) -> list[list[_Row]]:
    """As few pages as the rows need, filled evenly (not 20 + 20 + 20 + 3)."""
    count = len(_pack(rows, capacity))
    low, high = 0.0, capacity
    for _ in range(30):
        middle = (low + high) / 2
        if len(_pack(rows, middle)) <= count:
            high = middle
        else:
            low = middle
    return _pack(rows, high)


def _fiducials(spec: FormatSpec) -> tuple[Point, ...]:
    near, far_x, far_y = spec.fiducial_inset, spec.width - spec.fiducial_inset, spec.height - spec.fiducial_inset
    return ((near, near), (far_x, near), (near, far_y), (far_x, far_y))


def _watermark(spec: FormatSpec, table_top: float) -> TextItem:
    """The test-mode text laid diagonally across the table area only, clear of stamp and QR."""
    area = Rect(spec.margin_x, spec.margin_bottom, spec.width - 2 * spec.margin_x, table_top - spec.margin_bottom)
    angle = math.degrees(math.atan2(area.h, area.w))
    diagonal = math.hypot(area.w, area.h)
    size = min(44.0, 0.8 * diagonal / text_width(texts.WATERMARK, SERIF_BOLD, 1.0))
    while True:
        item = TextItem(
            texts.WATERMARK, area.x + area.w / 2, area.y + area.h / 2 - mm(size) * 0.35, SERIF_BOLD, size,
            Align.CENTRE, angle=angle, grey=0.78,
        )  # fmt: skip
        if all(area.x <= x <= area.right and area.y <= y <= area.top for x, y in item.corners()) or size < 8:
            return item
        size *= 0.92
