"""The first schema (step 1 of the `PRAGMA user_version` era): meetings, board, rounds, nominees, the ballot
register, ballots, tally sheets and the append-only audit log.

Written out as it was then, not from today's models: later revisions add what came later, so a new
database and an old one upgraded end with the same schema.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _cascade(column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [target], ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("organisation", sa.Text(), nullable=False),
        sa.Column("parent_body", sa.Text(), nullable=False),
        sa.Column("place", sa.Text(), nullable=False),
        sa.Column("date", sa.String(10), nullable=True),
        sa.Column("header_style", sa.String(10), nullable=False),
        sa.Column("secrecy", sa.String(10), nullable=False),
        sa.Column("document_code", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
    )
    op.create_table(
        "board_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("full_name", sa.Text(), nullable=False),
        sa.Column("role", sa.String(10), nullable=False),
        sa.Column("order", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        _cascade("meeting_id", "meetings.id"),
    )
    op.create_table(
        "rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("position", sa.Text(), nullable=False),
        sa.Column("level_preset", sa.String(10), nullable=False),
        sa.Column("percent_base", sa.String(10), nullable=True),
        sa.Column("invalid_policy", sa.String(14), nullable=True),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("write_ins", sa.Boolean(), nullable=False),
        sa.Column("announced", sa.Boolean(), nullable=False),
        sa.Column("mode", sa.String(5), nullable=False),
        sa.Column("stage", sa.String(12), nullable=False),
        sa.Column("blank_is_disagree", sa.Boolean(), nullable=False),
        sa.Column("double_entry", sa.Boolean(), nullable=False),
        sa.Column("summoned", sa.Integer(), nullable=False),
        sa.Column("present", sa.Integer(), nullable=False),
        sa.Column("issued", sa.Integer(), nullable=False),
        sa.Column("collected", sa.Integer(), nullable=True),
        sa.Column("code", sa.String(6), nullable=False),
        sa.Column("hmac_key", sa.LargeBinary(), nullable=False),
        sa.Column("order", sa.Integer(), nullable=False),
        sa.Column("layout_json", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        _cascade("meeting_id", "meetings.id"),
        sa.UniqueConstraint("code"),
    )
    op.create_table(
        "nominees",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("full_name", sa.Text(), nullable=False),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column("current_position", sa.Text(), nullable=False),
        sa.Column("proposed_position", sa.Text(), nullable=False),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("order", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        _cascade("round_id", "rounds.id"),
    )
    op.create_table(
        "ballot_register",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("serial", sa.String(12), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("mode", sa.String(5), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("round_id", "serial"),
        _cascade("round_id", "rounds.id"),
    )
    op.create_table(
        "ballots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("serial", sa.String(12), nullable=True),
        sa.Column("pass_no", sa.Integer(), nullable=False),
        sa.Column("marks", sa.Text(), nullable=False),
        sa.Column("valid", sa.Boolean(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("status", sa.String(6), nullable=False),
        sa.Column("set_aside", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        _cascade("round_id", "rounds.id"),
    )
    op.create_table(
        "tally_sheets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("sheet_no", sa.Integer(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("round_id", "sheet_no"),
        _cascade("round_id", "rounds.id"),
    )
    op.create_index("ix_board_members_meeting_id", "board_members", ["meeting_id"])
    op.create_index("ix_rounds_meeting_id", "rounds", ["meeting_id"])
    op.create_index("ix_nominees_round_id", "nominees", ["round_id"])
    op.create_index("ix_ballots_round_serial", "ballots", ["round_id", "serial", "pass_no"])
    _append_only_audit_log()


def _append_only_audit_log() -> None:
    """UPDATE and DELETE on the audit log are refused by the database itself (SPEC §8), in each engine's way."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{action.lower()} BEFORE {action} ON audit_log "
                "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END"
            )
    elif dialect == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'audit log is append-only'; END $$"
        )
        for action, each in (("UPDATE", "ROW"), ("DELETE", "ROW"), ("TRUNCATE", "STATEMENT")):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{action.lower()} BEFORE {action} ON audit_log "
                f"FOR EACH {each} EXECUTE FUNCTION audit_log_append_only()"
            )
    else:
        raise NotImplementedError(f"no append-only audit log on {dialect}")


def downgrade() -> None:
    raise NotImplementedError("the schema is never downgraded: restore a backup instead")
