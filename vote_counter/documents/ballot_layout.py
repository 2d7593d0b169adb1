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
from dataclasses import dataclass

from vote_counter.documents import ballot_texts as texts
from vote_counter.documents.ballot_top import Top, continuation_top, first_page_top, uniform_size
from vote_counter.documents.ballot_types import (
    BOX_WIDTH,
    CELL_PAD,
    FORMATS,
    GAP,
    GRID_WIDTH,
    LAYOUT_VERSION,
    ROW_PAD,
    SHARES,
    STAMP_GREY,
    STAMP_INSET,
    BallotLayout,
    BoxSlot,
    FormatSpec,
    PageFormat,
    PageLayout,
    RowSlot,
)
from vote_counter.documents.fonts import SERIF, SERIF_BOLD, register_fonts
from vote_counter.documents.page_items import (
    Align,
    LineItem,
    Point,
    Rect,
    TextItem,
    balanced_wrap,
    leading,
    mm,
    stacked_lines,
    text_width,
    wrap,
)
from vote_counter.domain.model import Meeting, Mode, Nominee, Round, RoundKind

__all__ = [
    "BOX_WIDTH",
    "CELL_PAD",
    "FORMATS",
    "GAP",
    "GRID_WIDTH",
    "LAYOUT_VERSION",
    "ROW_PAD",
    "SHARES",
    "STAMP_GREY",
    "STAMP_INSET",
    "BallotLayout",
    "BoxSlot",
    "FormatSpec",
    "PageFormat",
    "PageLayout",
    "RowSlot",
    "ballot_layout",
]


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
    name: list[str]
    position: list[str]
    nominee_index: int | None
    nominee_id: int | None
    write_in: int | None


@dataclass(frozen=True)
class _Body:
    """The table's rows with the one name size and the one position size they share."""

    rows: list[_Row]
    name_size: float
    position_size: float


def ballot_layout(
    meeting: Meeting, round_: Round, nominees: Sequence[Nominee], page_format: PageFormat
) -> BallotLayout:
    register_fonts()
    spec = FORMATS[PageFormat(page_format)]
    sizes = spec.type
    first = first_page_top(
        meeting, round_, width=spec.width, height=spec.height, margin_x=spec.margin_x, margin_top=spec.margin_top,
        sizes=sizes, header_sizes=spec.header[meeting.header_style], qr_size=spec.qr, stamp_radius=spec.stamp_radius,
    )  # fmt: skip
    number_head, name_head, position_head, option_heads = texts.column_headings(round_)
    # "Không đồng ý" reads badly broken in two: approval's two columns can afford the room.
    option_width = spec.option_width * (1.35 if round_.kind is RoundKind.APPROVAL else 1.0)
    names = [text_width(n.full_name, SERIF_BOLD, sizes.name) for n in nominees]
    columns = _columns(spec, len(option_heads), option_width, max(names, default=0.0) + 2 * CELL_PAD)
    heading_texts, heading_height = _heading(spec, columns, [number_head, name_head, position_head, *option_heads])

    def top_of(index: int, pages: int) -> Top:
        if index == 0:
            return first
        return continuation_top(
            round_, index + 1, pages, width=spec.width, height=spec.height, margin_x=spec.margin_x,
            margin_top=spec.margin_top, size=sizes.continuation, serial_size=sizes.serial, qr_size=spec.qr,
        )  # fmt: skip

    floor = spec.margin_bottom + heading_height
    first_room = first.table_top - floor
    later_room = top_of(1, 2).table_top - floor
    # The names' room against the positions': the split that needs the fewest pages, then the larger type.
    free = columns[2].x + columns[2].w - columns[1].x
    # Widths tried: what the longest name needs at each size from the largest down, then fixed shares.
    needs = [
        max((text_width(n.full_name, SERIF_BOLD, size) for n in nominees), default=0.0) + 2 * CELL_PAD
        for size in _sizes(sizes.name, sizes.min_size)
    ]
    candidates = [columns] + [
        _columns(spec, len(option_heads), option_width, width - 1)
        for width in [*needs, *(free * share for share in SHARES)]
        if free * SHARES[0] <= width <= free * SHARES[-1]
    ]
    # Fewest pages first; then names on one line; then the larger type; then positions on fewer lines.
    scored: list[tuple[tuple[float, ...], list[_Column], _Body]] = []
    for option in candidates:
        candidate = _body(spec, option, round_, nominees, first_room, later_room)
        name_lines = max((len(r.name) for r in candidate.rows), default=0)
        position_lines = max((len(r.position) for r in candidate.rows), default=0)
        pages_needed = len(_pack(candidate.rows, first_room, later_room))
        key = (pages_needed, name_lines, -(candidate.name_size + candidate.position_size), position_lines, len(scored))
        scored.append((key, option, candidate))
    _, columns, body = min(scored, key=lambda item: item[0])
    heading_texts, final_height = _heading(spec, columns, [number_head, name_head, position_head, *option_heads])
    if final_height > heading_height + 1e-9:  # a narrower heading cell broke in two: less room for rows
        first_room -= final_height - heading_height
        later_room -= final_height - heading_height
        body = _body(spec, columns, round_, nominees, first_room, later_room)
    heading_height = final_height
    per_page = _pack(body.rows, first_room, later_room)

    fiducials = _fiducials(spec)
    pages = []
    for index, page_rows in enumerate(per_page):
        top = top_of(index, len(per_page))
        page_texts = list(top.texts)
        page_lines = list(top.lines)
        page_texts += [_shift(t, top.table_top) for t in heading_texts]
        table_lines, row_texts, slots, boxes = _table(
            spec, columns, option_heads, page_rows, index, top.table_top, heading_height, body
        )
        page_texts += row_texts
        page_lines += table_lines
        if len(per_page) > 1:
            footer_y = spec.fiducial_inset - mm(sizes.page) * 0.33
            page_texts.append(
                TextItem(texts.page_line(index + 1, len(per_page)), spec.width / 2, footer_y, SERIF, sizes.page, Align.CENTRE)
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
                watermark=_watermark(spec, top) if round_.mode is Mode.TEST else None,
                continuation=index > 0,
                name_size=body.name_size,
                position_size=body.position_size,
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


def _sizes(largest: float, smallest: float) -> list[float]:
    count = round((largest - smallest) / 0.25)
    return [largest - 0.25 * k for k in range(count + 1)]


def _columns(spec: FormatSpec, options: int, option_width: float, longest_name: float) -> list[_Column]:
    """Names get the room the longest one needs (within limits); positions get the rest."""
    content_width = spec.width - 2 * spec.margin_x
    free = content_width - spec.number_width - options * option_width
    name_width = min(max(longest_name + 1, free * 0.3), free * 0.6)
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
        width, size = column.w - 2 * CELL_PAD, spec.type.heading
        # A word is never broken: a narrow column ("STT" on A5) takes a smaller size instead.
        while size > spec.type.min_size and max(text_width(w, SERIF_BOLD, size) for w in heading.split()) > width:
            size -= 0.5
        cells.append((column, size, balanced_wrap(heading, SERIF_BOLD, size, width)))
    tallest = max(len(lines) * leading(size) for _, size, lines in cells)
    height = max(spec.min_row, tallest + 2 * ROW_PAD)
    items = []
    for column, size, lines in cells:
        items += stacked_lines(lines, SERIF_BOLD, size, column.centre, -height / 2, Align.CENTRE)
    return items, height


def _shift(item: TextItem, dy: float) -> TextItem:
    return TextItem(item.text, item.x, item.y + dy, item.font, item.size, item.align, item.angle, item.grey)


def _body(
    spec: FormatSpec,
    columns: list[_Column],
    round_: Round,
    nominees: Sequence[Nominee],
    first_room: float,
    later_room: float,
) -> _Body:
    """Every row the same height, every name at one size and every position at one size.

    The row height is the tallest that keeps the ballot on the fewest pages (30 people on one A4 side,
    60 on one duplex sheet), never below what the wrapped text or the box needs.
    """
    sizes = spec.type
    name_width, position_width = columns[1].w - 2 * CELL_PAD, columns[2].w - 2 * CELL_PAD
    name_size, names = uniform_size([n.full_name for n in nominees], SERIF_BOLD, sizes.name, sizes.min_size, name_width)
    positions_text = [" ".join(n.current_position.split()) for n in nominees]
    position_size, positions = uniform_size(
        positions_text, SERIF, sizes.position, sizes.min_size, position_width, sizes.floor
    )
    write_ins = round_.seats if round_.kind is RoundKind.NOMINATION and round_.write_ins else 0

    def rows_at(height: float, position_lines: list[list[str]]) -> list[_Row]:
        rows = [_Row(height, str(i + 1), names[i], position_lines[i], i, n.id, None) for i, n in enumerate(nominees)]
        # A write-in line needs room for a hand-written name.
        rows += [_Row(max(height, spec.row_height), "", [], [], None, None, k) for k in range(write_ins)]
        return rows

    def best_rows(size: float, position_lines: list[list[str]]) -> tuple[int, list[_Row]]:
        text_height = max(
            [len(lines) * leading(name_size) for lines in names]
            + [len(lines) * leading(size) for lines in position_lines],
            default=0.0,
        )
        floor = max(spec.min_row, spec.box + 0.8, text_height + 2 * ROW_PAD)
        height = max(floor, spec.row_height)
        best = rows_at(height, position_lines)
        fewest = len(_pack(best, first_room, later_room))
        while height - 0.1 >= floor - 1e-9:
            height -= 0.1
            rows = rows_at(height, position_lines)
            pages = len(_pack(rows, first_room, later_room))
            if pages < fewest:
                best, fewest = rows, pages
        return fewest, best

    # Positions wrapped in two lines make tall rows: a smaller size on one line may save a page.
    fewest, best = best_rows(position_size, positions)
    size = position_size - 0.25
    while size >= sizes.floor - 1e-9 and fewest > 1:
        lines = [wrap(t, SERIF, size, position_width) if t else [] for t in positions_text]
        if max((len(w) for w in lines), default=0) < max((len(w) for w in positions), default=0):
            pages, rows = best_rows(size, lines)
            if pages < fewest:
                fewest, best, position_size, positions = pages, rows, size, lines
        size -= 0.25
    return _Body(best, name_size, position_size)


def _table(
    spec: FormatSpec,
    columns: list[_Column],
    option_heads: Sequence[str],
    rows: list[_Row],
    page: int,
    table_top: float,
    heading_height: float,
    body: _Body,
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
            items += stacked_lines([row.number], SERIF, spec.type.position, columns[0].centre, middle, Align.CENTRE)
        name_x, position_x = columns[1].x + CELL_PAD, columns[2].x + CELL_PAD
        items += stacked_lines(row.name, SERIF_BOLD, body.name_size, name_x, middle, Align.LEFT)
        items += stacked_lines(row.position, SERIF, body.position_size, position_x, middle, Align.LEFT)
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


def _pack(rows: list[_Row], first_room: float, later_room: float) -> list[list[_Row]]:
    """Fill page 1, then the continuation pages (which have more room), in order."""
    pages: list[list[_Row]] = [[]]
    used = 0.0
    for row in rows:
        room = first_room if len(pages) == 1 else later_room
        if pages[-1] and used + row.height > room + 1e-6:
            pages.append([])
            used = 0.0
        pages[-1].append(row)
        used += row.height
    return pages


def _fiducials(spec: FormatSpec) -> tuple[Point, ...]:
    near, far_x, far_y = spec.fiducial_inset, spec.width - spec.fiducial_inset, spec.height - spec.fiducial_inset
    return ((near, near), (far_x, near), (near, far_y), (far_x, far_y))


def _watermark(spec: FormatSpec, top: Top) -> TextItem:
    """The test-mode text laid diagonally across the table area only, clear of stamp and QR."""
    table_top = top.table_top
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
