"""The ballot save's lane on the hall's PostgreSQL (issue 16): two round trips inside the chain lock.

Every write on the hall's database first takes the chain lock (storage/pg_engine.py), so whatever a save does
after it is serialised across the hall: that time, not the server's work, is what limits several stations. The
session path spends 26 round trips from LOCK to COMMIT (32 when another station saved since; read off libpq's
trace, tests/pg/test_lean_save.py). This lane spends two, on one connection kept for saves, in psycopg's
pipeline mode (statements sent together, answered together):

1. `BEGIN` (SERIALIZABLE), `LOCK`, and `STATE`: one query that reads what the save depends on as of the lock:
   the audit head, whether anything but ballot saves was logged since the caller's context (a stage change,
   a new passphrase, a sign-in refused: then the context is loaded again), the round's stage, the register
   line and whether this pass already holds an active entry for it, the pass's running totals, and the
   ballot's id taken from its sequence;
2. `WRITE` (the ballot, its register line, the totals and the audit entry sealing them, in one statement),
   `TAKE_NOTES` (the rows the sealing triggers noted, which must be exactly those three, or the statement
   fails and the transaction with it) and `COMMIT`.

Between the two the caller computes the totals, the seal and the entry from what step 1 returned. Anything
unusual there (a round closed meanwhile, a serial refused or already entered, totals under another basis) is
left to the session path, which reads everything again under the lock and says why; nothing here decides
differently from it. Statements are written with `main.` names and psycopg's named parameters.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import psycopg
from sqlalchemy import Engine, PoolProxiedConnection
from sqlalchemy.exc import DBAPIError

from vote_counter.storage.pg_schema import CHAIN_LOCK, SCHEMA
from vote_counter.storage.seals import TOUCHED

BEGIN = "BEGIN ISOLATION LEVEL SERIALIZABLE"  # as every transaction on the hall's database (storage/pg_engine.py)
LOCK = f"LOCK TABLE {SCHEMA}.{CHAIN_LOCK} IN EXCLUSIVE MODE"
COMMIT = "COMMIT"

# One row if the round exists. `others` is whether any entry after the context's sequence number is something
# else than a ballot saved (a ballot saved changes only ballots, register lines and totals, read here).
STATE = (
    "SELECT r.stage, h.seq, h.hash, "
    "EXISTS (SELECT 1 FROM main.audit_log a WHERE a.seq > %(seq)s AND a.action <> 'ballot_saved') AS others, "
    "g.id, g.status, g.mode, "
    "EXISTS (SELECT 1 FROM main.ballots b WHERE b.round_id = r.id AND b.serial = %(serial)s "
    "AND b.pass_no = %(pass)s AND b.status = 'active' AND NOT b.set_aside) AS entered, "
    "t.id, t.basis, t.data, nextval(pg_get_serial_sequence('main.ballots', 'id')) "
    "FROM main.rounds r "
    "LEFT JOIN LATERAL (SELECT seq, hash FROM main.audit_log ORDER BY seq DESC LIMIT 1) h ON true "
    "LEFT JOIN main.ballot_register g ON g.round_id = r.id AND g.serial = %(serial)s "
    "LEFT JOIN main.running_totals t ON t.round_id = r.id AND t.pass_no = %(pass)s "
    "WHERE r.id = %(round)s"
)

# Data-modifying CTEs all run, once, whether the SELECT reads them or not.
WRITE = (
    "WITH b AS (INSERT INTO main.ballots (id, round_id, serial, pass_no, marks, valid, reasons, status, set_aside) "
    "VALUES (%(ballot)s, %(round)s, %(serial)s, %(pass)s, %(marks)s, %(valid)s, %(reasons)s, 'active', false) "
    "RETURNING id), "
    "g AS (UPDATE main.ballot_register SET status = 'counted' WHERE id = %(line)s RETURNING id), "
    "t AS (UPDATE main.running_totals SET data = %(data)s WHERE id = %(totals)s RETURNING id), "
    "e AS (INSERT INTO main.audit_log (seq, at, actor, action, details, prev_hash, hash) "
    "VALUES (%(e_seq)s, %(e_at)s, %(e_actor)s, %(e_action)s, %(e_details)s, %(e_prev)s, %(e_hash)s) RETURNING seq) "
    "SELECT (SELECT count(*) FROM b) + (SELECT count(*) FROM g) + (SELECT count(*) FROM t) + (SELECT count(*) FROM e)"
)

# The sealing triggers note rows at the end of WRITE, so they are read by the next statement, which clears them.
# A noted row the save did not write (a trigger someone added, say), or one of its rows not noted, must not be
# committed sealed by this entry: the statement then fails on purpose (a text that is no integer, the one way
# plain SQL has to raise), the pipeline's COMMIT with it, and the caller runs the save through the session
# path, which reads back and seals every noted row (storage/seals.py).
TAKE_NOTES = (
    f"WITH n AS (DELETE FROM pg_temp.{TOUCHED} RETURNING tbl, id, meeting) "
    "SELECT CASE WHEN count(*) = %(count)s "
    "AND bool_and(n.tbl || ':' || n.id = ANY(%(expected)s) AND n.meeting = %(meeting)s) THEN count(*) "
    "ELSE ('kp_touched ' || coalesce(string_agg(n.tbl || ':' || n.id || '/' || coalesce(n.meeting, 0), ' '), '-'))"
    "::integer END FROM n"
)


@dataclass(frozen=True)
class State:
    """What STATE read under the lock."""

    stage: str
    seq: int  # the audit head, 0 for an empty log
    prev: str | None
    others: bool  # something else than ballot saves was logged after the caller's sequence number
    line: tuple[Any, ...]  # (id, status, mode, entered in this pass) of the register line; id None: no line
    totals_id: int | None
    basis: str | None
    data: str | None
    ballot_id: int


class Lane:
    """One connection from the engine's pool kept for saves (the pool's pre-ping is then paid once, not per
    save), in autocommit mode so that the lane says BEGIN itself, in its first round trip, instead of psycopg
    sending it alone before. Given back to the pool as it was when the workspace closes; a connection found
    broken is dropped and the next save takes a new one."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._proxy: PoolProxiedConnection | None = None

    def connection(self) -> psycopg.Connection[Any] | None:
        """The kept connection, idle; None if the host cannot be reached now (the caller's session path says so)."""
        if self._proxy is None:
            try:
                self._proxy = self._engine.raw_connection()
            except (DBAPIError, psycopg.Error):  # the pool's checkout does not wrap psycopg's own errors
                return None
        conn = cast(psycopg.Connection[Any], self._proxy.dbapi_connection)
        if conn.broken or conn.closed:
            self.discard()
            return self.connection()
        if not conn.autocommit:
            conn.autocommit = True
        return conn

    def rollback(self) -> None:
        """End the transaction a failed or abandoned save left open; a connection that fails at it is dropped."""
        if self._proxy is None:
            return
        conn = cast(psycopg.Connection[Any], self._proxy.dbapi_connection)
        try:
            conn.rollback()
        except psycopg.Error:
            self.discard()
            return
        if conn.broken:
            self.discard()

    def discard(self) -> None:
        if self._proxy is not None:
            with contextlib.suppress(Exception):
                self._proxy.invalidate()
            self._proxy = None

    def close(self) -> None:
        self.rollback()
        if self._proxy is not None:
            conn = cast(psycopg.Connection[Any], self._proxy.dbapi_connection)
            with contextlib.suppress(psycopg.Error):
                conn.autocommit = False  # as the engine's other connections are
            self._proxy.close()
            self._proxy = None


class Save:
    """One save's transaction on the lane: `read` (round trip 1), then `commit` (round trip 2) or `abandon`.
    One pipeline holds both, so that its closing Sync travels with round trip 2 instead of costing a third."""

    def __init__(self, lane: Lane, conn: psycopg.Connection[Any]) -> None:
        self._lane = lane
        self._conn = conn
        self._open: contextlib.ExitStack | None = None  # the pipeline, entered by `read`, left by `commit`
        self.refused: str | None = None  # the SQLSTATE that refused `commit` (40001: a conflict, 22P02: the notes)

    def read(self, round_id: int, serial: str, pass_no: int, seq: int) -> State | None:
        """BEGIN, the chain lock, STATE. None: the round is gone, or the server refused (rolled back)."""
        conn = self._conn
        try:
            self._open = contextlib.ExitStack()
            pipeline = self._open.enter_context(conn.pipeline())
            conn.execute(BEGIN)
            conn.execute(LOCK)
            cur = conn.execute(STATE, {"round": round_id, "serial": serial, "pass": pass_no, "seq": seq})
            pipeline.sync()
            row = cur.fetchone()
        except psycopg.Error:
            row = None
        if row is None:
            self.abandon()
            return None
        return State(
            stage=str(row[0]),
            seq=int(row[1] or 0),
            prev=row[2],
            others=bool(row[3]),
            line=tuple(row[4:8]),
            totals_id=row[8],
            basis=row[9],
            data=row[10],
            ballot_id=int(row[11]),
        )

    def commit(
        self, values: Mapping[str, Any], entry: Sequence[Any], written: Sequence[tuple[str, int]], meeting_id: int
    ) -> bool:
        """WRITE with `values` and the audit `entry` (audit.entry_row), TAKE_NOTES expecting exactly the rows
        `written` (table, id) of meeting `meeting_id`, COMMIT. False: nothing was committed (the notes differ, or
        the server refused: a conflict, a duplicate; rolled back); Lost if the connection broke on the way."""
        conn, pipeline = self._conn, self._open
        assert pipeline is not None, "read first"
        keys = ("e_seq", "e_at", "e_actor", "e_action", "e_details", "e_prev", "e_hash")
        params = {**values, **dict(zip(keys, entry, strict=True))}
        expected = [f"{t}:{i}" for t, i in written]
        try:
            try:
                conn.execute(WRITE, params)
                conn.execute(TAKE_NOTES, {"count": len(expected), "expected": expected, "meeting": meeting_id})
                conn.execute(COMMIT)
            finally:
                self._open = None
                pipeline.close()  # the Sync: sent with the three, answered with theirs
        except psycopg.Error as exc:
            broken = conn.broken
            self.refused = _first(exc).sqlstate
            self._lane.rollback()
            if broken:
                raise Lost(DBAPIError.instance(None, None, exc, psycopg.Error, connection_invalidated=True)) from exc
            return False
        return True

    def abandon(self) -> None:
        """Nothing written: leave the pipeline and roll back (the lock goes with the transaction)."""
        pipeline, self._open = self._open, None
        if pipeline is not None:
            with contextlib.suppress(psycopg.Error):
                pipeline.close()
        self._lane.rollback()


def _first(exc: psycopg.Error) -> psycopg.Error:
    """The error that stopped the pipeline, not the `PipelineAborted` of a statement queued after it."""
    while isinstance(exc, psycopg.errors.PipelineAborted) and isinstance(exc.__context__, psycopg.Error):
        exc = exc.__context__
    return exc


def begin(lane: Lane) -> Save | None:
    """A save's transaction on the lane; None if the host cannot be reached now."""
    conn = lane.connection()
    return None if conn is None else Save(lane, conn)


class Lost(Exception):
    """The connection broke while COMMIT was on its way: whether it arrived is unknown."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(str(error))
        self.error = error  # as SQLAlchemy raises it, for services/errors.storage_error
