"""Anterior / Siguiente on a list message (the button value holds the cursor and the search text), and
the pages of a client's history (Historial on the card, then its own Anterior / Siguiente)."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.slack import ids
from bot.slack.blocks.history import history_blocks, history_text
from bot.slack.blocks.listing import list_blocks, list_text, parse_page_value
from bot.slack.handlers.actors import Actors
from bot.slack.handlers.clicks import Click, on_click
from commands.service import ClientService


def register(app: AsyncApp, service: ClientService, actors: Actors) -> None:
    async def turn(click: Click) -> None:
        cursor, query = parse_page_value(click.value)
        page = await service.list_page(click.actor, query, cursor)
        await click.reply.send(list_text(page), list_blocks(page), replace=True)

    on_click(app, actors, ids.LIST_PAGE_PREV, turn)
    on_click(app, actors, ids.LIST_PAGE_NEXT, turn)

    async def history(click: Click) -> None:
        """The card's Historial (value: client id) and the history's own pages ("<id>:<cursor>")."""
        cursor = click.value.partition(":")[2] or None
        page = await service.history_page(click.actor, click.client_id(), cursor)
        replace = click.action.get("action_id") != ids.CLIENT_HISTORY
        await click.reply.send(history_text(page), history_blocks(page), replace=replace)

    on_click(app, actors, ids.CLIENT_HISTORY, history)
    on_click(app, actors, ids.HISTORY_PREV, history)
    on_click(app, actors, ids.HISTORY_NEXT, history)
