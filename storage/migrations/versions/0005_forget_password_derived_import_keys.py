"""Forget import keys that were derived from passwords.

Before this revision `clientes-bot import` stored, as each imported client's idempotency key, a SHA-256
of the whole record *including its servers' passwords*: anyone who could read the database could
confirm a guessed password offline. Keys are now computed without secrets; the old ones cannot be
recomputed (the original records are gone), so they are cleared. Re-importing an old backup is then
refused record by record (the document is already registered) instead of being recognised as already
imported: nothing is duplicated either way.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("UPDATE clients SET origin_key = NULL WHERE origin_key LIKE 'import:%'")


def downgrade() -> None:
    """Nothing to restore: the cleared keys were the leak."""
