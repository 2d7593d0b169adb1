"""Seal every table (issue 12; was step 3): the meeting key and key wrap tables, then, as a data migration,
one "seals_established" entry per meeting that seals its rows as they are (storage/seals.py).

A meeting that already has a key is left alone. A file from before this revision keeps its key in the file
until every account holder has signed in once (storage/keys.py)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    have = set(sa.inspect(bind).get_table_names())
    if "meeting_keys" not in have:
        op.create_table(
            "meeting_keys",
            sa.Column("meeting_id", sa.Integer(), nullable=False),
            sa.Column("uid", sa.String(32), nullable=False),
            sa.Column("key_id", sa.String(16), nullable=False),
            sa.Column("plain", sa.LargeBinary(), nullable=True),
            sa.Column("signing", sa.LargeBinary(), nullable=True),
            sa.PrimaryKeyConstraint("meeting_id"),
            sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], ondelete="CASCADE"),
        )
    if "key_wraps" not in have:
        op.create_table(
            "key_wraps",
            sa.Column("member_id", sa.Integer(), nullable=False),
            sa.Column("meeting_id", sa.Integer(), nullable=False),
            sa.Column("key_id", sa.String(16), nullable=False),
            sa.Column("wrap", sa.LargeBinary(), nullable=False),
            sa.PrimaryKeyConstraint("member_id"),
            sa.ForeignKeyConstraint(["member_id"], ["board_members.id"], ondelete="CASCADE"),
        )
        op.create_index("ix_key_wraps_meeting_id", "key_wraps", ["meeting_id"])
    seal_existing_meetings(bind)


def seal_existing_meetings(bind: sa.Connection) -> None:
    from vote_counter.storage import audit, keys, seals
    from vote_counter.storage.schema import MeetingKeyRow, MeetingRow

    if bind.dialect.name == "sqlite":  # the triggers noting changed rows are SQLite's (storage/seals.py)
        seals.install(bind.connection.dbapi_connection, bind.connection.info)
    session = Session(bind=bind, join_transaction_mode="create_savepoint")
    try:
        keyed = set(session.execute(sa.select(MeetingKeyRow.meeting_id)).scalars())
        for meeting_id in session.execute(sa.select(MeetingRow.id).order_by(MeetingRow.id)).scalars().all():
            if meeting_id in keyed:
                continue
            keys.ensure(session, meeting_id)
            seals.touch_meeting(session, meeting_id)
            audit.append(session, "Kiểm Phiếu", "seals_established", {"meeting": meeting_id})
        session.commit()
    finally:
        session.close()


def downgrade() -> None:
    raise NotImplementedError("the schema is never downgraded: restore a backup instead")
