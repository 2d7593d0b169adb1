"""The ballot save's lane on PostgreSQL (storage/pg_lane.py): what it sends inside the chain lock (issue 16: fewer
round trips inside the lock).

The round trips are read off the wire: libpq's own trace of every connection the engine opens (psycopg's
`PGconn.trace`, line-buffered by libpq), where each `Sync` or simple `Query` the client sends is one wait for the
server and each `Execute` one statement. Measured the same way before this lane, the session path sent 28 round
trips per save, 26 of them from LOCK to COMMIT (34 and 32 when another station had saved since).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pytest
from psycopg import pq
from sqlalchemy import event
from sqlalchemy.pool import Pool

from tests.helpers.builders import build_round, sign_in_known_boards
from tests.pg.lean_helpers import save_ballot, session_statements
from vote_counter.domain.model import RoundKind
from vote_counter.services.workspace import Workspace


class Wire:
    """libpq's trace of every connection opened while it is on, one file each."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._files: list[IO[str]] = []
        self._marks: list[int] = []

    def on_connect(self, dbapi_connection: Any, _record: Any) -> None:
        f = (self._folder / f"wire-{len(self._files)}.txt").open("w", encoding="utf-8")
        self._files.append(f)
        dbapi_connection.pgconn.trace(f.fileno())
        dbapi_connection.pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)

    def mark(self) -> None:
        self._marks = [Path(f.name).stat().st_size for f in self._files]

    def since_mark(self) -> list[list[str]]:
        """What the client sent on each connection since `mark`: one list of messages per connection used."""
        sent = []
        for i, f in enumerate(self._files):
            text = Path(f.name).read_text(encoding="utf-8")[self._marks[i] if i < len(self._marks) else 0 :]
            lines = [line.split("\t") for line in text.splitlines()]
            messages = [p[2].strip() + " " + (p[3].strip() if len(p) > 3 else "") for p in lines if p[0] == "F"]
            if messages:
                sent.append(messages)
        return sent

    def close(self) -> None:
        for f in self._files:
            f.close()


@pytest.fixture
def wire(tmp_path: Path) -> Iterator[Wire]:
    w = Wire(tmp_path)
    event.listen(Pool, "connect", w.on_connect)
    try:
        yield w
    finally:
        event.remove(Pool, "connect", w.on_connect)
        w.close()


def test_a_save_holds_the_chain_lock_for_two_round_trips_alone_or_after_another_station(
    pg_url: str, wire: Wire
) -> None:
    ws = Workspace.open(pg_url)
    other = Workspace.open(pg_url)  # a second station (its name is per process: not told apart here)
    try:
        built = build_round(ws, RoundKind.CONFIDENCE, nominees=4, printed=12)
        sign_in_known_boards(other)
        save_ballot(ws, built, 0)  # loads the round's context (the session path)
        save_ballot(other, built, 1)
        session = session_statements(ws)
        for i in range(2, 9):  # ballot 2: station 2 saved after this station's context (the head moved, saves only)
            wire.mark()
            save_ballot(ws, built, i)
            sent = wire.since_mark()
            assert len(sent) == 1, sent  # one connection: the lane's
            messages = sent[0]
            # Round trip 1: BEGIN, LOCK, the one read; round trip 2: the one write, the notes, COMMIT. A statement
            # in the simple protocol (`Query`, as SQLAlchemy's BEGIN, LOCK and COMMIT go) would be one more each.
            steps = [m.split()[0] for m in messages if m.startswith(("Execute", "Sync", "Query"))]
            if i == 2:  # the lane takes its connection from the pool once, which pings it first (before BEGIN)
                assert messages[0] == 'Query ";"'
                steps = steps[1:]
            assert steps == ["Execute"] * 3 + ["Sync"] + ["Execute"] * 3 + ["Sync"], messages
        assert session == []  # nothing went through the session path

        save_ballot(other, built, 9)
        save_ballot(ws, built, 10)
        totals = ws.counting.totals(built.round_id)
        assert totals.valid + totals.invalid == 11
        assert ws.counting.recount_check(built.round_id).matches  # the running totals are the ballots' own
        report = ws.audit.verify()
        assert report.ok and not report.bad_rows, report
        saved = [e for e in ws.audit.entries() if e.action == "ballot_saved"]
        assert len(saved) == 11 and all(e.details["seal"] for e in saved)
        assert [e.seq for e in ws.audit.entries()] == list(range(1, len(ws.audit.entries()) + 1))
    finally:
        ws.close()
        other.close()


def test_the_statements_inside_the_lock_are_these_four(pg_url: str, wire: Wire) -> None:
    ws = Workspace.open(pg_url)
    try:
        built = build_round(ws, RoundKind.CONFIDENCE, nominees=3, printed=4)
        save_ballot(ws, built, 0)
        wire.mark()
        save_ballot(ws, built, 1)  # the lane's first save on this connection: every statement parsed, so named
        (messages,) = wire.since_mark()
        parsed = [m.split('"')[3].split()[0:2] for m in messages if m.startswith("Parse")]
        assert parsed == [
            ["BEGIN", "ISOLATION"],
            ["LOCK", "TABLE"],
            ["SELECT", "r.stage,"],
            ["WITH", "b"],
            ["WITH", "n"],
            ["COMMIT"],
        ]
        assert [m.split()[0] for m in messages if m.startswith(("Parse", "Sync"))] == [
            "Parse",
            "Parse",
            "Parse",
            "Sync",  # the lock is held from here ...
            "Parse",
            "Parse",
            "Parse",
            "Sync",  # ... to the COMMIT sent with this round trip
        ]
    finally:
        ws.close()
