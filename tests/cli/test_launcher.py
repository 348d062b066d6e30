"""`clientes-bot run`'s launcher: a token the (fake) Discord refuses stops the process; any other stop
of an adapter restarts it."""

from __future__ import annotations

import asyncio
import logging

import discord
import pytest
from discord.gateway import DiscordWebSocket
from discord.http import Route
from slack_sdk.errors import SlackApiError

from bot import launcher
from bot.config import Settings
from bot.launcher import AdaptersStopped, run_adapters
from bot.runtime import Core
from commands.service import ClientService
from storage.crypto import SecretBox
from storage.db import Database
from tests.fakes.discord_payloads import slash_command
from tests.fakes.fake_discord import FAKE_TOKEN, GUILD_ID, FakeDiscord


async def test_a_refused_token_is_reported_and_the_process_stops(
    db: Database, box: SecretBox, caplog: pytest.LogCaptureFixture
) -> None:
    async with FakeDiscord(token=FAKE_TOKEN) as fake:
        with fake.patch_discord_py():
            settings = Settings(
                _env_file=None,  # type: ignore[call-arg]
                discord_bot_token="not-the-token-discord-knows",
                discord_api_base_url=fake.base_url,
                discord_gateway_url=fake.gateway_url,
            )
            with caplog.at_level(logging.ERROR, logger="bot.launcher"), pytest.raises(AdaptersStopped) as stopped:
                await run_adapters(Core(settings, db, box, ClientService(db, box)))
    assert "Ningún adaptador de chat sigue activo" in str(stopped.value)
    assert any("Discord se detuvo: LoginFailure" in r.getMessage() for r in caplog.records)


async def test_an_adapter_that_stops_is_restarted_and_serves_again(
    db: Database, box: SecretBox, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A gateway event discord.py cannot parse ends its connection (the error escapes `connect`); the
    launcher starts Discord again instead of letting the process exit, and the bot answers again."""
    monkeypatch.setattr(launcher, "RESTART_FIRST", 0.0)  # no real waiting in the test
    monkeypatch.setattr(Route, "BASE", Route.BASE)  # run_discord points them at the fake
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", DiscordWebSocket.DEFAULT_GATEWAY)
    async with FakeDiscord(token=FAKE_TOKEN) as fake:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            discord_bot_token=FAKE_TOKEN,
            discord_guild_ids=str(GUILD_ID),
            discord_api_base_url=fake.base_url,
            discord_gateway_url=fake.gateway_url,
        )
        with caplog.at_level(logging.INFO, logger="bot.launcher"):
            running = asyncio.create_task(run_adapters(Core(settings, db, box, ClientService(db, box))))
            try:
                await fake.wait_until_identified()
                await fake.dispatch("CHANNEL_CREATE", {"id": "1"})  # no "type": KeyError inside discord.py
                await fake.wait_until_identified(identifies=2)
                payload = slash_command("clientes", "ayuda", command_guild_id=GUILD_ID)
                await fake.dispatch("INTERACTION_CREATE", payload)
                await fake.wait_for_request("POST", rf"/interactions/{payload['id']}/.*/callback$")
                assert not running.done()
            finally:
                running.cancel()
                await asyncio.gather(running, return_exceptions=True)
    [restart] = [r.getMessage() for r in caplog.records if "se reinicia" in r.getMessage()]
    assert restart == "Discord se detuvo por un error inesperado (KeyError); se reinicia en 0 s."
    [answer] = fake.interaction_callbacks(int(payload["id"]))
    assert "/clientes ver <cliente>" in answer.content


@pytest.mark.parametrize(
    ("error", "final"),
    [
        (discord.LoginFailure("Improper token has been passed."), True),
        (discord.PrivilegedIntentsRequired(None), True),
        (SlackApiError("refused", {"ok": False, "error": "invalid_auth"}), True),
        (SlackApiError("refused", {"ok": False, "error": "token_revoked"}), True),
        (SlackApiError("busy", {"ok": False, "error": "ratelimited"}), False),
        (KeyError("roles"), False),
        (OSError("connection reset"), False),
    ],
)
def test_only_refused_credentials_are_final(error: Exception, final: bool) -> None:
    assert launcher.unrecoverable(error) is final


def test_a_shutdown_that_hangs_is_ended_by_the_watchdog(tmp_path) -> None:
    """After SIGTERM, something that never finishes closing (here a non-daemon thread that waits
    forever, which would keep the interpreter alive) cannot keep the process past the grace period."""
    import subprocess
    import sys
    import time

    script = (
        "import logging, sys, threading\n"
        "logging.basicConfig(level=logging.WARNING, stream=sys.stderr)\n"
        "from bot.launcher import exit_after\n"
        "threading.Thread(target=threading.Event().wait).start()\n"
        "exit_after(0.5)\n"
    )
    began = time.monotonic()
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=30, cwd=tmp_path)
    assert done.returncode == 0
    assert "no terminó 0.5 s después de la señal de parada; se fuerza la salida" in done.stderr
    assert time.monotonic() - began < 25  # without the watchdog the thread keeps it alive until the timeout
