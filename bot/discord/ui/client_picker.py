"""A Select of clients: the list's "open a client" and the answer to an ambiguous `<cliente>`.

custom_id `ids.PICK_CLIENT` (`cb:pick:<action>`); each option's value is the client id. ≤ 25 options, label and
description ≤ 100 characters (plain text: Discord does not render markdown in options).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import discord
from discord import ui

from bot.discord import ids
from bot.discord.escape import clip
from bot.discord.ui.base import Routed, options_or_blank, picked
from commands.views import ClientSummary

PLACEHOLDERS = {
    "ver": "Abrir la ficha de un cliente…",
    "editar": "Elija el cliente a editar…",
    "eliminar": "Elija el cliente a eliminar…",
    "restaurar": "Elija el cliente a restaurar…",
    "canales": "Elija el cliente cuyos canales revisar…",
}


class PickClient(Routed, ui.DynamicItem[ui.Select[Any]], template=ids.PICK_CLIENT):
    def __init__(self, action: str, choices: Sequence[ClientSummary] = ()) -> None:
        options = [
            discord.SelectOption(
                label=clip(c.name, 100), value=str(c.id), description=clip(f"{c.document} · {c.ref}", 100)
            )
            for c in choices[:25]
        ]
        select: ui.Select[Any] = ui.Select(
            custom_id=ids.pick_client(action),
            placeholder=PLACEHOLDERS[action],
            options=options_or_blank(options),
            row=0,
        )
        super().__init__(select)
        self.action = action

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str], /
    ) -> PickClient:
        return cls(match["action"])

    @property
    def client_id(self) -> int | None:
        """The client picked (None: malformed, answered as no longer valid)."""
        return ids.parse_id(picked(self.item))
