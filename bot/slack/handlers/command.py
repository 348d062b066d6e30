"""``/clientes <subcomando>``: a form opens with the fresh trigger_id after an empty ack; an answer
(a list, a card, help, an error) travels in the ack itself when ready within ``ACK_WITHIN``, else
through ``respond()``. Sub-commands and aliases come from ``commands.router``."""

from __future__ import annotations

import asyncio
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import ids
from bot.slack.blocks.help import help_blocks, help_text
from bot.slack.blocks.history import history_blocks, history_text
from bot.slack.blocks.listing import list_blocks, list_text
from bot.slack.handlers import ops, sunat
from bot.slack.handlers.actors import Actors
from bot.slack.handlers.replies import Reply, guarded
from commands import router
from commands.service import ClientService

# Slack drops a slash command whose ack takes over 3 s. Over HTTP an answer ready sooner travels in the
# ack itself (the HTTP response); past this, the ack goes out empty and the answer follows through the
# response_url. Slack does not re-send a slash command over HTTP: an answer lost with its response is
# the user's "operation_timeout", and they run the command again.
ACK_WITHIN = 1.5
# Commands that open a form or do long work: acked at once, as there is no message to carry.
_ACK_FIRST = frozenset({"nuevo", "editar", "exportar"})


def register(app: AsyncApp, service: ClientService, actors: Actors) -> None:
    @app.command(ids.COMMAND)
    async def clientes(
        ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond, request: AsyncBoltRequest
    ) -> None:
        channel = str(command.get("channel_id") or "")
        trigger_id = str(command.get("trigger_id") or "")
        parsed = router.parse(str(command.get("text") or ""))
        reply = Reply(client, str(command.get("user_id") or ""), channel, respond, trigger_id=trigger_id, ack=ack)
        if parsed.command in _ACK_FIRST or request.mode != "http":
            # Socket Mode: Slack delivers an envelope again when our ack is lost on a reconnect, and the
            # replay guard answers the copy with a bare ack; an answer that rode on the lost ack would
            # be lost with it. There the answer goes through the response_url, as before.
            await reply.acknowledge()

        async def run() -> None:
            actor = await actors.of(command, client)
            name, argument = parsed.command, parsed.argument
            if name == "nuevo":
                await ops.open_create(client, trigger_id, channel, service=service, actor=actor)
            elif name == "lista":
                page = await service.list_page(actor, argument)
                await reply.send(list_text(page), list_blocks(page))
            elif name == "ver":
                card = await service.find(actor, argument)
                await ops.show_card(reply, card, may_delete=ops.may_delete(service, actor))
            elif name == "editar":
                card = await service.find(actor, argument)
                await ops.open_edit_picker(client, trigger_id, card, channel, service=service, actor=actor)
            elif name == "eliminar":
                await ops.ask_delete(reply, await service.find(actor, argument), service=service, actor=actor)
            elif name == "restaurar":
                card = await service.find(actor, argument, deleted=True)
                await ops.restore(reply, service, actor, card.id, replace=False)
            elif name == "historial":
                card = await service.find(actor, argument)
                changes = await service.history_page(actor, card.id)
                await reply.send(history_text(changes), history_blocks(changes))
            elif name == "canales":
                await ops.retry_channels(reply, service, actor, (await service.find(actor, argument)).id)
            elif name == "sunat":
                await sunat.answer(reply, service, argument)
            elif name == "exportar":
                await ops.send_export(reply, client, service, actor)
            else:
                await reply.send(help_text(), help_blocks(parsed.unknown))

        work = asyncio.ensure_future(guarded(reply, run, command=parsed.command))
        await asyncio.wait({work}, timeout=ACK_WITHIN)
        await reply.acknowledge()  # no answer within ACK_WITHIN: an empty ack now, the answer follows
        await work
