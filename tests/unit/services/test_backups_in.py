"""One listing for SQLite's backups and the hall's pg_dumps (services/backups.backups_in): each list shows its own
kind only, oldest first, never a half-written file or a stray one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from vote_counter.services.backups import backups_in, list_backups
from vote_counter.services.pg_backup import list_dumps


def test_each_list_shows_its_own_kind_oldest_first_and_skips_partials_and_strays(tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    names = [
        "20261130-101500-000002_luot2-counting.sqlite3",
        "20261130-091500-000001_sao-lưu.sqlite3",
        "20261130-091600-000000_luot1-closed.pgdump",
        ".20261130-091700-000000_x.pgdump.partial-ab12cd34",  # a dump killed half-way
        ".20261130-091700-000000_x.sqlite3.partial-ab12cd34",
        "20261130-0917_sai-ten.sqlite3",  # not a backup's name
        "20261130-091800-000000_ghi-chu.sqlite3.txt",
    ]
    for i, name in enumerate(names):
        (folder / name).write_bytes(b"x" * (i + 1))
    (folder / "20261130-091900-000000_thu-muc.pgdump").mkdir()  # a folder, not a dump

    sqlite = list_backups(tmp_path / "kiem_phieu.sqlite3")  # backups/ beside the database
    assert [(b.path.name, b.reason, b.size) for b in sqlite] == [
        ("20261130-091500-000001_sao-lưu.sqlite3", "sao-lưu", 2),
        ("20261130-101500-000002_luot2-counting.sqlite3", "luot2-counting", 1),
    ]
    assert sqlite[0].created == dt.datetime(2026, 11, 30, 9, 15, 0, 1)
    dumps = list_dumps(folder)
    assert [(b.path.name, b.reason, b.size) for b in dumps] == [
        ("20261130-091600-000000_luot1-closed.pgdump", "luot1-closed", 3)
    ]
    assert backups_in(folder, ".sqlite3") == sqlite and backups_in(folder, ".pgdump") == dumps
    assert backups_in(tmp_path / "none", ".pgdump") == [] and list_dumps(tmp_path / "none") == []
