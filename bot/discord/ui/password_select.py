""" "Ver contraseña" when a client has several servers with a password: pick which one.

custom_id `ids.PASSWORD_SELECT` (`cb:pw:<client id>`); option values are server ids. The password is
only ever sent as an ephemeral reply to the person who asked, after the core checked and audited the
reveal.
"""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import ui

from bot.discord import ids
from bot.discord.escape import clip
from bot.discord.ui.base import Routed, options_or_blank, picked
from commands.views import ClientCard


class PasswordSelect(Routed, ui.DynamicItem[ui.Select[Any]], template=ids.PASSWORD_SELECT):
    def __init__(self, client_id: int, card: ClientCard | None = None) -> None:
        servers = [s for s in (card.servers if card else ()) if s.has_password]
        options = [discord.SelectOption(label=clip(s.title, 100), value=str(s.id)) for s in servers[:25]]
        select: ui.Select[Any] = ui.Select(
            custom_id=ids.password_select(client_id),
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

    @property
    def server_id(self) -> int | None:
        """The server picked (None or 0: malformed or blank, answered as no longer valid)."""
        return ids.parse_id(picked(self.item))
