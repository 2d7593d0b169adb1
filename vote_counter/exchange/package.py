"""Writing a package folder to a USB stick so that no failure leaves something that looks complete (SPEC §8).

The protocol: every file goes into `<name>.partial-<random>` in the destination; each file is flushed and
fsynced, then the folder; the folder is renamed to its final name and the parent fsynced; then every file
is read back from the stick (page cache dropped where the OS allows) and checked against the signed
manifest. Any failure removes what was written. Each step is a module function so tests can break it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path

from vote_counter import platform_os
from vote_counter.exchange.safe_names import inside
from vote_counter.i18n import _
from vote_counter.services.errors import ErrorCode, ServiceError

Check = Callable[[Path], list[str]]
_CHUNK = 1 << 20


class ReadBackError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


# ---------------------------------------------------------------- the steps (tests replace these)


def _mkdir(path: Path) -> None:
    os.mkdir(path)


def _open_new(path: Path) -> int:
    return platform_os.open_new_file(path)


def _write(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view[:_CHUNK])
        view = view[written:]


def _fsync(fd: int) -> None:
    platform_os.fsync_file(fd)


def _fsync_dir(path: Path) -> None:
    platform_os.fsync_directory(path)  # a no-op on Windows, which cannot open a folder to flush it


def _rename(src: Path, dst: Path) -> None:
    os.rename(src, dst)


def _drop_cache(folder: Path) -> None:
    """Ask the OS to forget the cached pages, so the read-back reads the stick, not memory."""
    advise = getattr(os, "posix_fadvise", None)
    if advise is None:
        return
    for entry in os.scandir(folder):
        with contextlib.suppress(OSError):
            fd = os.open(entry.path, os.O_RDONLY)
            try:
                advise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)


# ---------------------------------------------------------------- the protocol


def free_name(destination: Path, name: str) -> str:
    """`name`, or `name_2`, `name_3`… if a folder of that name is already there (never overwrite)."""
    candidate, n = name, 1
    while (destination / candidate).exists():
        n += 1
        candidate = f"{name}_{n}"
    return candidate


def describe(exc: OSError) -> str:
    known = {
        errno.ENOSPC: _("USB đã đầy"),
        errno.EIO: _("lỗi đọc/ghi thiết bị, USB có thể bị hỏng hoặc đã bị rút ra"),
        errno.EROFS: _("USB đang bị khóa ghi"),
        errno.EACCES: _("không có quyền ghi vào thư mục này"),
        errno.EPERM: _("không có quyền ghi vào thư mục này"),
        errno.ENOENT: _("không tìm thấy thư mục, USB có thể đã bị rút ra"),
    }
    return known.get(exc.errno or 0, exc.strerror or str(exc))


def discard(path: Path) -> None:
    """Best effort: first take the final name away (rename), then delete."""
    if not path.exists():
        return
    doomed = path
    if ".partial-" not in path.name:
        doomed = path.with_name(f"{path.name}.failed-{secrets.token_hex(4)}")
        try:
            os.rename(path, doomed)
        except OSError:
            doomed = path
    shutil.rmtree(doomed, ignore_errors=True)


def write_package(destination: Path, name: str, files: Mapping[str, bytes], check: Check) -> Path:
    """Write `files` as folder `name` (or a free variant) in `destination`; returns the folder once it
    has been read back and `check` found no problem. Raises ServiceError, leaving nothing behind."""
    destination = Path(destination)
    where = str(destination)
    if not destination.is_dir():
        raise ServiceError(ErrorCode.EXPORT_FAILED, where=where, detail=_("không tìm thấy thư mục đích"))
    final = inside(destination, free_name(destination, name))
    partial = inside(destination, f"{final.name}.partial-{secrets.token_hex(4)}")
    targets = {inside(partial, file_name): data for file_name, data in files.items()}

    def clean_up() -> None:
        # `final` was free when we started: whatever stands there now is ours, complete or not.
        discard(partial)
        discard(final)

    try:
        _mkdir(partial)
        for target, data in targets.items():
            fd = _open_new(target)
            try:
                _write(fd, data)
                _fsync(fd)
            finally:
                os.close(fd)
        _fsync_dir(partial)
        _rename(partial, final)
        _fsync_dir(destination)
        _drop_cache(final)
        problems = check(final)
        if problems:
            raise ReadBackError(problems)
    except ReadBackError as exc:
        clean_up()
        raise ServiceError(ErrorCode.EXPORT_READ_BACK, detail="; ".join(exc.problems[:3])) from exc
    except OSError as exc:
        clean_up()
        raise ServiceError(ErrorCode.EXPORT_FAILED, where=where, detail=describe(exc)) from exc
    except ServiceError:
        clean_up()
        raise
    except Exception as exc:
        clean_up()
        raise ServiceError(
            ErrorCode.EXPORT_FAILED, where=where, detail=_("lỗi không lường trước: {error}").format(error=repr(exc))
        ) from exc
    except BaseException:
        clean_up()  # interrupted (Ctrl+C, shutdown): still never leave the final name behind
        raise
    return final
