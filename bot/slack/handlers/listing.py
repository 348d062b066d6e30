"""Anterior / Siguiente on a list message: the button value holds the cursor and the search text."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import ids
from bot.slack.blocks.listing import list_blocks, list_text, parse_page_value
from bot.slack.handlers.common import Reply, actor_of, channel_of, guarded
from commands.service import ClientService


def register(app: AsyncApp, service: ClientService) -> None:
    async def turn(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        actor = actor_of(body)
        reply = Reply(client, actor.user_id, channel_of(body), respond)
        cursor, query = parse_page_value(action.get("value"))

        async def run() -> None:
            page = await service.list_page(actor, query, cursor)
            await reply.send(list_text(page), list_blocks(page), replace=True)

        await guarded(reply, run)

    @app.action(ids.LIST_PAGE_PREV)
    async def previous(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await turn(ack, body, action, client, respond)

    @app.action(ids.LIST_PAGE_NEXT)
    async def following(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await turn(ack, body, action, client, respond)
