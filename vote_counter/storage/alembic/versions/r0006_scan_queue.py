"""The review queue of scanned ballots (issue 14, SPEC §11; was step 6): sheets the reader could not decide
alone. A new table: no existing row to seal."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table("scan_queue"):
        return
    op.create_table(
        "scan_queue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("pass_no", sa.Integer(), nullable=False),
        sa.Column("serial", sa.String(12), nullable=True),
        sa.Column("payload", sa.String(64), nullable=True),
        sa.Column("file", sa.Text(), nullable=False),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("ballot_page", sa.Integer(), nullable=True),
        sa.Column("image_sha256", sa.String(64), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("reading", sa.Text(), nullable=False),
        sa.Column("image", sa.LargeBinary(), nullable=False),
        sa.Column("registered", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("ballot_id", sa.Integer(), nullable=True),
        sa.Column("seal", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["ballot_id"], ["ballots.id"]),
    )
    op.create_index("ix_scan_queue_round_status", "scan_queue", ["round_id", "status"])


def downgrade() -> None:
    raise NotImplementedError("the schema is never downgraded: restore a backup instead")
