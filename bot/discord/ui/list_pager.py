"""Anterior / Siguiente under the list: restart-proof buttons carrying the page cursor and query.

custom_id `cb:ls:<cursor>:q:<query>` while it fits in Discord's 100 characters; a longer search is
kept in a FormDraft and the button carries `cb:ls:<cursor>:d:<draft id>` instead. Cursors are the
core's short keyset cursors ("n:42" older than #42, "p:42" newer than #42).
"""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import ui

from bot.discord.ui.base import ID, always_answers

CUSTOM_ID_MAX = 100
LABELS = {"p": "Anterior", "n": "Siguiente"}


def query_ref(query: str, draft_id: str | None = None) -> str:
    """The tail of the custom_id: `q:<query>` or, for long queries, `d:<draft id>`."""
    return f"d:{draft_id}" if draft_id else f"q:{query}"


def fits(query: str) -> bool:
    return len(f"cb:ls:n:{10**12}:q:{query}") <= CUSTOM_ID_MAX


class PageButton(ui.DynamicItem[ui.Button[Any]], template=rf"cb:ls:(?P<dir>[np]):(?P<id>{ID}):(?P<ref>[qd]:.*)"):
    def __init__(self, direction: str, cursor_id: int | None, ref: str) -> None:
        custom_id = f"cb:ls:{direction}:{cursor_id or 0}:{ref}"
        super().__init__(
            ui.Button(
                label=LABELS[direction],
                style=discord.ButtonStyle.secondary,
                custom_id=custom_id[:CUSTOM_ID_MAX],
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

    @always_answers
    async def callback(self, interaction: discord.Interaction) -> None:
        from bot.discord import flows

        await flows.list_page(interaction, self.ref, self.cursor)
