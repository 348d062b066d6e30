"""A shared PostgreSQL database starts every bench empty (a SQLite bench has a new file of its own).

`DATABASE_URL=postgresql://… make bench` runs the benches one after another on the same database: the
core bench creates DNI 10000000 onwards, and it refused to run after `bench.scale` had left 100,000
clients there."""

from __future__ import annotations

from sqlalchemy import text

from storage.db import Database

# Everything a client owns and every row written about clients; the padrón has its own loads.
_TABLES = "clients, addresses, servers, audit_entries, outbox_jobs, form_drafts"


async def empty_register(db: Database) -> None:
    if db.is_sqlite:
        return
    async with db.engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {_TABLES} RESTART IDENTITY CASCADE"))
