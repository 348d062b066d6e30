"""Shared fixtures: a real database per test (a SQLite file, or PostgreSQL when DATABASE_URL says so).

The schema is migrated once per session: SQLite tests get a copy of a migrated template file, and
PostgreSQL tests share one migrated database emptied with TRUNCATE before each test. Running alembic
for every test cost more than most tests themselves.

Under pytest-xdist (``make test`` runs ``-n 2``) each worker process gets its own PostgreSQL database,
``<database of DATABASE_URL>_<worker>``, created here from the given URL (dropped first if a previous
run left it) and exported as DATABASE_URL before any test runs, so subprocesses started by tests use it
too; workers never TRUNCATE each other's tables. SQLite needs nothing: every test has its own file.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from commands.access import AccessPolicy, Actor
from commands.service import ClientService
from storage import migrate
from storage.crypto import SecretBox, generate_key
from storage.db import Database, async_url
from storage.models import Base


def _postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql")) else None


def _worker_database(url: str, worker: str) -> str:
    """The URL of this xdist worker's own database beside the one ``url`` names."""
    parsed = make_url(url)
    return parsed.set(database=f"{parsed.database}_{worker}").render_as_string(hide_password=False)


async def _recreate_database(admin_url: str, name: str, *, create: bool) -> None:
    """Drops (and recreates) ``name`` through a connection to the database ``admin_url`` names."""
    engine = create_async_engine(async_url(admin_url), isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            if create:
                await conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        await engine.dispose()


_ADMIN_URL = pytest.StashKey[str]()  # the DATABASE_URL given to the run, when a worker replaced it


def pytest_configure(config: pytest.Config) -> None:
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    pg = _postgres_url()
    if worker is None or pg is None:
        return
    own = _worker_database(pg, worker)
    asyncio.run(_recreate_database(pg, str(make_url(own).database), create=True))
    config.stash[_ADMIN_URL] = pg
    os.environ["DATABASE_URL"] = own


def pytest_unconfigure(config: pytest.Config) -> None:
    admin = config.stash.get(_ADMIN_URL, None)
    if admin is not None:
        own = os.environ["DATABASE_URL"]
        os.environ["DATABASE_URL"] = admin
        asyncio.run(_recreate_database(admin, str(make_url(own).database), create=False))


async def _migrate(url: str) -> None:
    db = Database(url)
    try:
        await migrate.upgrade(db)
    finally:
        await db.dispose()


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path | None:
    """A migrated SQLite file to copy (SQLite), or None after migrating the shared PostgreSQL once."""
    pg = _postgres_url()
    if pg is not None:
        asyncio.run(_migrate(pg))
        return None
    template = tmp_path_factory.mktemp("template") / "clientes.db"
    asyncio.run(_migrate(f"sqlite+aiosqlite:///{template}"))
    return template


async def _fresh_database(tmp_path: Path, template: Path | None) -> Database:
    pg = _postgres_url()
    if pg is None:
        assert template is not None
        target = tmp_path / "clientes.db"
        shutil.copy2(template, target)
        return Database(f"sqlite+aiosqlite:///{target}")
    db = Database(pg)
    tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
    async with db.engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    return db


@pytest.fixture
async def db(tmp_path: Path, migrated_template: Path | None) -> AsyncIterator[Database]:
    database = await _fresh_database(tmp_path, migrated_template)
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
