"""Nominee lists from CSV or XLSX, read into a preview the user confirms before anything is saved.

Text is decoded strictly (UTF-8 with or without BOM, UTF-16 with BOM, Windows-1258 when the user picks
it), normalised to NFC, and refused when it looks like mojibake: a wrong guess never reaches the database.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from vote_counter.domain.model import Nominee, nfc
from vote_counter.services.errors import ErrorCode, ServiceError

MAX_ROWS = 500
MAX_BYTES = 5 * 1024 * 1024

# Header words (NFC, lower case, without punctuation) → field.
_HEADERS: dict[str, str] = {
    "họ và tên": "full_name",
    "họ tên": "full_name",
    "tên": "full_name",
    "full name": "full_name",
    "name": "full_name",
    "năm sinh": "birth_year",
    "birth year": "birth_year",
    "chức vụ": "current_position",
    "chức vụ hiện tại": "current_position",
    "current position": "current_position",
    "chức vụ dự kiến": "proposed_position",
    "chức vụ đề nghị": "proposed_position",
    "proposed position": "proposed_position",
    "đơn vị": "unit",
    "unit": "unit",
    "stt": "order",
    "số thứ tự": "order",
}

# UTF-8 read as a single-byte code page leaves these pairs behind ("Nguyá»…n", "Tráº§n", "Ã¡").
_MOJIBAKE = re.compile(
    "[ÃÂÄÅÆá][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]"
)


@dataclass(frozen=True)
class ImportPreview:
    nominees: tuple[Nominee, ...]
    encoding: str
    columns: dict[str, str]  # header in the file → field
    warnings: tuple[str, ...] = field(default_factory=tuple)


def _bad(detail: str) -> ServiceError:
    return ServiceError(ErrorCode.INVALID_INPUT, detail=detail)


def decode(raw: bytes, encoding: str | None = None) -> tuple[str, str]:
    """Decode strictly; returns (text, encoding used)."""
    if encoding:
        try:
            return raw.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as exc:
            raise _bad(f"tệp không đọc được bằng bảng mã {encoding}.") from exc
    if raw.startswith(codecs.BOM_UTF8):
        return raw[len(codecs.BOM_UTF8) :].decode("utf-8", errors="strict"), "utf-8-sig"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise _bad("tệp UTF-16 bị hỏng.") from exc
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        raise _bad(
            "tệp không phải mã Unicode (UTF-8). Nếu tệp được lưu từ Excel cũ, hãy lưu lại dạng "
            "“CSV UTF-8”, hoặc chọn bảng mã Windows-1258 khi nhập."
        ) from exc


def check_text(text: str) -> None:
    if "\ufffd" in text:
        raise _bad("tệp có ký tự hỏng (�): bảng mã không đúng.")
    if _MOJIBAKE.search(text):
        raise _bad(
            "chữ tiếng Việt trong tệp bị lỗi mã (ví dụ “Nguyá»…n”): tệp đã bị đọc sai bảng mã trước đó. "
            "Hãy mở tệp gốc và lưu lại dạng UTF-8."
        )


def _key(header: str) -> str:
    return re.sub(r"[^\w ]", "", nfc(header).lower()).strip()


def _rows_to_preview(rows: Sequence[Sequence[str]], encoding: str) -> ImportPreview:
    # Keep each row's line number in the file: warnings must point at the right line.
    numbered = [(i, [nfc(c) for c in r]) for i, r in enumerate(rows, start=1) if any(c.strip() for c in r)]
    if not numbered:
        raise _bad("tệp không có dữ liệu.")
    header = numbered[0][1]
    columns = {h: _HEADERS[_key(h)] for h in header if _key(h) in _HEADERS}
    if "full_name" not in columns.values():
        raise _bad("không thấy cột “Họ và tên” ở dòng đầu của tệp.")
    index = {f: header.index(h) for h, f in columns.items()}
    if len(numbered) - 1 > MAX_ROWS:
        raise _bad(f"danh sách có hơn {MAX_ROWS} người.")
    nominees: list[Nominee] = []
    warnings: list[str] = []
    for number, row in numbered[1:]:

        def cell(name: str, row: Sequence[str] = row) -> str:
            i = index.get(name)
            return row[i].strip() if i is not None and i < len(row) else ""

        name = cell("full_name")
        if not name:
            warnings.append(f"Dòng {number}: không có họ tên, bỏ qua.")
            continue
        year_text = cell("birth_year")
        year: int | None = None
        if year_text:
            if not re.fullmatch(r"\d{4}(\.0)?", year_text):
                raise _bad(f"dòng {number}: năm sinh “{year_text}” không phải số năm.")
            year = int(float(year_text))
        check_text(" ".join(row))
        nominees.append(
            Nominee(
                id=None,
                round_id=None,
                full_name=name,
                birth_year=year,
                current_position=cell("current_position"),
                proposed_position=cell("proposed_position"),
                unit=cell("unit"),
                order=len(nominees) + 1,
            )
        )
    if not nominees:
        raise _bad("tệp không có người nào có họ tên.")
    return ImportPreview(tuple(nominees), encoding, columns, tuple(warnings))


def read_csv(raw: bytes, encoding: str | None = None) -> ImportPreview:
    text, used = decode(raw, encoding)
    check_text(text)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as exc:
        raise _bad(f"tệp CSV sai định dạng: {exc}.") from exc
    return _rows_to_preview(rows, used)


def read_xlsx(raw: bytes) -> ImportPreview:
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise _bad("tệp Excel (.xlsx) bị hỏng hoặc không phải tệp Excel.") from exc
    try:
        sheet = book.worksheets[0]
        rows = [
            ["" if v is None else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)) for v in r]
            for r in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 20)
        ]
    finally:
        book.close()
    return _rows_to_preview(rows, "xlsx")


def read_nominee_file(path: Path, encoding: str | None = None) -> ImportPreview:
    """A preview of the nominees in a CSV or XLSX file; nothing is saved."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise _bad("tệp quá lớn cho một danh sách người được lấy phiếu.")
        raw = path.read_bytes()
    except OSError as exc:
        raise _bad(f"không mở được tệp {path.name} ({exc.strerror}).") from exc
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return read_xlsx(raw)
    if path.suffix.lower() in (".csv", ".txt", ".tsv"):
        return read_csv(raw, encoding)
    raise _bad("chỉ nhận tệp .csv hoặc .xlsx.")
