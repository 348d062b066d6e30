"""Editing: the "Editar" section Select, and which form each section opens — pre-filled with the
current values and carrying their version (a stale one is refused by the core, never overwrites).
An address first goes through the ubigeo picker (`handlers.ubigeo_picker`), whose "Continuar" comes
back here for the Dirección form."""

from __future__ import annotations

from typing import Any

import discord

from bot.discord import ids
from bot.discord.actor import actor_of
from bot.discord.escape import md
from bot.discord.form_target import FormTarget
from bot.discord.handlers.context import may_edit, service_of
from bot.discord.handlers.forms import open_form
from bot.discord.replies import Reply, TooSlow, before_deadline, error_reply, send
from bot.discord.ui.section_select import SectionSelect
from bot.discord.ui.ubigeo_picker import picker_reply, start_state
from commands.errors import CoreError
from commands.forms import asks_district
from commands.texts import texts


async def section_picked(interaction: discord.Interaction, select: SectionSelect) -> None:
    if select.section:  # none (the blank option): `Routed` says it is no longer valid
        await open_edit(interaction, select.client_id, select.section)


async def open_edit(interaction: discord.Interaction, client_id: int, what: str) -> None:
    """Opens the edit form of a section ("client", "contact", "integrations", "s<id>"), pre-filled
    with the current values and carrying their version; "a<id>" opens the picker on its distrito."""
    if not await may_edit(interaction):
        return
    try:
        card = await before_deadline(interaction, service_of(interaction).get(actor_of(interaction), client_id))
        section = ids.section_option(what)
        kind, item_id = section if section else ("", None)
        if kind in ids.ROW_SECTIONS:
            target = FormTarget(kind, card.id, card.version)
            await open_form(interaction, target, dict(card.section_values(kind)))
        elif kind == "server" and (server := card.server(item_id or 0)) is not None:
            await open_form(interaction, FormTarget("server", card.id, card.version, server.id), server.values())
        elif kind == "address" and (address := card.address(item_id or 0)) is not None:
            abroad = None if asks_district(address.country) else md(address.country_name)
            reply = picker_reply(start_state(card.id, card.version, address.id, address.ubigeo), abroad=abroad)
            await send(interaction, reply)
        else:
            await send(interaction, Reply(content=texts().card_section_gone))
    except (CoreError, TooSlow) as exc:
        await send(interaction, error_reply(exc))


async def open_address(
    interaction: discord.Interaction, client_id: int, version: int, address_id: int | None, code: str
) -> None:
    """ "Continuar" / "Otro país" of the picker: the Dirección modal for the picked distrito."""
    values: dict[str, Any] = {}
    if address_id is not None:
        try:
            card = await before_deadline(interaction, service_of(interaction).get(actor_of(interaction), client_id))
        except (CoreError, TooSlow) as exc:
            await send(interaction, error_reply(exc))
            return
        address = card.address(address_id)
        if address is not None:
            values, version = dict(address.values()), card.version
            if code == ids.OTHER_COUNTRY and values.get("country") == "PE":
                values["country"] = None
    await open_form(interaction, FormTarget("address", client_id, version, address_id, code), values)
