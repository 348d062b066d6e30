"""Anterior / Siguiente under a client's history: restart-proof buttons carrying the client and the
core's keyset cursor (`ids.HISTORY_PAGE`, `cb:hi:<client>:<n|p>:<cursor id>`)."""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import ui

from bot.discord import ids
from bot.discord.ui.base import Routed

LABELS = {"p": "Anterior", "n": "Siguiente"}


class HistoryButton(Routed, ui.DynamicItem[ui.Button[Any]], template=ids.HISTORY_PAGE):
    def __init__(self, client_id: int, direction: str, cursor_id: int | None) -> None:
        super().__init__(
            ui.Button(
                label=LABELS[direction],
                style=discord.ButtonStyle.secondary,
                custom_id=ids.history_page(client_id, direction, cursor_id),
                disabled=cursor_id is None,
            )
        )
        self.client_id = client_id
        self.cursor = f"{direction}:{cursor_id}" if cursor_id else None

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str], /
    ) -> HistoryButton:
        return cls(int(match["cid"]), match["dir"], int(match["id"]) or None)
