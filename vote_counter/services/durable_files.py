"""Files the database vouches for (printed ballots, minutes): written to a temporary name, fsynced, read
back and compared, then renamed into place; removed again when the database refuses to log them.

`print-ballots` to a full disk registered 200 serials as printed with no PDF (issue 12): now the serials
are committed only after their PDF is on the disk, and a failed commit takes the PDF away. Each OS call is
a small function of its own (tests break them; Windows cannot fsync a folder).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import secrets
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from vote_counter.i18n import _

_CHUNK = 1 << 20


class WriteFailed(Exception):
    """A file could not be written whole (disk full, no permission, read back differs): `detail` in words."""

    def __init__(self, path: Path, detail: str) -> None:
        super().__init__(detail)
        self.path = path
        self.detail = detail


def _fsync_dir(folder: Path) -> None:
    if os.name == "nt":
        return  # Windows cannot open a folder to flush it; the fsynced file and the rename are what it offers
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_synced(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view[:_CHUNK]) :]
        os.fsync(fd)
    finally:
        os.close(fd)


def _digest_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def describe(exc: OSError) -> str:
    known = {
        errno.ENOSPC: _("ổ đĩa đã đầy"),
        errno.EFBIG: _("ổ đĩa đã đầy hoặc tệp vượt giới hạn kích thước"),
        errno.EDQUOT: _("hết hạn mức dung lượng ổ đĩa"),
        errno.EIO: _("lỗi đọc/ghi ổ đĩa"),
        errno.EROFS: _("ổ đĩa chỉ cho phép đọc"),
        errno.EACCES: _("không có quyền ghi vào thư mục này"),
        errno.EPERM: _("không có quyền ghi vào thư mục này"),
        errno.ENOENT: _("không tìm thấy thư mục"),
        errno.EEXIST: _("trên đường dẫn có một tệp đứng ở chỗ của thư mục"),
        errno.ENOTDIR: _("trên đường dẫn có một tệp đứng ở chỗ của thư mục"),
    }
    words = known.get(exc.errno or 0)
    # The operating system's own words stay in brackets for the technician.
    return (
        f"{words} — {exc.strerror}"
        if words and exc.strerror
        else words or _("lỗi hệ điều hành: {detail}").format(detail=exc.strerror or exc)
    )


def remove_quietly(paths: Sequence[Path]) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink()


def place_files(files: Mapping[Path, bytes]) -> list[Path]:
    """Write every file whole (temporary name, fsync, read back, rename, folder fsync), or none of them:
    on failure nothing new is left at the final names nor at the temporary ones. WriteFailed otherwise."""
    temps: dict[Path, Path] = {}
    placed: list[Path] = []
    current = next(iter(files), Path("."))
    try:
        for path, data in files.items():
            current = path
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
            temps[path] = tmp
            _write_synced(tmp, data)
            if _digest_of(tmp) != hashlib.sha256(data).hexdigest():
                raise WriteFailed(path, _("đọc lại thấy khác với nội dung vừa ghi, ổ đĩa có thể bị hỏng"))
        for path, tmp in temps.items():
            current = path
            os.replace(tmp, path)
            placed.append(path)
        for folder in {p.parent for p in files}:
            _fsync_dir(folder)
    except WriteFailed:
        remove_quietly([*temps.values(), *placed])
        raise
    except OSError as exc:
        remove_quietly([*temps.values(), *placed])
        raise WriteFailed(current, describe(exc)) from exc
    return placed


def place_then_commit(files: Mapping[Path, bytes], commit: Callable[[], object]) -> list[Path]:
    """The files on the disk first, then `commit` (the database transaction that vouches for them); if the
    commit fails, the files are removed: never a file the database does not know, never a record of a file
    that is not there."""
    placed = place_files(files)
    try:
        commit()
    except BaseException:
        remove_quietly(placed)
        raise
    return placed
