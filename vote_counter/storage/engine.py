"""The one engine factory: SQLite with WAL, synchronous=FULL, foreign keys, transactional DDL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from vote_counter.storage import seals

WRITE = {"kp_write": True}


def make_engine(path: Path | str, *, busy_timeout: float = 30.0) -> Engine:
    """Open (or create) the database file. `path` may be ':memory:' only in tests.

    Write transactions (a connection with the WRITE execution option) start with BEGIN IMMEDIATE, so two
    writers queue instead of failing half-way; reads start with a plain BEGIN and, under WAL, never wait.
    """
    target = str(path)
    if target != ":memory:":
        Path(target).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(f"sqlite+pysqlite:///{target}", connect_args={"timeout": busy_timeout})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, decide when a transaction starts: DDL then rolls back too.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA temp_store=MEMORY")  # the sealing triggers' notes never touch the disk
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        write = bool(conn.get_execution_options().get("kp_write"))
        if write:
            # Note every change to a sealed table, for the audit entry to seal (storage/seals.py). Before the
            # BEGIN: TEMP objects made inside a transaction that rolls back would be gone with it.
            seals.install(conn.connection.dbapi_connection, conn.connection.info)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def make_sessions(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
