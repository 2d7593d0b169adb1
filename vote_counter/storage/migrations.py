"""Schema upgrades: Alembic revisions (vote_counter/storage/alembic/versions), one history for SQLite and
PostgreSQL, run by `migrate` when a database is opened.

Start-up stays fast: a database already at the newest revision is recognised with one query and Alembic is
not even imported (storage/upgrade.py does the rest, only when there is something to do).

Files written before Alembic (`PRAGMA user_version` steps 1–6) are stamped at the revision equal to their
step and upgraded in place; on SQLite `user_version` keeps the revision's number too, so an app from
before Alembic refuses a newer file instead of opening a schema it does not know.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine, exc, text

from vote_counter.storage import schema_columns, schema_guard

# The newest revision: its number is the schema version (tests check it against the revision files).
HEAD = "0009"
SCHEMA_VERSION = int(HEAD)
VERSION_TABLE = "alembic_version"


class NewerDatabaseError(RuntimeError):
    """The file was written by a newer version of the app: `found` is its schema (revision or number)."""

    def __init__(self, found: str) -> None:
        self.found = str(int(found)) if found.isdigit() else found  # revision "0009" is schema 9
        super().__init__(f"database schema {self.found} > supported {SCHEMA_VERSION}")


def at_head(conn: Connection) -> bool:
    """One query, read only: the database is at HEAD (and, on SQLite, not marked newer by user_version)."""
    if conn.dialect.name == "sqlite":
        query = f"SELECT (SELECT group_concat(version_num) FROM {VERSION_TABLE}), user_version FROM pragma_user_version"
    else:
        query = f"SELECT (SELECT string_agg(version_num, ',') FROM {VERSION_TABLE}), {SCHEMA_VERSION}"
    try:
        revision, user_version = conn.execute(text(query)).one()
    except exc.DBAPIError:
        return False  # no version table yet: a new file, or one from before Alembic
    return bool(revision == HEAD and int(user_version) == SCHEMA_VERSION)


def migrate(engine: Engine) -> int:
    """Bring the database to HEAD in one write transaction (all revisions, or nothing); returns the version.

    A current file is only read: a read-only database (a sealed copy, a write-protected stick) still opens.
    Raises NewerDatabaseError, changing nothing, for a file written by a newer version of the app, and
    schema_guard.ForeignSchemaError, changing nothing, for one holding objects the app did not make (checked
    before the upgrade, so a planted trigger never runs during it, and again after) or whose tables' columns
    differ from the app's (at HEAD; an older file's after its upgrade, in the upgrade's transaction)."""
    with engine.connect() as conn:
        current = at_head(conn)
        guard(conn, columns=current)
        if current:
            return SCHEMA_VERSION
    from vote_counter.storage import upgrade  # Alembic is loaded only when there is something to do

    version = upgrade.upgrade(engine)
    with engine.connect() as conn:
        guard(conn)
    return version


def known() -> bool:
    """The written-down columns (storage/schema_columns.py) are this build's HEAD's. Always, in the app (a test
    checks it); a test that runs a copy of the revisions with one added or some left out has other columns."""
    return HEAD == schema_columns.REVISION


def guard(conn: Connection, *, columns: bool = True) -> None:
    """schema_guard's check on SQLite (a read of sqlite_master, and with `columns` of the tables' columns, which
    are HEAD's); PostgreSQL's objects are guarded by role rights."""
    if conn.dialect.name == "sqlite":
        rows = [tuple(r) for r in conn.exec_driver_sql(schema_guard.QUERY)]
        found = [tuple(r) for r in conn.exec_driver_sql(schema_guard.COLUMNS_QUERY)] if columns and known() else []
        bad = schema_guard.findings(rows, found)
        if bad:
            raise schema_guard.ForeignSchemaError(bad)
