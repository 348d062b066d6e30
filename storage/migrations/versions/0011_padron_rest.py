"""The padrón's slots keep estado, condición, UBIGEO and the address as one `rest` column.

A slot row was (ruc, name, estado, condicion, ubigeo, address, folded); it is now (ruc, name, rest,
folded), `rest` being the line after the name as the file has it ("ACTIVO|HABIDO|150122|AV.|…|"). A
bulk load binds four values a line instead of seven, which is most of what it costs beyond SQLite's own
work; the reads split `rest` again (storage/padron.py) for the few rows they return, and no statement
filters or sorts on those columns. The load in use is carried over (its slot's rows rewritten, in the
migration's transaction); the idle slot is recreated empty (the next load empties it anyway).

Downgrade recreates the former columns empty and forgets the loads: re-import the padrón after it.

Revision ID: 0011
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0009"
branch_labels = None
depends_on = None

_OLD = "estado TEXT NOT NULL, condicion TEXT NOT NULL, ubigeo TEXT NOT NULL, address TEXT NOT NULL"


def _create(slot: str, middle: str, postgres: bool) -> None:
    """A slot as 0006 made it, with `middle` between name and folded, and its indexes."""
    if postgres:
        op.execute(
            f'CREATE TABLE padron_{slot} (ruc BIGINT NOT NULL, name TEXT NOT NULL, {middle}, folded TEXT COLLATE "C", '
            "line INTEGER)"
        )
        op.execute(f"CREATE UNIQUE INDEX ix_padron_{slot}_ruc ON padron_{slot} (ruc)")
        op.execute(f"CREATE INDEX ix_padron_{slot}_folded ON padron_{slot} (folded, ruc)")
    else:
        op.execute(f"CREATE TABLE padron_{slot} (ruc INTEGER PRIMARY KEY, name TEXT NOT NULL, {middle}, folded BLOB)")
        op.execute(f"CREATE INDEX ix_padron_{slot}_folded ON padron_{slot} (folded)")


def upgrade() -> None:
    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    current = bind.execute(sa.text("SELECT slot FROM padron_loads ORDER BY id DESC LIMIT 1")).scalar()
    for slot in ("a", "b"):
        op.execute(f"ALTER TABLE padron_{slot} RENAME TO padron_{slot}_old")
        if postgres:  # index names are schema-wide there: free them for the new table's
            op.execute(f"DROP INDEX IF EXISTS ix_padron_{slot}_ruc, ix_padron_{slot}_folded")
        else:
            op.execute(f"DROP INDEX IF EXISTS ix_padron_{slot}_folded")
        _create(slot, "rest TEXT NOT NULL", postgres)
        if slot == current:
            line = ", line" if postgres else ""
            op.execute(
                f"INSERT INTO padron_{slot} (ruc, name, rest, folded{line}) "
                f"SELECT ruc, name, estado || '|' || condicion || '|' || ubigeo || '|' || address, folded{line} "
                f"FROM padron_{slot}_old"
            )
        op.execute(f"DROP TABLE padron_{slot}_old")


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.execute("DELETE FROM padron_loads")
    for slot in ("a", "b"):
        op.execute(f"DROP TABLE padron_{slot}")
        _create(slot, _OLD, postgres)
