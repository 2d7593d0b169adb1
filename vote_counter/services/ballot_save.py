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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Engine, PoolProxiedConnection
from sqlalchemy.orm import Session

from vote_counter.domain.model import BallotMarks, Mode, SerialStatus, Validity, nfc
from vote_counter.domain.rules import Totals
from vote_counter.domain.running import add_ballot
from vote_counter.domain.serials import PAYLOAD_DIGITS, PayloadError, parse_payload, parse_typed_serial
from vote_counter.services.live import RoundContext
from vote_counter.storage import audit, fast_seal, repositories, seals
from vote_counter.storage import totals as stored_totals

HEAD = "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1"
REGISTER = (
    "SELECT r.id, r.status, r.mode, EXISTS (SELECT 1 FROM ballots b WHERE b.round_id = r.round_id AND b.serial = r.serial "
    "AND b.pass_no = ? AND b.status = 'active' AND b.set_aside = 0) "
    "FROM ballot_register r WHERE r.round_id = ? AND r.serial = ?"
)
INSERT_BALLOT = (
    "INSERT INTO ballots (round_id, serial, pass_no, marks, valid, reasons, status, set_aside) "
    "VALUES (?, ?, ?, ?, ?, ?, 'active', 0)"
)
# The fast path's one read: the audit head (is the round's context still current?) and the register line,
# with whether this pass already holds an active entry for it.
HEAD_AND_LINE = (
    "SELECT h.seq, h.hash, r.id, r.status, r.mode, EXISTS (SELECT 1 FROM ballots b WHERE b.round_id = r.round_id "
    "AND b.serial = r.serial AND b.pass_no = ? AND b.status = 'active' AND b.set_aside = 0) "
    "FROM (SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1) h "
    "LEFT JOIN ballot_register r ON r.round_id = ? AND r.serial = ?"
)
COUNTED = "UPDATE ballot_register SET status = 'counted' WHERE round_id = ? AND serial = ?"
COUNTED_ID = "UPDATE ballot_register SET status = 'counted' WHERE id = ?"
_COUNTABLE = (SerialStatus.PRINTED.value, SerialStatus.COUNTED.value)


class FastLane:
    """One SQLite connection from the engine's pool kept for saves: a save then costs no session set-up (about
    0.4 ms of CPU per save with the ORM session, measured). It runs the save's statements and nothing else, so it
    has no sealing triggers (storage/fast_seal.py): each save seals the rows it wrote. Closed with the workspace."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._proxy: PoolProxiedConnection | None = None

    def connection(self) -> sqlite3.Connection:
        if self._proxy is None:
            proxy = self._engine.raw_connection()
            dbapi = cast(sqlite3.Connection, proxy.dbapi_connection)
            try:
                rollback_quietly(dbapi)
                seals.uninstall(dbapi, proxy.info)  # a connection the pool gave back after a session's writes
            except BaseException:
                proxy.close()
                raise
            self._proxy = proxy
        return cast(sqlite3.Connection, self._proxy.dbapi_connection)

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


@dataclass(frozen=True)
class Line:
    """The register line a save marks counted, as read in the save's transaction."""

    id: int
    serial: str
    mode: str


def payload_serial(ctx: RoundContext, text: str) -> str | None:
    """The serial of a payload of this round that its key verifies, or of a typed serial; None: ask the full check.
    Pure: done before the write transaction begins."""
    digits = nfc(text).replace(" ", "")
    try:
        if len(digits) == PAYLOAD_DIGITS:
            payload = parse_payload(digits)
            if payload.round_code != ctx.code or payload.mode is not ctx.round.mode or not payload.verifies(ctx.key):
                return None
            return payload.serial
        return parse_typed_serial(digits)
    except PayloadError:
        return None


def countable(reg: Sequence[Any] | None, serial: str, mode: Mode) -> Line | None:
    """The register line (id, status, mode, already entered in this pass) if it may be counted now."""
    if reg is None or reg[0] is None or reg[1] not in _COUNTABLE or reg[2] != mode.value or reg[3]:
        return None
    return Line(int(reg[0]), serial, str(reg[2]))


def quick_serial(cur: sqlite3.Cursor, ctx: RoundContext, text: str, pass_no: int) -> Line | None:
    """The register line if the payload or typed serial may be counted now by the plain rules; None: ask the
    full check."""
    serial = payload_serial(ctx, text)
    if serial is None:
        return None
    return countable(cur.execute(REGISTER, (pass_no, ctx.round.id, serial)).fetchone(), serial, ctx.round.mode)


def head_and_line(cur: sqlite3.Cursor, ctx: RoundContext, serial: str, pass_no: int) -> tuple[int, str, Line] | None:
    """In the write transaction: the audit head (seq, hash) if the context is still current, and the register
    line if it may be counted now; None: the full path."""
    found = cur.execute(HEAD_AND_LINE, (pass_no, ctx.round.id, serial)).fetchone()
    if found is None or found[0] != ctx.seq:
        return None
    line = countable(found[2:], serial, ctx.round.mode)
    return None if line is None else (int(found[0]), str(found[1]), line)


@dataclass(frozen=True)
class Written:
    ballot_id: int
    seq: int
    totals: Totals


Seal = Callable[[list[Any], fast_seal.WrittenRows], list[dict[str, Any]] | None]


def write_ballot(
    seal: Seal,
    cur: sqlite3.Cursor,
    ctx: RoundContext,
    last: tuple[int, str],
    serial: str,
    line: Line | None,
    pass_no: int,
    marks: BallotMarks,
    validity: Validity,
    extra: Callable[[int], Mapping[str, Any]] | None = None,
) -> Written:
    """The ballot, its register line, the pass's running totals and the audit entry that seals all three
    (`seal(place, rows)`: the seal groups of the rows written since the last entry, see audit.append_raw;
    `rows`: the values just written, per (table, id), as SQLite gives them back; `extra(ballot)`'s details
    added: a scanned ballot's image hashes). `line`: the register line if quick_serial read it."""
    round_id = ctx.round.id
    marks_text = repositories.marks_to_text(marks)
    reasons_text = repositories.reasons_to_text(validity.reasons)
    valid = 1 if validity.valid else 0  # as SQLite stores and returns a bool
    cur.execute(INSERT_BALLOT, (round_id, serial, pass_no, marks_text, valid, reasons_text))
    ballot_id = int(cur.lastrowid or 0)
    rows: dict[tuple[str, int], tuple[Any, ...]] = {
        ("ballots", ballot_id): (round_id, serial, pass_no, marks_text, valid, reasons_text, "active", 0)
    }
    if line is not None:
        cur.execute(COUNTED_ID, (line.id,))
        rows[("ballot_register", line.id)] = (round_id, line.serial, SerialStatus.COUNTED.value, line.mode)
    else:
        cur.execute(COUNTED, (round_id, serial))
    after = add_ballot(ctx.totals[pass_no], ctx.round, ctx.nominee_ids, marks, validity)
    data = stored_totals.encode(after)
    totals_id = int(cur.execute(stored_totals.UPSERT_ID, (round_id, pass_no, ctx.basis, data)).fetchone()[0])
    rows[("running_totals", totals_id)] = (round_id, pass_no, ctx.basis, data)
    details = {"round": round_id, "ballot": ballot_id, "pass": pass_no, "valid": validity.valid}
    if extra is not None:
        details.update(extra(ballot_id))
    seq = audit.append_raw(cur, last, ctx.actor, "ballot_saved", details, lambda place: seal(place, rows))
    return Written(ballot_id, seq, after)
