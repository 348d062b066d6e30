"""A Select of clients: the list's "open a client" and the answer to an ambiguous `<cliente>`.

custom_id `cb:pick:<action>`; each option's value is the client id. ≤ 25 options, label and
description ≤ 100 characters (plain text: Discord does not render markdown in options).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import discord
from discord import ui

from bot.discord.escape import clip
from bot.discord.ui.base import always_answers, options_or_blank, parse_id
from commands.views import ClientSummary

ACTIONS = ("ver", "editar", "eliminar", "restaurar", "canales")
PLACEHOLDERS = {
    "ver": "Abrir la ficha de un cliente…",
    "editar": "Elija el cliente a editar…",
    "eliminar": "Elija el cliente a eliminar…",
    "restaurar": "Elija el cliente a restaurar…",
    "canales": "Elija el cliente cuyos canales revisar…",
}


class PickClient(ui.DynamicItem[ui.Select[Any]], template=r"cb:pick:(?P<action>ver|editar|eliminar|restaurar|canales)"):
    def __init__(self, action: str, choices: Sequence[ClientSummary] = ()) -> None:
        options = [
            discord.SelectOption(
                label=clip(c.name, 100), value=str(c.id), description=clip(f"{c.document} · {c.ref}", 100)
            )
            for c in choices[:25]
        ]
        select: ui.Select[Any] = ui.Select(
            custom_id=f"cb:pick:{action}",
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

    @always_answers
    async def callback(self, interaction: discord.Interaction) -> None:
        from bot.discord import flows

        client_id = parse_id(self.item.values[0]) if self.item.values else None
        if client_id:  # None (malformed): `always_answers` says the option is no longer valid
            await flows.client_action(interaction, self.action, client_id)
