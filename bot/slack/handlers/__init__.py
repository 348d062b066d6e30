"""Bolt listeners, one module per feature; :func:`register_all` wires them to an ``AsyncApp``."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.slack.handlers import card, command, create, edit, listing, options
from commands.service import ClientService


def register_all(app: AsyncApp, service: ClientService) -> None:
    for module in (command, create, edit, card, listing, options):
        module.register(app, service)
