"""Document details are sealed like every other table that reaches a printed document (the minutes' number,
issuer, place, recipients and signers): the table gets a row id of its own, as storage/seals.py names rows by
table and id, keeps one row per meeting (unique meeting_id), and its existing rows are sealed once.

- SQLite: the table is rebuilt (copy, drop, rename; ids in meeting order). PostgreSQL: the column is added in
  place and the hall's sealing triggers (r0008's `main.kp_note`) are made for the table.
- Existing rows: a meeting whose key is in the file gets one "seals_established" entry sealing its row. A
  meeting whose key is shut behind the board's passphrases cannot be sealed while nobody is signed in: one
  "seals_deferred" entry names them, and the next sign-in of that meeting seals the row, once
  (storage/deferred_seals.py). Nothing else of any meeting is sealed again here: a row changed behind the app's
  back before the upgrade stays reported.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

ACTOR = "Kiểm Phiếu (nâng cấp dữ liệu)"
COLUMNS = ("meeting_id", "data")  # sealed, as storage/seals.py lists them at this revision


def upgrade() -> None:
    bind = op.get_bind()
    if "id" not in {c["name"] for c in sa.inspect(bind).get_columns("document_details")}:
        if bind.dialect.name == "postgresql":
            op.execute("ALTER TABLE main.document_details DROP CONSTRAINT document_details_pkey")
            op.execute("ALTER TABLE main.document_details ADD COLUMN id SERIAL PRIMARY KEY")
            op.execute("ALTER TABLE main.document_details ADD UNIQUE (meeting_id)")
        else:
            op.create_table(
                "_kp_document_details",
                sa.Column("id", sa.Integer(), nullable=False),
                sa.Column("meeting_id", sa.Integer(), nullable=False),
                sa.Column("data", sa.Text(), nullable=False),
                sa.PrimaryKeyConstraint("id"),
                sa.UniqueConstraint("meeting_id"),
                sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], ondelete="CASCADE"),
            )
            op.execute(
                "INSERT INTO _kp_document_details (meeting_id, data) "
                "SELECT meeting_id, data FROM document_details ORDER BY meeting_id"
            )
            op.drop_table("document_details")
            op.rename_table("_kp_document_details", "document_details")
    if bind.dialect.name == "postgresql":
        cols = ", ".join(f'"{c}"' for c in COLUMNS)
        for event, of in (("INSERT", ""), ("UPDATE", f" OF {cols}"), ("DELETE", "")):
            trigger = f"kp_seal_document_details_{event.lower()}"
            op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON main.document_details")
            op.execute(
                f"CREATE TRIGGER {trigger} AFTER {event}{of} ON main.document_details "
                "FOR EACH ROW EXECUTE FUNCTION main.kp_note('meeting')"
            )
    seal_existing_rows(bind)


def seal_existing_rows(bind: sa.Connection) -> None:
    from vote_counter.storage import audit, keys, seals

    if bind.dialect.name == "sqlite":  # the notes' table and triggers of this connection (storage/seals.py)
        seals.install(bind.connection.dbapi_connection, bind.connection.info)
    with Session(bind=bind) as s:
        already = {m for (m,) in s.execute(sa.text("SELECT DISTINCT meeting_id FROM document_details")).all()}
        shut: list[int] = []
        for meeting_id in sorted(already):
            if keys.available(s, meeting_id) is None:
                shut.append(meeting_id)
                continue
            seals.touch_meeting(s, meeting_id, only="document_details")
            audit.append(s, ACTOR, "seals_established", {"meeting": meeting_id, "tables": ["document_details"]})
        if shut:
            audit.append(s, ACTOR, seals.DEFERRED, {"table": "document_details", "meetings": shut})
        s.flush()


def downgrade() -> None:
    raise NotImplementedError("the schema is never downgraded: restore a backup instead")
