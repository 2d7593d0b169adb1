"""Scanned files as the scanner writes them: PDF (every page), PNG, JPEG, multi-page TIFF; bad files refused."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from vote_counter.scanning.geometry import LayoutError, parse_geometry
from vote_counter.scanning.images import ImageError, expand_paths, read_pages


def _pages(n: int) -> list[Image.Image]:
    return [Image.fromarray(np.full((300, 200), 40 * (i + 1), dtype=np.uint8)) for i in range(n)]


def test_multi_page_tiff_and_pdf_give_every_page_with_the_file_hash(tmp_path: Path) -> None:
    pages = _pages(3)
    tiff, pdf = tmp_path / "chong.tif", tmp_path / "chong.pdf"
    pages[0].save(tiff, save_all=True, append_images=pages[1:], dpi=(200, 200))
    pages[0].save(pdf, save_all=True, append_images=pages[1:], resolution=100)
    for path in (tiff, pdf):
        read = list(read_pages(path))
        assert [p.page for p in read] == [1, 2, 3]
        assert all(p.sha256 == hashlib.sha256(path.read_bytes()).hexdigest() for p in read)
        assert all(p.image.dtype == np.uint8 and p.image.ndim == 2 for p in read)
        # The pages keep their own grey level, in order.
        levels = [int(np.median(p.image)) for p in read]
        assert levels == sorted(levels) and abs(levels[0] - 40) <= 2, levels
    assert next(read_pages(tiff)).dpi == 200


def test_jpeg_and_png_read_as_grey(tmp_path: Path) -> None:
    colour = Image.new("RGB", (120, 80), (200, 10, 10))
    for name in ("a.png", "b.jpg"):
        colour.save(tmp_path / name)
        (page,) = read_pages(tmp_path / name)
        assert page.image.shape == (80, 120)


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("hong.png", b"\x89PNG\r\n\x1a\nrac", "hỏng"),
        ("hong.pdf", b"%PDF-1.4 rac", "PDF hỏng"),
        ("ghi_chu.txt", b"khong phai anh", "không phải tệp ảnh quét"),
    ],
)
def test_unreadable_files_say_why_in_vietnamese(tmp_path: Path, name: str, content: bytes, words: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImageError) as info:
        list(read_pages(path))
    assert words in info.value.reason
    assert unicodedata.normalize("NFC", info.value.reason) == info.value.reason


def test_a_folder_gives_its_scans_in_name_order(tmp_path: Path) -> None:
    for name in ("b.jpg", "a.png", "ghi_chu.txt", "c.TIFF"):
        (tmp_path / name).write_bytes(b"")
    (tmp_path / "con").mkdir()
    assert [p.name for p in expand_paths([tmp_path])] == ["a.png", "b.jpg", "c.TIFF"]


def test_geometry_that_cannot_be_read_is_refused() -> None:
    with pytest.raises(LayoutError):
        parse_geometry(None)
    with pytest.raises(LayoutError):
        parse_geometry("{rác")
    with pytest.raises(LayoutError):
        parse_geometry(json.dumps({"version": 2, "pages": []}))
    with pytest.raises(LayoutError):
        parse_geometry(json.dumps({"version": 1, "pages": [{"index": 0, "fiducials": [[1, 1]]}]}))
