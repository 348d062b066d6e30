"""Type-ahead for external selects: País (pycountry, Spanish names) and Distrito (ubigeo INEI).

Options go back in the ack itself; Slack allows 100 per answer, text ≤75 and value ≤150 characters.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.slack import ids
from bot.slack.blocks.kit import option
from bot.slack.handlers.actors import Actors
from bot.slack.handlers.sunat import UBIGEO_ACTIONS
from commands import countries, ubigeo
from commands.service import ClientService

COUNTRY_LIMIT = 100
DISTRICT_LIMIT = 50


def register(app: AsyncApp, service: ClientService, actors: Actors) -> None:
    """Countries and districts are public reference data: no actor (and no usergroup lookup) needed."""

    @app.options(ids.OPT_COUNTRY)
    async def country_options(ack: AsyncAck, payload: dict[str, Any]) -> None:
        found = countries.search(str(payload.get("value") or ""), limit=COUNTRY_LIMIT)
        await ack(options=[option(c.name, c.code) for c in found])

    @app.options(UBIGEO_ACTIONS)  # also a Distrito the padrón filled (handlers.sunat renames it)
    async def district_options(ack: AsyncAck, payload: dict[str, Any]) -> None:
        found = ubigeo.search(str(payload.get("value") or ""), limit=DISTRICT_LIMIT)
        await ack(options=[option(d.label, d.code) for d in found])
