""" "Corregir": re-opens a refused form with what the user typed, kept in a FormDraft.

custom_id `cb:fix:<draft id>` (32 hex): the typed values are too big for a custom_id and survive a
restart in the database; only the same user can load the draft.
"""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import ui

from bot.discord.ui.base import always_answers


class FixButton(ui.DynamicItem[ui.Button[Any]], template=r"cb:fix:(?P<draft>[0-9a-f]{32})"):
    def __init__(self, draft_id: str) -> None:
        super().__init__(ui.Button(label="Corregir", style=discord.ButtonStyle.primary, custom_id=f"cb:fix:{draft_id}"))
        self.draft_id = draft_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str], /
    ) -> FixButton:
        return cls(match["draft"])

    @always_answers
    async def callback(self, interaction: discord.Interaction) -> None:
        from bot.discord import form_flow

        await form_flow.reopen(interaction, self.draft_id)
