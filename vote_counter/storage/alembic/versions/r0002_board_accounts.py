"""Board member accounts (SPEC §9): passphrase hash, failures in a row, lockout end (was step 2).

Only the columns missing are added: builds made while steps were merged may have some already."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    have = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("board_members")}
    wanted = (
        sa.Column("passphrase_hash", sa.Text(), nullable=True),
        sa.Column("failed_attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("locked_until", sa.String(40), nullable=True),
    )
    missing = [c for c in wanted if c.name not in have]
    if missing:
        with op.batch_alter_table("board_members") as batch:
            for column in missing:
                batch.add_column(column)


def downgrade() -> None:
    raise NotImplementedError("the schema is never downgraded: restore a backup instead")
