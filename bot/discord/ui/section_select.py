""" "Editar": a Select of the card's sections; picking one opens its pre-filled modal.

custom_id `cb:ed:<client id>`; option values `client`, `contact`, `integrations`, `a<address id>`,
`s<server id>` (≤ 25 options: 3 sections + the first 22 addresses/servers; the placeholder says when
some are left out, and those can still be edited with /clientes editar after removing others).
"""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import ui

from bot.discord.card_items import card_items
from bot.discord.escape import clip
from bot.discord.ui.base import ID, MAX_OPTIONS, OPTION_TEXT, always_answers, options_or_blank
from commands.forms import CLIENT, CONTACT, INTEGRATIONS
from commands.views import ClientCard


class SectionSelect(ui.DynamicItem[ui.Select[Any]], template=rf"cb:ed:(?P<cid>{ID})"):
    def __init__(self, client_id: int, card: ClientCard | None = None) -> None:
        options: list[discord.SelectOption] = []
        placeholder = "Sección a editar…"
        if card is not None:
            options = [
                discord.SelectOption(label=CLIENT.title, value="client"),
                discord.SelectOption(label=CONTACT.title, value="contact"),
                discord.SelectOption(label=INTEGRATIONS.title, value="integrations"),
            ]
            options += [
                discord.SelectOption(label=clip(f"{item.name}: {item.summary}", OPTION_TEXT), value=item.code)
                for item in card_items(card)
            ]
            if len(options) > MAX_OPTIONS:
                placeholder = f"Sección a editar… (se muestran {MAX_OPTIONS} de {len(options)})"
        select: ui.Select[Any] = ui.Select(
            custom_id=f"cb:ed:{client_id}", placeholder=placeholder, options=options_or_blank(options)
        )
        super().__init__(select)
        self.client_id = client_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str], /
    ) -> SectionSelect:
        return cls(int(match["cid"]))

    @always_answers
    async def callback(self, interaction: discord.Interaction) -> None:
        from bot.discord import form_flow

        if self.item.values and self.item.values[0] != "0":
            await form_flow.open_edit(interaction, self.client_id, self.item.values[0])
