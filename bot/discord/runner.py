"""`run_discord(core, worker)`: what `clientes-bot run` starts when DISCORD_BOT_TOKEN is set.

Only the process holding the token's gateway lock connects (`standby`): the others wait, answering
nothing, and one of them connects within seconds when the holder stops. With DISCORD_SHARD_COUNT the
client is an `AutoShardedClient` for this process's shards, each shard a lock of its own. `on_state`
tells the launcher where this process stands: "standby", "connecting", "connected", "stopped".

`client.start` is `login` + `connect`; they are split so the outbox worker gets the Discord
provisioner as soon as REST works (after login), without waiting for the gateway."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot import metrics
from bot.config import Settings
from bot.discord.client import ClientesBot, ShardedClientesBot
from bot.discord.messenger import DiscordMessenger
from bot.discord.provisioner import DiscordProvisioner
from bot.discord.standby import LockLost, acquire, gateway_lock, hold
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


def _ignore(_state: str) -> None:
    return None


async def run_discord(
    core: Core, worker: OutboxWorker | None = None, on_state: Callable[[str], None] = _ignore
) -> None:
    """Stands by until this process holds the gateway lock, then connects and serves until cancelled;
    a lost lock disconnects and stands by again. Closes the client and lets the lock go on the way out."""
    token = core.settings.discord_bot_token
    if token is None:
        raise RuntimeError("DISCORD_BOT_TOKEN no está definido")
    configure_endpoints(core.settings)
    lock = gateway_lock(core.db, token.get_secret_value(), core.settings.discord_shards)
    try:
        while True:
            await acquire(lock, on_state)
            try:
                await hold(lock, _serve(core, token.get_secret_value(), worker, on_state))
                return
            except LockLost:
                on_state("standby")
    finally:
        on_state("stopped")
        await lock.release()


async def _serve(core: Core, token: str, worker: OutboxWorker | None, on_state: Callable[[str], None]) -> None:
    """Connects and serves until cancelled; closes the client on the way out."""
    on_state("connecting")
    shards = core.settings.discord_shards
    client = (
        ClientesBot(core)
        if shards is None
        else ShardedClientesBot(core, shard_count=core.settings.discord_shard_count, shard_ids=list(shards))
    )
    async with client:
        log.info("Conectando con Discord…")
        metrics.adapter_probe("discord", client.connection_state)
        await client.login(token)
        if worker is not None:  # REST works from here on: clients' channels can be created
            worker.add(DiscordProvisioner(client, core.settings))
            worker.add_messenger(DiscordMessenger(client))
        ready = asyncio.create_task(_report_ready(client, on_state))
        try:
            await client.connect()
        finally:
            metrics.adapter_probe("discord", None)
            ready.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await ready
            if worker is not None:  # a closed client cannot serve jobs; they wait for the next start
                worker.provisioners.pop("discord", None)
                worker.messengers.pop("discord", None)


async def _report_ready(client: ClientesBot, on_state: Callable[[str], None]) -> None:
    await client.wait_until_ready()
    on_state("connected")
