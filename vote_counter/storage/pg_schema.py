"""The schema on PostgreSQL: the tables of schema.py in a schema named `main` (so the SQL that names
`main.<table>` for SQLite reads the same here), made and upgraded by the same Alembic revisions as a SQLite
file (storage/migrations.py); what PostgreSQL enforces itself (the append-only audit triggers, `chain_lock`,
the sealing triggers, the partial unique index on ballots) is revision r0008. Alembic's version table lives
in `main` too.

What depends on the role name given at run time stays here, run after the revisions: the application's
role gets everything on the data tables, only SELECT and INSERT on the audit log (REVOKE), so the log holds
even if the triggers were dropped by someone else.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine

from vote_counter.storage import seals
from vote_counter.storage.migrations import VERSION_TABLE, migrate

SCHEMA = "main"
CHAIN_LOCK = "chain_lock"

TOUCHED_DDL = (
    f"CREATE TEMP TABLE IF NOT EXISTS {seals.TOUCHED} "
    "(tbl TEXT NOT NULL, id BIGINT NOT NULL, meeting BIGINT, PRIMARY KEY (tbl, id))"
)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def ensure(engine: Engine, app_role: str | None = None) -> None:
    """Bring the database to the newest revision (one query when it is there already) and, given `app_role`,
    grant that role its privileges. The host runs it as the owner at every start; a station (the application
    role) on a database at head only reads the revision."""
    migrate(engine)
    if app_role is not None:
        with engine.begin() as conn:
            grant(conn, app_role)


def grant(conn: Connection, app_role: str) -> None:
    role = _q(app_role)
    conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA {SCHEMA} TO {role}")
    conn.exec_driver_sql(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {SCHEMA} TO {role}")
    conn.exec_driver_sql(f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {SCHEMA} TO {role}")  # copy: setval
    conn.exec_driver_sql(f"REVOKE UPDATE, DELETE, TRUNCATE ON {SCHEMA}.audit_log FROM {role}")
    conn.exec_driver_sql(f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {SCHEMA}.{VERSION_TABLE} FROM {role}")
    conn.exec_driver_sql(f"ALTER ROLE {role} SET search_path = {SCHEMA}")
