"""Starts every adapter whose credentials are configured, side by side in one process, plus the outbox
worker that creates clients' channels on the platforms that came up and, with API_TOKEN, the HTTP API
for onboarding flows."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

from bot.runtime import Core
from commands.outbox import OutboxWorker

log = logging.getLogger(__name__)


async def run_adapters(core: Core) -> None:
    settings = core.settings
    worker = OutboxWorker(core.db, {})
    core.service.on_outbox = worker.notify
    tasks: list[Coroutine[Any, Any, None]] = []
    if settings.slack_enabled:
        from bot.slack.runner import run_slack

        tasks.append(run_slack(core, worker))
    elif settings.slack_bot_token:
        log.warning(
            "SLACK_BOT_TOKEN está definido pero falta %s: Slack no se inicia.",
            "SLACK_SIGNING_SECRET" if settings.slack_mode == "http" else "SLACK_APP_TOKEN",
        )
    if settings.discord_enabled:
        from bot.discord.runner import run_discord

        tasks.append(run_discord(core, worker))
    if not tasks:
        from bot.console.adapter import ConsoleAdapter

        await ConsoleAdapter(core.service).run()
        return
    if settings.api_token:
        from bot.api.runner import run_api

        tasks.append(run_api(core))
    await asyncio.gather(worker.run(), *tasks)
