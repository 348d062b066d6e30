"""Schema migrations with alembic, driven from our async engine (no alembic.ini to keep in sync)."""

from __future__ import annotations

from importlib import resources
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError

from storage.db import Database


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
        async with db.engine.begin() as connection:
            await connection.run_sync(_upgrade, alembic_config(), revision)
    except CommandError as exc:
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


def _current(connection: Any) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def current_revision(db: Database) -> str | None:
    async with db.engine.connect() as connection:
        return await connection.run_sync(_current)


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()
