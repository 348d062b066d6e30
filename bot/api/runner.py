"""Serves the HTTP API on API_PORT until cancelled (started by `clientes-bot run` when API_TOKEN is set)."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web

from bot.api.server import build_api
from bot.health import Health
from bot.runtime import Core

log = logging.getLogger(__name__)

HOST = "0.0.0.0"  # flows run on other machines; put it behind TLS (a reverse proxy) in production


#: After SIGTERM, requests in flight get this long to finish (the listening socket closes at once).
SHUTDOWN_TIMEOUT = 8.0


async def run_api(core: Core, *, host: str = HOST, health: Health | None = None) -> None:
    token = core.settings.api_token
    if token is None:
        return
    app = build_api(core.service, token.get_secret_value(), health)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=SHUTDOWN_TIMEOUT)
    await runner.setup()
    await web.TCPSite(runner, host, core.settings.api_port).start()
    log.info("API HTTP escuchando en el puerto %s", core.settings.api_port)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
