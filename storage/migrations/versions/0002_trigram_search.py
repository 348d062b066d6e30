"""Trigram index for substring search on PostgreSQL.

`search_text LIKE '%word%'` cannot use a b-tree; pg_trgm's GIN index serves it. SQLite has no such
index and scans the (small, folded) column instead. pg_trgm is a trusted extension (PostgreSQL 13+),
so a database owner may create it; where even that is refused we keep working without the index.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import logging

from alembic import op
from sqlalchemy.exc import DBAPIError

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

log = logging.getLogger(__name__)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    savepoint = bind.begin_nested()
    try:
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX IF NOT EXISTS ix_clients_search_trgm ON clients USING gin (search_text gin_trgm_ops)")
        savepoint.commit()
    except DBAPIError as exc:  # any refusal means "no index", never "no bot"
        savepoint.rollback()
        log.warning("pg_trgm not available (%s): substring search works without its index", type(exc).__name__)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_clients_search_trgm")
