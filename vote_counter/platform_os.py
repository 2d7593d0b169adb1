"""Every call whose behaviour depends on the operating system, each a small function with one decision.

The board's laptops run Windows; development and CI run Linux. Each function here names the Windows
difference it handles, and tests/unit/test_platform_os.py runs the POSIX path for real and the Windows
branch by replacing `os.name` / `sys.platform` (and the Win32 call) and checking the decision it makes.
Standard library only: any layer may use it (it is outside the layers contract, like paths.py).

Reviewed and found portable without a wrapper (docs/BUILD_WINDOWS.md lists them): SQLite's own file locks
(the app takes no other lock), `os.replace` (atomic on NTFS, MoveFileExW), `platformdirs` for the data folder
(%LOCALAPPDATA% on Windows), Vietnamese letters in paths (Python uses the wide Win32 API; SQLite gets UTF-8).
"""

from __future__ import annotations

import ctypes
import ntpath
import os
import sys
from pathlib import Path

WIN_MAX_PATH = 260  # MAX_PATH: longer paths need the \\?\ prefix unless the machine enabled long paths
_WIN_PREFIX = "\\\\?\\"
_WIN_UNC_PREFIX = "\\\\?\\UNC\\"
DRIVE_REMOVABLE = 2  # GetDriveTypeW: a USB stick or a memory card
_LINUX_REMOVABLE_ROOTS = ("/media/", "/run/media/", "/mnt/")


def is_windows() -> bool:
    return os.name == "nt"


# ---------------------------------------------------------------- flushing to the disk


def fsync_file(fd: int) -> None:
    """Flush an open file to the device (FlushFileBuffers on Windows, through the C runtime)."""
    os.fsync(fd)


def can_fsync_directory() -> bool:
    """POSIX needs the folder flushed for a rename to be durable; Windows cannot open a folder with
    os.open at all (PermissionError), and NTFS journals the rename itself."""
    return not is_windows()


def fsync_directory(path: Path) -> bool:
    """Flush a folder's entries (a rename, a new file) where the OS allows it; True if it was flushed."""
    if not can_fsync_directory():
        return False
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    return True


def new_file_flags() -> int:
    """Create-only, write-only flags; on Windows also O_BINARY, or the C runtime rewrites every b"\\n"."""
    return os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)


def open_new_file(path: Path, mode: int = 0o644) -> int:
    """A new file opened for writing; FileExistsError if something is there (never overwrite)."""
    return os.open(long_path(path), new_file_flags(), mode)


# ---------------------------------------------------------------- paths


def long_path(path: Path | str) -> str:
    """The path as the OS call should get it: on Windows an absolute path of MAX_PATH (260) characters or
    more gets the \\\\?\\ prefix (\\\\?\\UNC\\ for a network share), which lifts the limit; elsewhere unchanged."""
    text = str(path)
    if not is_windows() or text.startswith(_WIN_PREFIX):
        return text
    absolute = ntpath.abspath(text)  # \\?\ turns off Windows' own normalising: give it a clean absolute path
    if len(absolute) < WIN_MAX_PATH:
        return text
    if absolute.startswith("\\\\"):
        return _WIN_UNC_PREFIX + absolute[2:]
    return _WIN_PREFIX + absolute


# ---------------------------------------------------------------- terminals


def stdin_is_terminal() -> bool:
    """Whether a passphrase can be asked: a console on stdin. A closed stdin (None), a pipe, /dev/null,
    or a scheduled task on Windows (no console) means no: the caller says which variable to set."""
    stream = sys.stdin
    if stream is None:
        return False
    try:
        return bool(stream.isatty())
    except (ValueError, OSError):  # closed or detached
        return False


# ---------------------------------------------------------------- removable drives


def _windows_drive_type(root: str) -> int:
    """GetDriveTypeW of a drive root such as "E:\\" (replaced in tests: ctypes.windll exists only on Windows)."""
    windll = getattr(ctypes, "windll", None)
    if windll is None:
        return 0  # DRIVE_UNKNOWN
    return int(windll.kernel32.GetDriveTypeW(ctypes.c_wchar_p(root)))


def windows_drive_root(path: Path | str) -> str:
    """ "E:\\" for E:\\KetQua\\…; "" for a network path or one without a drive letter."""
    drive, _ = ntpath.splitdrive(str(path))
    if len(drive) == 2 and drive[1] == ":":
        return drive.upper() + "\\"
    return ""


def _mount_points() -> list[tuple[str, str]]:
    """(mount point, device) of every mounted filesystem (Linux: /proc/self/mounts; elsewhere nothing)."""
    try:
        text = Path("/proc/self/mounts").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    out = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 2:
            # /proc/mounts escapes spaces and other blanks as octal (\040)
            out.append((fields[1].encode().decode("unicode_escape"), fields[0]))
    return out


def _posix_mount_of(path: Path, mounts: list[tuple[str, str]]) -> tuple[str, str]:
    resolved = str(Path(path).resolve())
    best = ("/", "")
    for point, device in mounts:
        inside = resolved == point or resolved.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best[0]):
            best = (point, device)
    return best


def _sys_block_removable(device: str) -> bool:
    """Linux: /sys/block/<disk>/removable is 1 for a USB stick (the partition's disk: sdb1 → sdb)."""
    name = Path(device).name
    if not name:
        return False
    for candidate in (name, name.rstrip("0123456789"), name.split("p")[0] if name.startswith("mmcblk") else name):
        flag = Path("/sys/block") / candidate / "removable"
        try:
            return flag.read_text().strip() == "1"
        except OSError:
            continue
    return False


def is_removable(path: Path | str) -> bool:
    """Whether `path` lies on a removable drive (so "có thể rút USB" may be said after writing there).

    Windows: GetDriveTypeW of its drive letter is DRIVE_REMOVABLE. POSIX: the filesystem holding it is
    mounted where desktops mount sticks (/media, /run/media, /mnt) or its disk says removable in /sys."""
    if is_windows():
        root = windows_drive_root(path)
        return bool(root) and _windows_drive_type(root) == DRIVE_REMOVABLE
    point, device = _posix_mount_of(Path(path), _mount_points())
    if point == "/":
        return False
    return point.startswith(_LINUX_REMOVABLE_ROOTS) or _sys_block_removable(device)


def looks_like_usb_volume(root: str, system_drive: str) -> bool:
    """For the list of export targets (one mounted volume's root): Windows offers every drive but the
    system drive; elsewhere only volumes mounted where desktops mount sticks."""
    if is_windows():
        return root.rstrip("\\/").upper() != system_drive.rstrip("\\/").upper()
    return root.startswith(_LINUX_REMOVABLE_ROOTS)


def system_drive() -> str:
    """C: on most Windows machines (%SYSTEMDRIVE%); "/" elsewhere."""
    if is_windows():
        return os.environ.get("SYSTEMDRIVE", "C:").rstrip("\\/").upper()
    return "/"
