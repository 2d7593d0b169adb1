"""A station notices that the hall's database it opened was replaced by a restore (services/pg_restore.py).

A restore on the host renames the restored database to the live name and ends every connection: the station's
pool would reconnect to the same name and carry on with what it holds in memory (the running totals, the signed-in
board, the page it shows) over another database. So the station remembers the database's identity when it opens
it (its oid in pg_database, which a rename keeps and a new database never shares) and reads it again on each new
connection (one query per connection, none per transaction); a connection to another database is refused, and
so is every transaction after it, with HALL_REPLACED: reopen the connection, which reads everything afresh.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, event

from vote_counter.services.errors import ErrorCode, ServiceError

QUERY = "SELECT oid FROM pg_database WHERE datname = current_database()"
_KEY = "kp_database_oid"


def _read(dbapi_connection: Any) -> int:
    with dbapi_connection.cursor() as cur:
        cur.execute(QUERY)
        row = cur.fetchone()
    dbapi_connection.commit()
    return int(row[0])


class Watch:
    """What a station knows of its database: `replaced` once a connection found another one under its name."""

    def __init__(self) -> None:
        self.replaced = False


def watch_database(engine: Engine) -> Watch:
    """Refuse, from now on, every connection of `engine` to a database other than the one it talks to now."""
    with engine.connect() as conn:
        opened = int(conn.exec_driver_sql(QUERY).scalar_one())
    watch = Watch()

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, record: Any) -> None:
        record.info[_KEY] = _read(dbapi_connection)

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if _KEY not in record.info:  # made before the watch began
            record.info[_KEY] = _read(dbapi_connection)
        if watch.replaced or record.info[_KEY] != opened:
            watch.replaced = True  # once seen, for good: what this station holds in memory is another database's
            raise ServiceError(ErrorCode.HALL_REPLACED)

    return watch
