"""Nominee lists from CSV and XLSX: decoded strictly, NFC, mojibake refused, nothing saved on error."""

from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path

import pytest
from openpyxl import Workbook

from vote_counter.domain.collation import collation_key, name_key
from vote_counter.services.errors import ErrorCode, ServiceError
from vote_counter.services.importers import read_csv, read_nominee_file

CSV = "STT,Họ và tên,Năm sinh,Chức vụ hiện tại,Đơn vị\n1,Nguyễn Thị Ánh Tuyết,1975,Phó Giám đốc Sở,Sở Tư pháp\n2,Trần Đức Ưng,1980,Chánh Văn phòng,Văn phòng\n"


@pytest.mark.parametrize(
    ("raw", "encoding"),
    [
        (CSV.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + CSV.encode("utf-8"), "utf-8-sig"),
        (CSV.encode("utf-16"), "utf-16"),
        (unicodedata.normalize("NFD", CSV).encode("utf-8"), "utf-8"),
        (CSV.replace(",", ";").encode("utf-8"), "utf-8"),
    ],
)
def test_csv_encodings_come_out_nfc(raw: bytes, encoding: str) -> None:
    preview = read_csv(raw)
    assert preview.encoding == encoding
    names = [n.full_name for n in preview.nominees]
    assert names == ["Nguyễn Thị Ánh Tuyết", "Trần Đức Ưng"]
    assert all(unicodedata.is_normalized("NFC", n) for n in names)
    assert preview.nominees[0].birth_year == 1975
    assert preview.nominees[1].current_position == "Chánh Văn phòng"
    assert preview.nominees[1].unit == "Văn phòng"


def _cp1258(text: str) -> bytes:
    """Windows-1258 keeps the tone as a combining mark after a precomposed base letter."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for ch in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", ch)
        tone = "".join(m for m in parts if m in tones)
        out.append(unicodedata.normalize("NFC", "".join(m for m in parts if m not in tones)) + tone)
    return "".join(out).encode("cp1258")


def test_windows_1258_only_when_chosen() -> None:
    raw = _cp1258("Họ và tên\nTrần Văn Bình\n")
    with pytest.raises(ServiceError) as err:
        read_csv(raw)
    assert err.value.code is ErrorCode.INVALID_INPUT and "UTF-8" in err.value.message
    assert read_csv(raw, "cp1258").nominees[0].full_name == "Trần Văn Bình"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("Họ và tên\nNguyá»…n VÄƒn A\n".encode(), "lỗi mã"),
        ("Họ và tên\nTráº§n Thá»‹ B\n".encode(), "lỗi mã"),
        ("Tên gọi khác\nAn\n".encode(), "Họ và tên"),
        ("Họ và tên,Năm sinh\nAn,khoảng 1970\n".encode(), "năm sinh"),
        (b"", "không có dữ liệu"),
        ("Họ và tên\n\n".encode(), "không có người nào"),
        ("Họ và tên\nA\ufffdB\n".encode(), "ký tự hỏng"),
    ],
)
def test_bad_files_are_refused_with_a_vietnamese_message(raw: bytes, message: str) -> None:
    with pytest.raises(ServiceError) as err:
        read_csv(raw)
    assert message in err.value.message


def test_xlsx_read_back(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Họ và tên", "Năm sinh", "Chức vụ"])
    sheet.append([unicodedata.normalize("NFD", "Lê Văn Hưởng"), 1971, "Giám đốc"])
    sheet.append([None, None, None])
    sheet.append(["Phạm Thị Thu", 1982.0, None])
    path = tmp_path / "ds.xlsx"
    book.save(path)
    preview = read_nominee_file(path)
    assert [(n.full_name, n.birth_year) for n in preview.nominees] == [("Lê Văn Hưởng", 1971), ("Phạm Thị Thu", 1982)]


def test_broken_xlsx_and_other_suffixes(tmp_path: Path) -> None:
    bad = tmp_path / "x.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(ServiceError, match="Excel"):
        read_nominee_file(bad)
    other = tmp_path / "x.doc"
    other.write_bytes(b"abc")
    with pytest.raises(ServiceError, match=r"\.csv hoặc \.xlsx"):
        read_nominee_file(other)
    with pytest.raises(ServiceError, match="không mở được"):
        read_nominee_file(tmp_path / "missing.csv")


def test_vietnamese_order_by_given_name() -> None:
    names = ["Trần Văn Bình", "Nguyễn Thị Ánh", "Lê Đức Anh", "Phạm Văn Đông", "Hoàng Văn Dũng", "Vũ Thị Ấn", "Đỗ Ăn"]
    ordered = sorted(names, key=name_key)
    # Anh < Ánh (tone after the base word), then Ăn, Ấn (ă, â after a), Bình, Dũng, Đông (đ after d)
    assert ordered == [
        "Lê Đức Anh",
        "Nguyễn Thị Ánh",
        "Đỗ Ăn",
        "Vũ Thị Ấn",
        "Trần Văn Bình",
        "Hoàng Văn Dũng",
        "Phạm Văn Đông",
    ]


def test_tones_in_dictionary_order() -> None:
    words = ["ma", "mà", "mả", "mã", "má", "mạ"]
    assert sorted(reversed(words), key=collation_key) == words


def test_warnings_name_the_line_in_the_file() -> None:
    raw = "Họ và tên,Năm sinh\nAn,1970\n\n,1980\nBình,1981\n".encode()
    preview = read_csv(raw)
    assert [n.full_name for n in preview.nominees] == ["An", "Bình"]
    assert preview.warnings == ("Dòng 4: không có họ tên, bỏ qua.",)
