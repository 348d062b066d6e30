"""Shared fixtures: a real database per test (a SQLite file, or PostgreSQL when DATABASE_URL says so)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text

from commands.access import AccessPolicy, Actor
from commands.service import ClientService
from storage import migrate
from storage.crypto import SecretBox, generate_key
from storage.db import Database
from storage.models import Base


def _postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql")) else None


async def _fresh_database(tmp_path: Path) -> Database:
    pg = _postgres_url()
    if pg is None:
        db = Database(f"sqlite+aiosqlite:///{tmp_path / 'clientes.db'}")
        await migrate.upgrade(db)
        return db
    db = Database(pg)
    await migrate.upgrade(db)
    tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
    async with db.engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    return db


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await _fresh_database(tmp_path)
    yield database
    await database.dispose()


@pytest.fixture
def box() -> SecretBox:
    return SecretBox([generate_key()])


@pytest.fixture
def service(db: Database, box: SecretBox) -> ClientService:
    """Open team access; Ana (below) is the one allowed to reveal server passwords."""
    return ClientService(db, box, AccessPolicy(secret_viewers=frozenset({"U0ANA"})))


@pytest.fixture
def ana() -> Actor:
    return Actor("slack", "U0ANA", "Ana")


@pytest.fixture
def bruno() -> Actor:
    return Actor("discord", "111111111111111111", "Bruno")
