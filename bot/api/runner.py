"""Serves the HTTP API on API_PORT until cancelled (started by `clientes-bot run` when API_TOKEN is set)."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web

from bot.api.server import build_api
from bot.runtime import Core

log = logging.getLogger(__name__)

HOST = "0.0.0.0"  # flows run on other machines; put it behind TLS (a reverse proxy) in production


async def run_api(core: Core, *, host: str = HOST) -> None:
    token = core.settings.api_token
    if token is None:
        return
    runner = web.AppRunner(build_api(core.service, token.get_secret_value()), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, core.settings.api_port).start()
    log.info("API HTTP escuchando en el puerto %s", core.settings.api_port)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
