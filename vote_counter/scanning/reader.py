"""One scanned page read against the stored geometry: registered, its QR decoded, every box scored.

The steps, each conservative (anything unsure becomes a problem or an ambiguous box, never a guess):
1. a vertical streak from dirty scanner glass refuses the page ("lau kính máy quét");
2. the four fiducials (solid squares near the corners) are found as dark, filled, square blobs;
3. a homography maps them onto the stored fiducials, into a canonical frame of CANON px per mm;
4. the QR is decoded in its stored area (on the page as found, then turned 180°: the QR says which way
   is up), and only then on the whole page;
5. each box is scored on grey levels normalised to this page's own paper and ink (the fiducials are the
   ink, the page's bright majority the paper), so pencil is not lost to a black/white threshold.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import cv2
import numpy as np
import numpy.typing as npt
import zxingcpp

from vote_counter.scanning.geometry import CANON, Geometry, MmRect, PageGeometry
from vote_counter.scanning.images import Grey
from vote_counter.scanning.thresholds import Thresholds

BOX_INSET = 0.9  # mm kept clear of the printed box outline when scoring
SPILL = 2.2  # mm around the box where a scribble's ink shows
INK_LEVEL = 0.5  # a pixel at least half-way from paper to ink is ink
Floats = npt.NDArray[np.float32]
_QR: zxingcpp.BarcodeFormats = zxingcpp.BarcodeFormats([zxingcpp.BarcodeFormat.QRCode])  # type: ignore[call-arg,unused-ignore]


class Problem(StrEnum):
    """Why a page could not be read on its own; each one sends the page to the queue or refuses it."""

    STREAK = "streak"  # vertical streak: clean the scanner glass
    NO_FIDUCIALS = "no_fiducials"
    NO_QR = "no_qr"
    WRONG_GEOMETRY = "wrong_geometry"  # the fiducials do not sit where this round's ballot has them
    PAGE_UNKNOWN = "page_unknown"  # a multi-page ballot whose page number cannot be told
    LOW_CONTRAST = "low_contrast"


class BoxState(StrEnum):
    MARKED = "marked"
    UNMARKED = "unmarked"
    AMBIGUOUS = "ambiguous"


@dataclass(frozen=True)
class BoxReading:
    index: int  # position in the page's boxes
    ink: float  # share of the inner area that is ink
    grey: float  # mean darkness of the inner area, 0 paper .. 1 ink
    spill: float  # ink share in the band around the box
    state: BoxState
    crossed_out: bool = False


@dataclass(frozen=True)
class PageReading:
    payload: str | None
    page: int | None  # index of the geometry page this sheet is
    boxes: tuple[BoxReading, ...]
    problems: tuple[Problem, ...]
    upside_down: bool = False
    canonical: Grey | None = field(default=None, repr=False)  # the page in the canonical frame, when registered
    contrast: float = 0.0

    @property
    def clear(self) -> bool:
        return not self.problems and all(b.state is not BoxState.AMBIGUOUS for b in self.boxes)


# ---------------------------------------------------------------- levels and streaks


def paper_level(image: Grey) -> float:
    """The page's paper: the bright majority (the 80th percentile of a sample)."""
    return float(np.percentile(image[::4, ::4], 80))


def has_streak(image: Grey, paper: float, ink: float, px_per_mm: float) -> bool:
    """A dark vertical line from top to bottom of the scan: dirt on the scanner glass.

    Printed lines never run the whole height (the header and the bottom margin are blank there), so a band of
    columns darker than the paper over 85 % of the height, at most 4 mm wide and with paper on both sides, is
    a streak. A wide dark band is not: that is the scanner's backing beside a narrower sheet.
    """
    h, w = image.shape
    level = paper - 0.25 * max(paper - ink, 1.0)
    rows = image[:: max(1, h // 400), :]
    dark = (rows < level).mean(axis=0) > 0.85
    widest = max(2, int(4 * px_per_mm))
    x = 0
    while x < w:
        if not dark[x]:
            x += 1
            continue
        start = x
        while x < w and dark[x]:
            x += 1
        if start > 0 and x < w and x - start <= widest:
            left = rows[:, max(0, start - widest) : start]
            right = rows[:, x : x + widest]
            if (left >= level).mean() > 0.5 and (right >= level).mean() > 0.5:
                return True
    return False


# ---------------------------------------------------------------- fiducials


def _fiducial_candidates(image: Grey, level: float, size_px: float) -> list[tuple[float, float]]:
    """Centres (x, y) of filled square blobs about the fiducial size in `image`."""
    binary = (image < level).astype(np.uint8)
    count, _labels, stats, centroids = cv2.connectedComponentsWithStats(binary, connectivity=8)
    if count <= 1:
        return []
    w, h, area = stats[1:, 2].astype(np.float64), stats[1:, 3].astype(np.float64), stats[1:, 4].astype(np.float64)
    expected = size_px * size_px
    keep = (
        (w >= 0.55 * size_px) & (w <= 1.9 * size_px) & (h >= 0.55 * size_px) & (h <= 1.9 * size_px)
        & (area >= 0.5 * expected) & (area <= 2.0 * expected)
        # A square turned by up to 3° still fills most of its bounding box; a QR finder pattern fills 2/3.
        & (area / (w * h) >= 0.8) & (w / h >= 0.75) & (w / h <= 1.33)
    )  # fmt: skip
    return [(float(x), float(y)) for x, y in centroids[1:][keep]]


def find_fiducials(image: Grey, paper: float, geometry: Geometry, page: PageGeometry) -> npt.NDArray[np.float64] | None:
    """Image points of the four fiducials in the image's own corner order: TL, TR, BL, BR; None if not found.

    Each is looked for only in its corner of the image (a fifth of the width and height, at least 40 mm), the
    nearest fitting blob to the corner winning."""
    h, w = image.shape
    px_per_mm = w / geometry.width
    if abs(h / px_per_mm - geometry.height) > 0.15 * geometry.height:
        # Not the ballot's paper proportions: take the shorter side as the scale hint.
        px_per_mm = min(w / geometry.width, h / geometry.height)
    ink_guess = float(np.percentile(image[::4, ::4], 0.5))
    level = (paper + ink_guess) / 2
    size = page.fiducial_size * px_per_mm
    reach_x = min(w // 2, max(int(w * 0.2), int(40 * px_per_mm)))
    reach_y = min(h // 2, max(int(h * 0.2), int(40 * px_per_mm)))
    found = []
    for right, bottom in ((False, False), (True, False), (False, True), (True, True)):
        x0 = w - reach_x if right else 0
        y0 = h - reach_y if bottom else 0
        corner = (w if right else 0, h if bottom else 0)
        candidates = _fiducial_candidates(image[y0 : y0 + reach_y, x0 : x0 + reach_x], level, size)
        if not candidates:
            return None
        best = min(candidates, key=lambda c: np.hypot(c[0] + x0 - corner[0], c[1] + y0 - corner[1]))
        found.append((best[0] + x0, best[1] + y0))
    points = np.array(found, dtype=np.float64)
    if len({(round(x), round(y)) for x, y in points}) < 4:
        return None
    return points


def _canonical_points(geometry: Geometry, page: PageGeometry) -> npt.NDArray[np.float64]:
    """The stored fiducials in the canonical frame (y down), in the order TL, TR, BL, BR."""
    bl, br, tl, tr = page.fiducials
    return np.array(
        [[(x * CANON), (geometry.height - y) * CANON] for x, y in (tl, tr, bl, br)],
        dtype=np.float64,
    )


def _shape_fits(image_pts: npt.NDArray[np.float64], canon_pts: npt.NDArray[np.float64]) -> bool:
    """The four points form the stored rectangle up to skew, scale and shift (not another form's layout)."""
    homography, _ = cv2.findHomography(canon_pts, image_pts, 0)
    if homography is None:
        return False
    # The same rectangle seen under a similarity: side ratios and the angle at each corner hold.
    tl, tr, bl, br = image_pts
    top, bottom = np.linalg.norm(tr - tl), np.linalg.norm(br - bl)
    left, right = np.linalg.norm(bl - tl), np.linalg.norm(br - tr)
    ctl, ctr, cbl, _cbr = canon_pts
    ratio = np.linalg.norm(cbl - ctl) / np.linalg.norm(ctr - ctl)
    if abs(top - bottom) > 0.02 * top or abs(left - right) > 0.02 * left:
        return False
    return bool(abs((left / top) / ratio - 1) < 0.03)


# ---------------------------------------------------------------- QR


def _decode(image: Grey) -> str | None:
    results = zxingcpp.read_barcodes(image, formats=_QR)
    for result in results:
        text = result.text.strip()
        if text.isdigit():
            return text
    return None


def _crop(canon: Grey, rect: MmRect, height_mm: float, margin: float = 4.0) -> Grey:
    x0 = max(0, int((rect.x - margin) * CANON))
    x1 = min(canon.shape[1], int((rect.right + margin) * CANON))
    y0 = max(0, int((height_mm - rect.top - margin) * CANON))
    y1 = min(canon.shape[0], int((height_mm - rect.y + margin) * CANON))
    return np.ascontiguousarray(canon[y0:y1, x0:x1])


# ---------------------------------------------------------------- boxes


def _box_slices(rect: MmRect, height_mm: float, inset: float) -> tuple[slice, slice]:
    x0 = round((rect.x + inset) * CANON)
    x1 = round((rect.right - inset) * CANON)
    y0 = round((height_mm - rect.top + inset) * CANON)
    y1 = round((height_mm - rect.y - inset) * CANON)
    return slice(max(y0, 0), max(y1, 1)), slice(max(x0, 0), max(x1, 1))


def score_boxes(darkness: Floats, page: PageGeometry, height_mm: float, limits: Thresholds) -> tuple[BoxReading, ...]:
    out = []
    for index, box in enumerate(page.boxes):
        ys, xs = _box_slices(box.rect, height_mm, BOX_INSET)
        inner = darkness[ys, xs]
        ink = float((inner >= INK_LEVEL).mean()) if inner.size else 1.0
        grey = float(inner.mean()) if inner.size else 1.0
        # Left and right of the box (no grid line runs there): how far a scribble runs past it.
        spill = _side_spill(darkness, box.rect, height_mm)
        crossed = ink >= limits.scribble and spill >= limits.spill
        if crossed:
            state = BoxState.AMBIGUOUS
        elif ink >= limits.definite:
            state = BoxState.MARKED
        elif ink < limits.marginal and grey < limits.grey:
            state = BoxState.UNMARKED
        else:
            state = BoxState.AMBIGUOUS
        out.append(BoxReading(index, round(ink, 4), round(grey, 4), round(spill, 4), state, crossed))
    return tuple(out)


def _side_spill(darkness: Floats, rect: MmRect, height_mm: float) -> float:
    shares = []
    for x0, x1 in ((rect.x - 0.6 - SPILL, rect.x - 0.6), (rect.right + 0.6, rect.right + 0.6 + SPILL)):
        band = darkness[
            max(0, int((height_mm - rect.top) * CANON)) : int((height_mm - rect.y) * CANON),
            max(0, int(x0 * CANON)) : max(1, int(x1 * CANON)),
        ]
        shares.append(float((band >= INK_LEVEL).mean()) if band.size else 0.0)
    return max(shares)


# ---------------------------------------------------------------- the page


def read_page(
    image: Grey,
    geometry: Geometry,
    limits: Thresholds,
    *,
    page_hint: int | None = None,
    templates: dict[int, Grey] | None = None,
) -> PageReading:
    """Read one scanned page against the round's geometry. `templates` (canonical renders of each page of a
    multi-page ballot) tell which page this is; one-page ballots need none."""
    paper = paper_level(image)
    dark = float(np.percentile(image[::4, ::4], 0.5))
    if has_streak(image, paper, dark, max(image.shape) / max(geometry.width, geometry.height)):
        return PageReading(None, None, (), (Problem.STREAK,))
    first = geometry.pages[0]
    points = find_fiducials(image, paper, geometry, first)
    if points is None:
        return PageReading(_decode(image), None, (), (Problem.NO_FIDUCIALS,))
    canon_pts = _canonical_points(geometry, first)
    if not _shape_fits(points, canon_pts):
        return PageReading(_decode(image), None, (), (Problem.WRONG_GEOMETRY,))
    homography = cv2.getPerspectiveTransform(points.astype(np.float32), canon_pts.astype(np.float32))
    size = (round(geometry.width * CANON), round(geometry.height * CANON))
    canon: Grey = np.asarray(
        cv2.warpPerspective(image, homography, size, flags=cv2.INTER_LINEAR, borderValue=int(paper)), dtype=np.uint8
    )

    payload = _decode(_crop(canon, first.qr, geometry.height))
    upside_down = False
    if payload is None:
        turned = np.ascontiguousarray(canon[::-1, ::-1])
        payload = _decode(_crop(turned, first.qr, geometry.height))
        if payload is not None:
            canon, upside_down = turned, True
    if payload is None:
        payload = _decode(image)

    # Ink level from the fiducials as found in the canonical frame: solid black squares.
    ink_samples = []
    for x, y in first.fiducials:
        cx, cy = int(x * CANON), int((geometry.height - y) * CANON)
        r = max(2, int(first.fiducial_size * CANON * 0.3))
        ink_samples.append(float(np.median(canon[cy - r : cy + r, cx - r : cx + r])))
    ink = float(np.median(ink_samples))
    contrast = paper - ink
    if contrast < 60:
        return PageReading(payload, None, (), (Problem.LOW_CONTRAST,), upside_down, canon, contrast)
    darkness = np.clip((paper - canon.astype(np.float32)) / np.float32(contrast), 0.0, 1.0)

    problems: list[Problem] = []
    if payload is None:
        problems.append(Problem.NO_QR)
    if len(geometry.pages) == 1:
        index: int | None = 0
    else:
        index = page_hint if page_hint is not None else which_page(canon, geometry, templates or {})
        if index is None:
            problems.append(Problem.PAGE_UNKNOWN)
    boxes = score_boxes(darkness, geometry.pages[index], geometry.height, limits) if index is not None else ()
    return PageReading(payload, index, boxes, tuple(problems), upside_down, canon, contrast)


def which_page(canon: Grey, geometry: Geometry, templates: dict[int, Grey]) -> int | None:
    """The page of a multi-page ballot this sheet is: the template its table area matches best, when clearly
    better than the rest (the rows, names and "Trang x/y" differ page by page)."""
    if len(templates) != len(geometry.pages):
        return None
    top = geometry.pages[0].qr.y  # everything under the QR band: the table and the footer
    y0 = int((geometry.height - top) * CANON)
    probe = cv2.GaussianBlur(canon[y0:, :], (0, 0), 1.5).astype(np.float32)
    scores = []
    for index in range(len(geometry.pages)):
        template = cv2.GaussianBlur(templates[index][y0:, :], (0, 0), 1.5).astype(np.float32)
        a, b = probe - probe.mean(), template - template.mean()
        denominator = float(np.sqrt((a * a).sum() * (b * b).sum())) or 1.0
        scores.append(float((a * b).sum()) / denominator)
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    best, second = scores[order[0]], scores[order[1]]
    if best < 0.5 or best - second < 0.08:
        return None
    return order[0]
