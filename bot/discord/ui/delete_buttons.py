"""Eliminar's confirmation and the "Deshacer" offered after deleting.

`ids.CONFIRM_DELETE` (`cb:del:<client id>:<version>`) confirms (the version refuses a delete of a client
changed since the card was shown); `ids.UNDO_DELETE` (`cb:undo:<client id>`) restores. Both restart-proof.
"""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import ui

from bot.discord import ids
from bot.discord.ui.base import Routed


class ConfirmDelete(Routed, ui.DynamicItem[ui.Button[Any]], template=ids.CONFIRM_DELETE):
    def __init__(self, client_id: int, version: int) -> None:
        super().__init__(
            ui.Button(
                label="Sí, eliminar", style=discord.ButtonStyle.danger, custom_id=ids.confirm_delete(client_id, version)
            )
        )
        self.client_id, self.version = client_id, version

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str], /
    ) -> ConfirmDelete:
        return cls(int(match["cid"]), int(match["ver"]))


class UndoDelete(Routed, ui.DynamicItem[ui.Button[Any]], template=ids.UNDO_DELETE):
    """ "Deshacer" after a delete; in the trash, "Restaurar #12" on the row (`label`, `row`)."""

    def __init__(self, client_id: int, label: str = "Deshacer", row: int | None = None) -> None:
        super().__init__(
            ui.Button(label=label, style=discord.ButtonStyle.secondary, custom_id=ids.undo_delete(client_id), row=row)
        )
        self.client_id = client_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str], /
    ) -> UndoDelete:
        return cls(int(match["cid"]))
