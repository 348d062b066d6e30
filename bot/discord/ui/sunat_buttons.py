"""Under `/clientes sunat`'s answer: `texts().padron_register` per taxpayer (`ids.SUNAT_REGISTER`, the
RUC in the custom_id) on rows 0–1, and Anterior / Siguiente on row 2 (`ids.SUNAT_PAGE`)."""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import ui

from bot.discord import ids
from bot.discord.ui.base import Routed
from commands.texts import texts

PER_ROW = 5
PAGE_ROW = 2
LABELS = {"p": "Anterior", "n": "Siguiente"}


class SunatRegister(Routed, ui.DynamicItem[ui.Button[Any]], template=ids.SUNAT_REGISTER):
    def __init__(self, ruc: str, position: int = 0, *, alone: bool = True) -> None:
        label = texts().padron_register if alone else f"{texts().padron_register} · {ruc}"
        super().__init__(
            ui.Button(
                label=label,
                style=discord.ButtonStyle.success,
                custom_id=ids.sunat_register(ruc),
                row=position // PER_ROW,
            )
        )
        self.ruc = ruc

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str], /
    ) -> SunatRegister:
        return cls(match["ruc"])


class SunatPage(Routed, ui.DynamicItem[ui.Button[Any]], template=ids.SUNAT_PAGE):
    def __init__(self, direction: str, page: int, query: str) -> None:
        super().__init__(
            ui.Button(
                label=LABELS[direction],
                style=discord.ButtonStyle.secondary,
                custom_id=ids.sunat_page(page, query),
                row=PAGE_ROW,
            )
        )
        self.page, self.query = page, query

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str], /
    ) -> SunatPage:
        return cls("n", int(match["page"]), match["query"])
