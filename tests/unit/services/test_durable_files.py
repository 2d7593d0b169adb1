"""Files the database vouches for: whole on the disk or not there at all (issue 12)."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from tests.helpers.builders import assert_vietnamese
from vote_counter.services import durable_files
from vote_counter.services.durable_files import WriteFailed, place_files, place_then_commit


def test_files_are_placed_whole_and_synced(tmp_path: Path) -> None:
    files = {tmp_path / "a" / "BienBan.pdf": b"%PDF-1.7 one", tmp_path / "a" / "BienBan.docx": b"PK two"}
    assert place_files(files) == list(files)
    assert {p: p.read_bytes() for p in files} == files
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["BienBan.docx", "BienBan.pdf"]  # no .tmp left
    durable_files._fsync_dir(tmp_path / "a")  # the OS call itself, on a real folder


def test_a_refused_commit_takes_the_files_away(tmp_path: Path) -> None:
    files = {tmp_path / "phieu.pdf": b"%PDF ballots"}

    def refused() -> None:
        raise RuntimeError("the database said no")

    with pytest.raises(RuntimeError):
        place_then_commit(files, refused)
    assert list(tmp_path.iterdir()) == []


def test_a_file_where_the_folder_should_be(tmp_path: Path) -> None:
    (tmp_path / "usb").write_text("x")
    with pytest.raises(WriteFailed) as info:
        place_files({tmp_path / "usb" / "BienBan.pdf": b"%PDF"})
    assert_vietnamese(info.value.detail)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["usb"]


def test_a_second_file_that_fails_leaves_neither(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = durable_files._write_synced
    calls: list[Path] = []

    def full_on_second(path: Path, data: bytes) -> None:
        calls.append(path)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(path, data)

    monkeypatch.setattr(durable_files, "_write_synced", full_on_second)
    with pytest.raises(WriteFailed) as info:
        place_files({tmp_path / "a.pdf": b"one", tmp_path / "a.docx": b"two"})
    assert info.value.detail.startswith("ổ đĩa đã đầy")
    assert list(tmp_path.iterdir()) == []
