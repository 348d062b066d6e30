""" "Direcciones y servidores…": the card's Select to mark an address as main or remove an address/server.

custom_id `ids.ITEM_SELECT` (`cb:it:<client id>:<version>:<page>`): the card's version travels with it,
so an action taken on an old card is refused by the core's optimistic lock (Conflict) instead of
changing newer data. Option values (read by `ids.item_option`): `ma<address id>` (Marcar como
principal — only addresses that are not the main one), `ra<address id>` / `rs<server id>` (Eliminar…,
which asks first), `p<page>` (more options).

A select holds ≤ 25 options and a client may have many addresses and servers (3 options per address
at most, 1 per server), so options come in pages of 24 plus "Más opciones (n/m)…", which redraws the
card with the next page. Labels ≤ 100 characters, plain text (options do not render markdown).
"""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import ui

from bot.discord import ids
from bot.discord.card_items import card_items
from bot.discord.escape import clip
from bot.discord.ui.base import MAX_OPTIONS, OPTION_TEXT, Routed, options_or_blank, picked
from commands.views import ClientCard

PLACEHOLDER = "Direcciones y servidores…"
ROW = 2  # under the card's two rows of buttons (a message holds ≤ 5 rows)


def item_options(card: ClientCard) -> list[discord.SelectOption]:
    """Every action, in the order offered: mark as main, remove addresses, remove servers."""
    items = card_items(card)
    options = [
        discord.SelectOption(
            label=clip(f"Marcar como principal: {item.name} — {item.summary}", OPTION_TEXT),
            value=ids.mark_main_option(item.code),
        )
        for item in items
        if item.kind == "address" and not item.is_main
    ]
    options += [
        discord.SelectOption(
            label=clip(f"Eliminar {item.name} — {item.summary}", OPTION_TEXT), value=ids.remove_option(item.code)
        )
        for item in items
    ]
    return options


def option_pages(card: ClientCard) -> list[list[discord.SelectOption]]:
    """The options cut into pages that fit one select, each ending with "Más opciones" when paged."""
    options = item_options(card)
    if len(options) <= MAX_OPTIONS:
        return [options]
    size = MAX_OPTIONS - 1
    chunks = [options[i : i + size] for i in range(0, len(options), size)]
    pages = []
    for n, chunk in enumerate(chunks):
        following = (n + 1) % len(chunks)  # the last page wraps to the first
        more = discord.SelectOption(
            label=f"Más opciones ({following + 1}/{len(chunks)})…", value=ids.page_option(following)
        )
        pages.append([*chunk, more])
    return pages


class ItemSelect(Routed, ui.DynamicItem[ui.Select[Any]], template=ids.ITEM_SELECT):
    def __init__(self, client_id: int, version: int, page: int = 0, card: ClientCard | None = None) -> None:
        options: list[discord.SelectOption] = []
        placeholder = PLACEHOLDER
        if card is not None:
            pages = option_pages(card)
            page = page if page < len(pages) else 0
            options = pages[page]
            if len(pages) > 1:
                placeholder = f"{PLACEHOLDER} ({page + 1}/{len(pages)})"
        select: ui.Select[Any] = ui.Select(
            custom_id=ids.item_select(client_id, version, page),
            placeholder=placeholder,
            options=options_or_blank(options),
            row=ROW,
        )
        super().__init__(select)
        self.client_id, self.version, self.page = client_id, version, page

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str], /
    ) -> ItemSelect:
        return cls(int(match["cid"]), int(match["ver"]), int(match["page"]))

    @property
    def option(self) -> str:
        """The option picked ("" or the blank "0": nothing to do)."""
        value = picked(self.item)
        return "" if value == "0" else value
