"""The components under a client card: one restart-proof `DynamicItem` per action.

custom_id `ids.CARD_BUTTON` (`cb:c:<action>:<client id>:<version>`): the card's version travels with the
button, so a form opened from an old card is refused by the core's optimistic lock instead of
overwriting newer values.

Component budget (a message holds ≤ 5 action rows; a row ≤ 5 buttons or one select):
row 0 — the sections to complete (4 buttons); row 1 — Editar, Ver contraseña, Compartir, Eliminar and,
while a named Slack/Discord channel is not ready ("pendiente" or "error"), Canales (retries it);
row 2 — "Direcciones y servidores…" (`ItemSelect`), only when there is an address or a server;
row 3 — Historial. Row 4 stays free.
"""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import ui

from bot.discord import ids
from bot.discord.card_items import card_items
from bot.discord.ui.base import Routed, view_of
from bot.discord.ui.item_select import ItemSelect
from commands.forms import ADDRESS, CONTACT, INTEGRATIONS, SERVER
from commands.views import ClientCard

# action (`ids.CARD_ACTIONS`, in this order) -> (label, style, row)
ACTIONS: dict[str, tuple[str, discord.ButtonStyle, int]] = {
    "addr": (ADDRESS.add_label or ADDRESS.title, discord.ButtonStyle.primary, 0),
    "contact": (CONTACT.title, discord.ButtonStyle.primary, 0),
    "integ": (INTEGRATIONS.title, discord.ButtonStyle.primary, 0),
    "srv": (SERVER.add_label or SERVER.title, discord.ButtonStyle.primary, 0),
    "edit": ("Editar", discord.ButtonStyle.secondary, 1),
    "pw": ("Ver contraseña", discord.ButtonStyle.secondary, 1),
    "share": ("Compartir", discord.ButtonStyle.secondary, 1),
    "del": ("Eliminar", discord.ButtonStyle.danger, 1),
    "chan": ("Canales", discord.ButtonStyle.secondary, 1),
    "hist": ("Historial", discord.ButtonStyle.secondary, 3),
}


class CardButton(Routed, ui.DynamicItem[ui.Button[Any]], template=ids.CARD_BUTTON):
    def __init__(self, action: str, client_id: int, version: int) -> None:
        label, style, row = ACTIONS[action]
        custom_id = ids.card_button(action, client_id, version)
        super().__init__(ui.Button(label=label, style=style, custom_id=custom_id, row=row))
        self.action, self.client_id, self.version = action, client_id, version

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str], /
    ) -> CardButton:
        if match["action"] not in ACTIONS:
            raise ValueError(f"unknown card action {match['action']}")
        return cls(match["action"], int(match["cid"]), int(match["ver"]))


def _shown(action: str, card: ClientCard) -> bool:
    if action == "pw":
        return any(server.has_password for server in card.servers)
    if action == "chan":
        return any(channel.state != "listo" for channel in card.channels)
    return True


def card_view(card: ClientCard, item_page: int = 0) -> ui.View:
    """Components for a live client; a deleted one gets none (Deshacer/restaurar bring it back).

    `item_page`: which page of "Direcciones y servidores…" options to show (see `ItemSelect`)."""
    if card.deleted:
        return view_of()
    items: list[ui.Item[Any]] = [
        CardButton(action, card.id, card.version) for action in ACTIONS if _shown(action, card)
    ]
    if card_items(card):
        items.append(ItemSelect(card.id, card.version, item_page, card))
    return view_of(*items)
