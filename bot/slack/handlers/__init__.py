"""Bolt listeners, one module per feature; :func:`register_all` wires them to an ``AsyncApp``."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.slack.handlers import card, command, country, create, edit, home, items, listing, options, sunat
from bot.slack.handlers.actors import Actors
from commands.service import ClientService


def register_all(app: AsyncApp, service: ClientService) -> None:
    """One :class:`Actors` (and its usergroup cache) is shared by every listener of the app."""
    actors = Actors(service.policy)
    for module in (command, create, edit, card, items, listing, options, country, home, sunat):
        module.register(app, service, actors)
