"""A seeded synthetic corpus of scanned ballots: the real ballot PDF, marked and scanned in software.

The ballots are printed by the real print path (ReportLab through `reports.print_ballots`), rendered back
with pypdfium2 at the scanner's resolution, marked as voters mark them (pen crosses, ticks and filled
boxes with jitter and overshoot; faint pencil, smudges, erasures, scribbled-over marks), then put through
what a scanner does (skew, scale, shift, upside-down feeding, blur, noise, grey paper, JPEG).

Every box's truth is kept beside the image so tests can check each reading against it.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pypdfium2 as pdfium

from vote_counter.domain.model import Counts, Mode, RoundKind, Stage
from vote_counter.scanning.geometry import Geometry, MmRect, parse_geometry


class Ink(StrEnum):
    """What is in one box, as a person looking at the paper would say."""

    EMPTY = "empty"
    CROSS = "cross"
    TICK = "tick"
    FILL = "fill"
    FAINT = "faint"  # light pencil: a mark nobody may count or ignore without looking
    SMUDGE = "smudge"  # a grey thumb-print over the box
    ERASURE = "erasure"  # a mark rubbed out, grey traces left
    SCRIBBLE = "scribble"  # a mark crossed out by scribbling over it


PEN = frozenset({Ink.CROSS, Ink.TICK, Ink.FILL})
DOUBTFUL = frozenset({Ink.FAINT, Ink.SMUDGE, Ink.SCRIBBLE})  # must go to a person
NOT_A_MARK = frozenset({Ink.EMPTY, Ink.ERASURE, Ink.SMUDGE})  # must never be counted as a mark


@dataclass(frozen=True)
class Scanner:
    dpi: int = 200
    skew: float = 3.0  # degrees, ±
    scale: float = 0.02  # ±
    shift: float = 3.0  # mm, ±
    margin: float = 5.0  # mm of scanner bed scanned around the sheet (a little larger than A4)
    upside_down: float = 0.2  # share of sheets fed the wrong way round
    blur: tuple[float, float] = (0.3, 1.0)  # gaussian sigma in px
    noise: tuple[float, float] = (1.0, 6.0)  # grey levels σ
    paper: tuple[int, int] = (200, 250)  # paper tone
    jpeg: tuple[int, int] = (70, 95)  # quality; 0 for PNG
    streak: bool = False


CLEAN_SCANNER = Scanner(
    skew=0, scale=0, shift=0, upside_down=0, blur=(0, 0), noise=(0, 0), paper=(255, 255), jpeg=(0, 0)
)


@dataclass
class SheetTruth:
    file: Path
    serial: str
    page: int  # page of the ballot (0-based)
    boxes: list[Ink]  # per box of that page, in the layout's order
    upside_down: bool = False


@dataclass
class Corpus:
    geometry: Geometry
    sheets: list[SheetTruth] = field(default_factory=list)

    @property
    def box_count(self) -> int:
        return sum(len(s.boxes) for s in self.sheets)


def render_pdf(pdf: Path, dpi: int) -> list[np.ndarray]:
    document = pdfium.PdfDocument(str(pdf))
    try:
        pages = []
        for index in range(len(document)):
            page = document[index]
            bitmap = page.render(scale=dpi / 72, grayscale=True)
            array = np.array(bitmap.to_numpy(), dtype=np.uint8)
            pages.append(array[:, :, 0] if array.ndim == 3 else array)
            page.close()
        return pages
    finally:
        document.close()


def _px(rect: MmRect, height: float, ppm: float) -> tuple[float, float, float, float]:
    """x0, y0, x1, y1 in image pixels (y down)."""
    return rect.x * ppm, (height - rect.top) * ppm, rect.right * ppm, (height - rect.y) * ppm


def _stroke(img: np.ndarray, points: Sequence[tuple[float, float]], width: float, level: int) -> None:
    pts = np.array([[round(x * 16), round(y * 16)] for x, y in points], dtype=np.int32)
    cv2.polylines(img, [pts], False, level, max(1, round(width)), cv2.LINE_AA, shift=4)


def draw_ink(
    img: np.ndarray,
    box: tuple[float, float, float, float],
    ink: Ink,
    rng: random.Random,
    ppm: float,
    level: int | None = None,
) -> None:
    """Draw one box's content on the page image (white paper, 0..255); `level` fixes the pen's grey."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2

    def jitter(scale: float = 0.9) -> float:
        return rng.uniform(-scale, scale) * ppm

    pen = rng.uniform(0.35, 0.7) * ppm
    dark = rng.randint(0, 70) if level is None else level
    if ink is Ink.CROSS or ink is Ink.FAINT or ink is Ink.ERASURE:
        over = rng.uniform(-0.6, 1.6) * ppm  # strokes stop short or overshoot the box
        a = [
            (x0 - over + jitter(), y0 - over + jitter()),
            (cx + jitter(0.4), cy + jitter(0.4)),
            (x1 + over + jitter(), y1 + over + jitter()),
        ]
        b = [(x1 + over + jitter(), y0 - over + jitter()), (x0 - over + jitter(), y1 + over + jitter())]
        if ink is Ink.CROSS:
            grey = dark
        elif ink is Ink.FAINT:
            grey = rng.randint(150, 185)  # HB pencil, light hand
            pen = rng.uniform(0.3, 0.5) * ppm
        else:
            grey = rng.randint(195, 215)  # what the eraser left
        _stroke(img, a, pen, grey)
        _stroke(img, b, pen, grey)
    elif ink is Ink.TICK:
        start = (x0 + 0.15 * w + jitter(0.5), cy + jitter(0.5))
        low = (x0 + 0.4 * w + jitter(0.4), y1 - 0.1 * h + jitter(0.5))
        end = (x1 + rng.uniform(0, 1.5) * ppm, y0 - rng.uniform(0, 1.5) * ppm)
        _stroke(img, [start, low, end], pen * 1.1, dark)
    elif ink is Ink.FILL:
        share = rng.uniform(0.7, 1.0)
        mx, my = w * (1 - share) / 2, h * (1 - share) / 2
        poly = np.array(
            [[x0 + mx + jitter(0.4), y0 + my + jitter(0.4)], [x1 - mx + jitter(0.4), y0 + my + jitter(0.4)],
             [x1 - mx + jitter(0.4), y1 - my + jitter(0.4)], [x0 + mx + jitter(0.4), y1 - my + jitter(0.4)]],
            dtype=np.int32,
        )  # fmt: skip
        cv2.fillPoly(img, [poly], dark)
    elif ink is Ink.SMUDGE:
        patch = np.zeros_like(img, dtype=np.float32)
        r = rng.uniform(0.35, 0.6) * max(w, h)
        cv2.circle(patch, (int(cx + jitter(1.5)), int(cy + jitter(1.5))), int(r), 1.0, -1)
        patch = cv2.GaussianBlur(patch, (0, 0), r / 2.5)
        depth = rng.uniform(45, 80)
        img[:] = np.clip(img.astype(np.float32) - depth * patch / max(float(patch.max()), 1e-6), 0, 255).astype(
            np.uint8
        )
    elif ink is Ink.SCRIBBLE:
        # A cross, then scribbled over back and forth well past the box.
        _stroke(img, [(x0, y0), (x1, y1)], pen, dark)
        _stroke(img, [(x1, y0), (x0, y1)], pen, dark)
        points = []
        for i in range(14):
            t = i / 13
            y = y0 - 0.25 * h + t * 1.5 * h + jitter(0.3)
            x = (x0 - 0.45 * w if i % 2 == 0 else x1 + 0.45 * w) + jitter(0.5)
            points.append((x, y))
        _stroke(img, points, pen, dark)


def scan(img: np.ndarray, scanner: Scanner, rng: random.Random) -> tuple[np.ndarray, bool]:
    """What the scanner makes of a sheet: the same paper size, the sheet a little off."""
    ppm = scanner.dpi / 25.4
    pad = round(scanner.margin * ppm)
    img = cv2.copyMakeBorder(img, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255)
    h, w = img.shape
    angle = rng.uniform(-scanner.skew, scanner.skew)
    scale = 1 + rng.uniform(-scanner.scale, scanner.scale)
    upside = rng.random() < scanner.upside_down
    if upside:
        angle += 180
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, scale)
    matrix[0, 2] += rng.uniform(-scanner.shift, scanner.shift) * ppm
    matrix[1, 2] += rng.uniform(-scanner.shift, scanner.shift) * ppm
    out = cv2.warpAffine(img, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)
    paper = rng.randint(*scanner.paper)
    out = out.astype(np.float32) * (paper / 255.0)
    sigma = rng.uniform(*scanner.blur)
    if sigma > 0.05:
        out = cv2.GaussianBlur(out, (0, 0), sigma)
    noise = rng.uniform(*scanner.noise)
    if noise > 0:
        out += np.random.default_rng(rng.randrange(1 << 30)).normal(0, noise, out.shape).astype(np.float32)
    if scanner.streak:
        x = rng.randrange(w // 5, 4 * w // 5)
        out[:, x : x + max(2, int(0.6 * ppm))] *= 0.35
    return np.clip(out, 0, 255).astype(np.uint8), upside


def save(img: np.ndarray, path: Path, scanner: Scanner, rng: random.Random) -> Path:
    if scanner.jpeg[1] > 0:
        path = path.with_suffix(".jpg")
        cv2.imwrite(str(path), img, [cv2.IMWRITE_JPEG_QUALITY, rng.randint(*scanner.jpeg)])
    else:
        path = path.with_suffix(".png")
        cv2.imwrite(str(path), img)
    return path


def one_per_row(
    rows: int, options: int, rng: random.Random, marks: Sequence[Ink] = (Ink.CROSS, Ink.TICK, Ink.FILL)
) -> list[Ink]:
    """A clean ballot: exactly one pen mark per row (nomination: `options` is 1 and one row is chosen)."""
    if options == 1:
        chosen = rng.randrange(rows)
        return [rng.choice(marks) if r == chosen else Ink.EMPTY for r in range(rows)]
    out: list[Ink] = []
    for _ in range(rows):
        pick = rng.randrange(options)
        out += [rng.choice(marks) if o == pick else Ink.EMPTY for o in range(options)]
    return out


def with_trouble(boxes: list[Ink], rng: random.Random, options: int) -> list[Ink]:
    """A clean ballot with one or two doubtful boxes: faint pencil, a smudge, an erasure or a scribble."""
    out = list(boxes)
    for _ in range(rng.choice((1, 1, 2))):
        i = rng.randrange(len(out))
        trouble = rng.choice((Ink.FAINT, Ink.SMUDGE, Ink.ERASURE, Ink.SCRIBBLE))
        if out[i] in PEN and trouble in (Ink.FAINT, Ink.ERASURE, Ink.SMUDGE):
            # Put the trouble in an empty box of the row, so the pen mark stays a pen mark.
            row = i // options
            empties = [row * options + o for o in range(options) if out[row * options + o] is Ink.EMPTY]
            if not empties:
                continue
            i = rng.choice(empties)
        out[i] = trouble
    return out


def mark_sheet(
    page_img: np.ndarray,
    geometry: Geometry,
    page: int,
    inks: Sequence[Ink],
    dpi: int,
    rng: random.Random,
    level: int | None = None,
) -> np.ndarray:
    img = page_img.copy()
    ppm = dpi / 25.4
    for box, ink in zip(geometry.pages[page].boxes, inks, strict=True):
        if ink is not Ink.EMPTY:
            draw_ink(img, _px(box.rect, geometry.height, ppm), ink, rng, ppm, level)
    return img


def geometry_of(layout_json: str | None) -> Geometry:
    return parse_geometry(layout_json)


def truth_json(corpus: Corpus) -> str:
    return json.dumps(
        [
            {"file": str(s.file), "serial": s.serial, "page": s.page, "boxes": [str(b) for b in s.boxes]}
            for s in corpus.sheets
        ]
    )


def rows_per_page(geometry: Geometry, page: int, options: int) -> int:
    return math.ceil(len(geometry.pages[page].boxes) / options)


# ------------------------------------------------------------------ a printed round and its scans


@dataclass(frozen=True)
class PrintedRound:
    built: Any  # tests.helpers.builders.Built
    pdf: Path
    geometry: Geometry
    payloads: tuple[str, ...]  # in print order, as in the PDF
    serials: tuple[str, ...]

    @property
    def pages_per_ballot(self) -> int:
        return len(self.geometry.pages)


def printed_round(
    ws: Any,
    folder: Path,
    kind: RoundKind = RoundKind.CONFIDENCE,
    *,
    nominees: int = 8,
    count: int = 10,
    meeting: Any = None,
    mode: Mode = Mode.LIVE,
    **settings: Any,
) -> PrintedRound:
    """A round whose ballots were printed through the real print path (layout stored), counting opened."""
    from tests.helpers.builders import build_round

    built = build_round(
        ws, kind, nominees=nominees, printed=0, counting=False, meeting=meeting, mode=mode,
        counts=Counts(count, count, count), **settings,
    )  # fmt: skip
    folder.mkdir(parents=True, exist_ok=True)
    pdf = folder / f"phieu_luot{built.round_id}.pdf"
    printed = ws.reports.print_ballots(built.round_id, count, pdf)
    ws.stages.change(built.round_id, Stage.COUNTING)
    geometry = parse_geometry(ws.register.layout(built.round_id))
    return PrintedRound(built, pdf, geometry, tuple(p.payload for p in printed), tuple(p.serial for p in printed))


Plan = Callable[[int, random.Random], list[Ink]]


def clean_plan(options: int, rows: int) -> Plan:
    return lambda _i, rng: one_per_row(rows, options, rng)


def write_scans(
    printed: PrintedRound,
    folder: Path,
    *,
    dpi: int = 200,
    seed: int = 1,
    scanner: Scanner | None = None,
    plan: Plan | None = None,
    ballots: Sequence[int] | None = None,
) -> Corpus:
    """Mark and scan ballots of the printed PDF (all, or those at `ballots` in print order), one file a sheet.

    `plan(i, rng)` gives the inks of ballot i's boxes over all its pages, in the layout's order."""
    scanner = replace(scanner or Scanner(), dpi=dpi)
    rng = random.Random(seed)
    geometry = printed.geometry
    options = len(geometry.options)
    rows = math.ceil(len(geometry.boxes) / options)
    plan = plan or clean_plan(options, rows)
    pages = render_pdf(printed.pdf, dpi)
    per = printed.pages_per_ballot
    folder.mkdir(parents=True, exist_ok=True)
    corpus = Corpus(geometry)
    for i in ballots if ballots is not None else range(len(printed.payloads)):
        inks = plan(i, rng)
        start = 0
        for page_index in range(per):
            count = len(geometry.pages[page_index].boxes)
            page_inks = inks[start : start + count]
            start += count
            marked = mark_sheet(pages[i * per + page_index], geometry, page_index, page_inks, dpi, rng)
            image, upside = scan(marked, scanner, rng)
            path = save(image, folder / f"quet_{dpi}_{i:04d}_{page_index + 1}", scanner, rng)
            corpus.sheets.append(SheetTruth(path, printed.serials[i], page_index, list(page_inks), upside))
    return corpus
