"""Anterior / Siguiente under the list: restart-proof buttons carrying the page cursor and query.

custom_id `ids.LIST_PAGE` (`cb:ls:<cursor>:q:<query>`) while it fits in Discord's 100 characters; a longer search is
kept in a FormDraft and the button carries `cb:ls:<cursor>:d:<draft id>` instead. Cursors are the
core's short keyset cursors ("n:42" older than #42, "p:42" newer than #42).
"""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import ui

from bot.discord import ids
from bot.discord.ui.base import Routed

LABELS = {"p": "Anterior", "n": "Siguiente"}


class PageButton(Routed, ui.DynamicItem[ui.Button[Any]], template=ids.LIST_PAGE):
    def __init__(self, direction: str, cursor_id: int | None, ref: str) -> None:
        super().__init__(
            ui.Button(
                label=LABELS[direction],
                style=discord.ButtonStyle.secondary,
                custom_id=ids.list_page(direction, cursor_id, ref),
                disabled=cursor_id is None,
                row=1,
            )
        )
        self.cursor = f"{direction}:{cursor_id}" if cursor_id else None
        self.ref = ref

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str], /
    ) -> PageButton:
        return cls(match["dir"], int(match["id"]) or None, match["ref"])
