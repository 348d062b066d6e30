"""Runs the Slack adapter until cancelled: Socket Mode (``SLACK_APP_TOKEN``) or HTTP mode
(``SLACK_MODE=http``: Bolt's aiohttp app serving ``POST /slack/events`` on ``SLACK_PORT``)."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from slack_bolt.async_app import AsyncApp

from bot.runtime import Core
from bot.slack.app import build_app, build_client
from bot.slack.messenger import SlackMessenger
from bot.slack.provisioner import SlackProvisioner
from commands.outbox import OutboxWorker

log = logging.getLogger("bot.slack")

EVENTS_PATH = "/slack/events"
HTTP_HOST = "0.0.0.0"  # Slack (or the load balancer) must reach it


def build(core: Core, worker: OutboxWorker | None = None) -> AsyncApp:
    """The app, and its Web API client registered with the outbox worker (channel provisioner and
    messenger of onboarding flows).

    One client serves all, so the worker's calls share the app's rate-limit retries and base URL.
    """
    client = build_client(core.settings)
    app = build_app(core, client)
    if worker is not None:
        worker.add(SlackProvisioner(client, core.settings))
        worker.add_messenger(SlackMessenger(client))
    return app


async def serve_http(
    core: Core, *, host: str = HTTP_HOST, port: int | None = None, worker: OutboxWorker | None = None
) -> web.AppRunner:
    """Starts the HTTP server and returns its runner (the caller cleans it up)."""
    app = build(core, worker)
    runner = web.AppRunner(app.web_app(path=EVENTS_PATH), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port if port is not None else core.settings.slack_port).start()
    return runner


async def run_slack(core: Core, worker: OutboxWorker | None = None) -> None:
    settings = core.settings
    if settings.slack_mode == "http":
        runner = await serve_http(core, worker=worker)
        log.info("Slack (HTTP) escuchando en el puerto %s, ruta %s", settings.slack_port, EVENTS_PATH)
        try:
            await asyncio.Event().wait()
        finally:
            await runner.cleanup()
        return

    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    if not settings.slack_app_token:
        raise RuntimeError("Socket Mode necesita SLACK_APP_TOKEN")
    app = build(core, worker)
    handler = AsyncSocketModeHandler(app, settings.slack_app_token.get_secret_value())
    await handler.connect_async()
    log.info("Slack (Socket Mode) conectado")
    try:
        await asyncio.Event().wait()
    finally:
        await handler.close_async()
