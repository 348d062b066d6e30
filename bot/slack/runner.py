"""Runs the Slack adapter until cancelled: Socket Mode (``SLACK_APP_TOKEN``) or HTTP mode
(``SLACK_MODE=http``: Bolt's aiohttp app serving ``POST /slack/events`` on ``SLACK_PORT``).

Either way a request is acted on once (:mod:`bot.slack.replay`): signed HTTP requests by signature,
Socket Mode envelopes by envelope id."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from bot import metrics
from bot.health import Health, add_routes
from bot.runtime import Core
from bot.slack.app import build_app
from bot.slack.messenger import SlackMessenger
from bot.slack.provisioner import SlackProvisioner
from bot.slack.replay import Once, envelope_key
from commands.outbox import OutboxWorker

log = logging.getLogger("bot.slack")

EVENTS_PATH = "/slack/events"
HTTP_HOST = "0.0.0.0"  # Slack (or the load balancer) must reach it
#: After SIGTERM, requests in flight get this long to finish (the listening socket closes at once).
SHUTDOWN_TIMEOUT = 8.0


def build(core: Core, worker: OutboxWorker | None = None) -> AsyncApp:
    """The app, and its Web API client registered with the outbox worker (channel provisioner and
    messenger of onboarding flows).

    One client (the app's) serves all, so the worker's calls share its rate-limit retries and base URL.
    """
    app = build_app(core)
    if worker is not None:
        worker.add(SlackProvisioner(app.client, core.settings))
        worker.add_messenger(SlackMessenger(app.client))
    return app


@web.middleware
async def _log_refusals(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """One line, without the body, for every request Bolt refuses (Bolt's own line, with the body, is
    kept out of the log): a wrong SLACK_SIGNING_SECRET shows up here."""
    response = await handler(request)
    if response.status == 401:
        log.warning(
            "Slack: solicitud rechazada desde %s (firma inválida o fuera de los 5 minutos: "
            "¿SLACK_SIGNING_SECRET correcto?)",
            request.remote,
        )
    return response


class OnceSocketModeHandler(AsyncSocketModeHandler):
    """Bolt's Socket Mode handler, acting once per envelope: a re-delivered one is only acknowledged."""

    def __init__(self, app: AsyncApp, app_token: str, once: Once) -> None:
        super().__init__(app, app_token)
        self.once = once

    async def handle(self, client: SocketModeClient, req: SocketModeRequest) -> None:  # type: ignore[override]
        if await self.once.first(envelope_key(req.envelope_id)):
            await super().handle(client, req)
            return
        log.warning("Slack: sobre de Socket Mode repetido ignorado")
        await client.send_socket_mode_response(SocketModeResponse(envelope_id=req.envelope_id))


async def serve_http(
    core: Core,
    *,
    host: str = HTTP_HOST,
    port: int | None = None,
    worker: OutboxWorker | None = None,
    health: Health | None = None,
) -> web.AppRunner:
    """Starts the HTTP server and returns its runner (the caller cleans it up); with `health`, the
    server answers `/healthz`, `/readyz` and `/metrics` too."""
    app = build(core, worker)
    web_app = app.web_app(path=EVENTS_PATH)
    web_app.middlewares.append(_log_refusals)
    if health is not None:
        add_routes(web_app, health)
    runner = web.AppRunner(web_app, access_log=None, shutdown_timeout=SHUTDOWN_TIMEOUT)
    await runner.setup()
    await web.TCPSite(runner, host, port if port is not None else core.settings.slack_port).start()
    return runner


async def run_slack(core: Core, worker: OutboxWorker | None = None, health: Health | None = None) -> None:
    settings = core.settings
    if settings.slack_mode == "http":
        runner = await serve_http(core, worker=worker, health=health)
        log.info("Slack (HTTP) escuchando en el puerto %s, ruta %s", settings.slack_port, EVENTS_PATH)
        metrics.adapter_state("slack", "connected")
        try:
            await asyncio.Event().wait()
        finally:
            metrics.adapter_state("slack", "disconnected")
            await runner.cleanup()  # stops listening, lets requests in flight finish
        return

    if not settings.slack_app_token:
        raise RuntimeError("Socket Mode necesita SLACK_APP_TOKEN")
    app = build(core, worker)
    handler = OnceSocketModeHandler(app, settings.slack_app_token.get_secret_value(), Once(core.db))
    await handler.connect_async()
    log.info("Slack (Socket Mode) conectado")
    metrics.adapter_state("slack", "connected")
    try:
        await asyncio.Event().wait()
    finally:
        metrics.adapter_state("slack", "disconnected")
        await handler.close_async()
