"""`run_discord(core, worker)`: what `clientes-bot run` starts when DISCORD_BOT_TOKEN is set.

`client.start` is `login` + `connect`; they are split so the outbox worker gets the Discord
provisioner as soon as REST works (after login), without waiting for the gateway."""

from __future__ import annotations

import logging

import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot import metrics
from bot.config import Settings
from bot.discord.client import ClientesBot
from bot.discord.messenger import DiscordMessenger
from bot.discord.provisioner import DiscordProvisioner
from bot.runtime import Core
from commands.outbox import OutboxWorker

log = logging.getLogger(__name__)


def configure_endpoints(settings: Settings) -> None:
    """REST and gateway proxies (and the tests' fake). Both are class attributes read when a request
    is built / the websocket connects, so they must be set before login. A plain `Client` never asks
    `/gateway/bot` for its URL, hence DEFAULT_GATEWAY."""
    if settings.discord_api_base_url:
        Route.BASE = settings.discord_api_base_url.rstrip("/")
    if settings.discord_gateway_url:
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url)


async def run_discord(core: Core, worker: OutboxWorker | None = None) -> None:
    """Connects and serves until cancelled; closes the client on the way out."""
    token = core.settings.discord_bot_token
    if token is None:
        raise RuntimeError("DISCORD_BOT_TOKEN no está definido")
    configure_endpoints(core.settings)
    async with ClientesBot(core) as client:
        log.info("Conectando con Discord…")
        metrics.adapter_probe("discord", client.connection_state)
        await client.login(token.get_secret_value())
        if worker is not None:  # REST works from here on: clients' channels can be created
            worker.add(DiscordProvisioner(client, core.settings))
            worker.add_messenger(DiscordMessenger(client))
        try:
            await client.connect()
        finally:
            metrics.adapter_probe("discord", None)
            if worker is not None:  # a closed client cannot serve jobs; they wait for the next start
                worker.provisioners.pop("discord", None)
                worker.messengers.pop("discord", None)
