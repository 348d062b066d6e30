"""`clientes-bot` (also `python -m bot`): run the bot, the console, migrations and key management."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import typer
from rich.console import Console
from rich.logging import RichHandler
from rich.text import Text

from bot.config import Settings
from bot.runtime import Core, build_core, secret_keys
from storage.crypto import SecretBox, SecretKeyError, generate_key

app = typer.Typer(
    help="clientes-bot: el registro de Clientes en Slack y Discord.", no_args_is_help=False, add_completion=False
)
db_app = typer.Typer(help="Base de datos: migraciones.")
keys_app = typer.Typer(help="Claves de cifrado de contraseñas.")
app.add_typer(db_app, name="db")
app.add_typer(keys_app, name="keys")

err = Console(stderr=True, highlight=False)
log = logging.getLogger("bot")


def _setup_logging() -> None:
    logging.basicConfig(
        level=logging.INFO,
        format="%(message)s",
        datefmt="[%X]",
        handlers=[RichHandler(console=err, show_path=False, rich_tracebacks=False)],
    )
    for noisy in ("discord.gateway", "discord.client", "aiohttp.access", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _run(main: Callable[[], Awaitable[Any]]) -> Any:
    try:
        return asyncio.run(main())
    except SecretKeyError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    except KeyboardInterrupt:
        raise typer.Exit(130) from None


async def _with_core(body: Callable[[Core], Awaitable[Any]], *, upgrade: bool = True) -> Any:
    from sqlalchemy.exc import SQLAlchemyError

    from commands.errors import StorageUnavailable

    try:
        core = await build_core(Settings(), upgrade=upgrade)
    except (SQLAlchemyError, OSError) as exc:
        err.print(f"[red]{StorageUnavailable()}[/red] ({type(exc).__name__})")
        raise typer.Exit(3) from None
    try:
        return await body(core)
    finally:
        await core.close()


@app.command()
def run() -> None:
    """Inicia Slack y/o Discord según las credenciales presentes; sin ninguna, la consola."""
    _setup_logging()
    settings = Settings()

    async def body(core: Core) -> None:
        from bot.launcher import AdaptersStopped, run_adapters

        try:
            await run_adapters(core)
        except AdaptersStopped as exc:
            err.print(f"[red]{exc}[/red]")
            raise typer.Exit(1) from None

    if not settings.slack_enabled and not settings.discord_enabled:
        log.info("Sin credenciales de Slack ni Discord: se abre la consola.")
    _run(lambda: _with_core(body))


@app.command()
def console() -> None:
    """Abre la consola: los mismos comandos y formularios que en el chat."""
    _setup_logging()

    async def body(core: Core) -> None:
        from bot.console.adapter import ConsoleAdapter

        await ConsoleAdapter(core.service).run()

    _run(lambda: _with_core(body))


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Aplica las migraciones pendientes."""
    from storage import migrate

    async def body(core: Core) -> None:
        err.print(f"Base de datos en la versión {await migrate.current_revision(core.db)}.")

    _run(lambda: _with_core(body))


@keys_app.command("generate")
def keys_generate() -> None:
    """Imprime una clave Fernet nueva para CLIENTES_SECRET_KEYS."""
    typer.echo(generate_key())


@keys_app.command("rotate")
def keys_rotate() -> None:
    """Vuelve a cifrar todas las contraseñas con la clave más nueva (la primera de la lista)."""
    from storage.rotation import rotate_secrets

    async def body(core: Core) -> None:
        count = await rotate_secrets(core.db, core.box)
        err.print(f"{count} contraseña(s) cifradas de nuevo con la clave más reciente.")

    _run(lambda: _with_core(body))


@keys_app.command("check")
def keys_check() -> None:
    """Comprueba que las claves configuradas son válidas (sin mostrarlas)."""
    box = SecretBox(secret_keys(Settings()))
    err.print(f"{box.key_count} clave(s) válidas.")


@app.command("export")
def export(
    output: typer.FileTextWrite = typer.Option("-", "--output", "-o", help="Archivo JSON (por defecto, la salida)."),
) -> None:
    """Exporta los clientes vivos a JSON (sin contraseñas)."""
    import json

    from commands.access import Actor
    from commands.transfer import export_records

    async def body(core: Core) -> None:
        actor = Actor("console", "export")
        records = [record async for record in export_records(core.service, actor)]
        json.dump(records, output, ensure_ascii=False, indent=2)
        output.write("\n")
        err.print(f"{len(records)} cliente(s) exportados.")

    _run(lambda: _with_core(body))


@app.command("import")
def import_(path: typer.FileBinaryRead = typer.Argument(..., help="Archivo JSON de `clientes-bot export`.")) -> None:
    """Importa clientes desde JSON; cada registro se valida como un formulario y los errores se listan."""
    from rich.progress import Progress

    from commands.access import Actor
    from commands.transfer import ImportFileError, import_records, load_records

    try:
        records = load_records(path)
    except ImportFileError as exc:
        err.print(Text(str(exc), style="red"))
        raise typer.Exit(2) from None

    async def body(core: Core) -> None:
        with Progress(console=err, transient=True) as progress:
            task = progress.add_task("Importando", total=len(records))
            report = await import_records(
                core.service, Actor("console", "import"), records, lambda: progress.advance(task)
            )
        for problem in report.problems:
            err.print(Text(problem, style="yellow"))
        err.print(
            f"{report.created} cliente(s) creados, {report.already} ya importados antes, {report.skipped} omitidos."
        )
        if report.skipped:
            raise typer.Exit(1)

    _run(lambda: _with_core(body))


@app.command("slack-manifest")
def slack_manifest(
    http_url: str | None = typer.Option(
        None, "--http-url", help="URL pública para el modo HTTP (…/slack/events); sin ella, Socket Mode."
    ),
    name: str = typer.Option("Clientes", help="Nombre de la app en Slack."),
) -> None:
    """Imprime el manifiesto de la app de Slack (JSON) para crearla pegándolo en api.slack.com/apps."""
    import json

    from bot.slack.manifest import build_manifest

    manifest = build_manifest(socket_mode=http_url is None, request_url=http_url, name=name)
    typer.echo(json.dumps(manifest, indent=2, ensure_ascii=False))


@app.command("discord-invite")
def discord_invite(
    client_id: str | None = typer.Option(
        None, "--client-id", help="Application ID; por defecto se deduce de DISCORD_BOT_TOKEN."
    ),
) -> None:
    """Imprime la URL OAuth2 para invitar el bot a un servidor con los permisos justos."""
    from bot.discord.invite import invite_url

    resolved = client_id or _application_id_from_token(Settings())
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
    sys.exit(main())
