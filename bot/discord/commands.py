"""The /clientes group: nuevo, lista [texto], ver|editar|eliminar|restaurar|canales <cliente>, ayuda.

`<cliente>` is free text with autocomplete (≤ 25 choices, names ≤ 100 chars, answered straight
from `service.suggest`; an autocomplete cannot be deferred, so it does one query, bounded by the
response budget — a slow database gives no choices rather than a dead interaction).
Whatever is typed without picking is resolved by the core (document, #id, then name).
"""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from bot.discord import flows
from bot.discord.actor import actor_of
from bot.discord.escape import clip
from bot.discord.form_flow import open_form, service_of
from bot.discord.form_target import FormTarget
from bot.discord.replies import TooSlow, before_deadline, send
from bot.discord.translator import CLIENT_OPTION, DELETED_OPTION, GROUP_DESCRIPTION, TEXT_OPTION
from commands.errors import CoreError
from commands.presenter import choice_label
from commands.router import COMMANDS

log = logging.getLogger(__name__)
DESCRIPTIONS = {spec.name: spec.description for spec in COMMANDS}
CHOICES_MAX = 25


async def _suggest(interaction: discord.Interaction, current: str, *, deleted: bool) -> list[app_commands.Choice[str]]:
    lookup = service_of(interaction).suggest(actor_of(interaction), current, limit=CHOICES_MAX, deleted=deleted)
    try:
        found = await before_deadline(interaction, lookup)
    except (CoreError, TooSlow):
        return []  # e.g. Forbidden or a slow database: no choices, the command itself explains
    return [app_commands.Choice(name=clip(choice_label(s), 100), value=s.ref) for s in found[:CHOICES_MAX]]


async def live_clients(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    return await _suggest(interaction, current, deleted=False)


async def deleted_clients(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    return await _suggest(interaction, current, deleted=True)


@app_commands.guild_only()
class ClientesGroup(app_commands.Group, name="clientes", description=GROUP_DESCRIPTION):
    @app_commands.command(name="nuevo", description=DESCRIPTIONS["nuevo"])
    async def nuevo(self, interaction: discord.Interaction) -> None:
        # The modal must be the first answer: no defer, no database call before it.
        await open_form(interaction, FormTarget("create"))

    @app_commands.command(name="lista", description=DESCRIPTIONS["lista"])
    @app_commands.describe(texto=TEXT_OPTION)
    async def lista(self, interaction: discord.Interaction, texto: app_commands.Range[str, 0, 100] = "") -> None:
        await flows.list_command(interaction, texto)

    @app_commands.command(name="ver", description=DESCRIPTIONS["ver"])
    @app_commands.describe(cliente=CLIENT_OPTION)
    @app_commands.autocomplete(cliente=live_clients)
    async def ver(self, interaction: discord.Interaction, cliente: str) -> None:
        await flows.command(interaction, "ver", cliente)

    @app_commands.command(name="editar", description=DESCRIPTIONS["editar"])
    @app_commands.describe(cliente=CLIENT_OPTION)
    @app_commands.autocomplete(cliente=live_clients)
    async def editar(self, interaction: discord.Interaction, cliente: str) -> None:
        await flows.command(interaction, "editar", cliente)

    @app_commands.command(name="eliminar", description=DESCRIPTIONS["eliminar"])
    @app_commands.describe(cliente=CLIENT_OPTION)
    @app_commands.autocomplete(cliente=live_clients)
    async def eliminar(self, interaction: discord.Interaction, cliente: str) -> None:
        await flows.command(interaction, "eliminar", cliente)

    @app_commands.command(name="restaurar", description=DESCRIPTIONS["restaurar"])
    @app_commands.describe(cliente=DELETED_OPTION)
    @app_commands.autocomplete(cliente=deleted_clients)
    async def restaurar(self, interaction: discord.Interaction, cliente: str) -> None:
        await flows.command(interaction, "restaurar", cliente)

    @app_commands.command(name="canales", description=DESCRIPTIONS["canales"])
    @app_commands.describe(cliente=CLIENT_OPTION)
    @app_commands.autocomplete(cliente=live_clients)
    async def canales(self, interaction: discord.Interaction, cliente: str) -> None:
        await flows.command(interaction, "canales", cliente)

    @app_commands.command(name="ayuda", description=DESCRIPTIONS["ayuda"])
    async def ayuda(self, interaction: discord.Interaction) -> None:
        await send(interaction, flows.help_reply())
