"""`clientes-bot run`'s launcher with a Discord token the (fake) Discord refuses."""

from __future__ import annotations

import logging

import pytest

from bot.config import Settings
from bot.launcher import AdaptersStopped, run_adapters
from bot.runtime import Core
from commands.service import ClientService
from storage.crypto import SecretBox
from storage.db import Database
from tests.fakes.fake_discord import FAKE_TOKEN, FakeDiscord


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
