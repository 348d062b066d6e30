"""Buttons on cards, choice lists and delete notices: Ver, Editar, Agregar dirección/servidor,
Ver contraseña, Compartir en el canal, Eliminar (Slack's confirm dialog asks first), Deshacer."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import ids
from bot.slack.blocks.card import card_blocks, fallback_text
from bot.slack.blocks.notices import password_blocks
from bot.slack.escape import mrkdwn
from bot.slack.handlers import ops
from bot.slack.handlers.common import Reply, actor_of, channel_of, guarded
from commands.errors import NotFound
from commands.service import ClientService


def _id(value: object) -> int:
    text = str(value or "")
    if not text.isdigit():
        raise NotFound("El botón no indica un cliente válido.")
    return int(text)


def register(app: AsyncApp, service: ClientService) -> None:
    def context_of(body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond) -> tuple[Any, Reply]:
        actor = actor_of(body)
        return actor, Reply(client, actor.user_id, channel_of(body), respond)

    @app.action(ids.CLIENT_VIEW)
    async def view(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        actor, reply = context_of(body, client, respond)

        async def run() -> None:
            await ops.show_card(reply, await service.get(actor, _id(action.get("value"))))

        await guarded(reply, run)

    @app.action(ids.CLIENT_EDIT)
    async def edit(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        actor, reply = context_of(body, client, respond)

        async def run() -> None:
            card = await service.get(actor, _id(action.get("value")))
            await ops.open_edit_picker(client, body["trigger_id"], card, reply.channel_id)

        await guarded(reply, run)

    async def open_add(
        body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond, section: str
    ) -> None:
        actor, reply = context_of(body, client, respond)

        async def run() -> None:
            card = await service.get(actor, _id(action.get("value")))
            await ops.open_section(client, body["trigger_id"], card, reply.channel_id, section)

        await guarded(reply, run)

    @app.action(ids.CLIENT_ADD_ADDRESS)
    async def add_address(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        await open_add(body, action, client, respond, "address")

    @app.action(ids.CLIENT_ADD_SERVER)
    async def add_server(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        await open_add(body, action, client, respond, "server")

    @app.action(ids.CLIENT_REVEAL)
    async def reveal(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        actor, reply = context_of(body, client, respond)

        async def run() -> None:
            client_part, _, server_part = str(action.get("value") or "").partition(":")
            client_id, server_id = _id(client_part), _id(server_part)
            password = await service.reveal_password(actor, client_id, server_id)
            card = await service.get(actor, client_id)
            server = card.server(server_id)
            title = server.title if server else f"servidor {server_id}"
            await reply.send(mrkdwn(f"Contraseña de {title} (solo para usted)"), password_blocks(title, password))

        await guarded(reply, run)

    @app.action(ids.CLIENT_SHARE)
    async def share(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        actor, reply = context_of(body, client, respond)

        async def run() -> None:
            card = await service.get(actor, _id(action.get("value")))
            await reply.share(fallback_text(card), card_blocks(card, with_buttons=False, shared_by=actor.user_id))

        await guarded(reply, run)

    @app.action(ids.CLIENT_DELETE)
    async def delete(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        actor, reply = context_of(body, client, respond)

        async def run() -> None:
            await ops.delete(reply, service, actor, _id(action.get("value")))

        await guarded(reply, run)

    @app.action(ids.CLIENT_RESTORE)
    async def restore(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        actor, reply = context_of(body, client, respond)

        async def run() -> None:
            await ops.restore(reply, service, actor, _id(action.get("value")), replace=True)

        await guarded(reply, run)

    @app.action(ids.CLIENT_PICK)
    async def pick(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        """One of several matches was chosen: run the command the user had typed on it."""
        await ack()
        actor, reply = context_of(body, client, respond)
        command, _, raw_id = str(action.get("value") or "").partition(":")

        async def run() -> None:
            client_id = _id(raw_id)
            if command == "restaurar":
                await ops.restore(reply, service, actor, client_id, replace=True)
                return
            card = await service.get(actor, client_id)
            if command == "editar":
                await ops.open_edit_picker(client, body["trigger_id"], card, reply.channel_id)
            elif command == "eliminar":
                await ops.ask_delete(reply, card)
            else:
                await ops.show_card(reply, card)

        await guarded(reply, run, command=command)
