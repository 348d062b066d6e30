"""Secrets at rest, key rotation, URL handling and database outages."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from commands.access import AccessPolicy, Actor
from commands.errors import StorageUnavailable
from commands.service import ClientService
from storage import migrate
from storage.crypto import SecretBox, SecretKeyError, generate_key
from storage.db import Database, async_url
from storage.rotation import rotate_secrets
from tests.cli_runner import cli_env, run_cli

SERVER = {"host": "erp.example.pe", "password": "contraseña-1"}
RUC = {"doc_type": "6", "doc_number": "20100070970", "name": "Empresa"}
ANA_REVEALS = AccessPolicy(secret_viewers=frozenset({"U0ANA"}))


def test_urls_get_their_async_driver() -> None:
    assert async_url("postgres://u:p@h/db").drivername == "postgresql+asyncpg"
    assert async_url("postgresql://u@h/db").drivername == "postgresql+asyncpg"
    assert async_url("sqlite:///./x.db").drivername == "sqlite+aiosqlite"
    assert async_url("sqlite+aiosqlite:///./x.db").drivername == "sqlite+aiosqlite"


def test_secret_box_refuses_bad_keys_and_hides_them() -> None:
    with pytest.raises(SecretKeyError, match="clave inválida"):
        SecretBox(["not-a-key"])
    key = generate_key()
    box = SecretBox([key])
    assert key not in repr(box)
    assert box.decrypt(box.encrypt("ñandú")) == "ñandú"
    with pytest.raises(SecretKeyError, match="falta la clave"):
        SecretBox([generate_key()]).decrypt(box.encrypt("x"))


async def test_rotation_keeps_every_password_readable(db: Database, ana: Actor) -> None:
    old_key, new_key = generate_key(), generate_key()
    service = ClientService(db, SecretBox([old_key]), ANA_REVEALS)
    cards = [
        await service.create(ana, {**RUC, "doc_number": number}, servers=[{**SERVER, "password": f"p{i}"}])
        for i, number in enumerate(("20100070970", "20131312955"))
    ]
    async with db.session() as session:
        before = set((await session.execute(text("SELECT password_token FROM servers"))).scalars().all())
    rotated_box = SecretBox([new_key, old_key])
    assert await rotate_secrets(db, rotated_box) == 2
    only_new = ClientService(db, SecretBox([new_key]), ANA_REVEALS)
    for i, card in enumerate(cards):
        assert await only_new.reveal_password(ana, card.id, card.servers[0].id) == f"p{i}"
    async with db.session() as session:
        tokens = (await session.execute(text("SELECT password_token FROM servers"))).scalars().all()
    assert before.isdisjoint(tokens) and len(tokens) == 2


async def test_unreachable_database_gives_a_spanish_message(tmp_path: Path, box: SecretBox, ana: Actor) -> None:
    db = Database("postgresql://nobody@127.0.0.1:9/none")
    service = ClientService(db, box)
    with pytest.raises(StorageUnavailable, match="La base de datos no está disponible"):
        await service.list_page(ana)
    await db.dispose()


async def test_locked_sqlite_database_gives_a_spanish_message(tmp_path: Path, box: SecretBox, ana: Actor) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path}/locked.db")
    await migrate.upgrade(db)
    service = ClientService(db, box)
    blocker = Database(f"sqlite+aiosqlite:///{tmp_path}/locked.db")
    async with blocker.engine.connect() as conn:
        await conn.exec_driver_sql("PRAGMA busy_timeout=0")
        await conn.exec_driver_sql("BEGIN EXCLUSIVE")
        with pytest.raises(StorageUnavailable):
            await _create_without_waiting(service, ana)
        await conn.exec_driver_sql("ROLLBACK")
    assert (await service.list_page(ana)).total == 0
    await blocker.dispose()
    await db.dispose()


async def _create_without_waiting(service: ClientService, actor: Actor) -> None:
    """The locked test must not wait 5 s for the busy timeout: lower it on this engine only."""
    from sqlalchemy import event

    def no_wait(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout=100")
        cursor.close()

    event.listen(service.db.engine.sync_engine, "connect", no_wait)
    await service.db.engine.dispose()
    await service.create(actor, RUC)


def test_keys_cli_generate_and_rotate(tmp_path: Path) -> None:
    env = cli_env(DATABASE_URL=None)
    generated = run_cli(["keys", "generate"], env=env, cwd=tmp_path)
    assert generated.code == 0
    key = generated.stdout.strip()
    SecretBox([key])  # a valid Fernet key
    env["DATABASE_URL"] = f"sqlite:///{tmp_path}/shared.db"
    env["CLIENTES_SECRET_KEYS"] = f"{generate_key()},{key}"
    rotated = run_cli(["keys", "rotate"], env=env, cwd=tmp_path)
    assert rotated.code == 0, rotated.stderr
    assert "0 contraseña(s) cifradas de nuevo" in rotated.stderr
    assert key not in rotated.stderr + rotated.stdout


async def test_postgresql_plans_each_statement_for_its_own_values(db: Database) -> None:
    """A search's plan depends on the words typed: a generic plan (PostgreSQL's choice after five runs of
    a prepared statement) walked every client for a number nobody has (bench/scale.py)."""
    if db.is_sqlite:
        pytest.skip("PostgreSQL's plan cache")
    service = ClientService(db, SecretBox([generate_key()]))
    actor = Actor("console", "tester")
    for _ in range(7):  # past the five runs after which PostgreSQL may switch to a generic plan
        await service.list_page(actor, "nunez")
    async with db.engine.connect() as connection:
        assert (await connection.execute(text("SHOW plan_cache_mode"))).scalar_one() == "force_custom_plan"
