"""The agency header at the top of a ballot or minutes page (SPEC §5).

`state`: Nghị định 30/2020/NĐ-CP, Phụ lục I — left the superior body (upright) and the
agency (bold, upper case) with a short rule; right the national name and motto (bold)
with a rule as long as the motto.
`party`: Hướng dẫn 36-HD/VPTW — left "ĐẢNG BỘ …" and the committee (bold) with "*" below;
right "ĐẢNG CỘNG SẢN VIỆT NAM" (bold, underlined).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vote_counter.documents import ballot_texts as texts
from vote_counter.documents.fonts import SERIF, SERIF_BOLD, register_fonts
from vote_counter.documents.page_items import (
    ASCENT,
    DESCENT,
    Align,
    LineItem,
    Rect,
    TextItem,
    balanced_wrap,
    bounding_rect,
    draw_line,
    draw_text,
    leading,
    mm,
    pt,
)
from vote_counter.documents.typescale import BALLOT_HEADER_A4, HeaderScale
from vote_counter.domain.model import HeaderStyle, Meeting

LEFT_SHARE = 0.42  # of the header width; the right block holds the longer national name
RULE_GAP = 1.2  # mm between the last baseline's descent and a rule


@dataclass(frozen=True)
class HeaderLayout:
    texts: tuple[TextItem, ...]
    lines: tuple[LineItem, ...]
    left: Rect  # ink bounds of the left block
    right: Rect  # ink bounds of the right block

    @property
    def bottom(self) -> float:
        return min(self.left.y, self.right.y)


class _Block:
    """Lines centred on one column, set from the top down."""

    def __init__(self, centre: float, width: float, top: float) -> None:
        self.centre, self.width, self.cursor = centre, width, top
        self.texts: list[TextItem] = []
        self.lines: list[LineItem] = []

    def add(self, text: str, font: str, size: float) -> list[TextItem]:
        if not text.strip():
            return []
        # The regulated size, never shrunk; a long name breaks into even lines (no lone last word).
        fitted, lines = size, balanced_wrap(text, font, size, self.width)
        added = []
        for line in lines:
            baseline = self.cursor - mm(fitted) * ASCENT
            added.append(TextItem(line, self.centre, baseline, font, fitted, Align.CENTRE))
            self.cursor -= leading(fitted)
        self.texts.extend(added)
        return added

    def rule_under(self, items: list[TextItem], length: float) -> None:
        if not items:
            return
        last = items[-1]
        y = last.y - mm(last.size) * DESCENT - RULE_GAP
        self.lines.append(LineItem(self.centre - length / 2, y, self.centre + length / 2, y, width=0.6))
        self.cursor = y - RULE_GAP

    def bounds(self) -> Rect:
        rects = [t.bounds for t in self.texts] + [line.bounds for line in self.lines]
        if not rects:
            return Rect(self.centre, self.cursor, 0.0, 0.0)
        return bounding_rect(p for r in rects for p in r.corners())


def header_layout(
    meeting: Meeting, x: float, top: float, width: float, *, sizes: HeaderScale | None = None
) -> HeaderLayout:
    """The header placed in the band [x, x + width] below `top` (all mm). Pure: nothing is drawn.

    Sizes come from `typescale` (ND 30/2020 or HD 36-HD/VPTW rows); A4 ballot sizes by default."""
    register_fonts()
    sz = sizes or BALLOT_HEADER_A4[meeting.header_style]
    left_width = width * LEFT_SHARE
    left = _Block(x + left_width / 2, left_width - 2, top)
    right = _Block(x + left_width + (width - left_width) / 2, width - left_width, top)
    left.add(meeting.parent_body.upper(), SERIF, sz.parent)
    organisation = left.add(meeting.organisation.upper(), SERIF_BOLD, sz.issuer)
    if meeting.header_style is HeaderStyle.PARTY:
        left.add(texts.PARTY_STAR, SERIF, sz.issuer)
        name = right.add(texts.PARTY_NAME, SERIF_BOLD, sz.national)
        right.rule_under(name, max(t.width for t in name))
    else:
        # ND 30/2020: the rule under the agency is 1/3 to 1/2 of its line, centred.
        widest = max((t.width for t in organisation), default=0.0)
        left.rule_under(organisation, max(widest * 0.4, 12.0))
        right.add(texts.NATIONAL_NAME, SERIF_BOLD, sz.national)
        motto = right.add(texts.NATIONAL_MOTTO, SERIF_BOLD, sz.motto)
        right.rule_under(motto, max(t.width for t in motto))
    return HeaderLayout(
        texts=tuple(left.texts + right.texts),
        lines=tuple(left.lines + right.lines),
        left=left.bounds(),
        right=right.bounds(),
    )


def draw_header(canvas: Any, meeting: Meeting, x: float, top: float, width: float) -> float:
    """Draw the header on a ReportLab canvas; x, top, width and the returned bottom are points."""
    layout = header_layout(meeting, mm(x), mm(top), mm(width))
    draw_header_layout(canvas, layout)
    return pt(layout.bottom)


def draw_header_layout(canvas: Any, layout: HeaderLayout) -> None:
    for item in layout.texts:
        draw_text(canvas, item)
    for line in layout.lines:
        draw_line(canvas, line)
