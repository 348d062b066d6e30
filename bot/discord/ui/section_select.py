""" "Editar": a Select of the card's sections; picking one opens its pre-filled modal.

custom_id `ids.SECTION_SELECT` (`cb:ed:<client id>`); option values (read by `ids.section_option`):
`client`, `contact`, `integrations`, `a<address id>`, `s<server id>` (≤ 25 options: 3 sections + the
first 22 addresses/servers; the placeholder says when some are left out, and those can still be
edited with /clientes editar after removing others).
"""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import ui

from bot.discord import ids
from bot.discord.card_items import card_items
from bot.discord.escape import clip
from bot.discord.ui.base import MAX_OPTIONS, OPTION_TEXT, Routed, options_or_blank, picked
from commands.forms import CLIENT, CONTACT, INTEGRATIONS
from commands.views import ClientCard


class SectionSelect(Routed, ui.DynamicItem[ui.Select[Any]], template=ids.SECTION_SELECT):
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
            custom_id=ids.section_select(client_id), placeholder=placeholder, options=options_or_blank(options)
        )
        super().__init__(select)
        self.client_id = client_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str], /
    ) -> SectionSelect:
        return cls(int(match["cid"]))

    @property
    def section(self) -> str:
        """The option picked ("" or the blank "0": nothing to do)."""
        value = picked(self.item)
        return "" if value == "0" else value
