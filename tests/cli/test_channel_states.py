"""`clientes-bot console` built the way every process is (bot.runtime.build_core): with no Slack or
Discord credentials, a client's channels cannot be created here and the card says so instead of
"pendiente" forever (issue 11)."""

from __future__ import annotations

from pathlib import Path

from commands.access import Actor
from commands.service import ClientService
from storage.crypto import generate_key
from storage.db import Database
from tests.cli_runner import cli_env, no_traceback, run_cli


async def test_console_says_which_platform_is_not_configured(
    service: ClientService, ana: Actor, db: Database, tmp_path: Path
) -> None:
    card = await service.create(
        ana,
        {"doc_number": "12345678", "name": "Ana Ruiz"},
        integrations={"slack_channel": "acme", "discord_channel": "acme-dc"},
    )
    env = cli_env(DATABASE_URL=db.url.render_as_string(hide_password=False), CLIENTES_SECRET_KEYS=generate_key())
    result = run_cli(["console"], env=env, cwd=tmp_path, input=f"ver #{card.id}\n")
    no_traceback(result)
    assert result.code == 0, result.stdout + result.stderr
    assert "#acme (Slack no está configurado)" in result.stdout
    assert "#acme-dc (Discord no está configurado)" in result.stdout
    assert "pendiente" not in result.stdout
