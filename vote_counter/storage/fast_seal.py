"""Sealing a ballot save's rows from the values it wrote, not by reading them back (issue 15).

The saves' kept connection (services/ballot_save.py, FastLane) runs nothing but the save's own statements, so it
does not carry the TEMP triggers that note changed rows on every other connection (storage/seals.py): the rows a
fast save changes are exactly the ones it wrote, and it seals them from the values it bound to its INSERT /
UPDATE statements, in the form SQLite gives them back (a bool as 0 / 1, text as text), keyed by (table, row id).

What this leaves unsealed is what something else wrote in the same transaction, which is the point: a trigger
planted in the file with sqlite3 while the app runs (storage/schema_guard.py refuses one at opening) would, with
notes on this connection, have had its writes sealed as the board's. Unsealed, verify-audit names every row it
changed, and a row the save wrote that it rewrote (the marks) is sealed with the values the save wrote, so
verify-audit reports that one too: what the board entered is what is sealed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from vote_counter.domain.keyed import HmacSha256
from vote_counter.storage import keys
from vote_counter.storage.seals import digest_with, mac_with

WrittenRows = Mapping[tuple[str, int], tuple[Any, ...]]


@dataclass(frozen=True, repr=False)
class SealKeys:
    """A meeting's key id and the two keys derived from its key (keys.derived), prepared for HMAC once per round
    context: a new key (a passphrase set or changed) writes an audit entry, which makes the context load again."""

    key_id: str
    seal: HmacSha256
    chain: HmacSha256

    @classmethod
    def of(cls, key_id: str, key: bytes) -> SealKeys:
        return cls(key_id, HmacSha256(keys.derived(key, "seal")), HmacSha256(keys.derived(key, "chain")))


def seal_written(sk: SealKeys, meeting_id: int, written: WrittenRows, place: list[Any]) -> list[dict[str, Any]]:
    """The seal group of a fast save on the kept connection: `written`, the rows it wrote, all of one meeting."""
    return seal_rows(sk, meeting_id, written, place)


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
