"""Running the Alembic revisions on an open engine, programmatically (no alembic.ini on the user's machine).

Everything happens on one connection in one write transaction: reading the current revision, stamping a
file from before Alembic, every revision, `PRAGMA user_version`. SQLite's DDL is transactional (the engine
issues BEGIN itself), so a revision that fails leaves the file exactly as it was.

On SQLite foreign keys are switched off for the upgrade, as SQLite's own procedure for schema changes says
(https://www.sqlite.org/lang_altertable.html): a batch revision rebuilds a table by copying it and dropping
the old one, and with foreign keys on, that drop would delete every row that refers to it (ON DELETE
CASCADE). `PRAGMA foreign_key_check` runs before the commit instead, and any dangling reference fails the
upgrade. The pragma cannot change inside a transaction, so it is set before BEGIN and set back after.
`legacy_alter_table` is on for the same time: renaming the rebuilt table back would otherwise re-check every
trigger, and the sealing triggers of other tables (storage/seals.py) name it while it is gone.

On PostgreSQL (the hall's database) the same one transaction, READ COMMITTED under an advisory lock, so two
stations opening a new database together upgrade it once (`_postgresql_first`); a database made before its
schema came from the revisions is stamped at 0007 (`before_alembic`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect, text

from vote_counter.storage import migrations
from vote_counter.storage.migrations import VERSION_TABLE, NewerDatabaseError
from vote_counter.storage.pg_schema import CHAIN_LOCK, SCHEMA

SCRIPTS = Path(__file__).with_name("alembic")


def config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(SCRIPTS))
    cfg.attributes["connection"] = connection
    return cfg


def scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(config())


def upgrade(engine: Engine) -> int:
    with engine.connect() as conn, _sqlite_schema_changes(conn):
        if conn.dialect.name == "postgresql":
            # Not the write lane of storage/pg_engine.py: its lock table may not exist yet (r0008 makes it).
            conn.execution_options(isolation_level="READ COMMITTED")
            with conn.begin():
                _postgresql_first(conn)
                _upgrade(conn)
        else:
            conn.execution_options(kp_write=True)  # BEGIN IMMEDIATE, and the seal triggers (storage/engine.py)
            with conn.begin():
                _upgrade(conn)
    return migrations.SCHEMA_VERSION


# pg_advisory_xact_lock's key for "the schema is being upgraded" (any fixed number; "KP16" in ASCII)
UPGRADE_LOCK = 0x4B503136


def _postgresql_first(conn: Connection) -> None:
    """One upgrader at a time (two stations opening a new database together: the second waits, then finds
    it at head), no writer during it (the chain lock, once it exists), and the schema `main` where the
    tables and Alembic's version table go (the engine's search_path). READ COMMITTED: every statement
    after the locks sees what the one before committed."""
    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({UPGRADE_LOCK})")
    if conn.exec_driver_sql(f"SELECT to_regnamespace('{SCHEMA}')").scalar() is None:
        conn.exec_driver_sql(f"CREATE SCHEMA {SCHEMA}")
    if conn.exec_driver_sql(f"SELECT to_regclass('{SCHEMA}.{CHAIN_LOCK}')").scalar() is not None:
        conn.exec_driver_sql(f"LOCK TABLE {SCHEMA}.{CHAIN_LOCK} IN EXCLUSIVE MODE")


def _upgrade(conn: Connection) -> None:
    known = {s.revision for s in scripts().walk_revisions()}
    current = _current(conn)
    user_version = _user_version(conn)
    if current is not None and current not in known:
        raise NewerDatabaseError(current)
    if user_version > migrations.SCHEMA_VERSION:
        raise NewerDatabaseError(str(user_version))
    cfg = config(conn)
    if current is None:
        legacy = legacy_revision(conn, user_version) if conn.dialect.name == "sqlite" else before_alembic(conn)
        if legacy is not None:
            command.stamp(cfg, legacy)
    command.upgrade(cfg, "head")
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(f"PRAGMA user_version = {migrations.SCHEMA_VERSION}")
        dangling = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
        if dangling:
            raise RuntimeError(f"foreign keys broken by the upgrade: {[tuple(r) for r in dangling[:5]]}")
        # The columns, now at HEAD, before the commit: a column the app did not make rolls the upgrade back whole.
        migrations.guard(conn)


def _current(conn: Connection) -> str | None:
    if not inspect(conn).has_table(VERSION_TABLE):
        return None
    rows = [r[0] for r in conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}"))]
    if len(rows) > 1:
        raise NewerDatabaseError(",".join(rows))  # branches this version never had
    return rows[0] if rows else None


def _user_version(conn: Connection) -> int:
    if conn.dialect.name != "sqlite":
        return 0
    return int(conn.exec_driver_sql("PRAGMA user_version").scalar_one())


def legacy_revision(conn: Connection, user_version: int) -> str | None:
    """The revision a file from before Alembic is at: its `user_version` step N is revision N.

    Trusted only as far as the schema bears it out: builds made while steps were being merged numbered
    them in another order (a scan build's step 3 made the scan queue, not the seals), so the stamp is the
    last step of an unbroken run of steps actually present, never more than `user_version`. The
    revisions after it create only what is missing."""
    names = set(inspect(conn).get_table_names())
    columns = {c["name"] for c in inspect(conn).get_columns("board_members")} if "board_members" in names else set()
    present = (
        "audit_log" in names,  # 1: the tables and the audit triggers
        "passphrase_hash" in columns,  # 2: board accounts
        "meeting_keys" in names,  # 3: every table sealed
        "running_totals" in names,  # 4: running totals
        "document_details" in names,  # 5: document details
        "scan_queue" in names,  # 6: the scan review queue
    )
    step = 0
    while step < min(user_version, len(present)) and present[step]:
        step += 1
    return f"{step:04d}" if step else None


def before_alembic(conn: Connection) -> str | None:
    """A PostgreSQL database made by `pg_schema.ensure` before its schema came from the revisions
    (create_all, no version table) was at revision 0007 with the PostgreSQL objects of r0008: its `chain_lock`
    table tells it. Stamped at 0007, it gets r0008, which ends it exactly as a new database."""
    names = set(inspect(conn).get_table_names(schema=SCHEMA))
    return "0007" if {CHAIN_LOCK, "audit_log", "running_totals", "scan_queue"} <= names else None


@contextmanager
def _sqlite_schema_changes(conn: Connection) -> Iterator[None]:
    if conn.dialect.name != "sqlite":
        yield
        return
    dbapi: Any = conn.connection.dbapi_connection
    dbapi.execute("PRAGMA foreign_keys=OFF")  # outside any transaction: pysqlite is in autocommit mode here
    dbapi.execute("PRAGMA legacy_alter_table=ON")
    try:
        yield
    finally:
        dbapi.execute("PRAGMA legacy_alter_table=OFF")
        dbapi.execute("PRAGMA foreign_keys=ON")
