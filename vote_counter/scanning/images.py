"""Scanned pages from files: every page of a PDF (pypdfium2), PNG/JPEG/TIFF (Pillow, multi-page TIFF too).

Each page comes as a grey numpy array with the SHA-256 of the file it came from and its page number,
so that the audit log can name exactly which image a ballot was read from.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

Grey = npt.NDArray[np.uint8]

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff"})
PDF_SUFFIXES = frozenset({".pdf"})
SUFFIXES = IMAGE_SUFFIXES | PDF_SUFFIXES
PDF_DPI = 200  # a scanner's PDF is rendered back at this resolution
MAX_PIXELS = 60_000_000  # a 600 dpi A3 page; anything larger is not a scan of a ballot


class ImageError(ValueError):
    """A file that is not a readable scan; `reason` says why in words a board member understands."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ScannedPage:
    file: Path
    page: int  # 1-based page of the file
    image: Grey
    sha256: str  # of the whole file: anyone holding the file can check it
    dpi: float | None  # as recorded in the file, if it is


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def expand_paths(paths: Sequence[Path]) -> list[Path]:
    """Files as given, folders as their scans in name order (not recursive). Unknown suffixes are skipped in
    folders and reported when named directly."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out += sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)
        else:
            out.append(path)
    return out


def read_pages(path: Path) -> Iterator[ScannedPage]:
    """Every page of one file; ImageError when the file cannot be read as a scan at all."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ImageError("không phải tệp ảnh quét (PDF, PNG, JPEG, TIFF)")
    try:
        sha = file_sha256(path)
    except OSError as exc:
        raise ImageError(f"không đọc được tệp ({exc.strerror or exc})") from exc
    if suffix in PDF_SUFFIXES:
        yield from _pdf_pages(path, sha)
    else:
        yield from _image_pages(path, sha)


def _pdf_pages(path: Path, sha: str) -> Iterator[ScannedPage]:
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise ImageError("tệp PDF hỏng hoặc có mật khẩu") from exc
    try:
        for index in range(len(document)):
            page = document[index]
            try:
                bitmap = page.render(scale=PDF_DPI / 72, grayscale=True)
                array = np.array(bitmap.to_numpy(), dtype=np.uint8)
            finally:
                page.close()
            if array.ndim == 3:
                array = array[:, :, 0]
            yield ScannedPage(path, index + 1, np.ascontiguousarray(array), sha, float(PDF_DPI))
    finally:
        document.close()


def _image_pages(path: Path, sha: str) -> Iterator[ScannedPage]:
    from PIL import Image, ImageSequence, UnidentifiedImageError

    try:
        image = Image.open(path)
    except (OSError, UnidentifiedImageError) as exc:
        raise ImageError("tệp ảnh hỏng hoặc không đúng định dạng") from exc
    with image:
        for index, frame in enumerate(ImageSequence.Iterator(image)):
            if frame.width * frame.height > MAX_PIXELS:
                raise ImageError("ảnh quá lớn để là một trang phiếu quét")
            try:
                grey = np.array(frame.convert("L"), dtype=np.uint8)
            except OSError as exc:
                raise ImageError("tệp ảnh bị cắt cụt hoặc hỏng") from exc
            dpi = frame.info.get("dpi")
            yield ScannedPage(path, index + 1, grey, sha, float(dpi[0]) if dpi else None)
