"""What PostgreSQL enforces itself for the hall's shared database (issue 16); nothing on SQLite, whose own
triggers are made per connection (storage/seals.py) and by r0001.

- `chain_lock`: the table every write transaction locks first (storage/pg_engine.py), which orders the audit
  chain under concurrency;
- one entry per serial and pass: a partial unique index on the active, keyed ballots (a second save of the
  same serial fails in the database, whatever the application read before);
- the audit log is append-only: ONE set of triggers refusing UPDATE, DELETE and TRUNCATE, with
  `insufficient_privilege` (r0001 made them; databases made by `pg_schema.ensure` before Alembic had another
  set, `audit_log_append_only` + `kp_append_only()`, which is dropped here, so both routes end alike);
- every sealed table notes each changed row in the session's temporary table `kp_touched`, as SQLite's TEMP
  triggers do; a session without that table (psql, a script) cannot write a sealed row.

Written out as of this revision (the sealed tables and their columns below), not from storage/seals.py: a
later revision that adds a column to a sealed table recreates that table's UPDATE trigger
(tests/pg/test_alembic.py compares the triggers with seals.SEALED). Idempotent: a database made by
`pg_schema.ensure` before Alembic is stamped at 0007 (storage/upgrade.py) and brought here the same way.
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# table -> (whose meeting a row belongs to, the columns an UPDATE of which is noted)
SEALED_0008: dict[str, tuple[str, tuple[str, ...]]] = {
    name: (owner, tuple(columns.split()))
    for name, owner, columns in (
        ("meetings", "self", "title organisation parent_body place date header_style secrecy document_code"),
        ("board_members", "meeting", "meeting_id full_name role order passphrase_hash"),
        (
            "rounds",
            "meeting",
            "meeting_id title kind position level_preset percent_base invalid_policy seats write_ins announced "
            "mode stage blank_is_disagree double_entry summoned present issued collected code hmac_key order "
            "layout_json",
        ),
        ("nominees", "round", "round_id full_name birth_year current_position proposed_position unit order"),
        ("ballot_register", "round", "round_id serial status mode"),
        ("ballots", "round", "round_id serial pass_no marks valid reasons status set_aside"),
        ("tally_sheets", "round", "round_id sheet_no data"),
        ("running_totals", "round", "round_id pass_no basis data"),
        (
            "scan_queue",
            "round",
            "round_id pass_no serial payload file page ballot_page image_sha256 reasons reading image registered "
            "status ballot_id seal",
        ),
    )
}

_APPEND_ONLY = """
CREATE OR REPLACE FUNCTION main.audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit log is append-only' USING ERRCODE = 'insufficient_privilege';
END $$
"""

_NOTE = """
CREATE OR REPLACE FUNCTION main.kp_note() RETURNS trigger LANGUAGE plpgsql AS $$
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
        SELECT meeting_id INTO m FROM main.rounds WHERE id = r.round_id;
    END IF;
    INSERT INTO pg_temp.kp_touched (tbl, id, meeting) VALUES (TG_TABLE_NAME, r.id, m)
        ON CONFLICT (tbl, id) DO UPDATE SET meeting = EXCLUDED.meeting;
    RETURN NULL;
END $$
"""


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE TABLE IF NOT EXISTS main.chain_lock (id INTEGER PRIMARY KEY)")
    op.execute(
        "CREATE UNIQUE INDEX IF NOT EXISTS ux_ballots_one_active ON main.ballots (round_id, serial, pass_no) "
        "WHERE status = 'active' AND NOT set_aside"
    )
    op.execute(_APPEND_ONLY)
    for old in ("audit_log_append_only", "audit_log_no_update", "audit_log_no_delete", "audit_log_no_truncate"):
        op.execute(f"DROP TRIGGER IF EXISTS {old} ON main.audit_log")
    op.execute("DROP FUNCTION IF EXISTS main.kp_append_only()")
    for action, each in (("UPDATE", "ROW"), ("DELETE", "ROW"), ("TRUNCATE", "STATEMENT")):
        op.execute(
            f"CREATE TRIGGER audit_log_no_{action.lower()} BEFORE {action} ON main.audit_log "
            f"FOR EACH {each} EXECUTE FUNCTION main.audit_log_append_only()"
        )
    op.execute(_NOTE)
    for name, (owner, columns) in SEALED_0008.items():
        cols = ", ".join(_q(c) for c in columns)
        for event, of in (("INSERT", ""), ("UPDATE", f" OF {cols}"), ("DELETE", "")):
            trigger = f"kp_seal_{name}_{event.lower()}"
            op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON main.{_q(name)}")
            op.execute(
                f"CREATE TRIGGER {trigger} AFTER {event}{of} ON main.{_q(name)} "
                f"FOR EACH ROW EXECUTE FUNCTION main.kp_note('{owner}')"
            )


def downgrade() -> None:
    raise NotImplementedError("the schema is never downgraded: restore a backup instead")
