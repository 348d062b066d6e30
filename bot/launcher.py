"""Starts every adapter whose credentials are configured, side by side in one process, plus the outbox
worker that creates clients' channels on the platforms that came up and, with API_TOKEN, the HTTP API
for onboarding flows.

An adapter that stops (a revoked token, a refused app token) is reported in Spanish and the others go
on serving; when every adapter has stopped the process exits with an error, so a supervisor restarts it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Coroutine
from typing import Any

from bot.runtime import Core
from commands.outbox import OutboxWorker

log = logging.getLogger(__name__)


class AdaptersStopped(RuntimeError):
    """Every chat adapter stopped; the message says so in Spanish."""


async def _supervised(name: str, adapter: Coroutine[Any, Any, None]) -> None:
    try:
        await adapter
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        log.error("%s se detuvo: %s: %s", name, type(exc).__name__, exc)


async def run_adapters(core: Core) -> None:
    settings = core.settings
    worker = OutboxWorker(core.db, {})
    core.service.on_outbox = worker.notify
    adapters: dict[str, Coroutine[Any, Any, None]] = {}
    if settings.slack_enabled:
        from bot.slack.runner import run_slack

        adapters["Slack"] = run_slack(core, worker)
    elif settings.slack_bot_token:
        log.warning(
            "SLACK_BOT_TOKEN está definido pero falta %s: Slack no se inicia.",
            "SLACK_SIGNING_SECRET" if settings.slack_mode == "http" else "SLACK_APP_TOKEN",
        )
    if settings.discord_enabled:
        from bot.discord.runner import run_discord

        adapters["Discord"] = run_discord(core, worker)
    if not adapters:
        from bot.console.adapter import ConsoleAdapter

        await ConsoleAdapter(core.service).run()
        return
    services = [asyncio.create_task(_supervised("El trabajador de canales", worker.run()), name="outbox")]
    if settings.api_token:
        from bot.api.runner import run_api

        services.append(asyncio.create_task(_supervised("La API HTTP", run_api(core)), name="api"))
    running = [asyncio.create_task(_supervised(name, coro), name=name) for name, coro in adapters.items()]
    main, stopping = asyncio.current_task(), asyncio.Event()

    def stop() -> None:  # SIGTERM: the worker hands its job back first, then the adapters close
        stopping.set()
        for task in services:
            task.cancel()
        if main is not None:
            main.cancel()

    loop = asyncio.get_running_loop()
    with contextlib.suppress(NotImplementedError, RuntimeError):
        loop.add_signal_handler(signal.SIGTERM, stop)
    try:
        await asyncio.gather(*running)
    except asyncio.CancelledError:
        if not stopping.is_set():
            raise
        log.info("Señal de parada recibida: el bot se detiene.")
        return
    finally:
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.remove_signal_handler(signal.SIGTERM)
        for task in services:
            task.cancel()
        await asyncio.gather(*services, return_exceptions=True)
    raise AdaptersStopped("Ningún adaptador de chat sigue activo; revise las credenciales y el registro.")
