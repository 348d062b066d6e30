"""Builds the Bolt ``AsyncApp`` from the core and a Web API client, with every listener registered."""

from __future__ import annotations

import logging

from slack_bolt.async_app import AsyncApp
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.runtime import Core
from bot.slack.handlers import register_all
from bot.slack.replay import Once, ReplayGuard

RATE_LIMIT_RETRIES = 2
BOLT_LOGGER = "slack_bolt"


def build_client(settings: Settings) -> AsyncWebClient:
    """The Web API client: ``SLACK_API_URL`` as base, and 429s retried after Retry-After.

    slack_sdk's default handlers (connection errors) are kept; the rate-limit one is added.
    """
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    base_url = settings.slack_api_url if settings.slack_api_url.endswith("/") else settings.slack_api_url + "/"
    client = AsyncWebClient(token=token, base_url=base_url)
    client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES))
    return client


def build_app(
    core: Core,
    client: AsyncWebClient,
    *,
    signing_secret: str | None = None,
    process_before_response: bool = False,
) -> AsyncApp:
    """The app; ``signing_secret`` defaults to ``SLACK_SIGNING_SECRET`` (Bolt checks every HTTP request).

    In Socket Mode there is no HTTP request to sign, so verification is off when no secret is known.
    A signed request is acted on once (:mod:`bot.slack.replay`).

    Bolt's loggers all live under ``slack_bolt`` (its own and the app's, named after ``name``) and take
    that logger's level, so ``bot.logs`` can keep their request bodies out of the log.
    """
    if signing_secret is None and core.settings.slack_signing_secret:
        signing_secret = core.settings.slack_signing_secret.get_secret_value()
    app = AsyncApp(
        client=client,
        signing_secret=signing_secret or "",
        request_verification_enabled=bool(signing_secret),
        process_before_response=process_before_response,
        logger=logging.getLogger(BOLT_LOGGER),
        name=BOLT_LOGGER + ".clientes",
    )
    app.use(ReplayGuard(Once(core.db)))
    register_all(app, core.service)
    return app
