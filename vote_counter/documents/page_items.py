"""What a printed page is made of: rectangles, lines and text runs placed in millimetres.

Layouts (ballots, the agency header) are computed as these values first, so that the
geometry can be checked and stored without drawing anything, and the renderer draws
exactly what the layout says. Coordinates are millimetres with the origin at the
bottom left of the page, as on a ReportLab canvas; font sizes are points.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from reportlab.pdfbase.pdfmetrics import stringWidth

from vote_counter.documents.fonts import pdf_text

PT_PER_MM = 72 / 25.4
MM_PER_PT = 25.4 / 72

# Vietnamese capitals carry stacked marks ("Ễ", "Ỗ") that rise to about one em above the
# baseline, and descenders and the dot below ("ạ", "ỵ") reach about a quarter em below.
ASCENT = 1.0
DESCENT = 0.25

Point = tuple[float, float]


def mm(points: float) -> float:
    return points * MM_PER_PT


def pt(millimetres: float) -> float:
    return millimetres * PT_PER_MM


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def top(self) -> float:
        return self.y + self.h

    def intersects(self, other: Rect) -> bool:
        """True when the two overlap with positive area (touching edges do not count)."""
        return self.x < other.right and other.x < self.right and self.y < other.top and other.y < self.top

    def contains(self, other: Rect) -> bool:
        return self.x <= other.x and self.y <= other.y and other.right <= self.right and other.top <= self.top

    def corners(self) -> tuple[Point, Point, Point, Point]:
        return ((self.x, self.y), (self.right, self.y), (self.right, self.top), (self.x, self.top))

    def to_list(self) -> list[float]:
        return [round(self.x, 2), round(self.y, 2), round(self.w, 2), round(self.h, 2)]


@dataclass(frozen=True)
class Circle:
    cx: float
    cy: float
    r: float

    @property
    def bounds(self) -> Rect:
        return Rect(self.cx - self.r, self.cy - self.r, 2 * self.r, 2 * self.r)


class Align(StrEnum):
    LEFT = "left"
    CENTRE = "centre"
    RIGHT = "right"


def text_width(text: str, font: str, size: float) -> float:
    """Width in mm of `text` set in `font` at `size` points."""
    return mm(stringWidth(pdf_text(text), font, size))


@dataclass(frozen=True)
class TextItem:
    """One line of text; (x, y) is the anchor on the baseline, `align` says which end it is."""

    text: str
    x: float
    y: float
    font: str
    size: float
    align: Align = Align.LEFT
    angle: float = 0.0  # degrees, counter-clockwise about the anchor
    grey: float = 0.0  # 0 = black, 1 = white

    @property
    def width(self) -> float:
        return text_width(self.text, self.font, self.size)

    def corners(self) -> tuple[Point, Point, Point, Point]:
        """The run's ink box (ascent to descent, full width), rotated like the text."""
        width = self.width
        start = {Align.LEFT: 0.0, Align.CENTRE: -width / 2, Align.RIGHT: -width}[self.align]
        top, bottom = mm(self.size) * ASCENT, -mm(self.size) * DESCENT
        local = ((start, bottom), (start + width, bottom), (start + width, top), (start, top))
        cos, sin = math.cos(math.radians(self.angle)), math.sin(math.radians(self.angle))
        c0, c1, c2, c3 = ((self.x + u * cos - v * sin, self.y + u * sin + v * cos) for u, v in local)
        return (c0, c1, c2, c3)

    @property
    def bounds(self) -> Rect:
        return bounding_rect(self.corners())


@dataclass(frozen=True)
class LineItem:
    x1: float
    y1: float
    x2: float
    y2: float
    width: float = 0.6  # points
    dotted: bool = False

    @property
    def bounds(self) -> Rect:
        half = mm(self.width) / 2
        x, y = min(self.x1, self.x2) - half, min(self.y1, self.y2) - half
        return Rect(x, y, abs(self.x2 - self.x1) + 2 * half, abs(self.y2 - self.y1) + 2 * half)


def bounding_rect(points: Iterable[Point]) -> Rect:
    xs, ys = zip(*points, strict=True)
    return Rect(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))


def polygon_hits_rect(corners: tuple[Point, ...], rect: Rect) -> bool:
    """Separating-axis test of a convex quadrilateral (e.g. rotated text) against a rectangle."""
    axes: list[Point] = [(1.0, 0.0), (0.0, 1.0)]
    for (ax, ay), (bx, by) in zip(corners, corners[1:] + corners[:1], strict=True):
        axes.append((ay - by, bx - ax))
    for nx, ny in axes:
        poly = [x * nx + y * ny for x, y in corners]
        box = [x * nx + y * ny for x, y in rect.corners()]
        if max(poly) <= min(box) or max(box) <= min(poly):
            return False
    return True


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy word wrap to `width` mm; a word longer than the width is cut between letters."""
    lines: list[str] = []
    current = ""
    for word in pdf_text(text).split():
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, font, size) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        while text_width(word, font, size) > width and len(word) > 1:
            cut = len(word) - 1
            while cut > 1 and text_width(word[:cut], font, size) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    return lines


def balanced_wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Wrap into as few lines as `wrap` needs, but as even as possible: no lone last word."""
    lines = wrap(text, font, size, width)
    if len(lines) < 2:
        return lines
    low, high = 0.0, width
    for _ in range(24):
        middle = (low + high) / 2
        if len(wrap(text, font, size, middle)) <= len(lines):
            high = middle
        else:
            low = middle
    return wrap(text, font, size, high)


def fit_text(text: str, font: str, size: float, min_size: float, width: float) -> tuple[float, list[str]]:
    """Fit `text` into `width` mm without ever running over it.

    One line if a slight shrink (1.5 pt at most) is enough; otherwise two lines at the largest
    size that allows it (down to `min_size`); otherwise as many lines as `min_size` needs.
    """
    if not text.strip():
        return size, []
    current = size
    while current >= max(min_size, size - 1.5):
        if text_width(text, font, current) <= width:
            return current, [pdf_text(" ".join(text.split()))]
        current -= 0.5
    current = size
    while current >= min_size:
        lines = wrap(text, font, current, width)
        if len(lines) <= 2:
            return current, lines
        current -= 0.5
    return min_size, wrap(text, font, min_size, width)


def leading(size: float) -> float:
    """Baseline-to-baseline distance in mm for text of `size` points."""
    return mm(size) * 1.2


def stacked_lines(lines: list[str], font: str, size: float, x: float, centre_y: float, align: Align) -> list[TextItem]:
    """Lines set one under the other, the block centred vertically on `centre_y`."""
    step = leading(size)
    first = centre_y + (len(lines) - 1) * step / 2 - mm(size) * 0.33
    return [TextItem(line, x, first - i * step, font, size, align) for i, line in enumerate(lines)]


def rect_dict(rect: Rect) -> dict[str, Any]:
    return {"x": round(rect.x, 2), "y": round(rect.y, 2), "w": round(rect.w, 2), "h": round(rect.h, 2)}


# -- drawing ---------------------------------------------------------------------------------


def draw_text(canvas: Any, item: TextItem) -> None:
    canvas.setFont(item.font, item.size)
    canvas.setFillGray(item.grey)
    text = pdf_text(item.text)
    if item.angle:
        canvas.saveState()
        canvas.translate(pt(item.x), pt(item.y))
        canvas.rotate(item.angle)
        _draw_aligned(canvas, text, 0.0, 0.0, item.align)
        canvas.restoreState()
    else:
        _draw_aligned(canvas, text, pt(item.x), pt(item.y), item.align)


def _draw_aligned(canvas: Any, text: str, x: float, y: float, align: Align) -> None:
    if align is Align.CENTRE:
        canvas.drawCentredString(x, y, text)
    elif align is Align.RIGHT:
        canvas.drawRightString(x, y, text)
    else:
        canvas.drawString(x, y, text)


def draw_line(canvas: Any, item: LineItem) -> None:
    canvas.setLineWidth(item.width)
    canvas.setStrokeGray(0)
    canvas.setDash([0.8, 1.6] if item.dotted else [])
    canvas.line(pt(item.x1), pt(item.y1), pt(item.x2), pt(item.y2))
    if item.dotted:
        canvas.setDash([])


def draw_rect(canvas: Any, rect: Rect, *, line_width: float = 0.6, fill: bool = False) -> None:
    canvas.setLineWidth(line_width)
    canvas.setStrokeGray(0)
    canvas.setFillGray(0)
    canvas.rect(pt(rect.x), pt(rect.y), pt(rect.w), pt(rect.h), stroke=0 if fill else 1, fill=1 if fill else 0)
