"""The engine for a hall's shared PostgreSQL (issue 16): what differs from SQLite lives here.

- Every transaction is SERIALIZABLE. A write transaction (the WRITE execution option, as for SQLite's
  BEGIN IMMEDIATE) first takes `LOCK TABLE main.chain_lock IN EXCLUSIVE MODE`, before any statement takes its
  snapshot: writers then run one after another, each seeing everything committed before it, so the audit chain
  is extended in a defined order and a writer never fails a serialization check against another writer. Reads
  never wait for it. The ballot save's lane (storage/pg_lane.py) sends the same BEGIN and LOCK itself, with its
  first read, on a connection of its own. A write outside that lane that conflicts fails with SQLSTATE 40001 and is retried
  (services/retry.py).
- Each connection makes its temporary table `kp_touched` once, which the sealing triggers fill
  (storage/pg_schema.py), and is marked as noting changes for storage/seals.py.
- A connection found dead (the host restarted, the cable pulled) is replaced before use (pool_pre_ping): the
  station carries on once the host is back, with nothing lost.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from vote_counter.storage import seals
from vote_counter.storage.pg_schema import CHAIN_LOCK, SCHEMA, TOUCHED_DDL

URL_PREFIXES = ("postgresql://", "postgresql+psycopg://")
CONNECT_TIMEOUT = 5  # seconds: a host that is away is reported, not waited for


def is_url(target: object) -> bool:
    return isinstance(target, str) and target.startswith(URL_PREFIXES)


def normalise(url: str) -> str:
    """postgresql:// means psycopg 3 here (SQLAlchemy's default would be psycopg2, which is not shipped)."""
    return "postgresql+psycopg://" + url.removeprefix("postgresql+psycopg://").removeprefix("postgresql://")


def safe(url: str) -> str:
    """The URL without its password, for messages and logs."""
    return make_url(normalise(url)).render_as_string(hide_password=True)


def make_pg_engine(url: str, *, pool_size: int = 3) -> Engine:
    engine = create_engine(
        normalise(url),
        isolation_level="SERIALIZABLE",
        pool_pre_ping=True,
        pool_size=pool_size,
        connect_args={"connect_timeout": CONNECT_TIMEOUT, "options": f"-c search_path={SCHEMA}"},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, record: Any) -> None:
        with dbapi_connection.cursor() as cur:
            cur.execute(TOUCHED_DDL)
        dbapi_connection.commit()
        record.info["kp_sealed"] = set(seals.SEALED)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.get_execution_options().get("kp_write"):
            conn.exec_driver_sql(f"LOCK TABLE {SCHEMA}.{CHAIN_LOCK} IN EXCLUSIVE MODE")

    return engine
