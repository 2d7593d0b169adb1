"""Sealing a ballot save's rows from the values it wrote, not by reading them back (issue 15).

The TEMP triggers (storage/seals.py) still note every row the transaction changed, whatever changed it; this
module only changes where a noted row's content comes from. The save passes the values it bound to its
INSERT / UPDATE statements, in the form SQLite gives them back (a bool as 0 / 1, text as text), keyed by
(table, row id). A noted row the save did not write, or noted under another meeting, means something else
wrote in this transaction (a trigger stored in the file, say): `Unexpected` is raised, the save rolls back and
runs again through the full path, which reads every noted row back and seals it (seals.seal_pending).

A row the save wrote but that something changed after it (a trigger stored in the file rewriting the marks) is
sealed with the values the save wrote, so verify-audit reports it: what the board entered is what is sealed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from vote_counter.storage import keys
from vote_counter.storage.seals import TOUCHED, digest_with, mac_with

# One statement takes the notes and clears them (SQLite ≥ 3.35).
TAKE_NOTES = f"DELETE FROM {TOUCHED} RETURNING tbl, id, meeting"

WrittenRows = Mapping[tuple[str, int], tuple[Any, ...]]


class Unexpected(Exception):
    """A row was changed in this transaction that the save did not write: seal it through the full path."""


@dataclass(frozen=True, repr=False)
class SealKeys:
    """A meeting's key id and the two keys derived from its key (keys.derived), made once per round context:
    a new key (a passphrase set or changed) writes an audit entry, which makes the context load again."""

    key_id: str
    seal: bytes
    chain: bytes

    @classmethod
    def of(cls, key_id: str, key: bytes) -> SealKeys:
        return cls(key_id, keys.derived(key, "seal"), keys.derived(key, "chain"))


def seal_written(
    cursor: sqlite3.Cursor, sk: SealKeys, meeting_id: int, written: WrittenRows, place: list[Any]
) -> list[dict[str, Any]] | None:
    """The seal group of the rows noted since the last entry, as seals.seal_pending makes it for one meeting,
    digesting `written` values; `Unexpected` if a noted row is not among them."""
    noted = cursor.execute(TAKE_NOTES).fetchall()
    if not noted:
        return None
    digests: dict[str, str | None] = {}
    for tbl, row_id, meeting in noted:
        values = written.get((tbl, row_id))
        if values is None or meeting != meeting_id:
            raise Unexpected(f"{tbl}:{row_id}")
        digests[f"{tbl}:{row_id}"] = digest_with(sk.seal, tbl, values)
    return _group(sk, meeting_id, digests, place)


def seal_rows(sk: SealKeys, meeting_id: int, written: WrittenRows, place: list[Any]) -> list[dict[str, Any]]:
    """The seal group of `written`, all of one meeting, before they are noted: PostgreSQL's save sends the
    entry with the rows (services/ballot_save_pg.py), and checks in the same round trip that the rows its
    triggers noted are exactly these (storage/pg_lane.py)."""
    digests: dict[str, str | None] = {f"{t}:{i}": digest_with(sk.seal, t, v) for (t, i), v in written.items()}
    return _group(sk, meeting_id, digests, place)


def _group(sk: SealKeys, meeting_id: int, digests: dict[str, str | None], place: list[Any]) -> list[dict[str, Any]]:
    rows = dict(sorted(digests.items()))
    return [
        {
            "meeting": meeting_id,
            "key": sk.key_id,
            "digests": rows,
            "mac": mac_with(sk.chain, place, meeting_id, sk.key_id, rows),
        }
    ]
