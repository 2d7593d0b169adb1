"""Running totals persisted per round and pass (issue 15; was step 4): the table, then, as a data migration,
every round's totals counted once from its stored ballots and sealed in the audit chain.

Only rounds and passes without totals are counted: nothing is counted or sealed twice. A meeting whose key
has left the file (board accounts, schema 3) cannot seal anything while nobody is signed in: its rounds are
not counted here, and a "totals_deferred" entry says so (storage/deferred_totals.py): results count their
ballots when read (services/live.py), the next change stores the totals, and closing counts them."""

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
    from vote_counter.storage import audit, deferred_totals, keys, seals, totals
    from vote_counter.storage.schema import BallotRow, RoundRow

    if bind.dialect.name == "sqlite":  # the rows written here are sealed by their entry, as any write is
        seals.install(bind.connection.dbapi_connection, bind.connection.info)
    with Session(bind=bind) as s:
        rounds = list(s.execute(sa.select(RoundRow).order_by(RoundRow.id)).scalars())
        open_rounds = [row for row in rounds if keys.available(s, row.meeting_id) is not None]
        for counted in totals.rebuild(s, open_rounds):
            audit.append(s, "Kiểm Phiếu (nâng cấp dữ liệu)", "totals_rebuilt", counted)
        with_ballots = set(s.execute(sa.select(BallotRow.round_id).distinct()).scalars())
        shut = [row.id for row in rounds if row not in open_rounds and row.id in with_ballots]
        if shut:
            audit.append(s, "Kiểm Phiếu (nâng cấp dữ liệu)", deferred_totals.ACTION, {"rounds": shut})
        s.flush()


def downgrade() -> None:
    raise NotImplementedError("the schema is never downgraded: restore a backup instead")
