"""The printed pages of a long ballot, rendered into the reader's canonical frame (which page is which)."""

from __future__ import annotations

import cv2
import numpy as np
import pypdfium2 as pdfium

from vote_counter.scanning.geometry import CANON, Geometry
from vote_counter.scanning.images import Grey


def render_templates(pdf: bytes, geometry: Geometry) -> dict[int, Grey]:
    """Page index → the sample ballot's page at CANON px per mm, the size `read_page` warps scans to."""
    size = (round(geometry.width * CANON), round(geometry.height * CANON))
    document = pdfium.PdfDocument(pdf)
    try:
        out: dict[int, Grey] = {}
        for index in range(min(len(document), len(geometry.pages))):
            page = document[index]
            try:
                array = np.array(page.render(scale=CANON * 25.4 / 72, grayscale=True).to_numpy(), dtype=np.uint8)
            finally:
                page.close()
            if array.ndim == 3:
                array = array[:, :, 0]
            if (array.shape[1], array.shape[0]) != size:
                array = np.asarray(cv2.resize(array, size, interpolation=cv2.INTER_AREA), dtype=np.uint8)
            out[index] = np.ascontiguousarray(array)
        return out
    finally:
        document.close()
