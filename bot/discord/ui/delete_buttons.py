"""Eliminar's confirmation and the "Deshacer" offered after deleting.

`cb:del:<client id>:<version>` confirms (the version refuses a delete of a client changed since the
card was shown); `cb:undo:<client id>` restores. Both restart-proof.
"""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import ui

from bot.discord.ui.base import ID, always_answers


class ConfirmDelete(ui.DynamicItem[ui.Button[Any]], template=rf"cb:del:(?P<cid>{ID}):(?P<ver>{ID})"):
    def __init__(self, client_id: int, version: int) -> None:
        super().__init__(
            ui.Button(label="Sí, eliminar", style=discord.ButtonStyle.danger, custom_id=f"cb:del:{client_id}:{version}")
        )
        self.client_id, self.version = client_id, version

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str], /
    ) -> ConfirmDelete:
        return cls(int(match["cid"]), int(match["ver"]))

    @always_answers
    async def callback(self, interaction: discord.Interaction) -> None:
        from bot.discord import flows

        await flows.delete(interaction, self.client_id, self.version)


class UndoDelete(ui.DynamicItem[ui.Button[Any]], template=rf"cb:undo:(?P<cid>{ID})"):
    def __init__(self, client_id: int) -> None:
        super().__init__(
            ui.Button(label="Deshacer", style=discord.ButtonStyle.secondary, custom_id=f"cb:undo:{client_id}")
        )
        self.client_id = client_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str], /
    ) -> UndoDelete:
        return cls(int(match["cid"]))

    @always_answers
    async def callback(self, interaction: discord.Interaction) -> None:
        from bot.discord import flows

        await flows.restore(interaction, self.client_id, replace=True)
