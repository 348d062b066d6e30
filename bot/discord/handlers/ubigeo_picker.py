"""The address picker's steps (Departamento → Provincia → Distrito, "Más distritos") and its
"Continuar" / "Otro país", which open the Dirección form (`handlers.edit.open_address`). The picker
itself, and which choices are valid, are the components' (`ui.ubigeo_picker`)."""

from __future__ import annotations

import discord

from bot.discord.handlers.edit import open_address
from bot.discord.replies import send
from bot.discord.ui.ubigeo_picker import (
    ContinueButton,
    DepartamentoSelect,
    DistritoSelect,
    MoreButton,
    ProvinciaSelect,
    picker_reply,
)

Step = DepartamentoSelect | ProvinciaSelect | DistritoSelect | MoreButton


async def step(interaction: discord.Interaction, component: Step) -> None:
    """Replaces the picker message with the next step (static catalog: answers at once). A value the
    catalog does not hold gets nothing here, and `Routed` says it is no longer valid."""
    state = component.next_state()
    if state is not None:
        await send(interaction, picker_reply(state, replace=True))


async def continue_clicked(interaction: discord.Interaction, button: ContinueButton) -> None:
    await open_address(interaction, button.cid, button.ver, button.aid or None, button.code)
