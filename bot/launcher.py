"""Starts every adapter whose credentials are configured, side by side in one process, plus the outbox
worker that creates clients' channels on the platforms that came up and, with API_TOKEN, the HTTP API
for onboarding flows.

An adapter that stops for a reason retrying cannot fix (Discord or Slack refuses the token, or Discord
refuses the gateway intents: see `unrecoverable`) is reported in Spanish and the others go on serving;
when every adapter has stopped so, the process exits with an error (`AdaptersStopped`), so the operator
sees why instead of a restart loop hammering the platform with a bad token.

Any other stop (an input or a bug that escaped an adapter, a lost connection discord.py gave up on) is
restarted in place, after 1 s, 2 s, 4 s… up to a minute: one bad event must not take the other adapter,
the API and the outbox worker down with it. The delay goes back to 1 s once an adapter has run for
`STABLE_AFTER` seconds.

Discord connects in one process per token only (`bot.discord.standby`): in the others it stands by,
which is neither a stop nor an error. Each adapter's state ("standby", "connecting", "connected",
"stopped") is kept in `Core.adapter_states` and its changes are logged.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from bot import metrics
from bot.config import Settings
from bot.health import Health, health_app
from bot.runtime import Core
from commands.outbox import OutboxSettings, OutboxWorker

log = logging.getLogger(__name__)


RESTART_FIRST = 1.0  # seconds before the first restart of a stopped adapter
RESTART_MAX = 60.0
STABLE_AFTER = 300.0  # an adapter that ran this long restarts quickly again
#: After SIGTERM the outbox job is handed back within seconds; whatever still hangs after this long (a
#: platform connection that never finishes closing, a library thread) must not keep a deploy waiting.
SHUTDOWN_GRACE = 10.0

# Slack's answers to a token it will never accept (retrying only repeats them).
_SLACK_AUTH_ERRORS = frozenset(
    {"invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive", "not_allowed_token_type"}
)

Adapter = Callable[[], Coroutine[Any, Any, None]]


class AdaptersStopped(RuntimeError):
    """Every chat adapter stopped; the message says so in Spanish."""


def unrecoverable(exc: BaseException) -> bool:
    """Whether restarting cannot help: the platform refuses the credentials (by type, and by Slack's
    error code; never by parsing messages)."""
    import discord
    from slack_sdk.errors import SlackApiError

    if isinstance(exc, discord.LoginFailure | discord.PrivilegedIntentsRequired):
        return True
    return isinstance(exc, SlackApiError) and str(exc.response.get("error") or "") in _SLACK_AUTH_ERRORS


async def _supervised(name: str, adapter: Coroutine[Any, Any, None]) -> None:
    try:
        await adapter
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        log.error("%s se detuvo: %s: %s", name, type(exc).__name__, exc)


async def _restarting(name: str, start: Adapter) -> None:
    """Runs `start()` again whenever it stops for a recoverable reason; returns once it stops for good."""
    loop = asyncio.get_running_loop()
    delay = RESTART_FIRST
    while True:
        began = loop.time()
        error: Exception | None = None
        metrics.adapter_state(name.lower(), "connecting")
        try:
            await start()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            metrics.adapter_state(name.lower(), "disconnected")
            if unrecoverable(exc):
                log.error("%s se detuvo: %s: %s", name, type(exc).__name__, exc)
                return
            error = exc
        metrics.adapter_state(name.lower(), "disconnected")
        if loop.time() - began >= STABLE_AFTER:
            delay = RESTART_FIRST
        why = f"por un error inesperado ({type(error).__name__})" if error else "sin motivo aparente"
        log.error("%s se detuvo %s; se reinicia en %.0f s.", name, why, delay, exc_info=error)
        await asyncio.sleep(delay)
        delay = min(delay * 2, RESTART_MAX)


def state_keeper(core: Core, name: str) -> Callable[[str], None]:
    """What an adapter calls when its state changes: recorded in `core.adapter_states`, logged once."""

    def keep(state: str) -> None:
        if core.adapter_states.get(name) != state:
            log.info("%s: %s", name, _STATE_NAMES.get(state, state))
        core.adapter_states[name] = state
        # /readyz and /metrics read the same state ("standby" counts as ready; while connected,
        # discord.py's own state is asked through the adapter's probe).
        metrics.adapter_state(name.lower(), "disconnected" if state == "stopped" else state)

    return keep


_STATE_NAMES = {"standby": "en espera", "connecting": "conectando", "connected": "conectado", "stopped": "detenido"}


def exit_after(grace: float) -> threading.Timer:
    """Arms a watchdog that ends the process `grace` seconds from now if it has not ended by itself.

    A thread, not a loop callback: the hang may come after the event loop has closed (a non-daemon
    thread a library left behind, a close handshake in asyncio.run's own shutdown).
    """

    def force() -> None:
        log.warning("El bot no terminó %g s después de la señal de parada; se fuerza la salida.", grace)
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(0)

    timer = threading.Timer(grace, force)
    timer.daemon = True
    timer.start()
    return timer


def health_only_port(settings: Settings) -> int | None:
    """HEALTH_PORT, unless the API or Slack's HTTP server already listens there (and serves health)."""
    taken = set()
    if settings.api_token:
        taken.add(settings.api_port)
    if settings.slack_enabled and settings.slack_mode == "http":
        taken.add(settings.slack_port)
    return settings.health_port if settings.health_port not in taken else None


async def serve_health(health: Health, port: int, host: str = "0.0.0.0") -> None:
    """`/healthz`, `/readyz` and `/metrics` alone on `port` until cancelled."""
    from aiohttp import web

    runner = web.AppRunner(health_app(health), access_log=None, shutdown_timeout=2.0)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    log.info("Salud y métricas en el puerto %s (/healthz, /readyz, /metrics)", port)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


def outbox_settings(settings: Settings) -> OutboxSettings:
    """The worker's lease and heartbeat from OUTBOX_LEASE_SECONDS / OUTBOX_HEARTBEAT_SECONDS."""
    return OutboxSettings(
        lease=timedelta(seconds=settings.outbox_lease_seconds), heartbeat_seconds=settings.outbox_heartbeat_seconds
    )


async def run_adapters(core: Core) -> None:
    settings = core.settings
    worker = OutboxWorker(core.db, {}, outbox_settings(settings), audit_channels=core.service.audit_channels)
    core.service.on_outbox = worker.notify
    worker.on_failure = metrics.job_failed
    metrics.count_database_errors(core.db.engine)
    health = Health(core.db, worker, float(settings.outbox_stuck_seconds))
    adapters: dict[str, Adapter] = {}
    if settings.slack_enabled:
        from bot.slack.runner import run_slack

        adapters["Slack"] = lambda: run_slack(core, worker, health)
    elif settings.slack_bot_token:
        log.warning(
            "SLACK_BOT_TOKEN está definido pero falta %s: Slack no se inicia.",
            "SLACK_SIGNING_SECRET" if settings.slack_mode == "http" else "SLACK_APP_TOKEN",
        )
    if settings.discord_enabled:
        from bot.discord.runner import run_discord

        adapters["Discord"] = lambda: run_discord(core, worker, state_keeper(core, "Discord"))
    if not adapters:
        from bot.console.adapter import ConsoleAdapter

        await ConsoleAdapter(core.service).run()
        return
    metrics.forget_adapters()
    health.adapters = tuple(name.lower() for name in adapters)
    services = [asyncio.create_task(_supervised("El trabajador de canales", worker.run()), name="outbox")]
    if settings.api_token:
        from bot.api.runner import run_api

        services.append(asyncio.create_task(_supervised("La API HTTP", run_api(core, health=health)), name="api"))
    if port := health_only_port(settings):
        services.append(
            asyncio.create_task(_supervised("El puerto de salud", serve_health(health, port)), name="health")
        )
    elif not settings.api_token and not (settings.slack_enabled and settings.slack_mode == "http"):
        log.info("Sin puerto HTTP: defina HEALTH_PORT para servir /healthz, /readyz y /metrics.")
    running = [asyncio.create_task(_restarting(name, start), name=name) for name, start in adapters.items()]
    main, stopping = asyncio.current_task(), asyncio.Event()

    def stop() -> None:  # SIGTERM: the worker hands its job back first, then the adapters close
        if stopping.is_set():
            return
        stopping.set()
        exit_after(SHUTDOWN_GRACE)
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
            if not task.cancelling():  # a second cancel would cut short the HTTP servers' graceful close
                task.cancel()
        await asyncio.gather(*services, return_exceptions=True)
    raise AdaptersStopped("Ningún adaptador de chat sigue activo; revise las credenciales y el registro.")
