"""File names from user text that Windows and FAT32 accept and that never leave the export folder (SPEC §8).

Vietnamese letters are kept: FAT32 long file names are UTF-16. Characters outside the Basic
Multilingual Plane (emoji) are dropped: several FAT implementations (mtools among them) lose them.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

from vote_counter.i18n import _
from vote_counter.services.errors import ErrorCode, ServiceError

FALLBACK = "HoiNghi"
LIMIT = 80  # UTF-16 code units; FAT32 allows 255 for the whole name, the folder adds prefix and time
FORBIDDEN = frozenset('<>:"/\\|?*')
# Device names Windows reserves in every folder, with or without an extension ("CON.txt" too);
# the superscript digits count as digits there.
RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"{dev}{n}" for dev in ("COM", "LPT") for n in ("1", "2", "3", "4", "5", "6", "7", "8", "9", "¹", "²", "³")}
)
_DROP_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})  # controls, bidi overrides, surrogates, unassigned
_STRIP = " ._"
_WORD_BREAKS = "_-"


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _keep(ch: str) -> bool:
    return ord(ch) <= 0xFFFF and ch not in FORBIDDEN and unicodedata.category(ch) not in _DROP_CATEGORIES


def cut_at_word(text: str, limit: int) -> str:
    """At most `limit` UTF-16 units, cut after the last whole word ("…_giữ_chức", never "…_giữ_ch");
    a single word longer than the limit is cut where the limit falls."""
    if _utf16_len(text) <= limit:
        return text
    cut = text
    while _utf16_len(cut) > limit:
        cut = cut[:-1]
    if text[len(cut)] in _WORD_BREAKS:
        return cut  # the limit falls just before a break: the last word is whole
    boundary = max(cut.rfind(ch) for ch in _WORD_BREAKS)
    return cut[:boundary] if boundary > 0 else cut


def is_reserved(name: str) -> bool:
    stem = name.split(".", 1)[0].rstrip(" ")
    return stem.upper() in RESERVED


def safe_name(text: str, *, fallback: str = FALLBACK, limit: int = LIMIT) -> str:
    """One path component: NFC, no forbidden or control characters, spaces as "_", no trailing dots,
    no reserved device name, at most `limit` UTF-16 units, never empty, never "." or ".."."""
    cleaned = "".join(ch if _keep(ch) else " " for ch in unicodedata.normalize("NFC", text))
    cleaned = re.sub(r"\s+", "_", cleaned.strip())
    cleaned = re.sub(r"_{2,}", "_", cleaned).strip(_STRIP)
    cleaned = cut_at_word(cleaned, limit).strip(_STRIP)
    if not cleaned:
        cleaned = fallback
    if is_reserved(cleaned):
        cleaned = "_" + cleaned
        while _utf16_len(cleaned) > limit:
            cleaned = cleaned[:-1]
    return cleaned


def inside(base: Path, name: str) -> Path:
    """`base / name`, after checking that it is one plain entry of `base`; raises ServiceError otherwise."""
    problem = ""
    if name in ("", ".", "..") or "/" in name or "\\" in name or (os.altsep and os.altsep in name):
        problem = _("không phải một tên tệp đơn")
    elif not all(_keep(ch) for ch in name) or name != name.rstrip(" .") or is_reserved(name):
        problem = _("chứa ký tự hoặc tên không dùng được trên Windows hoặc USB")
    target = base / name
    if not problem and target.resolve().parent != base.resolve():
        problem = _("trỏ ra ngoài thư mục xuất")
    if problem:
        raise ServiceError(ErrorCode.UNSAFE_NAME, name=name, detail=problem + ".")
    return target
