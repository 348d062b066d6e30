"""The button under a saved card that continues with a source's pre-filled values ("Completar con el
mensaje"): `ids.PREFILL`, `cb:pf:<source>:<client id>`. Row 4: the card's own components use rows 0–2
(`card_view`), so the button never competes with them."""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import ui

from bot.discord import ids
from bot.discord.ui.base import Routed
from commands.prefill import continue_label

ROW = 4


class PrefillButton(Routed, ui.DynamicItem[ui.Button[Any]], template=ids.PREFILL):
    def __init__(self, source: str, client_id: int) -> None:
        button: ui.Button[Any] = ui.Button(
            label=continue_label(source),
            style=discord.ButtonStyle.success,
            custom_id=ids.prefill(source, client_id),
            row=ROW,
        )
        super().__init__(button)
        self.source, self.client_id = source, client_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str], /
    ) -> PrefillButton:
        return cls(match["source"], int(match["cid"]))
