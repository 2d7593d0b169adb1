"""${message}

Revision ${up_revision}, after ${down_revision | comma,n}. See docs/MIGRATIONS.md: engine-neutral op calls,
batch_alter_table for ALTERs (SQLite), dialect branches only where a step is engine-specific.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
${imports if imports else ""}
revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = ${repr(branch_labels)}
depends_on = ${repr(depends_on)}


def upgrade() -> None:
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    raise NotImplementedError("the schema is never downgraded: restore a backup instead")
