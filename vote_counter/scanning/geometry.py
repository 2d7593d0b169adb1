"""The ballot geometry stored at print time (documents.ballot_layout `to_dict`), as typed values.

Pure Python: the stored JSON is read once per run. Units are millimetres with the origin at the
bottom-left of the page, as printed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

CANON = 6.0  # px per mm of the canonical frame scans are warped into (152 dpi); queue images are stored in it


class LayoutError(ValueError):
    """The stored geometry cannot be read (not printed yet, or a version this reader does not know)."""


@dataclass(frozen=True)
class MmRect:
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


@dataclass(frozen=True)
class Box:
    page: int
    rect: MmRect
    option: int
    nominee_index: int | None
    nominee_id: int | None
    write_in: int | None


@dataclass(frozen=True)
class Row:
    page: int
    rect: MmRect
    nominee_index: int | None
    nominee_id: int | None
    write_in: int | None


@dataclass(frozen=True)
class PageGeometry:
    index: int
    fiducials: tuple[tuple[float, float], ...]  # bottom-left, bottom-right, top-left, top-right
    fiducial_size: float
    qr: MmRect
    serial: MmRect
    stamp: tuple[float, float, float]  # cx, cy, r
    rows: tuple[Row, ...]
    boxes: tuple[Box, ...]


@dataclass(frozen=True)
class Geometry:
    page_format: str
    width: float
    height: float
    kind: str
    options: tuple[str, ...]
    pages: tuple[PageGeometry, ...]

    @property
    def boxes(self) -> tuple[Box, ...]:
        return tuple(box for page in self.pages for box in page.boxes)


def _rect(raw: Any) -> MmRect:
    return MmRect(float(raw["x"]), float(raw["y"]), float(raw["w"]), float(raw["h"]))


def _opt_int(raw: Any) -> int | None:
    return None if raw is None else int(raw)


def parse_geometry(text: str | None) -> Geometry:
    """The stored layout JSON of a round; LayoutError when there is none or it cannot be read."""
    if not text:
        raise LayoutError("no layout stored")
    try:
        data = json.loads(text)
        if int(data["version"]) != 1:
            raise LayoutError(f"layout version {data['version']}")
        pages = []
        for p in data["pages"]:
            fiducials = tuple((float(x), float(y)) for x, y in p["fiducials"])
            if len(fiducials) != 4:
                raise LayoutError("four fiducials expected")
            stamp = p["stamp"]
            pages.append(
                PageGeometry(
                    index=int(p["index"]),
                    fiducials=fiducials,
                    fiducial_size=float(p["fiducial_size"]),
                    qr=_rect(p["qr"]),
                    serial=_rect(p["serial"]),
                    stamp=(float(stamp["cx"]), float(stamp["cy"]), float(stamp["r"])),
                    rows=tuple(
                        Row(int(r["page"]), _rect(r), _opt_int(r["nominee_index"]), _opt_int(r["nominee_id"]),
                            _opt_int(r["write_in"]))
                        for r in p["rows"]
                    ),
                    boxes=tuple(
                        Box(int(b["page"]), _rect(b), int(b["option"]), _opt_int(b["nominee_index"]),
                            _opt_int(b["nominee_id"]), _opt_int(b["write_in"]))
                        for b in p["boxes"]
                    ),
                )
            )  # fmt: skip
        return Geometry(
            page_format=str(data["page_format"]),
            width=float(data["width"]),
            height=float(data["height"]),
            kind=str(data["kind"]),
            options=tuple(str(o) for o in data["options"]),
            pages=tuple(pages),
        )
    except LayoutError:
        raise
    except (ValueError, KeyError, TypeError) as exc:
        raise LayoutError(str(exc)) from exc
