"""The shapes a ballot layout is made of, and the paper formats: what scanning reads back (stored as JSON).

Fields are only ever added, never renamed (LAYOUT_VERSION): the scanned-ballot reader maps this geometry
onto images of printed ballots.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from vote_counter.documents.page_format import PageFormat as PageFormat
from vote_counter.documents.page_items import Circle, LineItem, Point, Rect, TextItem, rect_dict
from vote_counter.documents.typescale import (
    BALLOT_A4,
    BALLOT_A5,
    BALLOT_HEADER_A4,
    BALLOT_HEADER_A5,
    BallotScale,
    HeaderScale,
)
from vote_counter.domain.model import HeaderStyle, RoundKind

LAYOUT_VERSION = 1  # fields are only ever added (scanning reads this), never renamed
GAP = 3.0  # mm between the zones of the top band
CELL_PAD = 1.8  # mm of padding inside table cells, horizontally
ROW_PAD = 0.7  # mm above and below wrapped text in a row
GRID_WIDTH = 0.6  # pt
BOX_WIDTH = 1.0  # pt: the boxes stand out from the grid
STAMP_GREY = 0.72  # the dashed circle that marks the stamp area: light, so the seal reads over it
SHARES = tuple(0.3 + 0.02 * k for k in range(16))  # name column widths tried, as shares of the free width
STAMP_INSET = 0.5  # mm: the circle is drawn just inside the clearance


@dataclass(frozen=True)
class FormatSpec:
    """Paper size and the measures that depend on it (mm; type sizes come from `typescale`)."""

    width: float
    height: float
    margin_x: float
    margin_top: float
    margin_bottom: float
    type: BallotScale
    header: Mapping[HeaderStyle, HeaderScale]
    row_height: float  # rows are this tall when the list leaves room
    min_row: float  # … and no shorter when a long list must fit one side
    box: float
    qr: float
    number_width: float
    option_width: float
    fiducial: float
    fiducial_inset: float
    stamp_radius: float = 17.5  # a 35 mm circle of clearance for the seal


_A4 = FormatSpec(
    width=210, height=297, margin_x=15, margin_top=9, margin_bottom=11, type=BALLOT_A4, header=BALLOT_HEADER_A4,
    row_height=9, min_row=6.8, box=6, qr=26, number_width=11.5, option_width=21, fiducial=5, fiducial_inset=7,
)  # fmt: skip
# A5 keeps the physical sizes that matter (seal, boxes, QR modules) and sets smaller type.
_A5 = replace(
    _A4, width=148, height=210, margin_x=11, margin_top=10, margin_bottom=12, type=BALLOT_A5,
    header=BALLOT_HEADER_A5, row_height=8, min_row=6.8, box=6, qr=24, number_width=9.5, option_width=17,
    fiducial=4, fiducial_inset=6.5,
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
    stamp: Circle  # r == 0 on continuation pages (the seal goes on page 1)
    watermark: TextItem | None
    continuation: bool = False  # pages 2, 3, …: the compact header
    name_size: float = 0.0  # the one size of every name on this ballot
    position_size: float = 0.0  # the one size of every position

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
            "continuation": self.continuation,
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
