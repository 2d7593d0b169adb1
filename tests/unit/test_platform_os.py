"""Every OS-dependent call of the app (vote_counter/platform_os.py): the POSIX path runs for real here; the
Windows branch runs with os.name replaced (and the Win32 call stubbed where ctypes.windll cannot exist),
and the test checks the decision it makes. The hosted Windows runner (.github/workflows/windows.yml) runs
the real thing through the bundle's --self-test."""

from __future__ import annotations

import io
import os
import unicodedata
from pathlib import Path

import pytest

from vote_counter import platform_os

VIETNAMESE_DIR = "Biên bản kiểm phiếu — Đảng ủy"
ON_WINDOWS = os.name == "nt"
posix_only = pytest.mark.skipif(ON_WINDOWS, reason="the POSIX path (the Windows runner runs the real Windows one)")
windows_only = pytest.mark.skipif(not ON_WINDOWS, reason="real Win32 calls: run by .github/workflows/windows.yml")


@pytest.fixture
def windows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "name", "nt")


# ---------------------------------------------------------------- flushing


@posix_only
def test_directory_fsync_runs_on_posix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[object] = []
    real_open = os.open
    monkeypatch.setattr(os, "open", lambda path, flags, *a: opened.append(path) or real_open(path, flags, *a))
    assert platform_os.fsync_directory(tmp_path) is True
    assert opened == [tmp_path]


def test_directory_fsync_is_skipped_on_windows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, windows: None) -> None:
    def no_open(*_a: object) -> int:
        raise PermissionError(13, "Windows cannot open a folder with os.open")

    monkeypatch.setattr(os, "open", no_open)
    assert platform_os.can_fsync_directory() is False
    assert platform_os.fsync_directory(tmp_path) is False  # decided before any os.open


def test_new_files_are_binary_exclusive_and_take_vietnamese_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / VIETNAMESE_DIR
    folder.mkdir()
    target = folder / "BienBan_lượt1_in2.pdf"
    fd = platform_os.open_new_file(target)
    try:
        os.write(fd, b"%PDF\r\n\n")
        platform_os.fsync_file(fd)
    finally:
        os.close(fd)
    assert target.read_bytes() == b"%PDF\r\n\n"  # no newline translation
    with pytest.raises(FileExistsError):
        platform_os.open_new_file(target)  # never overwrite
    (listed,) = os.listdir(folder)
    assert unicodedata.is_normalized("NFC", listed) and listed == "BienBan_lượt1_in2.pdf"
    # Windows: the C runtime would turn b"\n" into b"\r\n" without O_BINARY.
    monkeypatch.setattr(os, "O_BINARY", 0x8000, raising=False)
    assert platform_os.new_file_flags() & 0x8000
    assert platform_os.new_file_flags() & os.O_EXCL and platform_os.new_file_flags() & os.O_CREAT


# ---------------------------------------------------------------- long paths


@posix_only
def test_long_paths_unchanged_on_posix(tmp_path: Path) -> None:
    deep = tmp_path.joinpath(*(["thư_mục_rất_dài_" * 3] * 6), "BienBan.pdf")
    assert len(str(deep)) > platform_os.WIN_MAX_PATH
    assert platform_os.long_path(deep) == str(deep)
    deep.parent.mkdir(parents=True)
    fd = platform_os.open_new_file(deep)
    os.close(fd)
    assert deep.exists()


def test_long_paths_get_the_prefix_on_windows(windows: None) -> None:
    short = "E:\\KetQua_HoiNghi\\BienBan_luot1.pdf"
    assert platform_os.long_path(short) == short  # under MAX_PATH: as it is
    long_local = "E:\\" + "\\".join(["Kết_quả_kiểm_phiếu_hội_nghị"] * 12) + "\\BienBan.pdf"
    assert len(long_local) >= platform_os.WIN_MAX_PATH
    assert platform_os.long_path(long_local) == "\\\\?\\" + long_local
    share = "\\\\may-chu\\chia-se\\" + "\\".join(["thư_mục"] * 40) + "\\a.pdf"
    assert platform_os.long_path(share) == "\\\\?\\UNC\\may-chu\\chia-se\\" + share[len("\\\\may-chu\\chia-se\\") :]
    already = "\\\\?\\" + long_local
    assert platform_os.long_path(already) == already  # never twice
    dotted = "E:\\a\\..\\" + "b" * 300 + ".pdf"  # \\?\ turns off normalising: give it a clean path
    assert platform_os.long_path(dotted) == "\\\\?\\E:\\" + "b" * 300 + ".pdf"


# ---------------------------------------------------------------- terminals


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_passphrase_is_asked_only_with_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", None)  # stdin closed (pythonw.exe, a service, a scheduled task)
    assert platform_os.stdin_is_terminal() is False
    monkeypatch.setattr("sys.stdin", io.StringIO("piped\n"))
    assert platform_os.stdin_is_terminal() is False
    closed = io.StringIO()
    closed.close()
    monkeypatch.setattr("sys.stdin", closed)
    assert platform_os.stdin_is_terminal() is False
    monkeypatch.setattr("sys.stdin", _Tty())
    assert platform_os.stdin_is_terminal() is True


# ---------------------------------------------------------------- removable drives


def test_plain_folder_is_not_removable_on_posix(tmp_path: Path) -> None:
    assert platform_os.is_removable(tmp_path) is False


@posix_only
def test_posix_mount_decides_removable(monkeypatch: pytest.MonkeyPatch) -> None:
    mounts = [("/", "/dev/sda2"), ("/media/mai/USB KP", "/dev/sdb1"), ("/srv/data", "/dev/sdc1")]
    monkeypatch.setattr(platform_os, "_mount_points", lambda: mounts)
    monkeypatch.setattr(platform_os, "_sys_block_removable", lambda device: device == "/dev/sdc1")
    assert platform_os.is_removable("/media/mai/USB KP/KetQua_2026") is True  # mounted where sticks are
    assert platform_os.is_removable("/srv/data/ketqua") is True  # /sys says the disk is removable
    assert platform_os.is_removable("/home/mai/ketqua") is False  # the system disk
    assert platform_os.is_removable("/media/mai/USB KPX/a") is False  # a prefix of a name is not inside it


def test_proc_mounts_escapes_are_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    text = "/dev/sdb1 /media/mai/USB\\040KP vfat rw 0 0\nproc /proc proc rw 0 0\n"
    fake = tmp_path / "mounts"
    fake.write_text(text)
    real_path = platform_os.Path
    monkeypatch.setattr(
        platform_os, "Path", lambda p, *a: real_path(fake) if p == "/proc/self/mounts" else real_path(p, *a)
    )
    assert ("/media/mai/USB KP", "/dev/sdb1") in platform_os._mount_points()


def test_windows_asks_the_drive_type(monkeypatch: pytest.MonkeyPatch, windows: None) -> None:
    types = {"E:\\": platform_os.DRIVE_REMOVABLE, "C:\\": 3, "D:\\": 3}  # 3: DRIVE_FIXED
    asked: list[str] = []
    monkeypatch.setattr(platform_os, "_windows_drive_type", lambda root: asked.append(root) or types.get(root, 0))
    assert platform_os.is_removable("e:\\KetQua_Hội_nghị_20261129-1530") is True
    assert platform_os.is_removable("C:\\Users\\Mai\\Documents\\KetQua") is False
    assert platform_os.is_removable("\\\\may-chu\\chia-se\\KetQua") is False  # a network share: no drive letter
    assert asked == ["E:\\", "C:\\"]


@posix_only
def test_windows_drive_type_without_windll_is_unknown() -> None:
    assert platform_os._windows_drive_type("E:\\") == 0  # here ctypes has no windll: never "removable"


@posix_only
def test_export_targets_listed(monkeypatch: pytest.MonkeyPatch) -> None:
    assert platform_os.system_drive() == "/"
    assert platform_os.looks_like_usb_volume("/media/mai/USB", "/") is True
    assert platform_os.looks_like_usb_volume("/home", "/") is False
    monkeypatch.setattr(os, "name", "nt")
    monkeypatch.setenv("SYSTEMDRIVE", "c:")
    assert platform_os.system_drive() == "C:"
    assert platform_os.looks_like_usb_volume("E:/", "C:") is True
    assert platform_os.looks_like_usb_volume("C:/", "C:") is False


# ---------------------------------------------------------------- for real on Windows (the hosted runner)


@windows_only
def test_real_windows_calls(tmp_path: Path) -> None:
    assert platform_os.fsync_directory(tmp_path) is False
    system_root = platform_os.system_drive() + "\\"
    assert platform_os._windows_drive_type(system_root) == 3  # DRIVE_FIXED
    assert platform_os.is_removable(tmp_path) is False
    deep = tmp_path.joinpath(*(["thư_mục_rất_dài_" * 3] * 6), "BienBan.pdf")
    assert len(str(deep)) > platform_os.WIN_MAX_PATH
    os.makedirs(platform_os.long_path(deep.parent))
    fd = platform_os.open_new_file(deep)  # works past MAX_PATH, with or without LongPathsEnabled
    try:
        os.write(fd, b"a\nb")
    finally:
        os.close(fd)
    with open(platform_os.long_path(deep), "rb") as fh:
        assert fh.read() == b"a\nb"  # O_BINARY: no \r added
