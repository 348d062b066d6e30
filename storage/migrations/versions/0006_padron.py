"""SUNAT's padrón reducido del RUC: two slots and a log of loads.

A load fills the slot that is not in use and then adds its row to `padron_loads`; readers read the slot
the newest row names, in one statement. So a reader sees the previous load, whole, until the new one is
complete, and a killed import leaves only a half-filled idle slot the next import clears.

The slots keep the file's fields as they are (the ten address fields in one `address` column; the
domicilio line is composed when read) plus `folded`,
the name folded for search (see storage/padron.py). SQLite keys them by the RUC as INTEGER PRIMARY KEY
(the table b-tree itself: no second index to maintain while loading); PostgreSQL loads them with COPY
into an unindexed table and builds its unique index afterwards (`line` decides which of a repeated RUC's
lines is kept: the last). The name index is dropped and rebuilt by each load, as bulk loads do.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# `address`: the ten address fields as the file has them, `|`-separated (one bound value instead of ten).
_FIELDS = (
    "name TEXT NOT NULL, estado TEXT NOT NULL, condicion TEXT NOT NULL, ubigeo TEXT NOT NULL, address TEXT NOT NULL"
)


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.execute(
        "CREATE TABLE padron_loads ("
        + ("id SERIAL PRIMARY KEY, " if postgres else "id INTEGER PRIMARY KEY AUTOINCREMENT, ")
        + "slot CHAR(1) NOT NULL, fecha DATE NOT NULL, source TEXT NOT NULL, rows INTEGER NOT NULL, "
        "duplicates INTEGER NOT NULL, malformed INTEGER NOT NULL, loaded_at TIMESTAMP NOT NULL)"
    )
    for slot in ("a", "b"):
        if postgres:
            columns = f'ruc BIGINT NOT NULL, {_FIELDS}, folded TEXT COLLATE "C", line INTEGER'
            op.execute(f"CREATE TABLE padron_{slot} ({columns})")
            op.execute(f"CREATE UNIQUE INDEX ix_padron_{slot}_ruc ON padron_{slot} (ruc)")
            op.execute(f"CREATE INDEX ix_padron_{slot}_folded ON padron_{slot} (folded, ruc)")
        else:
            op.execute(f"CREATE TABLE padron_{slot} (ruc INTEGER PRIMARY KEY, {_FIELDS}, folded BLOB)")
            op.execute(f"CREATE INDEX ix_padron_{slot}_folded ON padron_{slot} (folded)")


def downgrade() -> None:
    for table in ("padron_b", "padron_a", "padron_loads"):
        op.execute(f"DROP TABLE IF EXISTS {table}")
