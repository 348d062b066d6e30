""" "Editar": a Select of the card's sections; picking one opens its pre-filled modal.

custom_id `cb:ed:<client id>`; option values `client`, `contact`, `integrations`, `a<address id>`,
`s<server id>` (≤ 25 options: 3 sections + up to 22 addresses/servers, the rest are left out).
"""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import ui

from bot.discord.escape import clip
from commands.forms import ADDRESS, CLIENT, CONTACT, INTEGRATIONS, SERVER
from commands.views import ClientCard


class SectionSelect(ui.DynamicItem[ui.Select[Any]], template=r"cb:ed:(?P<cid>\d+)"):
    def __init__(self, client_id: int, card: ClientCard | None = None) -> None:
        options = [discord.SelectOption(label="—", value="client")]
        if card is not None:
            options = [
                discord.SelectOption(label=CLIENT.title, value="client"),
                discord.SelectOption(label=CONTACT.title, value="contact"),
                discord.SelectOption(label=INTEGRATIONS.title, value="integrations"),
            ]
            for number, address in enumerate(card.addresses, start=1):
                label = f"{ADDRESS.title} {number}: {address.line or address.place}"
                options.append(discord.SelectOption(label=clip(label, 100), value=f"a{address.id}"))
            for number, server in enumerate(card.servers, start=1):
                label = f"{SERVER.title} {number}: {server.title}"
                options.append(discord.SelectOption(label=clip(label, 100), value=f"s{server.id}"))
        select: ui.Select[Any] = ui.Select(
            custom_id=f"cb:ed:{client_id}", placeholder="Sección a editar…", options=options[:25]
        )
        super().__init__(select)
        self.client_id = client_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str], /
    ) -> SectionSelect:
        return cls(int(match["cid"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        from bot.discord import form_flow

        if self.item.values:
            await form_flow.open_edit(interaction, self.client_id, self.item.values[0])
