"""`clientes-bot` (also `python -m bot`): run the bot, the console, migrations and key management."""

from __future__ import annotations

import asyncio
import errno
import logging
import os
import sys
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.text import Text

from bot import cli_words
from bot.cli_words import SpanishCommand, SpanishGroup
from bot.config import Settings, SettingsError, load_settings
from bot.runtime import Core, build_core
from commands.texts import texts
from storage.crypto import SecretKeyError, generate_key

cli_words.install()
# Every group and command speaks Spanish, typer's own words included (bot/cli_words.py); with no
# sub-command a group shows its help instead of an error.
_GROUP: dict[str, Any] = {
    "cls": SpanishGroup,
    "no_args_is_help": True,
    "options_metavar": texts().cli_options_metavar,
    "subcommand_metavar": texts().cli_command_metavar,
}
_COMMAND: dict[str, Any] = {"cls": SpanishCommand, "options_metavar": texts().cli_options_metavar}
app = typer.Typer(help="clientes-bot: el registro de Clientes en Slack y Discord.", add_completion=False, **_GROUP)
db_app = typer.Typer(help="Base de datos: migraciones.", **_GROUP)
keys_app = typer.Typer(help="Claves de cifrado de contraseñas.", **_GROUP)
padron_app = typer.Typer(help="Padrón reducido del RUC de SUNAT (sin conexión).", **_GROUP)
app.add_typer(db_app, name="db")
app.add_typer(keys_app, name="keys")
app.add_typer(padron_app, name="padron")

err = Console(stderr=True, highlight=False)
log = logging.getLogger("bot")


def _setup_logging() -> None:
    """LOG_LEVEL on stderr, with every secret the settings hold masked in every line (bot/logs.py)."""
    from contextlib import suppress

    from bot.logs import register_settings, setup_logging

    setup_logging(console=err)
    with suppress(Exception):  # settings that do not load are reported by the command itself
        register_settings(Settings())


@app.callback()
def _every_command() -> None:
    """Logging is set up before any command runs, so `import`, `keys` and `db` log masked lines too."""
    _setup_logging()


def _settings() -> Settings:
    """The settings, or the Spanish list of bad variables and exit code 2 (never a traceback)."""
    try:
        return load_settings()
    except SettingsError as exc:
        err.print(Text(str(exc), style="red"))
        raise typer.Exit(2) from None


def _run(main: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
    from commands.errors import CoreError, StorageUnavailable
    from storage.migrate import MigrationError

    try:
        return asyncio.run(main())
    except SecretKeyError as exc:
        err.print(Text(str(exc), style="red"))
        raise typer.Exit(2) from None
    except (MigrationError, StorageUnavailable) as exc:
        err.print(Text(str(exc), style="red"))
        raise typer.Exit(3) from None
    except CoreError as exc:  # e.g. a command's own use of the core refused: its Spanish sentence
        err.print(Text(str(exc), style="red"))
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        raise typer.Exit(130) from None


# Why the database could not be opened, by the driver's own error: a wrong DATABASE_URL is not fixed by
# "trying again in a few seconds".
_OPEN_FAILURES = {
    "InvalidCatalogNameError": "la base de datos indicada no existe en el servidor",
    "InvalidAuthorizationSpecificationError": "el servidor rechazó el usuario",
    "InvalidPasswordError": "el servidor rechazó el usuario o la contraseña",
    "ConnectionRefusedError": "el servidor no acepta conexiones en ese host y puerto",
    "gaierror": "no se encontró el host",
    "TimeoutError": "el servidor no respondió a tiempo",
    "PermissionError": "sin permiso para abrir el archivo o su carpeta",
    "IsADirectoryError": "la ruta es una carpeta",
}


def _open_failure(exc: BaseException) -> str:
    seen: BaseException | None = exc
    while seen is not None:
        reason = _OPEN_FAILURES.get(type(seen).__name__)
        if reason:
            return reason
        text = str(seen)
        if "file is not a database" in text or "malformed" in text:
            return "el archivo no es una base de datos SQLite (o está dañado)"
        if "unable to open database file" in text:
            return "no se pudo abrir el archivo (revise la carpeta y los permisos)"
        seen = getattr(seen, "orig", None) or seen.__cause__
    return ""


def _storage_unavailable(exc: BaseException) -> typer.Exit:
    from commands.errors import StorageUnavailable

    reason = _open_failure(exc)
    if reason:
        err.print(Text(f"No se pudo abrir la base de datos de DATABASE_URL: {reason}.", style="red"))
    else:
        err.print(Text(f"{StorageUnavailable()} ({type(exc).__name__})", style="red"))
    return typer.Exit(3)


async def _with_core(
    body: Callable[[Core], Awaitable[Any]],
    *,
    settings: Settings | None = None,
    check_keys: bool = True,
    upgrade: bool = True,
) -> Any:
    """Runs `body` with the core; `check_keys` refuses keys that open none of the stored passwords;
    `upgrade=False` refuses a schema that is not at this version's head instead of migrating it."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        core = await build_core(settings or _settings(), check_keys=check_keys, upgrade=upgrade)
    except (SQLAlchemyError, OSError) as exc:
        raise _storage_unavailable(exc) from None
    try:
        return await body(core)
    finally:
        await core.close()


@app.command(**_COMMAND)
def run(
    no_migrate: bool = typer.Option(
        False,
        "--no-migrate",
        metavar="",
        show_default=False,
        help="No aplicar migraciones al iniciar (el despliegue ejecuta `clientes-bot db upgrade` aparte); "
        "si el esquema no está al día, no inicia.",
    ),
) -> None:
    """Inicia Slack y/o Discord según las credenciales presentes; sin ninguna, la consola."""
    settings = _settings()

    async def body(core: Core) -> None:
        from bot.launcher import AdaptersStopped, run_adapters

        try:
            await run_adapters(core)
        except AdaptersStopped as exc:
            err.print(Text(str(exc), style="red"))
            raise typer.Exit(1) from None

    if not settings.slack_enabled and not settings.discord_enabled:
        log.info("Sin credenciales de Slack ni Discord: se abre la consola.")
    _run(lambda: _with_core(body, settings=settings, upgrade=not no_migrate))


@app.command(**_COMMAND)
def console() -> None:
    """Abre la consola: los mismos comandos y formularios que en el chat."""

    async def body(core: Core) -> None:
        from bot.console.adapter import ConsoleAdapter

        await ConsoleAdapter(core.service).run()

    _run(lambda: _with_core(body))


@db_app.command("upgrade", **_COMMAND)
def db_upgrade() -> None:
    """Aplica las migraciones pendientes."""
    from storage import migrate

    async def body(core: Core) -> None:
        err.print(f"Base de datos en la versión {await migrate.current_revision(core.db)}.")

    _run(lambda: _with_core(body, check_keys=False))


@keys_app.command("generate", **_COMMAND)
def keys_generate() -> None:
    """Imprime una clave Fernet nueva para CLIENTES_SECRET_KEYS."""
    typer.echo(generate_key())


@keys_app.command("rotate", **_COMMAND)
def keys_rotate() -> None:
    """Vuelve a cifrar todas las contraseñas con la clave más nueva (la primera de la lista).

    Si alguna contraseña guardada no se puede descifrar, no cambia nada y dice cuáles son.
    """
    from storage.rotation import UnreadableSecrets, rotate_secrets

    async def body(core: Core) -> None:
        try:
            count = await rotate_secrets(core.db, core.box)
        except UnreadableSecrets as exc:
            err.print(Text(str(exc), style="red"))
            for label in exc.labels:
                err.print(Text(f"  - {label}"))
            raise typer.Exit(1) from None
        err.print(f"{count} contraseña(s) cifradas de nuevo con la clave más reciente.")

    # The rotation reads every stored token itself, so the sampled start-up check would only repeat it.
    _run(lambda: _with_core(body, check_keys=False))


@keys_app.command("check", **_COMMAND)
def keys_check() -> None:
    """Prueba las claves configuradas con todas las contraseñas guardadas (sin mostrar claves ni contraseñas).

    Sale con código 1 si alguna contraseña guardada no se puede descifrar, 2 si una clave está mal escrita.
    """
    from bot.runtime import configured_keys
    from storage.crypto import SecretBox
    from storage.db import async_url, is_sqlite

    settings = _settings()
    url = async_url(settings.database_url)
    local = is_sqlite(url) and url.database and not url.database.startswith(("file:", ":memory:"))
    if local and not Path(str(url.database)).exists():  # a check must not create the database it checks
        try:
            keys = configured_keys(settings)
            if keys:
                SecretBox(keys)  # still refuse a malformed key
        except SecretKeyError as exc:
            err.print(Text(str(exc), style="red"))
            raise typer.Exit(2) from None
        err.print(Text(f"La base de datos {url.database} no existe todavía: no hay contraseñas guardadas que probar."))
        return
    if _run(lambda: _check_keys(settings)):
        raise typer.Exit(1)


async def _check_keys(settings: Settings) -> bool:
    """Prints how many stored passwords each key opens; True when some open with none."""
    from sqlalchemy.exc import SQLAlchemyError

    from bot.runtime import configured_keys, key_source, local_keys
    from commands import clock
    from storage import keycheck, migrate
    from storage.crypto import SecretBox
    from storage.db import Database

    keys = configured_keys(settings)
    box = SecretBox(keys) if keys else None
    db = Database(settings.database_url)
    try:
        if await migrate.current_revision(db) is None:
            err.print("La base de datos aún no tiene tablas: no hay contraseñas guardadas que probar.")
            return False
        box = box or SecretBox(await local_keys(db, create=False))
        async with db.session() as session:
            report = await keycheck.scan(session, box, zone=clock.zone_of(settings.bot_timezone))
    except (SQLAlchemyError, OSError) as exc:
        raise _storage_unavailable(exc) from None
    finally:
        await db.dispose()
    err.print(f"{box.key_count} clave(s) en {key_source(settings)}; {report.checked} contraseña(s) guardadas.")
    for position, opened in enumerate(report.opened, start=1):
        newest = " (la más nueva: cifra las contraseñas nuevas)" if position == 1 else ""
        err.print(f"  Clave {position}{newest}: descifra {opened}.")
    if report.unreadable:
        err.print(
            Text(
                f"{len(report.unreadable)} contraseña(s) no se pueden descifrar con ninguna clave: agregue a "
                f"{key_source(settings)} la clave con la que se cifraron.",
                style="red",
            )
        )
        for label in report.unreadable:
            err.print(Text(f"  - {label}"))
        return True
    err.print("Todas las contraseñas guardadas se pueden descifrar.")
    return False


@app.command("export", **_COMMAND)
def export(
    output: str = typer.Option(
        "-", "--output", "-o", metavar="ARCHIVO", show_default=False, help="Archivo (por defecto, la salida)."
    ),
    format_: str | None = typer.Option(
        None,
        "--format",
        "-f",
        metavar="FORMATO",
        show_default=False,
        help="json, csv o xlsx (por defecto, la extensión del archivo; si no, json).",
    ),
) -> None:
    """Exporta los clientes vivos a JSON, CSV o Excel (sin contraseñas)."""
    from commands.access import Actor
    from commands.transfer import ExportFormatError, export_bytes, export_format, export_records

    try:
        chosen = export_format(format_, output)
    except ExportFormatError as exc:
        err.print(Text(str(exc), style="red"))
        raise typer.Exit(2) from None

    async def body(core: Core) -> None:
        actor = Actor("console", "export")
        records = [record async for record in export_records(core.service, actor)]
        _write_private(output, export_bytes(records, chosen))
        err.print(f"{len(records)} cliente(s) exportados.")

    # Exporting needs no password, so a key problem must not stand between an operator and a backup.
    _run(lambda: _with_core(body, check_keys=False))


_OS_ERRORS = {
    errno.ENOENT: "la carpeta no existe",
    errno.EACCES: "sin permiso de escritura",
    errno.EISDIR: "es una carpeta",
    errno.ENOSPC: "no queda espacio en el disco",
}
_READ_ERRORS = {
    errno.ENOENT: "el archivo no existe",
    errno.EACCES: "sin permiso de lectura",
    errno.EISDIR: "es una carpeta",
}


def _write_private(path: str, data: bytes) -> None:
    """Writes the export; a new file is created 0600 like the database: it holds the clients' personal
    data (documents, phones, emails), if no passwords."""
    if path == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    except OSError as exc:
        reason = _OS_ERRORS.get(exc.errno or 0, f"error del sistema {exc.errno}")
        err.print(Text(f"No se pudo escribir «{path}»: {reason}.", style="red"))
        raise typer.Exit(2) from None


@app.command("import", **_COMMAND)
def import_(
    path: str = typer.Argument(
        ...,
        metavar="ARCHIVO",
        show_default=False,
        help="Archivo JSON (de `clientes-bot export`), CSV o Excel (.xlsx) con una fila por cliente («-»: la entrada).",
    ),
) -> None:
    """Importa clientes; cada registro o fila se valida como un formulario y los errores se listan."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from commands.access import Actor
    from commands.transfer import ImportFileError, import_file, read_import

    try:
        if path == "-":
            loaded = read_import("", sys.stdin.buffer.read())
        else:
            with open(path, "rb") as handle:
                loaded = read_import(path, handle.read())
    except OSError as exc:
        reason = _READ_ERRORS.get(exc.errno or 0, f"error del sistema {exc.errno}")
        err.print(Text(f"No se pudo leer «{path}»: {reason}.", style="red"))
        raise typer.Exit(2) from None
    except ImportFileError as exc:
        err.print(Text(str(exc), style="red"))
        raise typer.Exit(2) from None
    if loaded.ignored:
        err.print(Text("Columnas no reconocidas (se ignoran): " + ", ".join(loaded.ignored), style="yellow"))

    async def body(core: Core) -> None:
        columns = (
            TextColumn("Importando"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeRemainingColumn(),
        )
        with Progress(*columns, console=err, transient=True) as progress:
            task = progress.add_task("Importando", total=len(loaded.records), rate="")

            def advance(done: int) -> None:
                progress.advance(task, done)
                speed = progress.tasks[0].speed
                progress.update(task, rate=f"{speed:,.0f} clientes/s" if speed else "")

            report = await import_file(core.service, Actor("console", "import"), loaded, advance)
        for problem in report.problems:
            err.print(Text(problem, style="yellow"))
        err.print(
            f"{report.created} cliente(s) creados, {report.already} ya importados antes, {report.skipped} omitidos."
        )
        if report.skipped:
            raise typer.Exit(1)

    _run(lambda: _with_core(body))


@padron_app.command("import", **_COMMAND)
def padron_import(
    path: Path = typer.Argument(
        ..., metavar="ARCHIVO", show_default=False, help="padron_reducido_ruc.zip de SUNAT, o el .txt que contiene."
    ),
    fecha: str | None = typer.Option(
        None,
        "--fecha",
        metavar="AAAA-MM-DD",
        show_default=False,
        help="Fecha del padrón; por defecto, la del archivo dentro del .zip.",
    ),
) -> None:
    """Carga el padrón reducido del RUC; la carga anterior sigue en uso hasta que la nueva termina.

    Las líneas mal formadas se omiten y se listan por número; de un RUC repetido queda la última línea.
    """
    from datetime import date

    from bot.padron_cli import run_import
    from commands.texts import texts

    when = None
    if fecha is not None:
        try:
            when = date.fromisoformat(fecha)
        except ValueError:
            err.print(Text(texts().padron_bad_fecha(fecha), style="red"))
            raise typer.Exit(2) from None

    _run(lambda: _with_core(lambda core: run_import(core, path, when, err), check_keys=False))


@padron_app.command("check", **_COMMAND)
def padron_check() -> None:
    """Lista los clientes con RUC cuyo nombre o estado difiere del último padrón cargado.

    Sale con código 0 si ninguno difiere, 1 si alguno difiere, 2 si aún no se cargó el padrón,
    3 si la base de datos no está disponible.
    """
    from bot.padron_cli import run_check

    if _run(lambda: _with_core(lambda core: run_check(core, err), check_keys=False)):
        raise typer.Exit(1)


@app.command("slack-manifest", **_COMMAND)
def slack_manifest(
    http_url: str | None = typer.Option(
        None, "--http-url", metavar="URL", help="URL pública para el modo HTTP (…/slack/events); sin ella, Socket Mode."
    ),
    name: str = typer.Option("Clientes", metavar="NOMBRE", help="Nombre de la app en Slack."),
) -> None:
    """Imprime el manifiesto de la app de Slack (JSON) para crearla pegándolo en api.slack.com/apps."""
    import json

    from bot.slack.manifest import build_manifest

    manifest = build_manifest(socket_mode=http_url is None, request_url=http_url, name=name)
    typer.echo(json.dumps(manifest, indent=2, ensure_ascii=False))


@app.command("discord-invite", **_COMMAND)
def discord_invite(
    client_id: str | None = typer.Option(
        None,
        "--client-id",
        metavar="ID",
        help="El «Application ID» de la aplicación de Discord; por defecto se deduce de DISCORD_BOT_TOKEN.",
    ),
) -> None:
    """Imprime la URL OAuth2 para invitar el bot a un servidor con los permisos justos."""
    from bot.discord.invite import invite_url

    resolved = client_id or _application_id_from_token(_settings())
    if not resolved:
        err.print("[red]Indique --client-id o defina DISCORD_BOT_TOKEN.[/red]")
        raise typer.Exit(2)
    typer.echo(invite_url(resolved))


def _application_id_from_token(settings: Settings) -> str | None:
    """A bot token's first segment is the bot user's id in base64, which is also the application id."""
    import base64
    import binascii

    if not settings.discord_bot_token:
        return None
    head = settings.discord_bot_token.get_secret_value().split(".", 1)[0]
    try:
        decoded = base64.b64decode(head + "=" * (-len(head) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    return decoded if decoded.isdigit() else None


def main() -> None:
    app(prog_name="clientes-bot")


if __name__ == "__main__":
    main()
