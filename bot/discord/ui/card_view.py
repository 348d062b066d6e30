"""The buttons under a client card: one restart-proof `DynamicItem` per action.

custom_id `cb:c:<action>:<client id>:<version>` (≤ 100 chars): the card's version travels with the
button, so a form opened from an old card is refused by the core's optimistic lock instead of
overwriting newer values. Two rows of at most 5 buttons each.
"""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import ui

from commands.forms import ADDRESS, CONTACT, INTEGRATIONS, SERVER
from commands.views import ClientCard

VIEW_TIMEOUT = 600  # the in-memory view goes; the dynamic items keep answering after that

# action -> (label, style, row)
ACTIONS: dict[str, tuple[str, discord.ButtonStyle, int]] = {
    "addr": (ADDRESS.add_label or ADDRESS.title, discord.ButtonStyle.primary, 0),
    "contact": (CONTACT.title, discord.ButtonStyle.primary, 0),
    "integ": (INTEGRATIONS.title, discord.ButtonStyle.primary, 0),
    "srv": (SERVER.add_label or SERVER.title, discord.ButtonStyle.primary, 0),
    "edit": ("Editar", discord.ButtonStyle.secondary, 1),
    "pw": ("Ver contraseña", discord.ButtonStyle.secondary, 1),
    "share": ("Compartir", discord.ButtonStyle.secondary, 1),
    "del": ("Eliminar", discord.ButtonStyle.danger, 1),
}


class CardButton(ui.DynamicItem[ui.Button[Any]], template=r"cb:c:(?P<action>[a-z]+):(?P<cid>\d+):(?P<ver>\d+)"):
    def __init__(self, action: str, client_id: int, version: int) -> None:
        label, style, row = ACTIONS[action]
        super().__init__(ui.Button(label=label, style=style, custom_id=f"cb:c:{action}:{client_id}:{version}", row=row))
        self.action, self.client_id, self.version = action, client_id, version

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str], /
    ) -> CardButton:
        if match["action"] not in ACTIONS:
            raise ValueError(f"unknown card action {match['action']}")
        return cls(match["action"], int(match["cid"]), int(match["ver"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        from bot.discord import flows

        await flows.card_action(interaction, self.action, self.client_id, self.version)


def card_view(card: ClientCard) -> ui.View:
    """Buttons for a live client; a deleted one gets none (Deshacer/restaurar bring it back)."""
    view = ui.View(timeout=VIEW_TIMEOUT)
    if card.deleted:
        return view
    for action in ACTIONS:
        if action == "pw" and not any(server.has_password for server in card.servers):
            continue
        view.add_item(CardButton(action, card.id, card.version))
    return view
