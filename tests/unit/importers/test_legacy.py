"""Old Vietnamese encodings: TCVN3 (ABC, .VnTime) and VNI-Windows read exactly, recognised without
misfiring on real Unicode or Windows-1258 files, converted only when the user chooses, never stored as mojibake.
"""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from openpyxl import Workbook

from vote_counter.services import legacy_vn
from vote_counter.services.errors import ErrorCode, ServiceError
from vote_counter.services.importers import EncodingGuessError, guess_encoding, read_csv, read_nominee_file

TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")  # none, huyền, sắc, hỏi, ngã, nặng
VOWELS = ("a", "a\u0306", "a\u0302", "e", "e\u0302", "i", "o", "o\u0302", "o\u031b", "u", "u\u031b", "y")


def alphabet() -> list[str]:
    """The 134 precomposed Vietnamese letters: 66 vowels with a mark or tone and đ, lower and upper case."""
    lower = [unicodedata.normalize("NFC", v + t) for v in VOWELS for t in TONES]
    lower = [ch for ch in lower if not ch.isascii()] + ["đ"]
    return lower + [ch.upper() for ch in lower]


def test_the_alphabet_is_complete() -> None:
    letters = alphabet()
    assert len(letters) == len(set(letters)) == 134
    assert all(len(ch) == 1 for ch in letters)


# ---------------------------------------------------------------- encoders written from the standards, for tests


def to_vni(text: str) -> bytes:
    """VNI-Windows built from its rules: base letter, then one byte for the mark and tone (or a letter byte)."""
    tone_byte = {"": "", "\u0301": "ù", "\u0300": "ø", "\u0309": "û", "\u0303": "õ", "\u0323": "ï"}
    circumflex = {"": "â", "\u0301": "á", "\u0300": "à", "\u0309": "å", "\u0303": "ã", "\u0323": "ä"}
    breve = {"": "ê", "\u0301": "é", "\u0300": "è", "\u0309": "ú", "\u0303": "ü", "\u0323": "ë"}
    i_byte = {"": "i", "\u0301": "í", "\u0300": "ì", "\u0309": "æ", "\u0303": "ó", "\u0323": "ò"}
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ch.isascii():
            out.append(ch)
            continue
        if ch in "đĐ":
            out.append("ñ" if ch == "đ" else "Ñ")
            continue
        parts = unicodedata.normalize("NFD", ch.lower())
        base, marks = parts[0], parts[1:]
        tone = next((m for m in marks if m in TONES[1:]), "")
        if base == "i":
            vni = i_byte[tone]
        elif base == "y" and tone == "\u0323":
            vni = "î"
        elif "\u0302" in marks:
            vni = base + circumflex[tone]
        elif "\u0306" in marks:
            vni = "a" + breve[tone]
        elif "\u031b" in marks:
            vni = ("ô" if base == "o" else "ö") + tone_byte[tone]
        else:
            vni = base + tone_byte[tone]
        out.append(vni.upper() if ch.isupper() else vni)
    return "".join(out).encode("latin-1")


def to_tcvn3(text: str) -> bytes:
    """TCVN 5712 (VN1, which contains VN3) by inverting the decoder's table; checked against glibc below."""
    inverse = {v: k for k, v in legacy_vn.TCVN3_TABLE.items() if not unicodedata.combining(v)}
    return bytes(inverse.get(ch, ord(ch)) if not ch.isascii() else ord(ch) for ch in unicodedata.normalize("NFC", text))


def to_cp1258(text: str) -> bytes:
    """Windows-1258 keeps the tone as a combining mark after a precomposed base letter."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", ch)
        tone = "".join(m for m in parts if m in TONES[1:])
        out.append(unicodedata.normalize("NFC", "".join(m for m in parts if m not in TONES[1:])) + tone)
    return "".join(out).encode("cp1258")


# ---------------------------------------------------------------- round trips over the whole alphabet


@pytest.mark.parametrize("letter", alphabet())
def test_vni_round_trip_every_letter(letter: str) -> None:
    assert legacy_vn.decode_vni(to_vni(letter)) == letter
    assert legacy_vn.decode_vni(to_vni(f"x{letter}n")) == f"x{letter}n"


@pytest.mark.parametrize("letter", alphabet())
def test_tcvn3_round_trip_every_letter(letter: str) -> None:
    encoded = to_tcvn3(letter)
    assert len(encoded) == 1
    assert legacy_vn.decode_tcvn3(encoded) == letter


def test_tcvn3_lower_case_letters_are_in_vn3() -> None:
    """What every .VnTime font has: all 67 lower-case letters and the 7 capitals Ă Â Ê Ô Ơ Ư Đ."""
    vn3 = {legacy_vn.TCVN3_TABLE[b] for b in range(0xA1, 0xFF) if b in legacy_vn._VN3}
    assert {ch for ch in alphabet() if ch.islower()} <= vn3
    assert set("ĂÂÊÔƠƯĐ") <= vn3


def _iconv_tcvn() -> bool:
    if shutil.which("iconv") is None:
        return False
    done = subprocess.run(["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=b"a", capture_output=True, check=False)
    return done.returncode == 0


@pytest.mark.skipif(not _iconv_tcvn(), reason="glibc iconv with TCVN5712-1 not available")
def test_tcvn3_table_agrees_with_glibc_byte_by_byte() -> None:
    """An independent implementation of TCVN 5712:1993 (glibc's TCVN5712-1): every byte decodes the same."""
    for byte in range(1, 256):
        done = subprocess.run(
            ["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=bytes([byte]), capture_output=True, check=True
        )
        assert legacy_vn.decode_tcvn3(bytes([byte])) == done.stdout.decode(), hex(byte)


def test_known_byte_sequences() -> None:
    """Typed by hand from the published tables, not from the encoders above."""
    assert legacy_vn.decode_tcvn3(b"Nguy\xd4n Th\xde \xb8nh") == "Nguyễn Thị ánh"
    assert legacy_vn.decode_tcvn3(b"\xa7\xf8c \xa6ng") == "Đức Ưng"
    assert legacy_vn.decode_vni(b"Nguye\xe3n Th\xf2 A\xd9nh Tuye\xe1t") == "Nguyễn Thị Ánh Tuyết"
    assert legacy_vn.decode_vni(b"ng\xf6\xf4\xf8i \xd1\xf6\xf9c H\xf6\xf4\xfbng") == "người Đức Hưởng"
    assert legacy_vn.decode_vni(b"khuy\xfbu ch\xe6") == "khuỷu chỉ"


def test_vni_stray_mark_is_refused() -> None:
    with pytest.raises(legacy_vn.LegacyDecodeError):
        legacy_vn.decode_vni(b"Th\xf9")  # ù after a consonant: not VNI


# ---------------------------------------------------------------- detection on real names

NAMES = [
    ("Nguyễn Thị Ánh Tuyết", 1975, "Phó Giám đốc Sở", "Sở Tư pháp"),
    ("Trần Đức Ưng", 1980, "Chánh Văn phòng", "Văn phòng Sở"),
    ("Lê Hà", 1970, "Trưởng phòng", "Phòng Tổ chức cán bộ"),
    ("Phạm Quốc Khánh", 1968, "Chánh Thanh tra", "Thanh tra Sở"),
    ("Hoàng Thị Yến", 1984, "Phó Trưởng phòng", "Phòng Kế hoạch - Tài chính"),
    ("Vũ Hữu Ượng", 1979, "Chuyên viên chính", "Văn phòng Sở"),
    ("Đặng Ngọc Quỳnh", 1986, "Kế toán trưởng", "Văn phòng Sở"),
    ("Huỳnh Xuân Khuyến", 1972, "Giám đốc Trung tâm", "Trung tâm Thông tin"),
    ("Bùi Thế Nguyện", 1990, "Phó Giám đốc Trung tâm", "Trung tâm Thông tin"),
    ("Tô Lâm", 1957, "Ủy viên", "Ban Thường vụ"),
]
CSV = "STT,Họ và tên,Năm sinh,Chức vụ hiện tại,Đơn vị\n" + "".join(
    f"{i},{n},{y},{p},{u}\n" for i, (n, y, p, u) in enumerate(NAMES, start=1)
)
EXPECTED = [n for n, *_ in NAMES]


@pytest.mark.parametrize(
    ("raw", "guess"),
    [
        (CSV.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + CSV.encode("utf-8"), "utf-8-sig"),
        (CSV.encode("utf-16"), "utf-16"),
        (CSV.encode("utf-16-le"), "utf-16-le"),
        (unicodedata.normalize("NFD", CSV).encode("utf-8"), "utf-8"),
        (to_cp1258(CSV), "cp1258"),
        (to_tcvn3(CSV), "tcvn3"),
        (to_vni(CSV), "vni"),
        # Legacy-font text that Excel already turned into Unicode character by character, then saved as UTF-8.
        (to_vni(CSV).decode("latin-1").encode("utf-8"), "vni"),
        (to_tcvn3(CSV).decode("cp1252").encode("utf-8"), "tcvn3"),
    ],
)
def test_guess_encoding(raw: bytes, guess: str) -> None:
    assert guess_encoding(raw) == guess


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16-le"])
def test_unicode_files_read_without_asking(encoding: str) -> None:
    preview = read_csv(CSV.encode(encoding))
    assert [n.full_name for n in preview.nominees] == EXPECTED
    assert preview.encoding == encoding


@pytest.mark.parametrize(
    ("raw", "encoding", "named"),
    [
        (to_tcvn3(CSV), "tcvn3", "TCVN3 (ABC)"),
        (to_vni(CSV), "vni", "VNI-Windows"),
        (to_vni(CSV).decode("latin-1").encode("utf-8"), "vni", "VNI-Windows"),
        (to_tcvn3(CSV).decode("cp1252").encode("utf-8"), "tcvn3", "TCVN3 (ABC)"),
    ],
)
def test_legacy_file_is_named_then_converted_when_chosen(raw: bytes, encoding: str, named: str) -> None:
    with pytest.raises(EncodingGuessError) as err:
        read_csv(raw)
    assert err.value.code is ErrorCode.INVALID_INPUT and err.value.guess == encoding
    assert named in err.value.message and "để chuyển sang Unicode" in err.value.message
    assert "1258" not in err.value.message  # the GUI offers the Windows-1258 retry only for that one
    preview = read_csv(raw, encoding)
    assert [n.full_name for n in preview.nominees] == EXPECTED
    assert preview.nominees[4].unit == "Phòng Kế hoạch - Tài chính"
    assert all(unicodedata.is_normalized("NFC", n.full_name) for n in preview.nominees)
    assert preview.warnings == ()


def test_windows_1258_guess_keeps_the_old_message() -> None:
    with pytest.raises(EncodingGuessError) as err:
        read_csv(to_cp1258(CSV))
    assert err.value.guess == "cp1258" and "Windows-1258" in err.value.message
    assert [n.full_name for n in read_csv(to_cp1258(CSV), "cp1258").nominees] == EXPECTED


@pytest.mark.parametrize(
    ("raw", "wrong"),
    [
        (to_tcvn3(CSV), "vni"),
        (to_tcvn3(CSV), "cp1258"),
        (to_vni(CSV), "tcvn3"),
        (to_vni(CSV), "cp1258"),
        (to_cp1258(CSV), "tcvn3"),
        (to_cp1258(CSV), "vni"),
    ],
)
def test_a_wrong_choice_is_refused_not_stored(raw: bytes, wrong: str) -> None:
    with pytest.raises(ServiceError) as err:
        read_csv(raw, wrong)
    assert err.value.code is ErrorCode.INVALID_INPUT
    assert "bảng mã" in err.value.message


def test_real_unicode_never_converted_even_when_asked() -> None:
    """A Unicode file opened with “Đọc bằng TCVN3” by mistake: 'Lê Hà' must not become 'Lờ Hổ'."""
    for encoding in ("tcvn3", "vni", "cp1258"):
        preview = read_csv(CSV.encode("utf-8"), encoding)
        assert [n.full_name for n in preview.nominees] == EXPECTED


def test_latin1_only_unicode_names_do_not_look_legacy() -> None:
    raw = "Họ và tên\nLê Hà\nTô Lâm\nHồ Thị Mai\n".encode()
    assert guess_encoding(raw) == "utf-8"
    assert [n.full_name for n in read_csv(raw).nominees] == ["Lê Hà", "Tô Lâm", "Hồ Thị Mai"]


def test_vn3_capitals_restored_with_a_warning() -> None:
    """.VnTime has no capital Á: 'Ánh' was typed with the lower-case code; names get their capitals back."""
    raw = b"H\xe4 v\xb5 t\xaan,\xa7\xacn v\xde\nNguy\xd4n Th\xde \xb8nh,S\xeb\nNGUY\xd4N V\xa1N AN,S\xeb\n"
    preview = read_csv(raw, "tcvn3")
    assert [n.full_name for n in preview.nominees] == ["Nguyễn Thị Ánh", "NGUYỄN VĂN AN"]
    assert preview.warnings[0].startswith("Dòng 2: bảng mã TCVN3 không có chữ hoa có dấu")


def _xlsx(tmp_path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    path = tmp_path / "ds.xlsx"
    book.save(path)
    return path


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_xlsx_typed_with_a_legacy_font(tmp_path: Path, encoding: str) -> None:
    """The header typed later in Unicode, the names in the old font: the names are converted, the header kept."""
    encode = to_tcvn3 if encoding == "tcvn3" else to_vni
    as_excel = (
        (lambda s: encode(s).decode("cp1252")) if encoding == "tcvn3" else (lambda s: encode(s).decode("latin-1"))
    )
    rows: list[list[object]] = [["Họ và tên", "Năm sinh", "Chức vụ"]]
    rows += [[as_excel(n), y, as_excel(p)] for n, y, p, _ in NAMES]
    path = _xlsx(tmp_path, rows)
    with pytest.raises(EncodingGuessError) as err:
        read_nominee_file(path)
    assert err.value.guess == encoding
    preview = read_nominee_file(path, encoding)
    assert [n.full_name for n in preview.nominees] == EXPECTED
    assert preview.nominees[0].current_position == "Phó Giám đốc Sở"
    assert preview.encoding == f"xlsx/{encoding}"
    assert guess_encoding(path.read_bytes()) == encoding


def test_unicode_xlsx_not_suspected(tmp_path: Path) -> None:
    path = _xlsx(tmp_path, [["Họ và tên"], *([n] for n in EXPECTED)])
    assert guess_encoding(path.read_bytes()) == "xlsx"
    assert [n.full_name for n in read_nominee_file(path).nominees] == EXPECTED


def test_utf8_mojibake_still_refused() -> None:
    raw = "Họ và tên\nNguyá»…n VÄƒn A\n".encode()
    with pytest.raises(ServiceError, match="lỗi mã"):
        read_csv(raw)
    for encoding in ("tcvn3", "vni"):
        with pytest.raises(ServiceError):
            read_csv(raw, encoding)


def test_nul_bytes_refused() -> None:
    with pytest.raises(ServiceError, match="NUL"):
        read_csv("Họ và tên\nA\x00B\n".encode())
