"""The confirmation that "Eliminar Dirección N / Datos del servidor N" asks for, in place of the card.

`ids.CONFIRM_REMOVE` (`cb:rm:<a|s>:<client id>:<version>:<item id>`, "Sí, eliminar", danger) removes
with the version of the card the user chose from — a card changed since then gets the Conflict reply,
nothing is removed; `ids.KEEP_CARD` (`cb:keep:<client id>`, "Cancelar") puts the current card back.
Both restart-proof.
"""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import ui

from bot.discord import ids
from bot.discord.ui.base import Routed


class ConfirmRemove(Routed, ui.DynamicItem[ui.Button[Any]], template=ids.CONFIRM_REMOVE):
    def __init__(self, kind: str, client_id: int, version: int, item_id: int) -> None:
        super().__init__(
            ui.Button(
                label="Sí, eliminar",
                style=discord.ButtonStyle.danger,
                custom_id=ids.confirm_remove(kind, client_id, version, item_id),
            )
        )
        self.kind, self.client_id, self.version, self.item_id = kind, client_id, version, item_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str], /
    ) -> ConfirmRemove:
        return cls(ids.ITEM_KINDS[match["kind"]], int(match["cid"]), int(match["ver"]), int(match["iid"]))


class KeepCard(Routed, ui.DynamicItem[ui.Button[Any]], template=ids.KEEP_CARD):
    def __init__(self, client_id: int) -> None:
        super().__init__(
            ui.Button(label="Cancelar", style=discord.ButtonStyle.secondary, custom_id=ids.keep_card(client_id))
        )
        self.client_id = client_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str], /
    ) -> KeepCard:
        return cls(int(match["cid"]))
