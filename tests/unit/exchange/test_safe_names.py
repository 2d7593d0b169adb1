"""Names from user text: safe on Windows and FAT32, never outside the export folder, unchanged on a FAT32 stick."""

from __future__ import annotations

import os
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from vote_counter.exchange.safe_names import FALLBACK, FORBIDDEN, LIMIT, inside, is_reserved, safe_name
from vote_counter.services.errors import ErrorCode, ServiceError

HOSTILE = [
    "CON",
    "con.txt",
    "../../etc/passwd",
    "..\\..\\Windows\\System32",
    'a/b\\c:d*e?f"g<h>i|j',
    "   ...   ",
    "",
    ".",
    "..",
    "Hội nghị.",
    "Hội nghị. . .",
    unicodedata.normalize("NFD", "Hội nghị cán bộ chủ chốt Sở Tài chính tỉnh Thừa Thiên Huế"),
    "Đại hội " * 40,  # 320 characters
    "ỆẤỮĐƯ" * 60,
    "Hội nghị 🎉 tổng kết 👍🏽 năm 2026",
    "👨‍👩‍👧",
    "NUL ",
    "nul.tar.gz",
    "COM1.tar.gz",
    "LPT9",
    "com¹",
    "CONIN$",
    "AUX .txt",
    "tab\there\nnewline\rcr\x00nul\x1bescape\x7fdel",
    "\u202eexe.pdf",  # right-to-left override: a spoofed extension
    "zero\u200bwidth",
    "   leading and trailing   ",
    "many     spaces\u00a0and\u3000ideographic",
    "-rf",
    "~/.ssh",
    "C:\\boot.ini",
    "file:stream",
    "trailing dot.",
    "a" * 300,
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_titles_become_safe_names(text: str, tmp_path: Path) -> None:
    name = safe_name(text)
    assert name and name not in (".", "..")
    assert unicodedata.normalize("NFC", name) == name
    assert not FORBIDDEN & set(name)
    assert all(unicodedata.category(ch)[0] != "C" for ch in name), repr(name)
    assert all(ord(ch) <= 0xFFFF for ch in name)  # FAT32 via mtools keeps only the BMP
    assert len(name.encode("utf-16-le")) // 2 <= LIMIT
    assert not name.endswith((".", " ")) and not name.startswith((".", " "))
    assert not any(ch.isspace() for ch in name)
    assert not is_reserved(name)
    assert safe_name(name) == name  # stable: a safe name stays as it is
    target = inside(tmp_path, name)
    assert target.resolve().parent == tmp_path.resolve()
    target.mkdir()  # the file system accepts it
    assert [p.name for p in tmp_path.iterdir()] == [name]


def test_names_keep_vietnamese_letters() -> None:
    assert safe_name("Hội nghị cán bộ chủ chốt năm 2026") == "Hội_nghị_cán_bộ_chủ_chốt_năm_2026"
    nfd = unicodedata.normalize("NFD", "Lấy phiếu tín nhiệm")
    assert safe_name(nfd) == "Lấy_phiếu_tín_nhiệm"


def test_reserved_device_names_are_prefixed() -> None:
    assert safe_name("CON") == "_CON"
    assert safe_name("con.txt") == "_con.txt"
    assert safe_name("NUL ") == "_NUL"
    assert safe_name("COM1.tar.gz") == "_COM1.tar.gz"
    assert safe_name("CONSOLE") == "CONSOLE"
    assert safe_name("COM10") == "COM10"


def test_empty_and_dots_fall_back() -> None:
    for text in ("", "   ", "...", "   ...   ", "\x00\x01", "<>:|?*", "🎉🎉"):
        assert safe_name(text) == FALLBACK
    assert safe_name("", fallback="LuotBoPhieu") == "LuotBoPhieu"


def test_long_names_are_cut_on_utf16_units() -> None:
    name = safe_name("Đại hội " * 40)
    assert len(name.encode("utf-16-le")) // 2 <= LIMIT
    assert name.startswith("Đại_hội_Đại_hội")
    assert not name.endswith("_")


@pytest.mark.parametrize(
    "name", ["..", ".", "", "a/b", "a\\b", "../x", "CON", "x.", "x ", "a:b", "a\x00b", "/etc", "\u202eab"]
)
def test_inside_refuses_what_could_leave_or_break_the_folder(name: str, tmp_path: Path) -> None:
    with pytest.raises(ServiceError) as info:
        inside(tmp_path, name)
    assert info.value.code is ErrorCode.UNSAFE_NAME


def test_inside_refuses_a_symlink_pointing_out(tmp_path: Path) -> None:
    (tmp_path / "out").symlink_to(tmp_path.parent)
    with pytest.raises(ServiceError):
        inside(tmp_path, "out")


def _mtools(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, LC_ALL="C.UTF-8", MTOOLS_SKIP_CHECK="1")
    return subprocess.run(args, env=env, capture_output=True, text=True, check=True)


def test_names_survive_a_fat32_stick_unchanged(tmp_path: Path) -> None:
    if shutil.which("mformat") is None or shutil.which("mcopy") is None:
        pytest.skip("mtools is not installed (apt-get install mtools)")
    folder = tmp_path / "src" / safe_name("Hội nghị cán bộ chủ chốt: Sở Tài chính / 2026.")
    folder.mkdir(parents=True)
    expected: dict[str, bytes] = {}
    for i, text in enumerate(HOSTILE):
        name = safe_name(text)
        if name.lower() in {n.lower() for n in expected}:
            continue  # FAT is case-insensitive: one of two names differing by case only
        expected[name] = f"{i}: {text}".encode()
        (folder / name).write_bytes(expected[name])
    image = tmp_path / "usb.fat32"
    _mtools("mformat", "-C", "-F", "-T", "131072", "-i", str(image), "::")
    _mtools("mcopy", "-s", "-i", str(image), str(folder), "::")
    listing = _mtools("mdir", "-i", str(image), f"::/{folder.name}").stdout
    assert f"{len(expected) + 2} files" in listing, listing  # with "." and ".."
    out = tmp_path / "out"
    out.mkdir()
    _mtools("mcopy", "-s", "-i", str(image), f"::/{folder.name}", str(out))
    back = out / folder.name
    assert back.is_dir(), list(out.iterdir())
    assert {p.name: p.read_bytes() for p in back.iterdir()} == expected
