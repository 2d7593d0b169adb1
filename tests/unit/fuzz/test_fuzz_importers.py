"""Fuzzing the nominee importers: whatever the bytes, the only failure is a ServiceError with a
Vietnamese message, and nothing hangs (inputs are bounded; the whole file runs in seconds)."""

from __future__ import annotations

import contextlib
import io
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.builders import assert_vietnamese
from vote_counter.services.errors import ServiceError
from vote_counter.services.importers import guess_encoding, read_csv, read_xlsx
from vote_counter.services.legacy_vn import LegacyDecodeError, convert_text, decode_tcvn3, decode_vni, plausibility

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ENCODINGS = st.sampled_from([None, "tcvn3", "vni", "cp1258", "utf-8", "utf-16", "no-such-codec"])

# Pieces a nominee CSV is made of, so the fuzzer reaches past the decoder into the CSV and row logic.
PIECES = st.sampled_from(
    [
        "Họ và tên", "Năm sinh", "Chức vụ", "Đơn vị", "STT", ",", ";", "\t", "\n", "\r\n", '"', '""',
        "Nguyễn Thị Ánh", "1975", "1975.0", "khoảng 1970", "Nguyá»…n", "NguyÔn", "Nguyeãn", "\ufffd",
        "\x00", "\ufeff", "ÃÂ", "Ù", "é", "à", "", " ", "\u0301", "Đ", "ỵ",
    ]
)  # fmt: skip
CSVISH = st.lists(st.one_of(PIECES, st.text(max_size=8)), max_size=60).map("".join)
TEXT_ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252", "latin-1"])


def _refused_properly(call: object, *args: object) -> None:
    try:
        call(*args)  # type: ignore[operator]
    except ServiceError as exc:
        assert_vietnamese(exc.message)


@FUZZ
@given(st.binary(max_size=2000), ENCODINGS)
def test_random_bytes_as_csv(raw: bytes, encoding: str | None) -> None:
    _refused_properly(read_csv, raw, encoding)
    guess_encoding(raw)


@FUZZ
@given(CSVISH, TEXT_ENCODINGS, ENCODINGS)
def test_csv_like_text(text: str, codec: str, encoding: str | None) -> None:
    raw = text.encode(codec, errors="replace")
    _refused_properly(read_csv, raw, encoding)
    guess_encoding(raw)


def _zip(members: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


XLSX_NAMES = st.sampled_from(
    [
        "[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
        "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/styles.xml", "docProps/app.xml",
    ]
)  # fmt: skip
XML_BITS = st.sampled_from(
    [
        b'<?xml version="1.0"?>', b"<workbook>", b"<sheets><sheet name='a' sheetId='1' r:id='rId1'/></sheets>",
        b"<worksheet><sheetData><row r='1'><c r='A1' t='inlineStr'><is><t>H\xe1\xbb\x8d v\xc3\xa0 t\xc3\xaan</t></is></c></row>",
        b"</sheetData></worksheet>", b"<Types/>", b"<Relationships/>", b"<sst>", b"<si><t>x</t></si>",
        b"<!DOCTYPE x [<!ENTITY a 'aaaa'>]>", b"&a;", b"<", b">", b"\x00", b"\xff\xfe",
    ]
)  # fmt: skip
XLSXISH = st.lists(
    st.tuples(XLSX_NAMES, st.lists(XML_BITS, max_size=8).map(b"".join)), max_size=8, unique_by=lambda m: m[0]
).map(_zip)


@FUZZ
@given(
    st.one_of(
        XLSXISH, XLSXISH.map(lambda z: z[: len(z) // 2]), st.binary(max_size=1000).map(lambda b: b"PK\x03\x04" + b)
    )
)
def test_xlsx_like_zips(raw: bytes) -> None:
    _refused_properly(read_xlsx, raw)
    _refused_properly(read_xlsx, raw, "tcvn3")
    guess_encoding(raw)


@FUZZ
@given(st.binary(max_size=500))
def test_legacy_decoders(raw: bytes) -> None:
    assert decode_tcvn3(raw) is not None  # every byte means something in TCVN 5712
    with contextlib.suppress(LegacyDecodeError):
        decode_vni(raw)
    plausibility(raw.decode("latin-1"))


@FUZZ
@given(st.text(max_size=200), st.sampled_from(["tcvn3", "vni", "cp1258"]))
def test_convert_text(text: str, encoding: str) -> None:
    try:
        out = convert_text(text, encoding)
    except LegacyDecodeError:
        return
    assert isinstance(out, str)
