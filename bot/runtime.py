"""Builds the shared core (database, secret box, service) that every adapter of a process uses."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from bot.config import Settings
from commands.access import AccessPolicy
from commands.service import ClientService
from storage import migrate
from storage.crypto import SecretBox, SecretKeyError, load_or_create_key_file, parse_keys
from storage.db import DEFAULT_DATABASE_URL, Database, async_url

log = logging.getLogger(__name__)

KEY_FILE = Path("data/secret.key")


@dataclass
class Core:
    settings: Settings
    db: Database
    box: SecretBox
    service: ClientService

    async def close(self) -> None:
        await self.db.dispose()


def secret_keys(settings: Settings, *, announce: bool = True) -> list[str]:
    """Keys from CLIENTES_SECRET_KEYS, or the local key file for the default SQLite database only.

    A shared database (PostgreSQL, or any non-default URL) needs every process to hold the same keys,
    so we refuse to invent one there.
    """
    keys = parse_keys(settings.clientes_secret_keys.get_secret_value() if settings.clientes_secret_keys else None)
    if keys:
        return keys
    if async_url(settings.database_url) != async_url(DEFAULT_DATABASE_URL):
        raise SecretKeyError(
            "Falta CLIENTES_SECRET_KEYS: con una base de datos distinta de la SQLite local todos los "
            "procesos deben compartir las claves. Genere una con `clientes-bot keys generate`."
        )
    keys, created = load_or_create_key_file(KEY_FILE)
    if created and announce:
        log.warning(
            "Se generó una clave de cifrado nueva en %s (permisos 0600). Guárdela: sin ella las "
            "contraseñas de servidores no se pueden leer.",
            KEY_FILE,
        )
    return keys


def policy_from(settings: Settings) -> AccessPolicy:
    return AccessPolicy(
        viewers=settings.clientes_viewers,
        editors=settings.clientes_editors,
        admins=settings.clientes_admins,
        secret_viewers=settings.clientes_secret_viewers,
    )


async def build_core(settings: Settings, *, upgrade: bool = True) -> Core:
    box = SecretBox(secret_keys(settings))
    db = Database(settings.database_url)
    if upgrade:
        await migrate.upgrade(db)
    return Core(settings, db, box, ClientService(db, box, policy_from(settings)))
