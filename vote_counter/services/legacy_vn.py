"""The two pre-Unicode Vietnamese encodings still found in old agency spreadsheets, and a test for
"is this Vietnamese at all" that tells a right reading from a wrong one.

- TCVN3 (ABC), TCVN 5712:1993 table VN3, used with the .VnTime fonts: one byte per letter, lower-case
  letters with tones in 0xB5–0xFE. VN3 has no capitals with tones (typists switched to the .VnTimeH
  font, which draws the lower-case codes as capitals); the full table VN1 puts them in 0x01–0x17,
  0x80–0x9F and the gaps of VN3, and is decoded here too, so either kind of file reads.
- VNI-Windows (VNI-Times fonts): the base letter, then one byte for the letter mark and/or the tone,
  e.g. "eã" = ễ, "AÙ" = Á, "ö" = ư, "ñ" = đ.

Both are read either from the raw bytes of a CSV file or from text that a spreadsheet already turned
into Unicode character by character (an .xlsx typed in .VnTime shows "NguyÔn"): such text is first
turned back into its bytes through Windows-1252.
"""

from __future__ import annotations

import re
import unicodedata
from itertools import groupby

TCVN3 = "tcvn3"
VNI = "vni"
CP1258 = "cp1258"
LEGACY_NAMES = {TCVN3: "TCVN3 (ABC)", VNI: "VNI-Windows", CP1258: "Windows-1258"}


class LegacyDecodeError(ValueError):
    """Bytes that are not text in the legacy encoding (a VNI mark with no letter before it)."""


# ---------------------------------------------------------------- TCVN3 (TCVN 5712:1993)

# VN3: the bytes every .VnTime font has (capital ĂÂÊÔƠƯĐ, then every lower-case letter with a mark or tone).
_VN3 = {
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
    0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ",
    0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ",
    0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ", 0xC6: "ặ",
    0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ",
    0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ",
    0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ",
    0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị",
    0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ",
    0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
    0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ",
    0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ",
    0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự",
    0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ",
}  # fmt: skip

# VN1 adds the capitals with tones (and the five tones as combining marks) where VN3 leaves room.
_VN1_EXTRA = {
    0x01: "Ú", 0x02: "Ụ", 0x04: "Ừ", 0x05: "Ử", 0x06: "Ữ",
    0x11: "Ứ", 0x12: "Ự", 0x13: "Ỳ", 0x14: "Ỷ", 0x15: "Ỹ", 0x16: "Ý", 0x17: "Ỵ",
    0x80: "À", 0x81: "Ả", 0x82: "Ã", 0x83: "Á", 0x84: "Ạ", 0x85: "Ặ", 0x86: "Ậ", 0x87: "È",
    0x88: "Ẻ", 0x89: "Ẽ", 0x8A: "É", 0x8B: "Ẹ", 0x8C: "Ệ", 0x8D: "Ì", 0x8E: "Ỉ", 0x8F: "Ĩ",
    0x90: "Í", 0x91: "Ị", 0x92: "Ò", 0x93: "Ỏ", 0x94: "Õ", 0x95: "Ó", 0x96: "Ọ", 0x97: "Ộ",
    0x98: "Ờ", 0x99: "Ở", 0x9A: "Ỡ", 0x9B: "Ớ", 0x9C: "Ợ", 0x9D: "Ù", 0x9E: "Ủ", 0x9F: "Ũ",
    0xAF: "Ằ", 0xB0: "\u0300", 0xB1: "\u0309", 0xB2: "\u0303", 0xB3: "\u0301", 0xB4: "\u0323",
    0xBA: "Ẳ", 0xBF: "Ẵ", 0xC0: "Ắ", 0xC1: "Ầ", 0xC2: "Ẩ", 0xC3: "Ẫ", 0xC4: "Ấ", 0xC5: "Ề",
    0xCD: "Ể", 0xD9: "Ễ", 0xDA: "Ế", 0xDB: "Ồ", 0xE0: "Ổ", 0xF0: "Ỗ", 0xFF: "Ố",
}  # fmt: skip

TCVN3_TABLE: dict[int, str] = {**_VN3, **_VN1_EXTRA}


def decode_tcvn3(data: bytes) -> str:
    """TCVN3 bytes → NFC Unicode. ASCII stays as it is; every byte has a meaning, so this never fails."""
    return unicodedata.normalize("NFC", "".join(TCVN3_TABLE.get(b) or chr(b) for b in data))


# ---------------------------------------------------------------- VNI-Windows

# The byte after a base letter: the mark (circumflex, breve, horn) and/or the tone, lower-case forms.
_TONE_BYTES = {"ù": "\u0301", "ø": "\u0300", "û": "\u0309", "õ": "\u0303", "ï": "\u0323"}
_CIRCUMFLEX_BYTES = {"â": "", "á": "\u0301", "à": "\u0300", "å": "\u0309", "ã": "\u0303", "ä": "\u0323"}
_BREVE_BYTES = {"ê": "", "é": "\u0301", "è": "\u0300", "ú": "\u0309", "ü": "\u0303", "ë": "\u0323"}
# Letters that are one byte on their own: ơ ư đ and the i's and ỵ.
_VNI_SINGLE_LOWER = {"ô": "ơ", "ö": "ư", "ñ": "đ", "í": "í", "ì": "ì", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ"}


def _vni_pairs() -> dict[str, str]:
    pairs: dict[str, str] = {}
    for base, tone_bases in (("a", "a"), ("e", "e"), ("o", "o"), ("u", "u"), ("y", "y"), ("ô", "ơ"), ("ö", "ư")):
        for byte, tone in _TONE_BYTES.items():
            if base == "y" and byte == "ï":
                continue  # ỵ is the single byte î
            pairs[base + byte] = tone_bases + tone
    for base in "aeo":
        for byte, tone in _CIRCUMFLEX_BYTES.items():
            pairs[base + byte] = base + "\u0302" + tone
    for byte, tone in _BREVE_BYTES.items():
        pairs["a" + byte] = "a\u0306" + tone
    lower = {k: unicodedata.normalize("NFC", v) for k, v in pairs.items()}
    # Capitals: the same bytes in upper case ("AÙ" = Á); the Latin-1 upper case of each byte is 0x20 below.
    upper = {k.upper(): v.upper() for k, v in lower.items()}
    return {**lower, **upper}


VNI_PAIRS: dict[str, str] = _vni_pairs()
VNI_SINGLES: dict[str, str] = {**_VNI_SINGLE_LOWER, **{k.upper(): v.upper() for k, v in _VNI_SINGLE_LOWER.items()}}
# Bytes that only mean something after a base letter.
_VNI_MARKS = frozenset(k[1] for k in VNI_PAIRS)


def decode_vni_text(text: str) -> str:
    """VNI as Latin-1 characters (one per byte) → NFC Unicode; raises LegacyDecodeError on a stray byte."""
    out: list[str] = []
    i = 0
    while i < len(text):
        pair = text[i : i + 2]
        if pair in VNI_PAIRS:
            out.append(VNI_PAIRS[pair])
            i += 2
            continue
        ch = text[i]
        if ch in VNI_SINGLES:
            out.append(VNI_SINGLES[ch])
        elif ord(ch) < 0xC0:
            # ASCII, and the Windows punctuation and Latin-1 symbols the VNI fonts keep in place.
            try:
                out.append(ch if ord(ch) < 0x80 else bytes([ord(ch)]).decode("cp1252"))
            except (UnicodeDecodeError, ValueError) as exc:
                raise LegacyDecodeError(f"byte {ord(ch):#04x} ở vị trí {i + 1} không thuộc bảng mã VNI") from exc
        else:
            mark = "dấu" if ch in _VNI_MARKS else "ký tự"
            raise LegacyDecodeError(f"{mark} “{ch}” ở vị trí {i + 1} không thuộc bảng mã VNI")
        i += 1
    return unicodedata.normalize("NFC", "".join(out))


def decode_vni(data: bytes) -> str:
    return decode_vni_text(data.decode("latin-1"))


def decode_bytes(data: bytes, encoding: str) -> str:
    """Raw file bytes in a legacy encoding → NFC Unicode (LegacyDecodeError when they cannot be)."""
    if encoding == TCVN3:
        return decode_tcvn3(data)
    if encoding == VNI:
        return decode_vni(data)
    try:
        return unicodedata.normalize("NFC", data.decode(encoding))
    except (UnicodeDecodeError, LookupError) as exc:
        raise LegacyDecodeError(str(exc)) from exc


# ---------------------------------------------------------------- legacy text already inside Unicode

# Windows punctuation (“ ” – …) in a cell stays punctuation: Excel typed it, not the legacy font. The
# letters of that range (ƒ Š Œ …) are never Vietnamese, so there they are the bytes of TCVN3 capitals.
_CP1252_PUNCTUATION = frozenset(
    ch
    for b in range(0x80, 0xA0)
    if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D) and not (ch := bytes([b]).decode("cp1252")).isalpha()
)
_CP1252_BYTES = {
    ch: b
    for b in range(0x80, 0xA0)
    if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D) and (ch := bytes([b]).decode("cp1252")).isalpha()
}


def _runs(text: str) -> list[str | bytes] | None:
    """The cell cut into byte runs (to decode) and punctuation runs (kept); None if it is real Unicode."""
    if any(ord(ch) >= 0x100 and ch not in _CP1252_PUNCTUATION and ch not in _CP1252_BYTES for ch in text):
        return None
    return [
        bytes(_CP1252_BYTES.get(ch) or ord(ch) for ch in chars) if is_byte else "".join(chars)
        for is_byte, chars in groupby(text, key=lambda ch: ch not in _CP1252_PUNCTUATION)
    ]


def is_convertible(text: str) -> bool:
    """Text that a legacy font could have produced: nothing beyond Latin-1 but Windows punctuation."""
    runs = _runs(text)
    return runs is not None and any(isinstance(r, bytes) and not r.isascii() for r in runs)


def convert_text(text: str, encoding: str) -> str:
    """A spreadsheet cell typed with a legacy font → Unicode. Real Unicode text is returned unchanged."""
    runs = _runs(text)
    if runs is None:
        return text
    return unicodedata.normalize("NFC", "".join(decode_bytes(r, encoding) if isinstance(r, bytes) else r for r in runs))


# ---------------------------------------------------------------- is this Vietnamese?

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_INITIAL = "ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx]|"
_NUCLEUS = (
    "iêu|yêu|oai|oao|oay|oeo|uây|uôi|uya|uyê|uyu|ươi|ươu|"
    "ai|ao|au|ay|âu|ây|eo|êu|ia|iê|iu|oa|oă|oe|oi|ôi|ơi|oo|ua|uâ|uê|ui|uô|uơ|uy|ưa|ưi|ưu|ươ|yê|"
    "[aăâeêioôơuưy]"
)
_SYLLABLE = re.compile(f"(?:{_INITIAL})(?:{_NUCLEUS})(?:ng|nh|ch|[cmnpt]|)")
_VOWELS = frozenset("aăâeêioôơuưy")
# Token boundaries: spaces, ASCII punctuation, digits and typographic punctuation. Not « » ¬ · ª …:
# in TCVN3 those bytes are letters, and splitting on them would hide the wrong reading.
_SPLIT = re.compile(r"[\s!-@\[-`{-~\u2010-\u2027]+")


def _word_ok(word: str) -> bool | None:
    """True: a Vietnamese syllable; False: not Vietnamese; None: plain ASCII or an abbreviation (HĐND)."""
    if word.isascii():
        return None
    bases: list[str] = []
    tones = 0
    for ch in unicodedata.normalize("NFD", word.lower()):
        if ch in _TONES:
            tones += 1
        elif unicodedata.combining(ch) and bases:
            bases[-1] = unicodedata.normalize("NFC", bases[-1] + ch)
        else:
            bases.append(ch)
    toneless = "".join(bases)
    if not all(("a" <= c <= "z") or c in _VOWELS or c == "đ" for c in toneless):
        return False
    if not _VOWELS & set(toneless):
        return None if tones == 0 else False
    return tones <= 1 and _SYLLABLE.fullmatch(toneless) is not None


def plausibility(text: str) -> tuple[int, int, str]:
    """(Vietnamese words, words that cannot be Vietnamese, the first such word) among non-ASCII words."""
    good = bad = 0
    first = ""
    for word in _SPLIT.split(unicodedata.normalize("NFC", text)):
        if not word:
            continue
        ok = _word_ok(word)
        if ok is True:
            good += 1
        elif ok is False:
            bad += 1
            first = first or word
    return good, bad, first


def readable(good: int, bad: int) -> bool:
    """Nearly every word is Vietnamese: a rare name outside the syllable rules (Kđăm) is tolerated."""
    return 4 * bad <= good + bad and (good > 0 or bad == 0)
