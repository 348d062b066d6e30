"""Buttons on cards, choice lists and delete notices: the sections to complete (Agregar dirección,
Otros Datos, Datos Servidor…), Editar, Ver contraseña (and which server), Compartir, Canales,
Eliminar (a confirmation asks first), Deshacer, and a pick among clients (the list, or several
matches for `<cliente>`)."""

from __future__ import annotations

import discord

from bot.discord.actor import actor_of
from bot.discord.embeds import card_embed
from bot.discord.escape import md
from bot.discord.form_target import FormTarget
from bot.discord.handlers import ops
from bot.discord.handlers.context import may_edit, require, service_of
from bot.discord.handlers.edit import open_edit
from bot.discord.handlers.forms import open_form
from bot.discord.replies import Reply, answer, deleted_unsent, send
from bot.discord.ui.base import view_of
from bot.discord.ui.card_view import CardButton
from bot.discord.ui.client_picker import PickClient
from bot.discord.ui.delete_buttons import ConfirmDelete, UndoDelete
from bot.discord.ui.history_pager import HistoryButton
from bot.discord.ui.password_select import PasswordSelect
from bot.discord.ui.ubigeo_picker import picker_reply, start_state
from commands.access import Permission
from commands.errors import Conflict


async def card_button(interaction: discord.Interaction, button: CardButton) -> None:
    action, client_id, version = button.action, button.client_id, button.version
    service, actor = service_of(interaction), actor_of(interaction)
    if action == "addr":
        if await may_edit(interaction):  # the picker only leads to the Dirección form
            await send(interaction, picker_reply(start_state(client_id, version)))
    elif action in ("contact", "integ"):
        await open_edit(interaction, client_id, "contact" if action == "contact" else "integrations")
    elif action == "srv":
        await open_form(interaction, FormTarget("server", client_id, version))
    elif action == "share":

        async def shared() -> Reply:
            card = await service.get(actor, client_id)
            by = md(interaction.user.display_name)
            return Reply(content=f"Ficha compartida por {by}.", embeds=[card_embed(card, shared=True)], ephemeral=False)

        await answer(interaction, shared(), ephemeral=False)
    elif action == "chan":
        await answer(interaction, ops.channels(interaction, client_id))
    elif action == "hist":
        await answer(interaction, ops.history(interaction, client_id))
    else:

        async def work() -> Reply:
            require(interaction, {"edit": Permission.EDIT, "del": Permission.DELETE}.get(action, Permission.REVEAL))
            card = await service.get(actor, client_id)
            if action == "edit":
                return ops.edit_menu(card)
            if action == "del":
                return ops.confirm_delete(card)
            return await ops.password_choice(interaction, card)

        await answer(interaction, work())


async def history_turned(interaction: discord.Interaction, button: HistoryButton) -> None:
    """Anterior / Siguiente under a client's history: the page in place of the one shown."""
    reply = ops.history(interaction, button.client_id, button.cursor, replace=True)
    await answer(interaction, reply, replace=True)


async def client_picked(interaction: discord.Interaction, select: PickClient) -> None:
    """A client picked in a Select (the list, or an ambiguous `<cliente>`)."""
    action, client_id = select.action, select.client_id
    if not client_id:  # malformed or blank: `Routed` says the option is no longer valid
        return

    async def work() -> Reply:
        deleted = action == "restaurar"
        card = await service_of(interaction).get(actor_of(interaction), client_id, deleted=deleted)
        return await ops.for_action(interaction, action, card)

    await answer(interaction, work())


async def server_picked(interaction: discord.Interaction, select: PasswordSelect) -> None:
    """ "¿De qué servidor?": the password of the one picked, to the asker only."""
    server_id = select.server_id
    if not server_id:  # malformed or blank: `Routed` says the option is no longer valid
        return

    async def work() -> Reply:
        card = await service_of(interaction).get(actor_of(interaction), select.client_id)
        return await ops.reveal(interaction, card, server_id)

    await answer(interaction, work())


async def delete_confirmed(interaction: discord.Interaction, button: ConfirmDelete) -> None:
    client_id = button.client_id

    async def work() -> Reply:
        try:
            notice = await service_of(interaction).delete(actor_of(interaction), client_id, button.version)
        except Conflict as exc:
            return ops.conflict_reply(exc, replace=True)  # the current card in place of the question
        text = f"{md(notice.text)} Puede deshacerlo con «Deshacer» o con `/clientes restaurar`."
        return Reply(content=text, view=view_of(UndoDelete(client_id)), replace=True, unsent=deleted_unsent())

    await answer(interaction, work(), replace=True)


async def undo_clicked(interaction: discord.Interaction, button: UndoDelete) -> None:
    await answer(interaction, ops.restore(interaction, button.client_id, replace=True), replace=True)
