"""Nominee lists from CSV or XLSX, read into a preview the user confirms before anything is saved.

Text is decoded strictly (UTF-8 with or without BOM, UTF-16 with a BOM or recognised by its NUL bytes),
normalised to NFC, and refused when it looks like mojibake: a wrong guess never reaches the database.
Files from before Unicode (Windows-1258, TCVN3 of the .VnTime fonts, VNI-Windows) are recognised and
named in the message; they are converted only when the user chooses that encoding (SPEC §10).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from vote_counter.domain.model import Nominee, nfc
from vote_counter.domain.text_rules import NAME_LIMIT, TITLE_LIMIT, TextError, clean_text
from vote_counter.i18n import N_, _
from vote_counter.services.errors import ErrorCode, ServiceError
from vote_counter.services.legacy_vn import (
    CP1258,
    LEGACY_NAMES,
    TCVN3,
    VNI,
    LegacyDecodeError,
    convert_text,
    decode_bytes,
    is_convertible,
    plausibility,
    readable,
)

MAX_ROWS = 500
MAX_BYTES = 5 * 1024 * 1024
MAX_XLSX_UNPACKED = 64 * 1024 * 1024  # a zip bomb is refused before openpyxl unpacks it
MAX_COLUMNS = 50
_SAMPLE = 64 * 1024  # enough text to tell encodings apart

LEGACY_ENCODINGS = (TCVN3, VNI, CP1258)
_ALIASES = {
    "tcvn3": TCVN3,
    "tcvn": TCVN3,
    "abc": TCVN3,
    "vni": VNI,
    "vni-windows": VNI,
    "cp1258": CP1258,
    "windows-1258": CP1258,
}
# What the user is told to choose, and the fonts that show the encoding is in use.
# N_-marked: read through _() where shown (the window's button, the messages below).
CHOICE_LABEL = {TCVN3: N_("Đọc bằng TCVN3"), VNI: N_("Đọc bằng VNI"), CP1258: N_("Đọc bằng Windows-1258")}
_FONTS = {TCVN3: N_("phông .VnTime"), VNI: N_("phông VNI-Times"), CP1258: N_("Excel cũ")}

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


class EncodingGuessError(ServiceError):
    """The file is not Unicode (or holds legacy-font text): `guess` is the encoding to offer, if any."""

    def __init__(self, guess: str | None, detail: str) -> None:
        super().__init__(ErrorCode.INVALID_INPUT, detail=detail)
        self.guess = guess


def _bad(detail: str) -> ServiceError:
    return ServiceError(ErrorCode.INVALID_INPUT, detail=detail)


def _canonical(encoding: str) -> str:
    return _ALIASES.get(encoding.strip().lower(), encoding)


# ---------------------------------------------------------------- Unicode, or which legacy encoding


def _utf16_without_bom(raw: bytes) -> tuple[str, str] | None:
    """UTF-16 saved without a BOM: ASCII characters (digits, commas, line ends) leave a NUL in every other byte."""
    if len(raw) < 4 or len(raw) % 2:
        return None
    half = len(raw) // 2
    nul_even, nul_odd = raw[0::2].count(0), raw[1::2].count(0)
    for codec, high, low in (("utf-16-le", nul_odd, nul_even), ("utf-16-be", nul_even, nul_odd)):
        if 10 * high >= 3 * half and 20 * low <= half:
            try:
                return raw.decode(codec), codec
            except UnicodeDecodeError:
                return None
    return None


def _unicode_text(raw: bytes) -> tuple[str, str] | None:
    """(text, encoding) when the bytes are Unicode; None when they are not."""
    if raw.startswith(codecs.BOM_UTF8):
        try:
            return raw[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise _bad(_("tệp UTF-8 bị hỏng (có byte không hợp lệ).")) from exc
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise _bad(_("tệp UTF-16 bị hỏng.")) from exc
    found = _utf16_without_bom(raw)
    if found is not None:
        return found
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return None


def _best_reading(readings: dict[str, tuple[int, int]], floor: int) -> str | None:
    """The encoding whose reading is Vietnamese and clearly better than `floor`; first listed wins a tie."""
    best, best_score = None, floor
    for encoding, (good, bad) in readings.items():
        score = good - 3 * bad
        if readable(good, bad) and good > 0 and score > best_score:
            best, best_score = encoding, score
    return best


def _guess_bytes(raw: bytes) -> str | None:
    """Which single-byte Vietnamese encoding reads these (non-Unicode) bytes as Vietnamese, if any."""
    sample = raw if len(raw) <= _SAMPLE else raw[: raw.rfind(b"\n", 0, _SAMPLE) + 1 or _SAMPLE]
    readings: dict[str, tuple[int, int]] = {}
    for encoding in (CP1258, TCVN3, VNI):
        try:
            good, bad, _score = plausibility(decode_bytes(sample, encoding))
        except LegacyDecodeError:
            continue
        readings[encoding] = (good, bad)
    return _best_reading(readings, floor=-(10**9))


def guess_in_cells(cells: Sequence[str]) -> str | None:
    """Unicode text that was typed with a legacy font ("NguyÔn", "Nguyeãn"): the encoding it came from."""
    sample = [c for c in cells if c][:2000]
    good, bad = 0, 0
    for cell in sample:
        g, b, _score = plausibility(cell)
        good, bad = good + g, bad + b
    if bad == 0:
        return None
    readings: dict[str, tuple[int, int]] = {}
    for encoding in (TCVN3, VNI, CP1258):
        try:
            converted = [convert_text(c, encoding) if is_convertible(c) else c for c in sample]
        except LegacyDecodeError:
            continue
        totals = [plausibility(c)[:2] for c in converted]
        readings[encoding] = (sum(t[0] for t in totals), sum(t[1] for t in totals))
    return _best_reading(readings, floor=good - 3 * bad)


def guess_encoding(raw: bytes) -> str | None:
    """The encoding of a nominee file's bytes: a Unicode one (read without asking) or a legacy one to
    offer the user ("tcvn3", "vni", "cp1258"); None when nothing reads as Vietnamese."""
    if raw.startswith(b"PK\x03\x04"):
        try:
            return guess_in_cells([c for row in _xlsx_rows(raw) for c in row]) or "xlsx"
        except ServiceError:
            return None
    try:
        found = _unicode_text(raw)
    except ServiceError:
        return None
    if found is None:
        return _guess_bytes(raw)
    text, used = found
    try:
        rows = _parse_csv(text)
    except ServiceError:
        return used
    return guess_in_cells([c for row in rows for c in row]) or used


def _not_unicode(raw: bytes) -> EncodingGuessError:
    guess = _guess_bytes(raw)
    if guess in (TCVN3, VNI):
        return EncodingGuessError(
            guess,
            _(
                "tệp có vẻ dùng bảng mã {legacy_names} ({fonts}), không phải Unicode. Hãy chọn “{choice_label}” để chuyển sang Unicode, hoặc dùng Unikey Toolkit chuyển tệp sang Unicode rồi lưu lại dạng “CSV UTF-8”."
            ).format(legacy_names=LEGACY_NAMES[guess], fonts=_(_FONTS[guess]), choice_label=_(CHOICE_LABEL[guess])),
        )
    return EncodingGuessError(
        guess,
        _(
            "tệp không phải mã Unicode (UTF-8). Nếu tệp được lưu từ Excel cũ, hãy lưu lại dạng "
            "“CSV UTF-8”, hoặc chọn bảng mã Windows-1258 khi nhập."
        ),
    )


def _legacy_in_unicode(guess: str, cells: Sequence[str]) -> EncodingGuessError:
    example = next((w for c in cells if (w := plausibility(c)[2])), "")
    return EncodingGuessError(
        guess,
        _("chữ trong tệp có vẻ được gõ bằng bảng mã {encoding} ({fonts}) nên bị sai dấu").format(
            encoding=LEGACY_NAMES[guess], fonts=_(_FONTS[guess])
        )
        + (_(" (ví dụ “{example}”)").format(example=example) if example else "")
        + _(". Hãy chọn “{choice}” để chuyển sang Unicode.").format(choice=_(CHOICE_LABEL[guess])),
    )


def _check_readable(cells: Sequence[str], encoding: str) -> None:
    """After a conversion the user chose: nearly every word must be Vietnamese, or nothing is kept."""
    good = bad = 0
    example = ""
    for cell in cells:
        g, b, first = plausibility(cell)
        good, bad, example = good + g, bad + b, example or first
    if not readable(good, bad):
        raise EncodingGuessError(
            None,
            _(
                "đọc bằng bảng mã {encoding} vẫn không ra chữ tiếng Việt (ví dụ “{example}”): tệp không dùng bảng mã này. Hãy chọn bảng mã khác."
            ).format(encoding=LEGACY_NAMES.get(encoding, encoding), example=example),
        )


def decode(raw: bytes, encoding: str | None = None) -> tuple[str, str]:
    """Decode strictly; returns (text, encoding used)."""
    if encoding:
        encoding = _canonical(encoding)
        try:
            return decode_bytes(raw, encoding), encoding
        except LegacyDecodeError as exc:
            raise _bad(
                _("tệp không đọc được bằng bảng mã {encoding}.").format(encoding=LEGACY_NAMES.get(encoding, encoding))
            ) from exc
    found = _unicode_text(raw)
    if found is None:
        raise _not_unicode(raw)
    return found


def check_text(text: str) -> None:
    if "\ufffd" in text:
        raise _bad(_("tệp có ký tự hỏng (�): bảng mã không đúng."))
    if "\x00" in text:
        raise _bad(_("tệp có ký tự NUL: không phải tệp văn bản CSV."))
    if _MOJIBAKE.search(text):
        raise _bad(
            _(
                "chữ tiếng Việt trong tệp bị lỗi mã (ví dụ “Nguyá»…n”): tệp đã bị đọc sai bảng mã trước đó. "
                "Hãy mở tệp gốc và lưu lại dạng UTF-8."
            )
        )


def _key(header: str) -> str:
    return re.sub(r"[^\w ]", "", nfc(header).lower()).strip()


def _capitals_restored(cell: str, *, name: bool) -> str:
    """TCVN3 (VN3) has no capitals with tones: .VnTimeH drew the lower-case codes as capitals.

    A cell in capitals ("NGUYễN") is put back in capitals; in a name, every word starts with a capital.
    """
    capitals = any(sum(c.isupper() for c in word) >= 2 for word in cell.split())
    if capitals and not any(c.islower() and c.isascii() for c in cell):
        return cell.upper()
    if name:
        return " ".join(w[:1].upper() + w[1:] for w in cell.split(" "))
    return cell


def _rows_to_preview(rows: Sequence[Sequence[str]], encoding: str, *, legacy_caps: bool = False) -> ImportPreview:
    # Keep each row's line number in the file: warnings must point at the right line.
    numbered = [(i, [nfc(c) for c in r]) for i, r in enumerate(rows, start=1) if any(c.strip() for c in r)]
    if not numbered:
        raise _bad(_("tệp không có dữ liệu."))
    header = numbered[0][1]
    columns = {h: _HEADERS[_key(h)] for h in header if _key(h) in _HEADERS}
    if "full_name" not in columns.values():
        raise _bad(_("không thấy cột “Họ và tên” ở dòng đầu của tệp."))
    index = {f: header.index(h) for h, f in columns.items()}
    if len(numbered) - 1 > MAX_ROWS:
        raise _bad(_("danh sách có hơn {max_rows} người.").format(max_rows=MAX_ROWS))
    nominees: list[Nominee] = []
    warnings_: list[str] = []
    for number, row in numbered[1:]:

        def cell(name: str, row: Sequence[str] = row) -> str:
            i = index.get(name)
            if i is None or i >= len(row):
                return ""
            text = row[i].strip()
            return _capitals_restored(text, name=name == "full_name") if legacy_caps else text

        name = cell("full_name")
        if not name:
            warnings_.append(_("Dòng {number}: không có họ tên, bỏ qua.").format(number=number))
            continue
        if legacy_caps and name != row[index["full_name"]].strip():
            warnings_.append(
                _(
                    "Dòng {number}: bảng mã TCVN3 không có chữ hoa có dấu; đã viết hoa thành “{name}”, hãy kiểm tra."
                ).format(number=number, name=name)
            )
        year_text = cell("birth_year")
        year: int | None = None
        if year_text:
            if not re.fullmatch(r"[0-9]{4}(\.0)?", year_text):
                raise _bad(
                    _("dòng {number}: năm sinh “{year_text}” không phải số năm.").format(
                        number=number, year_text=year_text
                    )
                )
            year = int(float(year_text))
        check_text(" ".join(row))
        fields = {f: cell(f) for f in ("full_name", "current_position", "proposed_position", "unit")}
        for f, text in fields.items():
            # The text rules of the whole app (domain.text_rules), named by line and column here.
            try:
                fields[f] = clean_text(text, limit=NAME_LIMIT if f == "full_name" else TITLE_LIMIT)
            except TextError as exc:
                column = next((h for h, field_ in columns.items() if field_ == f), f)
                raise _bad(
                    _("dòng {number}, cột “{column}”: {words}.").format(
                        number=number, column=column, words=exc.words(_)
                    )
                ) from exc
        nominees.append(
            Nominee(
                id=None,
                round_id=None,
                full_name=fields["full_name"],
                birth_year=year,
                current_position=fields["current_position"],
                proposed_position=fields["proposed_position"],
                unit=fields["unit"],
                order=len(nominees) + 1,
            )
        )
    if not nominees:
        raise _bad(_("tệp không có người nào có họ tên."))
    return ImportPreview(tuple(nominees), encoding, columns, tuple(warnings_))


def _parse_csv(text: str) -> list[list[str]]:
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    try:
        return list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as exc:
        raise _bad(_("tệp CSV sai định dạng: {error}.").format(error=exc)) from exc


def _convert_rows(rows: Sequence[Sequence[str]], encoding: str) -> tuple[list[list[str]], bool]:
    """Legacy-font cells converted; whether any cell changed.

    In a file that also holds real Unicode text (a header typed later), a cell that already reads as
    Vietnamese ("Lê Hà") is Unicode too and is kept as it is.
    """
    mixed = any(not c.isascii() and not is_convertible(c) for r in rows for c in r)

    def one(cell: str) -> str:
        if not is_convertible(cell) or (mixed and plausibility(cell)[1] == 0):
            return cell
        return convert_text(cell, encoding)

    try:
        out = [[one(c) for c in r] for r in rows]
    except LegacyDecodeError as exc:
        raise _bad(
            _("tệp không đọc được bằng bảng mã {legacy_names} ({error}).").format(
                legacy_names=LEGACY_NAMES[encoding], error=exc
            )
        ) from exc
    return out, any(a != b for r, s in zip(rows, out, strict=True) for a, b in zip(r, s, strict=True))


def read_csv(raw: bytes, encoding: str | None = None) -> ImportPreview:
    chosen = _canonical(encoding) if encoding else None
    if chosen not in LEGACY_ENCODINGS:
        text, used = decode(raw, chosen)
        check_text(text)
        rows = _parse_csv(text)
        cells = [c for r in rows for c in r]
        if chosen is None and (guess := guess_in_cells(cells)):
            raise _legacy_in_unicode(guess, cells)
        return _rows_to_preview(rows, used)
    found = _unicode_text(raw)
    if found is None:
        # The bytes themselves are in the legacy encoding.
        text, used = decode(raw, chosen)
        check_text(text)
        rows = _parse_csv(text)
    else:
        # A Unicode file whose text was typed with a legacy font ("NguyÔn"): convert cell by cell.
        rows, changed = _convert_rows(_parse_csv(found[0]), chosen)
        used = chosen if changed else found[1]
    _check_readable([c for r in rows for c in r], chosen)
    return _rows_to_preview(rows, used, legacy_caps=chosen == TCVN3)


def _xlsx_rows(raw: bytes) -> list[list[str]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise _bad(_("tệp Excel (.xlsx) bị hỏng hoặc không phải tệp Excel.")) from exc
    if unpacked > MAX_XLSX_UNPACKED:
        raise _bad(_("tệp Excel quá lớn khi giải nén: không phải một danh sách người được lấy phiếu."))
    # A damaged workbook can fail anywhere inside openpyxl, zipfile or the XML parser, with any exception
    # class; all of them mean the same to the user. Its warnings (unsupported extensions) are not errors.
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
            try:
                sheet = book.worksheets[0]
                return [
                    [_cell_text(v) for v in r]
                    for r in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 20, max_col=MAX_COLUMNS)
                ]
            finally:
                book.close()
    except Exception as exc:
        raise _bad(_("tệp Excel (.xlsx) bị hỏng hoặc không phải tệp Excel.")) from exc


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_xlsx(raw: bytes, encoding: str | None = None) -> ImportPreview:
    rows = _xlsx_rows(raw)
    if not encoding:
        cells = [c for r in rows for c in r]
        if guess := guess_in_cells(cells):
            raise _legacy_in_unicode(guess, cells)
        return _rows_to_preview(rows, "xlsx")
    chosen = _canonical(encoding)
    if chosen not in LEGACY_ENCODINGS:
        raise _bad(_("tệp Excel không dùng bảng mã {encoding}.").format(encoding=encoding))
    rows, changed = _convert_rows(rows, chosen)
    _check_readable([c for r in rows for c in r], chosen)
    return _rows_to_preview(rows, f"xlsx/{chosen}" if changed else "xlsx", legacy_caps=chosen == TCVN3)


def read_nominee_file(path: Path, encoding: str | None = None) -> ImportPreview:
    """A preview of the nominees in a CSV or XLSX file; nothing is saved.

    `encoding` is None (Unicode, detected) or the encoding the user chose after being told which one the
    file seems to use: "tcvn3", "vni", "cp1258" (an EncodingGuessError carries the guess).
    """
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise _bad(_("tệp quá lớn cho một danh sách người được lấy phiếu."))
        raw = path.read_bytes()
    except OSError as exc:
        raise _bad(_("không mở được tệp {name} ({strerror}).").format(name=path.name, strerror=exc.strerror)) from exc
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return read_xlsx(raw, encoding)
    if path.suffix.lower() in (".csv", ".txt", ".tsv"):
        return read_csv(raw, encoding)
    raise _bad(_("chỉ nhận tệp .csv hoặc .xlsx."))
