"""The careful intruder's moves on the SQLite file (python's sqlite3): the append-only audit triggers dropped for
an edit and put back afterwards with their exact text, so the only trace left is in the data itself
(storage/schema_guard.py refuses a file whose triggers are missing or rewritten)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.helpers.builders import raw
from vote_counter.storage import schema_guard


def drop_append_only(target: Path | sqlite3.Connection) -> None:
    if isinstance(target, Path):
        with raw(target) as conn:
            drop_append_only(conn)
        return
    for name in schema_guard.TRIGGERS:
        target.execute(f"DROP TRIGGER IF EXISTS {name}")


def put_back_append_only(target: Path | sqlite3.Connection) -> None:
    if isinstance(target, Path):
        with raw(target) as conn:
            put_back_append_only(conn)
        return
    have = {r[0] for r in target.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    for name, sql in schema_guard.TRIGGERS.items():
        if name not in have:
            target.execute(sql)
