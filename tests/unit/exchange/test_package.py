"""The write protocol: a failure at any step, on any call, never leaves a folder that looks complete."""

from __future__ import annotations

import datetime as dt
import errno
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from vote_counter.exchange import package
from vote_counter.exchange.manifest import sign_files
from vote_counter.exchange.standalone_verify import check_package
from vote_counter.services.errors import ErrorCode, ServiceError
from vote_counter.services.signing import fingerprint

NAME = "KetQua_Hội_nghị_20261122-0930"
STEPS = ("_mkdir", "_open_new", "_write", "_fsync", "_fsync_dir", "_rename", "_drop_cache")


class Crash(BaseException):
    """The process dies here (power cut, killed): not an Exception, nothing may catch it as one."""


def _signed() -> tuple[dict[str, bytes], str]:
    key = Ed25519PrivateKey.generate()
    files = {
        "BienBan_luot1.pdf": b"%PDF-1.4 " * 500,
        "KetQua.json": '{"a": "Hội nghị"}'.encode(),
        "DOC_TRUOC.txt": b"x",
    }
    signed = sign_files(files, key, kind="results", created=dt.datetime(2026, 11, 22, 9, 30).astimezone(), extra={})
    return signed, fingerprint(key.public_key())


SIGNED, FINGERPRINT = _signed()


def _check(folder: Path) -> list[str]:
    return check_package(folder, FINGERPRINT).problems


def _count_calls(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, int]:
    counts = dict.fromkeys(STEPS, 0)
    for step in STEPS:
        real = getattr(package, step)

        def counted(*args: Any, _real: Callable[..., Any] = real, _step: str = step) -> Any:
            counts[_step] += 1
            return _real(*args)

        monkeypatch.setattr(package, step, counted)
    dest = tmp_path / "count"
    dest.mkdir()
    folder = package.write_package(dest, NAME, SIGNED, _check)
    assert folder.name == NAME and not _check(folder)
    monkeypatch.undo()
    return counts


def _assert_nothing_complete(dest: Path) -> None:
    assert not (dest / NAME).exists()
    assert list(dest.iterdir()) == [], list(dest.iterdir())


def _failing(real: Callable[..., Any], at: int, error: BaseException) -> Callable[..., Any]:
    calls = [0]

    def step(*args: Any) -> Any:
        calls[0] += 1
        if calls[0] == at:
            raise error
        return real(*args)

    return step


def test_every_step_every_call_every_failure(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    counts = _count_calls(monkeypatch, tmp_path)
    assert counts["_open_new"] == len(SIGNED) and counts["_rename"] == 1 and counts["_fsync_dir"] == 2
    runs = 0
    for step in STEPS:
        for at in range(1, counts[step] + 1):
            for error in (OSError(errno.ENOSPC, "No space left on device"), OSError(errno.EIO, "I/O error"), Crash()):
                dest = tmp_path / f"d{runs}"
                dest.mkdir()
                with monkeypatch.context() as m:
                    m.setattr(package, step, _failing(getattr(package, step), at, error))
                    if isinstance(error, Crash):
                        with pytest.raises(Crash):
                            package.write_package(dest, NAME, SIGNED, _check)
                    else:
                        with pytest.raises(ServiceError) as info:
                            package.write_package(dest, NAME, SIGNED, _check)
                        assert info.value.code is ErrorCode.EXPORT_FAILED
                        expected = "USB đã đầy" if error.errno == errno.ENOSPC else "lỗi đọc/ghi thiết bị"
                        assert expected in info.value.message
                _assert_nothing_complete(dest)
                runs += 1
    assert runs == 3 * sum(counts.values())


def test_power_cut_before_the_rename_leaves_only_a_partial_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """With no chance to clean up, what stays behind is named .partial-…, never the final name."""
    monkeypatch.setattr(package, "discard", lambda path: None)
    for i, step in enumerate(("_open_new", "_write", "_fsync", "_fsync_dir", "_rename")):
        dest = tmp_path / f"d{i}"
        dest.mkdir()
        with monkeypatch.context() as m:
            m.setattr(package, step, _failing(getattr(package, step), 2 if step == "_write" else 1, Crash()))
            with pytest.raises(Crash):
                package.write_package(dest, NAME, SIGNED, _check)
        left = [p.name for p in dest.iterdir()]
        assert not (dest / NAME).exists()
        assert len(left) == 1 and left[0].startswith(NAME + ".partial-"), left


def test_a_bad_stick_is_caught_by_the_read_back(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The stick corrupts a byte after the write: the read-back finds it, and the folder is removed."""
    real_rename = package._rename

    def rename_then_rot(src: Path, dst: Path) -> None:
        real_rename(src, dst)
        target = dst / "BienBan_luot1.pdf"
        data = bytearray(target.read_bytes())
        data[len(data) // 2] ^= 0x01
        target.write_bytes(bytes(data))

    monkeypatch.setattr(package, "_rename", rename_then_rot)
    dest = tmp_path / "usb"
    dest.mkdir()
    with pytest.raises(ServiceError) as info:
        package.write_package(dest, NAME, SIGNED, _check)
    assert info.value.code is ErrorCode.EXPORT_READ_BACK
    assert "BienBan_luot1.pdf" in info.value.message
    _assert_nothing_complete(dest)


def test_a_read_error_during_the_read_back(tmp_path: Path) -> None:
    def unreadable(folder: Path) -> list[str]:
        raise OSError(errno.EIO, "I/O error")

    dest = tmp_path / "usb"
    dest.mkdir()
    with pytest.raises(ServiceError) as info:
        package.write_package(dest, NAME, SIGNED, unreadable)
    assert info.value.code is ErrorCode.EXPORT_FAILED
    _assert_nothing_complete(dest)


def test_a_crash_right_after_the_rename_still_removes_the_final_name(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    real_rename = package._rename

    def rename_then_die(src: Path, dst: Path) -> None:
        real_rename(src, dst)
        raise Crash

    monkeypatch.setattr(package, "_rename", rename_then_die)
    dest = tmp_path / "usb"
    dest.mkdir()
    with pytest.raises(Crash):
        package.write_package(dest, NAME, SIGNED, _check)
    _assert_nothing_complete(dest)


def test_an_existing_folder_is_never_overwritten(tmp_path: Path) -> None:
    (tmp_path / NAME).mkdir()
    (tmp_path / NAME / "cua_nguoi_khac.txt").write_text("giữ nguyên", encoding="utf-8")
    folder = package.write_package(tmp_path, NAME, SIGNED, _check)
    assert folder.name == NAME + "_2"
    assert (tmp_path / NAME / "cua_nguoi_khac.txt").read_text(encoding="utf-8") == "giữ nguyên"
    assert not _check(folder)


def test_missing_or_read_only_destination(tmp_path: Path) -> None:
    with pytest.raises(ServiceError) as info:
        package.write_package(tmp_path / "khong_co", NAME, SIGNED, _check)
    assert info.value.code is ErrorCode.EXPORT_FAILED
    if os.geteuid() != 0:  # root writes anywhere
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o500)
        try:
            with pytest.raises(ServiceError):
                package.write_package(locked, NAME, SIGNED, _check)
        finally:
            locked.chmod(0o700)


def test_file_names_are_checked_before_anything_is_written(tmp_path: Path) -> None:
    with pytest.raises(ServiceError) as info:
        package.write_package(tmp_path, NAME, {"../thoat_ra.txt": b"x"}, _check)
    assert info.value.code is ErrorCode.UNSAFE_NAME
    assert list(tmp_path.iterdir()) == []
