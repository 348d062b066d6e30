"""Builds the shared core (database, secret box, service) that every adapter of a process uses."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from bot.config import Settings
from commands import clock, texts
from commands.access import AccessPolicy
from commands.notices import AuditChannels
from commands.service import ClientService
from storage import keycheck, migrate
from storage.crypto import KEYS_VARIABLE, SecretBox, SecretKeyError, create_key_file, parse_keys, read_key_file
from storage.db import DEFAULT_DATABASE_URL, Database, async_url, loose_mode

log = logging.getLogger(__name__)

KEY_FILE = Path("data/secret.key")


@dataclass
class Core:
    settings: Settings
    db: Database
    box: SecretBox
    service: ClientService
    #: Where each chat adapter stands, by name ("Discord": "standby" | "connecting" | "connected" | "stopped"),
    #: kept by the launcher: a standby Discord process is healthy but serves nothing on Discord.
    adapter_states: dict[str, str] = field(default_factory=dict)

    async def close(self) -> None:
        await self.db.dispose()


def configured_keys(settings: Settings) -> list[str]:
    """Keys from CLIENTES_SECRET_KEYS; none is only acceptable for the default SQLite database.

    A shared database (PostgreSQL, or any non-default URL) needs every process to hold the same keys,
    so we refuse to invent one there.
    """
    keys = parse_keys(settings.clientes_secret_keys.get_secret_value() if settings.clientes_secret_keys else None)
    if not keys and not uses_local_key_file(settings):
        raise SecretKeyError(
            f"Falta {KEYS_VARIABLE}: con una base de datos distinta de la SQLite local todos los "
            "procesos deben compartir las claves. Genere una con `clientes-bot keys generate`."
        )
    return keys


def uses_local_key_file(settings: Settings) -> bool:
    has_keys = settings.clientes_secret_keys and parse_keys(settings.clientes_secret_keys.get_secret_value())
    return not has_keys and async_url(settings.database_url) == async_url(DEFAULT_DATABASE_URL)


def key_source(settings: Settings) -> str:
    """How messages name where the keys came from."""
    return f"el archivo de claves {KEY_FILE}" if uses_local_key_file(settings) else KEYS_VARIABLE


async def local_keys(db: Database, *, create: bool = True) -> list[str]:
    """The default SQLite install's key file; a new key only for a database that holds no password yet.

    With passwords already stored, a fresh key could read none of them and would encrypt new ones under
    a key nobody else has: the file must be restored instead.
    """
    keys = read_key_file(KEY_FILE)
    if keys == []:
        raise SecretKeyError(f"El archivo de claves {KEY_FILE} está vacío: restáurelo o defina {KEYS_VARIABLE}.")
    if keys is not None:
        return keys
    async with db.session() as session:
        stored = await keycheck.has_stored_secrets(session)
    if stored or not create:
        raise SecretKeyError(
            f"Falta el archivo de claves {KEY_FILE}"
            + (" y la base de datos ya tiene contraseñas cifradas" if stored else "")
            + f": restáurelo o defina {KEYS_VARIABLE}."
            + (" No se genera una clave nueva porque no podría leerlas." if stored else "")
        )
    keys = create_key_file(KEY_FILE)
    log.warning(
        "Se generó una clave de cifrado nueva en %s (permisos 0600). Guárdela: sin ella las "
        "contraseñas de servidores no se pueden leer.",
        KEY_FILE,
    )
    return keys


async def verify_keys(db: Database, box: SecretBox, source: str) -> None:
    """Refuses a key that opens none of a sample of the stored secrets, and warns when some stay shut.

    Starting anyway would encrypt every new password under the wrong key, mixing two keys in one
    database; refusing costs one clear message.
    """
    async with db.session() as session:
        report = await keycheck.scan(session, box, sample=keycheck.START_SAMPLE)
    if report.checked and not report.readable:
        raise SecretKeyError(
            f"Ninguna clave de {source} descifra las contraseñas guardadas (se probaron {report.checked}): no es "
            "la clave de esta base de datos. No se inició, para no cifrar contraseñas nuevas con una clave "
            f"equivocada. Configure la clave correcta y compruébelo con `clientes-bot keys check`."
        )
    if report.unreadable:
        log.warning(
            "%d de %d contraseñas revisadas no se pueden descifrar con %s (¿una rotación a medias o una "
            "clave retirada antes de tiempo?): ejecute `clientes-bot keys check`.",
            len(report.unreadable),
            report.checked,
            source,
        )


def warn_loose_files(db: Database, settings: Settings) -> None:
    """Warns about a database or key file others may read (made by a version that did not create them
    private, or copied with a loose mode): it holds every client's data, or the key to the passwords."""
    files = [db.file] + ([KEY_FILE] if uses_local_key_file(settings) else [])
    for path in files:
        mode = loose_mode(path) if path is not None else None
        if mode is not None:
            log.warning(
                "%s tiene permisos %s: otros usuarios del sistema pueden leerlo. Corríjalo con `chmod 600 %s`.",
                path,
                f"{mode:04o}",
                path,
            )


def audit_channels_from(settings: Settings) -> AuditChannels:
    return AuditChannels(settings.audit_slack_channel, settings.audit_discord_channel_id)


def policy_from(settings: Settings) -> AccessPolicy:
    return AccessPolicy(
        viewers=settings.clientes_viewers,
        editors=settings.clientes_editors,
        admins=settings.clientes_admins,
        secret_viewers=settings.clientes_secret_viewers,
    )


async def build_core(settings: Settings, *, upgrade: bool = True, check_keys: bool = True) -> Core:
    """The core; with `check_keys`, only once the keys are shown to open what is already stored.

    `upgrade=False` (`run --no-migrate`, for deploys that migrate in a step of their own) refuses a
    schema that is not exactly this version's instead of running against it."""
    keys = configured_keys(settings)
    box = SecretBox(keys) if keys else None  # a malformed key is refused before the database is touched
    texts.select(settings.bot_locale)  # the catalogue every sentence of every adapter comes from
    clock.configure(settings.bot_timezone)  # the zone every time shown is in
    db = Database(settings.database_url, pool_size=settings.db_pool_size, max_overflow=settings.db_max_overflow)
    try:
        if upgrade:
            await migrate.upgrade(db)
        else:
            await migrate.require_current(db)
        if box is None:
            box = SecretBox(await local_keys(db))
        if check_keys:
            await verify_keys(db, box, key_source(settings))
        warn_loose_files(db, settings)
    except BaseException:
        await db.dispose()
        raise
    service = ClientService(db, box, policy_from(settings), audit_channels_from(settings))
    service.configured_platforms = configured_platforms(settings)
    return Core(settings, db, box, service)


def configured_platforms(settings: Settings) -> frozenset[str]:
    """The chats this process has credentials for: a channel of any other is shown as not configured."""
    enabled = {"slack": settings.slack_enabled, "discord": settings.discord_enabled}
    return frozenset(platform for platform, on in enabled.items() if on)
