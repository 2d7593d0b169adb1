"""`storage/pg_schema.ensure` as it was before the PostgreSQL schema came from the Alembic revisions (main at
bc7c50f, kept verbatim below this docstring): create_all into `main`, no version table, its own set of audit
triggers. A test fixture: the hall databases made by that code must upgrade in place (test_alembic.py)."""

from __future__ import annotations

from sqlalchemy import Connection, Engine, inspect

from vote_counter.storage import document_details, scan_schema, seals  # noqa: F401  (their tables and seals)
from vote_counter.storage.schema import Base

SCHEMA = "main"
CHAIN_LOCK = "chain_lock"

_NOTE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {SCHEMA}.kp_note() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r record;
    m bigint;
BEGIN
    IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
    IF TG_ARGV[0] = 'self' THEN
        m := r.id;
    ELSIF TG_ARGV[0] = 'meeting' THEN
        m := r.meeting_id;
    ELSE
        SELECT meeting_id INTO m FROM {SCHEMA}.rounds WHERE id = r.round_id;
    END IF;
    INSERT INTO pg_temp.{seals.TOUCHED} (tbl, id, meeting) VALUES (TG_TABLE_NAME, r.id, m)
        ON CONFLICT (tbl, id) DO UPDATE SET meeting = EXCLUDED.meeting;
    RETURN NULL;
END $$;
"""

_REFUSE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {SCHEMA}.kp_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit log is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
"""

TOUCHED_DDL = (
    f"CREATE TEMP TABLE IF NOT EXISTS {seals.TOUCHED} "
    "(tbl TEXT NOT NULL, id BIGINT NOT NULL, meeting BIGINT, PRIMARY KEY (tbl, id))"
)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def ready(conn: Connection) -> bool:
    """Every table of the current schema is there (a client then needs nothing more)."""
    have = set(inspect(conn).get_table_names(schema=SCHEMA))
    return set(Base.metadata.tables) | {CHAIN_LOCK} <= have


def ensure(engine: Engine, app_role: str | None = None) -> None:
    """Make what is missing (tables, triggers, indexes) and, given `app_role`, its privileges: everything on
    the data tables, only SELECT and INSERT on the audit log. One transaction."""
    with engine.begin() as conn:
        if ready(conn) and app_role is None:
            return
        conn.exec_driver_sql(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
        conn.exec_driver_sql(f"SET LOCAL search_path = {SCHEMA}")
        Base.metadata.create_all(conn)
        conn.exec_driver_sql(f"CREATE TABLE IF NOT EXISTS {SCHEMA}.{CHAIN_LOCK} (id INTEGER PRIMARY KEY)")
        conn.exec_driver_sql(
            f"CREATE UNIQUE INDEX IF NOT EXISTS ux_ballots_one_active ON {SCHEMA}.ballots (round_id, serial, pass_no) "
            "WHERE status = 'active' AND NOT set_aside"
        )
        conn.exec_driver_sql(_REFUSE_FUNCTION)
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS audit_log_append_only ON {SCHEMA}.audit_log")
        conn.exec_driver_sql(
            f"CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON {SCHEMA}.audit_log "
            f"FOR EACH ROW EXECUTE FUNCTION {SCHEMA}.kp_append_only()"
        )
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS audit_log_no_truncate ON {SCHEMA}.audit_log")
        conn.exec_driver_sql(
            f"CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON {SCHEMA}.audit_log "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {SCHEMA}.kp_append_only()"
        )
        conn.exec_driver_sql(_NOTE_FUNCTION)
        for name, t in seals.SEALED.items():
            cols = ", ".join(_q(c) for c in t.columns)
            for event, of in (("INSERT", ""), ("UPDATE", f" OF {cols}"), ("DELETE", "")):
                trigger = f"kp_seal_{name}_{event.lower()}"
                conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger} ON {SCHEMA}.{_q(name)}")
                conn.exec_driver_sql(
                    f"CREATE TRIGGER {trigger} AFTER {event}{of} ON {SCHEMA}.{_q(name)} "
                    f"FOR EACH ROW EXECUTE FUNCTION {SCHEMA}.kp_note('{t.owner}')"
                )
        if app_role is not None:
            grant(conn, app_role)


def grant(conn: Connection, app_role: str) -> None:
    role = _q(app_role)
    conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA {SCHEMA} TO {role}")
    conn.exec_driver_sql(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {SCHEMA} TO {role}")
    conn.exec_driver_sql(f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {SCHEMA} TO {role}")  # copy: setval
    conn.exec_driver_sql(f"REVOKE UPDATE, DELETE, TRUNCATE ON {SCHEMA}.audit_log FROM {role}")
    conn.exec_driver_sql(f"ALTER ROLE {role} SET search_path = {SCHEMA}")
