"""Schema migrations with alembic, driven from our async engine (no alembic.ini to keep in sync).

Every process migrates at start, so several processes starting together on an empty or older
database would each run the same DDL and all but one would die (a duplicate table or version row).
The upgrade runs under a lock instead: on PostgreSQL a transaction-scoped advisory lock for this
database, taken in the very transaction that migrates; on SQLite an exclusive `flock` on the
database's folder. Whoever waited finds the schema at head and has nothing to do.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
from collections.abc import AsyncIterator
from importlib import resources
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from storage.db import Database

#: One advisory lock per database (not per cluster): test databases of one server migrate side by side.
_PG_LOCK = "SELECT pg_advisory_xact_lock(hashtext('clientes-bot migrate ' || current_database()))"


class MigrationError(RuntimeError):
    """The schema cannot be brought to this version's head; the message is Spanish, for the operator."""


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(resources.files("storage") / "migrations"))
    return config


def _upgrade(connection: Any, config: Config, revision: str) -> None:
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


async def upgrade(db: Database, revision: str = "head") -> None:
    """Applies pending migrations. A database stamped with a revision this code does not know was
    migrated by a newer clientes-bot: refuse plainly rather than guess at its schema."""
    try:
        async with _file_lock(db.file), db.engine.begin() as connection:
            if db.is_sqlite:
                # Python's sqlite3 opens a transaction only before INSERT/UPDATE/DELETE, so each CREATE,
                # ALTER and DROP committed on its own: a migration failing half-way (a full disk while
                # the padrón in use is copied, a kill -9) left renamed tables behind and every later
                # start failing. Opened here, the transaction holds the whole upgrade (SQLite's DDL is
                # transactional); the sqlite3 module then begins nothing more, and commits it at the end.
                await connection.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                await connection.execute(text(_PG_LOCK))  # held until this transaction ends
            await connection.run_sync(_upgrade, alembic_config(), revision)
    except (CommandError, SQLAlchemyError) as exc:
        current = await current_revision(db)
        known = {script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
        if current is not None and current not in known:
            raise MigrationError(
                f"La base de datos está en la versión «{current}», que esta versión de clientes-bot no conoce "
                "(¿la actualizó una versión más nueva?). Use esa versión o una posterior; no se cambió nada."
            ) from exc
        raise MigrationError(
            f"No se pudo actualizar el esquema de la base de datos; no se cambió nada. Detalle técnico: {exc}"
        ) from exc


def _open_folder(database: Path) -> int:
    return os.open(database.resolve().parent, os.O_RDONLY)


@contextlib.asynccontextmanager
async def _file_lock(database: Path | None) -> AsyncIterator[None]:
    """An exclusive lock on the database's folder while migrating: no extra file to create (or to keep
    private), and every process opening that database agrees on it. Nothing for a database without a
    file (in memory: one process only)."""
    if database is None:
        yield
        return
    fd = _open_folder(database)
    try:
        await asyncio.to_thread(fcntl.flock, fd, fcntl.LOCK_EX)  # blocks a thread, not the event loop
        yield
    finally:
        os.close(fd)  # releases the lock


async def require_current(db: Database) -> None:
    """Refuses a schema that is not this version's head (`run --no-migrate`): older means the migrate
    step of the deploy has not run yet; unknown means a newer clientes-bot migrated it."""
    current, head = await current_revision(db), head_revision()
    if current == head:
        return
    if current is None:
        raise MigrationError(
            "La base de datos no tiene tablas todavía y se pidió --no-migrate: ejecute antes "
            "`clientes-bot db upgrade` (el paso de migración del despliegue)."
        )
    known = {script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
    if current not in known:
        raise MigrationError(
            f"La base de datos está en la versión «{current}», que esta versión de clientes-bot no conoce "
            "(¿la actualizó una versión más nueva?). Use esa versión o una posterior; no se cambió nada."
        )
    raise MigrationError(
        f"El esquema de la base de datos está atrasado (versión «{current}», esta versión de clientes-bot "
        f"necesita «{head}») y se pidió --no-migrate: ejecute `clientes-bot db upgrade` antes de iniciar."
    )


def _current(connection: Any) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def current_revision(db: Database) -> str | None:
    async with db.engine.connect() as connection:
        return await connection.run_sync(_current)


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()
