"""Wider search and name order: search_text rebuilt, phone_text, sort_name, FTS5 trigram on SQLite.

`search_text` now also holds e-mails, GitLab and Discord users, district and province names and
channels as "#canal", and the new `phone_text` the phones' digits, national and E.164 (see
`storage.searchtext`): every existing row is rebuilt here. `sort_name` (the folded name) orders
`orden:nombre` through an index. On SQLite, `clients_fts` (FTS5, trigram tokenizer, external content
on both columns, kept by triggers) serves substring search without scanning every row; PostgreSQL keeps
pg_trgm's GIN index on search_text (0002) and gets one on phone_text.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from alembic import op

from storage import searchtext
from storage.textfold import fold

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_BATCH = 1000
_FIELDS = (*searchtext.CLIENT_FIELDS, *searchtext.CHANNEL_FIELDS, "contact_phone")

_FTS_DDL = (
    "CREATE VIRTUAL TABLE clients_fts USING fts5("
    "search_text, phone_text, content='clients', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER clients_fts_insert AFTER INSERT ON clients BEGIN "
    "INSERT INTO clients_fts(rowid, search_text, phone_text) VALUES (new.id, new.search_text, new.phone_text); END",
    "CREATE TRIGGER clients_fts_delete AFTER DELETE ON clients BEGIN "
    "INSERT INTO clients_fts(clients_fts, rowid, search_text, phone_text) "
    "VALUES ('delete', old.id, old.search_text, old.phone_text); END",
    "CREATE TRIGGER clients_fts_update AFTER UPDATE OF search_text, phone_text ON clients BEGIN "
    "INSERT INTO clients_fts(clients_fts, rowid, search_text, phone_text) "
    "VALUES ('delete', old.id, old.search_text, old.phone_text); "
    "INSERT INTO clients_fts(rowid, search_text, phone_text) VALUES (new.id, new.search_text, new.phone_text); END",
)


def _backfill(bind: sa.Connection) -> None:
    """Recomputes search_text and sort_name for every client, a batch at a time (flat memory)."""
    clients = sa.table(
        "clients", sa.column("id"), sa.column("search_text"), sa.column("phone_text"), sa.column("sort_name")
    )
    columns = ", ".join(("id", *_FIELDS))
    after = 0
    while True:
        rows = bind.execute(
            sa.text(f"SELECT {columns} FROM clients WHERE id > :after ORDER BY id LIMIT :n"),
            {"after": after, "n": _BATCH},
        ).mappings()
        batch = [dict(row) for row in rows]
        if not batch:
            return
        ids = [row["id"] for row in batch]
        addresses: dict[int, list[dict[str, str | None]]] = defaultdict(list)
        found = bind.execute(
            sa.text(
                "SELECT client_id, phone, email, ubigeo FROM addresses WHERE client_id IN :ids ORDER BY id"
            ).bindparams(sa.bindparam("ids", expanding=True)),
            {"ids": ids},
        ).mappings()
        for address in found:
            addresses[address["client_id"]].append(dict(address))
        updates = []
        for row in batch:
            search_text, phone_text = searchtext.document(row, addresses[row["id"]])
            updates.append(
                {
                    "key": row["id"],
                    "search_text": search_text,
                    "phone_text": phone_text,
                    "sort_name": fold(row["name"])[:255],
                }
            )
        bind.execute(
            clients.update().where(clients.c.id == sa.bindparam("key")),
            updates,
        )
        after = ids[-1]


def upgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table("clients") as batch_op:
        batch_op.add_column(sa.Column("phone_text", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("sort_name", sa.String(length=255), nullable=False, server_default=""))
    # SQLite reads `deleted_at IS NULL` as an equality and walks (deleted_at, sort_name, id) in name order;
    # PostgreSQL does not (it sorted every row): it gets a partial index on the live rows too.
    op.create_index("ix_clients_deleted_sort_name", "clients", ["deleted_at", "sort_name", "id"])
    if bind.dialect.name == "postgresql":
        op.create_index(
            "ix_clients_live_sort_name",
            "clients",
            ["sort_name", "id"],
            postgresql_where=sa.text("deleted_at IS NULL"),
        )
    _backfill(bind)
    if bind.dialect.name == "sqlite":
        for statement in _FTS_DDL:
            op.execute(statement)
        op.execute("INSERT INTO clients_fts(clients_fts) VALUES ('rebuild')")
    else:
        _phone_trigram_index(bind)


def _phone_trigram_index(bind: sa.Connection) -> None:
    """pg_trgm's GIN index on phone_text, like search_text's (0002); without pg_trgm, none."""
    has_trgm = bind.execute(sa.text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")).first()
    if has_trgm is not None:
        op.execute("CREATE INDEX IF NOT EXISTS ix_clients_phone_trgm ON clients USING gin (phone_text gin_trgm_ops)")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS clients_fts_{trigger}")
        op.execute("DROP TABLE IF EXISTS clients_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_clients_phone_trgm")
        op.drop_index("ix_clients_live_sort_name", table_name="clients")
    op.drop_index("ix_clients_deleted_sort_name", table_name="clients")
    with op.batch_alter_table("clients") as batch_op:
        batch_op.drop_column("sort_name")
        batch_op.drop_column("phone_text")
