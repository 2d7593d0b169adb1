"""Document details of a meeting (issue 13; was step 5): number, issuer, place, recipients, signers, one JSON
row per meeting in a table of its own."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if not sa.inspect(op.get_bind()).has_table("document_details"):
        op.create_table(
            "document_details",
            sa.Column("meeting_id", sa.Integer(), nullable=False),
            sa.Column("data", sa.Text(), nullable=False),
            sa.PrimaryKeyConstraint("meeting_id"),
            sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], ondelete="CASCADE"),
        )


def downgrade() -> None:
    raise NotImplementedError("the schema is never downgraded: restore a backup instead")
