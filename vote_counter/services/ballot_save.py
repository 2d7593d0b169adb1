"""Saving one ballot close to the database's own cost (issue 15): the common case in a few raw statements.

Inside the caller's write transaction (BEGIN IMMEDIATE), with the round's context from memory (services/live.py,
valid while the audit head has not moved): one read of the audit head, one read of the register, then the
ballot, the register, the running totals and the audit entry written with prepared statements on the SQLite
connection. Anything unusual (a payload of another round, a serial not issued, a duplicate) is left to the
service's full check, which raises the right message; nothing here decides differently from it.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Engine, PoolProxiedConnection
from sqlalchemy.orm import Session

from vote_counter.domain.model import BallotMarks, Mode, SerialStatus, Validity, nfc
from vote_counter.domain.rules import Totals
from vote_counter.domain.running import add_ballot
from vote_counter.domain.serials import PAYLOAD_DIGITS, PayloadError, parse_payload, parse_typed_serial
from vote_counter.services.live import RoundContext
from vote_counter.storage import audit, repositories, seals
from vote_counter.storage import totals as stored_totals

HEAD = "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1"
REGISTER = (
    "SELECT r.status, r.mode, EXISTS (SELECT 1 FROM ballots b WHERE b.round_id = r.round_id AND b.serial = r.serial "
    "AND b.pass_no = ? AND b.status = 'active' AND b.set_aside = 0) "
    "FROM ballot_register r WHERE r.round_id = ? AND r.serial = ?"
)
INSERT_BALLOT = (
    "INSERT INTO ballots (round_id, serial, pass_no, marks, valid, reasons, status, set_aside) "
    "VALUES (?, ?, ?, ?, ?, ?, 'active', 0)"
)
COUNTED = "UPDATE ballot_register SET status = 'counted' WHERE round_id = ? AND serial = ?"
_COUNTABLE = (SerialStatus.PRINTED.value, SerialStatus.COUNTED.value)


class FastLane:
    """One SQLite connection from the engine's pool kept for saves: a save then costs no session set-up (about
    0.4 ms of CPU per save with the ORM session, measured). Closed with the workspace."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._proxy: PoolProxiedConnection | None = None

    def connection(self) -> sqlite3.Connection:
        if self._proxy is None:
            self._proxy = self._engine.raw_connection()
        dbapi = cast(sqlite3.Connection, self._proxy.dbapi_connection)
        # The sealing triggers of this connection (storage/seals.py), outside any transaction, as the engine
        # installs them for its own connections: every row the save writes is noted and sealed in its entry.
        seals.install(dbapi, self._proxy.info)
        return dbapi

    def close(self) -> None:
        if self._proxy is not None:
            self._proxy.close()
            self._proxy = None


def rollback_quietly(conn: sqlite3.Connection) -> None:
    """After a failed step: SQLite may have rolled back already (a full disk), and a second failure must not
    hide the first."""
    if conn.in_transaction:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")


def raw_cursor(s: Session) -> sqlite3.Cursor:
    """The SQLite cursor of the session's connection, inside its transaction."""
    dbapi = s.connection().connection.dbapi_connection
    return cast(sqlite3.Connection, dbapi).cursor()


def head(cur: sqlite3.Cursor) -> tuple[int, str]:
    last = cur.execute(HEAD).fetchone()
    return (int(last[0]), str(last[1])) if last else (0, audit.GENESIS)


def quick_serial(cur: sqlite3.Cursor, ctx: RoundContext, text: str, pass_no: int) -> str | None:
    """The serial if the payload or typed serial may be counted now by the plain rules; None: ask the full check."""
    digits = nfc(text).replace(" ", "")
    mode = ctx.round.mode
    try:
        if len(digits) == PAYLOAD_DIGITS:
            payload = parse_payload(digits)
            if payload.round_code != ctx.code or payload.mode is not mode or not payload.verifies(ctx.key):
                return None
            serial = payload.serial
        else:
            serial = parse_typed_serial(digits)
    except PayloadError:
        return None
    reg = cur.execute(REGISTER, (pass_no, ctx.round.id, serial)).fetchone()
    if reg is None or reg[0] not in _COUNTABLE or Mode(reg[1]) is not mode or reg[2]:
        return None
    return serial


@dataclass(frozen=True)
class Written:
    ballot_id: int
    seq: int
    totals: Totals


def write_ballot(
    seal: Callable[[list[Any]], list[dict[str, Any]] | None],
    cur: sqlite3.Cursor,
    ctx: RoundContext,
    last: tuple[int, str],
    serial: str,
    pass_no: int,
    marks: BallotMarks,
    validity: Validity,
    extra: Callable[[int], Mapping[str, Any]] | None = None,
) -> Written:
    """The ballot, its register line, the pass's running totals and the audit entry that seals all three
    (`seal`: the seal groups of the rows written since the last entry, see audit.append_raw; `extra(ballot)`'s
    details added: a scanned ballot's image hashes)."""
    round_id = ctx.round.id
    marks_text = repositories.marks_to_text(marks)
    reasons_text = repositories.reasons_to_text(validity.reasons)
    cur.execute(INSERT_BALLOT, (round_id, serial, pass_no, marks_text, validity.valid, reasons_text))
    ballot_id = int(cur.lastrowid or 0)
    cur.execute(COUNTED, (round_id, serial))
    after = add_ballot(ctx.totals[pass_no], ctx.round, ctx.nominee_ids, marks, validity)
    cur.execute(stored_totals.UPSERT, (round_id, pass_no, ctx.basis, stored_totals.encode(after)))
    details = {"round": round_id, "ballot": ballot_id, "pass": pass_no, "valid": validity.valid}
    if extra is not None:
        details.update(extra(ballot_id))
    seq = audit.append_raw(cur, last, ctx.actor, "ballot_saved", details, seal)
    return Written(ballot_id, seq, after)
