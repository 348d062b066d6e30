"""The confirmation that "Eliminar Dirección N / Datos del servidor N" asks for, in place of the card.

`cb:rm:<a|s>:<client id>:<version>:<item id>` ("Sí, eliminar", danger) removes with the version of the
card the user chose from — a card changed since then gets the Conflict reply, nothing is removed;
`cb:keep:<client id>` ("Cancelar") puts the current card back. Both restart-proof.
"""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import ui

from bot.discord.ui.base import ID, always_answers

KINDS = {"a": "address", "s": "server"}


class ConfirmRemove(
    ui.DynamicItem[ui.Button[Any]], template=rf"cb:rm:(?P<kind>[as]):(?P<cid>{ID}):(?P<ver>{ID}):(?P<iid>{ID})"
):
    def __init__(self, kind: str, client_id: int, version: int, item_id: int) -> None:
        super().__init__(
            ui.Button(
                label="Sí, eliminar",
                style=discord.ButtonStyle.danger,
                custom_id=f"cb:rm:{kind[0]}:{client_id}:{version}:{item_id}",
            )
        )
        self.kind, self.client_id, self.version, self.item_id = kind, client_id, version, item_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str], /
    ) -> ConfirmRemove:
        return cls(KINDS[match["kind"]], int(match["cid"]), int(match["ver"]), int(match["iid"]))

    @always_answers
    async def callback(self, interaction: discord.Interaction) -> None:
        from bot.discord import item_flow

        await item_flow.remove(interaction, self.kind, self.client_id, self.version, self.item_id)


class KeepCard(ui.DynamicItem[ui.Button[Any]], template=rf"cb:keep:(?P<cid>{ID})"):
    def __init__(self, client_id: int) -> None:
        super().__init__(
            ui.Button(label="Cancelar", style=discord.ButtonStyle.secondary, custom_id=f"cb:keep:{client_id}")
        )
        self.client_id = client_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str], /
    ) -> KeepCard:
        return cls(int(match["cid"]))

    @always_answers
    async def callback(self, interaction: discord.Interaction) -> None:
        from bot.discord import item_flow

        await item_flow.keep(interaction, self.client_id)
