"""Buttons on cards, choice lists and delete notices: Ver, Editar, Agregar dirección/servidor,
Compartir en el canal, Reintentar canales, Eliminar (Slack's confirm dialog asks first), Deshacer, a pick among matches,
and "Ver contraseña" buttons of cards posted before servers got their overflow menu (items.py)."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot import record_id
from bot.slack import ids
from bot.slack.blocks.card import card_blocks, fallback_text
from bot.slack.blocks.history import history_blocks, history_text
from bot.slack.handlers import ops
from bot.slack.handlers.actors import Actors
from bot.slack.handlers.clicks import Click, number, on_click
from commands.service import ClientService


def _version(value: str) -> int | None:
    """The card version after the client id ("12:5"); None for values rendered without one."""
    return record_id.parse(value.partition(":")[2])


def register(app: AsyncApp, service: ClientService, actors: Actors) -> None:
    async def view(click: Click) -> None:
        card = await service.get(click.actor, click.client_id())
        await ops.show_card(click.reply, card, may_delete=ops.may_delete(service, click.actor))

    async def edit(click: Click) -> None:
        card = await service.get(click.actor, click.client_id())
        await ops.open_edit_picker(
            click.client,
            click.trigger_id,
            card,
            click.reply.channel_id,
            service=service,
            actor=click.actor,
            response_url=click.card_url,
        )

    async def open_add(click: Click, section: str) -> None:
        card = await service.get(click.actor, click.client_id())
        await ops.open_section(
            click.client,
            click.trigger_id,
            card,
            click.reply.channel_id,
            section,
            service=service,
            actor=click.actor,
            response_url=click.card_url,
        )

    async def add_address(click: Click) -> None:
        await open_add(click, "address")

    async def add_server(click: Click) -> None:
        await open_add(click, "server")

    async def reveal(click: Click) -> None:
        server_id = number(click.value.partition(":")[2])
        await ops.reveal(click.reply, service, click.actor, click.client_id(), server_id)

    async def share(click: Click) -> None:
        card = await service.get(click.actor, click.client_id())
        blocks = card_blocks(card, with_buttons=False, shared_by=click.actor.user_id)
        await click.reply.share(fallback_text(card), blocks)

    async def channels(click: Click) -> None:
        await ops.retry_channels(click.reply, service, click.actor, click.client_id(), replace=True)

    async def delete(click: Click) -> None:
        await ops.delete(click.reply, service, click.actor, click.client_id(), _version(click.value))

    async def restore(click: Click) -> None:
        await ops.restore(click.reply, service, click.actor, click.client_id(), replace=True)

    async def pick(click: Click) -> None:
        """One of several matches was chosen: run the command the user had typed on it."""
        command, _, raw_id = click.value.partition(":")
        client_id = number(raw_id)
        if command == "restaurar":
            await ops.restore(click.reply, service, click.actor, client_id, replace=True)
            return
        card = await service.get(click.actor, client_id)
        if command == "editar":
            await ops.open_edit_picker(
                click.client, click.trigger_id, card, click.reply.channel_id, service=service, actor=click.actor
            )
        elif command == "eliminar":
            await ops.ask_delete(click.reply, card, service=service, actor=click.actor)
        elif command == "canales":
            await ops.retry_channels(click.reply, service, click.actor, card.id, replace=True)
        elif command == "historial":
            changes = await service.history_page(click.actor, card.id)
            await click.reply.send(history_text(changes), history_blocks(changes), replace=True)
        else:
            await ops.show_card(click.reply, card, may_delete=ops.may_delete(service, click.actor))

    on_click(app, actors, ids.CLIENT_VIEW, view)
    on_click(app, actors, ids.CLIENT_EDIT, edit)
    on_click(app, actors, ids.CLIENT_ADD_ADDRESS, add_address)
    on_click(app, actors, ids.CLIENT_ADD_SERVER, add_server)
    on_click(app, actors, ids.CLIENT_REVEAL, reveal)
    on_click(app, actors, ids.CLIENT_SHARE, share)
    on_click(app, actors, ids.CLIENT_CHANNELS, channels)
    on_click(app, actors, ids.CLIENT_DELETE, delete)
    on_click(app, actors, ids.CLIENT_RESTORE, restore)
    on_click(app, actors, ids.CLIENT_PICK, pick, command=lambda click: click.value.partition(":")[0])
