"""Running totals get a row id of their own, as every sealed table has (storage/seals.py names rows by table
and id).

Schema 4 as released (before the seal and totals work met) keyed running_totals by (round_id, pass_no)
and sealed its rows by SQLite's rowid; the id column came later with no step of its own, so those files
did not open any more ("no such column: t.id"). The table is rebuilt with id = the old rowid: every row
keeps its name and its digest, and the seals in the audit log still hold. Files that have the column are
left alone (new databases, every other version)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if "id" in {c["name"] for c in sa.inspect(bind).get_columns("running_totals")}:
        return
    # Only a SQLite file can lack it (revision 0004 has always made the column): rowid is SQLite's.
    assert bind.dialect.name == "sqlite", bind.dialect.name
    op.create_table(
        "_kp_running_totals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("pass_no", sa.Integer(), nullable=False),
        sa.Column("basis", sa.String(32), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("round_id", "pass_no"),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], ondelete="CASCADE"),
    )
    op.execute(
        "INSERT INTO _kp_running_totals (id, round_id, pass_no, basis, data) "
        "SELECT rowid, round_id, pass_no, basis, data FROM running_totals"
    )
    op.drop_table("running_totals")
    op.rename_table("_kp_running_totals", "running_totals")


def downgrade() -> None:
    raise NotImplementedError("the schema is never downgraded: restore a backup instead")
