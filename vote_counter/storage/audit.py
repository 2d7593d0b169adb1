"""The hash-chained audit log. Entries are written in the caller's transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vote_counter.storage.schema import AuditRow, BallotRow, RoundRow
from vote_counter.storage.totals import verify_totals

GENESIS = "0" * 64


def _entry_hash(prev_hash: str, seq: int, at: str, actor: str, action: str, details: str) -> str:
    body = json.dumps([prev_hash, seq, at, actor, action, details], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def append(session: Session, actor: str, action: str, details: dict[str, Any]) -> str:
    """Add one entry after the current head; never ballot marks, never voter identity."""
    last = session.execute(select(AuditRow.seq, AuditRow.hash).order_by(AuditRow.seq.desc()).limit(1)).first()
    values = entry_after(last[0] if last else 0, last[1] if last else GENESIS, actor, action, details)
    seq, at, actor, action, text, prev, digest = values
    session.add(AuditRow(seq=seq, at=at, actor=actor, action=action, details=text, prev_hash=prev, hash=digest))
    session.flush()
    return digest


INSERT_ENTRY = "INSERT INTO audit_log (seq, at, actor, action, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)"


def append_raw(cursor: sqlite3.Cursor, last: tuple[int, str], actor: str, action: str, details: dict[str, Any]) -> int:
    """append() on the SQLite cursor of the caller's transaction after the head `last` (seq, hash): the
    save's fast path. The new entry's sequence number."""
    values = entry_after(last[0], last[1], actor, action, details)
    cursor.execute(INSERT_ENTRY, values)
    return values[0]


def entry_after(
    last_seq: int, last_hash: str, actor: str, action: str, details: dict[str, Any]
) -> tuple[int, str, str, str, str, str, str]:
    """The next entry's column values after the head (last_seq, last_hash); 0 and GENESIS on an empty log."""
    seq = last_seq + 1
    at = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
    text = json.dumps(details, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return seq, at, actor, action, text, last_hash, _entry_hash(last_hash, seq, at, actor, action, text)


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
    bad_ballots: tuple[int, ...] = ()  # ballot rows that differ from what their last audit entry sealed
    bad_totals: tuple[tuple[int, int], ...] = ()  # (round, pass) running totals that differ from their seal


BALLOT_ACTIONS = ("ballot_saved", "ballot_set_aside", "ballot_corrected", "ballot_voided", "ballot_restored")


def ballot_digest(key: bytes, row: BallotRow) -> str:
    """Seals one ballot row into the audit chain without revealing its marks.

    A keyed hash (the round's secret key): the audit log leaves the room in the export, and a plain hash of
    so few possible marks could be reversed by trying them all.
    """
    return ballot_values_digest(
        key,
        (row.id, row.round_id, row.serial, row.pass_no, row.marks, row.valid, row.reasons, row.status, row.set_aside),
    )


def ballot_values_digest(key: bytes, values: tuple[Any, ...]) -> str:
    """ballot_digest of the column values (id, round_id, serial, pass_no, marks, valid, reasons, status, set_aside)."""
    body = json.dumps(list(values), ensure_ascii=False, separators=(",", ":"))
    return hmac.new(key, body.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def verify_ballots(session: Session) -> tuple[int, ...]:
    """Ballot rows edited, added or deleted in the file behind the app's back."""
    sealed: dict[int, str] = {}
    rows = session.execute(
        select(AuditRow.details).where(AuditRow.action.in_(BALLOT_ACTIONS)).order_by(AuditRow.seq)
    ).scalars()
    for text in rows:
        details = json.loads(text)
        if isinstance(details.get("ballot"), int) and isinstance(details.get("digest"), str):
            sealed[details["ballot"]] = details["digest"]
    keys = {rid: key for rid, key in session.execute(select(RoundRow.id, RoundRow.hmac_key)).all()}
    bad: list[int] = []
    present: set[int] = set()
    for ballot in session.execute(select(BallotRow).order_by(BallotRow.id)).scalars():
        present.add(ballot.id)
        key = keys.get(ballot.round_id)
        if key is None or sealed.get(ballot.id) != ballot_digest(key, ballot):
            bad.append(ballot.id)
    bad.extend(sorted(set(sealed) - present))  # a sealed ballot that is no longer in the file
    return tuple(bad)


def head(session: Session) -> str:
    row = session.execute(select(AuditRow.hash).order_by(AuditRow.seq.desc()).limit(1)).scalar()
    return row or GENESIS


def verify(session: Session) -> ChainReport:
    """The hash chain, then every ballot row against the digest its last audit entry holds."""
    chain = verify_chain(session)
    if not chain.ok:
        return chain
    bad = verify_ballots(session)
    bad_totals = verify_totals(session)
    return ChainReport(not bad and not bad_totals, chain.entries, chain.head, None, bad, bad_totals)


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
