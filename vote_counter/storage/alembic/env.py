"""Alembic's environment: runs the revisions on the connection storage/upgrade.py hands over.

From the alembic command line (a developer's tool, never on the user's machine) a database is named with
`-x db=PATH_OR_URL`; see docs/MIGRATIONS.md.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from vote_counter.storage.document_details import DocumentDetailsRow
from vote_counter.storage.scan_schema import ScanQueueRow
from vote_counter.storage.schema import Base

# Every table's module imported: the metadata a revision is compared with is the whole schema.
assert DocumentDetailsRow.__tablename__ and ScanQueueRow.__tablename__


# Made by r0008 on PostgreSQL only, in SQL the models do not describe (`alembic check` leaves them out).
POSTGRESQL_ONLY = {"chain_lock", "ux_ballots_one_active"}


def include_name(name: str | None, type_: str, _parents: object) -> bool:
    return not (type_ in ("table", "index") and name in POSTGRESQL_ONLY)


def run(connection: Connection) -> None:
    context.configure(
        connection=connection, target_metadata=Base.metadata, render_as_batch=True, include_name=include_name
    )
    with context.begin_transaction():
        context.run_migrations()


def main() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        run(connection)
        return
    from vote_counter.storage.engine import make_engine
    from vote_counter.storage.pg_engine import is_url, make_pg_engine

    target = context.get_x_argument(as_dictionary=True).get("db")
    if not target:
        raise SystemExit("alembic: name the database with -x db=PATH_OR_URL")
    engine = make_pg_engine(target, pool_size=1) if is_url(target) else make_engine(target)
    try:
        with engine.connect() as conn:
            conn.execution_options(kp_write=True)
            with conn.begin():
                run(conn)
    finally:
        engine.dispose()


main()
