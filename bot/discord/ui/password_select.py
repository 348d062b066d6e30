""" "Ver contraseña" when a client has several servers with a password: pick which one.

custom_id `cb:pw:<client id>`; option values are server ids. The password is only ever sent as an
ephemeral reply to the person who asked, after the core checked and audited the reveal.
"""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import ui

from bot.discord.escape import clip
from bot.discord.ui.base import ID, always_answers, options_or_blank, parse_id
from commands.views import ClientCard


class PasswordSelect(ui.DynamicItem[ui.Select[Any]], template=rf"cb:pw:(?P<cid>{ID})"):
    def __init__(self, client_id: int, card: ClientCard | None = None) -> None:
        servers = [s for s in (card.servers if card else ()) if s.has_password]
        options = [discord.SelectOption(label=clip(s.title, 100), value=str(s.id)) for s in servers[:25]]
        select: ui.Select[Any] = ui.Select(
            custom_id=f"cb:pw:{client_id}",
            placeholder="Servidor…",
            options=options_or_blank(options),
        )
        super().__init__(select)
        self.client_id = client_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str], /
    ) -> PasswordSelect:
        return cls(int(match["cid"]))

    @always_answers
    async def callback(self, interaction: discord.Interaction) -> None:
        from bot.discord import flows

        server_id = parse_id(self.item.values[0]) if self.item.values else None
        if server_id:  # None (malformed): `always_answers` says the option is no longer valid
            await flows.reveal(interaction, self.client_id, server_id)
