"""The card's "Direcciones y servidores…" actions: mark an address as main, remove an address or a
server (after a confirmation), and page through the options.

Every answer replaces the message the component was on (the card, or the confirmation standing in
for it), so the user keeps one card that is always current. Every change passes the version of the
card the user chose from: when someone changed the client since, the core refuses (Conflict) and the
current card with its values is shown instead — nothing is overwritten or removed.
"""

from __future__ import annotations

import discord

from bot.discord import ids
from bot.discord.actor import actor_of
from bot.discord.card_items import find_item, item_section
from bot.discord.embeds import section_embed
from bot.discord.escape import md
from bot.discord.handlers.context import require, service_of
from bot.discord.handlers.ops import card_reply, conflict_reply
from bot.discord.replies import Reply, answer, saved_unsent
from bot.discord.ui.base import view_of
from bot.discord.ui.item_select import ItemSelect
from bot.discord.ui.remove_buttons import ConfirmRemove, KeepCard
from commands.access import Permission
from commands.errors import Conflict
from commands.texts import texts
from commands.views import ClientCard


async def item_picked(interaction: discord.Interaction, select: ItemSelect) -> None:
    """An option of `ItemSelect` (`ids.item_option`): a page, mark as main, or remove.

    Anything else (malformed) gets no action here, and `Routed` says it is no longer valid."""
    option = ids.item_option(select.option) if select.option else None
    if option is None:
        return
    what, kind, number = option
    client_id, version = select.client_id, select.version
    if what == "page":
        await answer(interaction, _page(interaction, client_id, number), replace=True)
    elif what == "main":
        await answer(interaction, _mark_main(interaction, client_id, version, number), replace=True)
    else:
        await answer(interaction, _ask_remove(interaction, client_id, version, kind, number), replace=True)


async def _current(interaction: discord.Interaction, client_id: int) -> ClientCard:
    return await service_of(interaction).get(actor_of(interaction), client_id)


async def _page(interaction: discord.Interaction, client_id: int, page: int) -> Reply:
    """More options: the card redrawn (with current values) showing the next page of the select."""
    return card_reply(await _current(interaction, client_id), replace=True, item_page=page)


async def _mark_main(interaction: discord.Interaction, client_id: int, version: int, address_id: int) -> Reply:
    try:
        card = await service_of(interaction).set_main_address(actor_of(interaction), client_id, address_id, version)
    except Conflict as exc:
        return conflict_reply(exc, replace=True)
    return card_reply(card, texts().main_address_changed, replace=True, unsent=saved_unsent())


async def _ask_remove(interaction: discord.Interaction, client_id: int, version: int, kind: str, item_id: int) -> Reply:
    """The confirmation, in place of the card: what would be removed, "Sí, eliminar" and "Cancelar".

    The confirm button carries the version of the card the user chose from, not the one just read.
    Someone who may not edit is refused first, in a new message: his card stays as it was."""
    require(interaction, Permission.EDIT)
    card = await _current(interaction, client_id)
    item = find_item(card, kind, item_id)
    section = item_section(card, item) if item else None
    if item is None or section is None:
        return card_reply(card, texts().item_gone, replace=True)
    question = texts().delete_item_question(f"**{md(section.title)}**", md(card.name), md(card.document))
    view = view_of(ConfirmRemove(kind, client_id, version, item_id), KeepCard(client_id))
    return Reply(content=question, embeds=[section_embed(card, section)], view=view, replace=True)


async def remove_confirmed(interaction: discord.Interaction, button: ConfirmRemove) -> None:
    """ "Sí, eliminar": the core removes it (or refuses a stale version); the card comes back."""
    kind, client_id, version, item_id = button.kind, button.client_id, button.version, button.item_id

    async def work() -> Reply:
        service, actor = service_of(interaction), actor_of(interaction)
        address = kind == "address"
        call = service.remove_address if address else service.remove_server
        try:
            card = await call(actor, client_id, item_id, version)
        except Conflict as exc:
            return conflict_reply(exc, replace=True)
        done = texts().address_removed if address else texts().server_removed
        return card_reply(card, done, replace=True, unsent=saved_unsent())

    await answer(interaction, work(), replace=True)


async def keep_clicked(interaction: discord.Interaction, button: KeepCard) -> None:
    """ "Cancelar": nothing removed; the current card back in place of the question."""

    async def work() -> Reply:
        return card_reply(await _current(interaction, button.client_id), texts().nothing_deleted, replace=True)

    await answer(interaction, work(), replace=True)
