"""Open chat forms (Discord modals) kept in the database, so any process can take their submit.

Revision ID: 0009
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "open_forms",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("owner", sa.String(length=40), nullable=False),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_open_forms")),
    )
    with op.batch_alter_table("open_forms", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_open_forms_expires_at"), ["expires_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("open_forms", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_open_forms_expires_at"))
    op.drop_table("open_forms")
