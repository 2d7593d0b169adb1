"""Running totals persisted per round and pass (issue 15; was step 4): the table, then, as a data migration,
every round's totals counted once from its stored ballots and sealed in the audit chain.

Only rounds and passes without totals are counted: nothing is counted or sealed twice. A meeting whose key
has left the file (board accounts, schema 3) cannot seal anything while nobody is signed in: its rounds are
not counted here but from their ballots when read (services/live.py), and stored with their next change."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if not sa.inspect(bind).has_table("running_totals"):
        op.create_table(
            "running_totals",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("round_id", sa.Integer(), nullable=False),
            sa.Column("pass_no", sa.Integer(), nullable=False),
            sa.Column("basis", sa.String(32), nullable=False),
            sa.Column("data", sa.Text(), nullable=False),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("round_id", "pass_no"),
            sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], ondelete="CASCADE"),
        )
    count_existing_rounds(bind)


def count_existing_rounds(bind: sa.Connection) -> None:
    from vote_counter.storage import audit, keys, seals, totals
    from vote_counter.storage.schema import RoundRow

    if bind.dialect.name == "sqlite":  # the rows written here are sealed by their entry, as any write is
        seals.install(bind.connection.dbapi_connection, bind.connection.info)
    with Session(bind=bind) as s:
        rounds = [
            row
            for row in s.execute(sa.select(RoundRow).order_by(RoundRow.id)).scalars()
            if keys.available(s, row.meeting_id) is not None
        ]
        for counted in totals.rebuild(s, rounds):
            audit.append(s, "Kiểm Phiếu (nâng cấp dữ liệu)", "totals_rebuilt", counted)
        s.flush()


def downgrade() -> None:
    raise NotImplementedError("the schema is never downgraded: restore a backup instead")
