""" "Corregir": re-opens a refused form with what the user typed, kept in a FormDraft.

custom_id `ids.FIX` (`cb:fix:<draft id>`, 32 hex): the typed values are too big for a custom_id and survive a
restart in the database; only the same user can load the draft.
"""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import ui

from bot.discord import ids
from bot.discord.ui.base import Routed


class FixButton(Routed, ui.DynamicItem[ui.Button[Any]], template=ids.FIX):
    def __init__(self, draft_id: str) -> None:
        super().__init__(ui.Button(label="Corregir", style=discord.ButtonStyle.primary, custom_id=ids.fix(draft_id)))
        self.draft_id = draft_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str], /
    ) -> FixButton:
        return cls(match["draft"])
