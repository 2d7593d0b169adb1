"""The hash-chained audit log. Entries are written in the caller's transaction.

Each entry also seals the rows its action wrote (storage/seals.py): `verify` checks the chain, then every
sealed table against the digests.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vote_counter.storage import migrations, schema_guard, seals
from vote_counter.storage.schema import AuditRow

GENESIS = "0" * 64

# The counting station this process acts for (issue 16: `--station`, KP_STATION), written into the details of
# every entry it appends. One laptop, one station: set once when the workspace opens.
_station: str | None = None


def set_station(name: str | None) -> None:
    global _station
    _station = name or None


def station() -> str | None:
    return _station


# json.dumps(…, ensure_ascii=False, separators=(",", ":")[, sort_keys=True]) without an encoder made per call.
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_SORTED = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode


def _entry_hash(prev_hash: str, seq: int, at: str, actor: str, action: str, details: str) -> str:
    body = _COMPACT([prev_hash, seq, at, actor, action, details])
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def append(session: Session, actor: str, action: str, details: dict[str, Any]) -> str:
    """Add one entry after the current head; never ballot marks, never voter identity."""
    last = session.execute(select(AuditRow.seq, AuditRow.hash).order_by(AuditRow.seq.desc()).limit(1)).first()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    at = _now()
    session.info["kp_actor"] = actor
    if _station is not None:
        details = {**details, "station": _station}
    sealed = seals.seal_pending(session, [prev, seq, at, actor, action])
    if sealed:
        details = {**details, "seal": sealed}
    text = _SORTED(details)
    digest = _entry_hash(prev, seq, at, actor, action, text)
    session.add(AuditRow(seq=seq, at=at, actor=actor, action=action, details=text, prev_hash=prev, hash=digest))
    session.flush()
    return digest


INSERT_ENTRY = "INSERT INTO audit_log (seq, at, actor, action, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)"


def append_raw(
    cursor: sqlite3.Cursor,
    last: tuple[int, str],
    actor: str,
    action: str,
    details: dict[str, Any],
    seal: Callable[[list[Any]], list[dict[str, Any]] | None],
) -> int:
    """append() on the SQLite cursor of the caller's transaction after the head `last` (seq, hash): the
    save's fast path. `seal(place)` gives the seal groups of the rows written since the last entry
    (seals.seal_pending, or fast_seal.seal_written on the save's kept connection), put in this entry exactly as
    append() does. The new entry's sequence number."""
    row = entry_row(last, actor, action, details, seal)
    cursor.execute(INSERT_ENTRY, row)
    return row[0]


def entry_row(
    last: tuple[int, str],
    actor: str,
    action: str,
    details: dict[str, Any],
    seal: Callable[[list[Any]], list[dict[str, Any]] | None],
) -> tuple[int, str, str, str, str, str, str]:
    """The entry append_raw writes after the head `last`, as the values of INSERT_ENTRY (seq, at, actor, action,
    details, prev_hash, hash): made before it is written (PostgreSQL's save sends it with the rows it seals)."""
    seq, prev = last[0] + 1, last[1]
    at = _now()
    if _station is not None:
        details = {**details, "station": _station}
    sealed = seal([prev, seq, at, actor, action])
    if sealed:
        details = {**details, "seal": sealed}
    text = _SORTED(details)
    return (seq, at, actor, action, text, prev, _entry_hash(prev, seq, at, actor, action, text))


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: str
    actor: str
    action: str
    details: dict[str, Any]
    hash: str


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    entries: int
    head: str
    first_bad_seq: int | None = None
    bad_rows: tuple[tuple[str, int], ...] = ()  # (table, id): differs from what its last audit entry sealed
    locked: tuple[int, ...] = ()  # meetings whose rows could not be checked: nobody signed in to open the key
    foreign: tuple[schema_guard.Finding, ...] = ()  # objects in the file the app did not make (storage/schema_guard.py)

    @property
    def bad_ballots(self) -> tuple[int, ...]:
        return tuple(i for t, i in self.bad_rows if t == "ballots")


def head(session: Session) -> str:
    row = session.execute(select(AuditRow.hash).order_by(AuditRow.seq.desc()).limit(1)).scalar()
    return row or GENESIS


def verify(session: Session, meeting_id: int | None = None) -> ChainReport:
    """The file's schema objects (storage/schema_guard.py: a planted trigger's writes would be sealed as the
    app's own), the hash chain, then every sealed row (of one meeting, or all) against the digest its last
    entry holds."""
    if session.get_bind().dialect.name == "sqlite":
        conn = session.connection()
        rows = [tuple(r) for r in conn.exec_driver_sql(schema_guard.QUERY)]
        # The columns are HEAD's (a backup of an older revision is checked as it is: its objects and its rows).
        at_head = migrations.known() and migrations.at_head(conn)
        columns = conn.exec_driver_sql(schema_guard.COLUMNS_QUERY).all() if at_head else []
        foreign = schema_guard.findings(rows, [tuple(r) for r in columns])
        if foreign:
            return ChainReport(False, 0, GENESIS, foreign=foreign)
    chain = verify_chain(session)
    if not chain.ok:
        return chain
    report = seals.verify(session, meeting_id)
    first_bad = report.bad_entries[0] if report.bad_entries else None
    return ChainReport(report.ok, chain.entries, chain.head, first_bad, report.bad_rows, report.locked)


def verify_chain(session: Session) -> ChainReport:
    prev = GENESIS
    expected_seq = 1
    count = 0
    for row in session.execute(select(AuditRow).order_by(AuditRow.seq)).scalars():
        digest = _entry_hash(prev, row.seq, row.at, row.actor, row.action, row.details)
        if row.seq != expected_seq or row.prev_hash != prev or row.hash != digest:
            return ChainReport(False, count, prev, row.seq)
        prev = row.hash
        expected_seq += 1
        count += 1
    return ChainReport(True, count, prev)


def entries(session: Session) -> list[AuditEntry]:
    return [
        AuditEntry(r.seq, r.at, r.actor, r.action, json.loads(r.details), r.hash)
        for r in session.execute(select(AuditRow).order_by(AuditRow.seq)).scalars()
    ]
