"""Builds the Bolt ``AsyncApp`` from the core and a Web API client, with every listener registered."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from bot import metrics
from bot.config import Settings
from bot.runtime import Core
from bot.slack.handlers import register_all
from bot.slack.replay import Once, ReplayGuard

RATE_LIMIT_RETRIES = 2
BOLT_LOGGER = "slack_bolt"


async def _observed(body: dict[str, Any], next: Callable[[], Awaitable[Any]]) -> Any:
    """Every request, counted and timed until Bolt answers (the ack Slack waits for)."""
    kind = str(body.get("type") or "")
    command = metrics.command_label(str(body.get("text") or "")) if "command" in body else _KINDS.get(kind, "otro")
    with metrics.observe("slack", command):
        return await next()


_KINDS = {
    "view_submission": "formulario",
    "view_closed": "formulario_cerrado",
    "block_actions": "boton",
    "block_suggestion": "opciones",
    "event_callback": "evento",
}


def build_client(settings: Settings) -> AsyncWebClient:
    """A Web API client configured like the app's (for a provisioner or messenger of its own)."""
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    return configure_client(AsyncWebClient(token=token), settings)


def configure_client(client: AsyncWebClient, settings: Settings) -> AsyncWebClient:
    """``SLACK_API_URL`` as base, and 429s retried after Retry-After.

    slack_sdk's default handlers (connection errors) are kept; the rate-limit one is added. Bolt copies
    both onto the client of every request it handles.
    """
    client.base_url = settings.slack_api_url if settings.slack_api_url.endswith("/") else settings.slack_api_url + "/"
    client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES))
    return client


def build_app(
    core: Core,
    client: AsyncWebClient | None = None,
    *,
    signing_secret: str | None = None,
    process_before_response: bool = False,
) -> AsyncApp:
    """The app; ``signing_secret`` defaults to ``SLACK_SIGNING_SECRET`` (Bolt checks every HTTP request).

    Without ``client`` Bolt builds its own from the bot token, configured by ``configure_client``; the
    outbox uses ``app.client``. (Handing Bolt a client *and* having SLACK_BOT_TOKEN in the environment,
    as every deploy has, made Bolt read the variable anyway and warn at each start that the token
    would be unused.)

    In Socket Mode there is no HTTP request to sign, so verification is off when no secret is known.
    A signed request is acted on once (:mod:`bot.slack.replay`).

    Bolt's loggers all live under ``slack_bolt`` (its own and the app's, named after ``name``) and take
    that logger's level, so ``bot.logs`` can keep their request bodies out of the log.
    """
    if signing_secret is None and core.settings.slack_signing_secret:
        signing_secret = core.settings.slack_signing_secret.get_secret_value()
    token = core.settings.slack_bot_token
    app = AsyncApp(
        client=client,
        token=None if client is not None or token is None else token.get_secret_value(),
        signing_secret=signing_secret or "",
        request_verification_enabled=bool(signing_secret),
        process_before_response=process_before_response,
        logger=logging.getLogger(BOLT_LOGGER),
        name=BOLT_LOGGER + ".clientes",
    )
    if client is None:
        configure_client(app.client, core.settings)
    app.use(_observed)
    app.use(ReplayGuard(Once(core.db)))
    register_all(app, core.service)
    return app
