"""The /clientes group: nuevo, lista [texto], ver|editar|eliminar|restaurar|canales|historial <cliente>,
sunat <consulta>, exportar, ayuda.

`<cliente>` is free text with autocomplete (`handlers.options`); whatever is typed without picking is
resolved by the core (document, #id, then name), and several matches become a Select of clients.
"""

from __future__ import annotations

import discord
from discord import app_commands

from bot.discord.actor import actor_of
from bot.discord.escape import md
from bot.discord.form_target import FormTarget
from bot.discord.handlers import ops, sunat
from bot.discord.handlers.context import service_of
from bot.discord.handlers.export import export_command
from bot.discord.handlers.forms import open_form
from bot.discord.handlers.listing import list_command
from bot.discord.handlers.options import deleted_clients, live_clients
from bot.discord.replies import Reply, answer, send
from bot.discord.translator import CLIENT_OPTION, DELETED_OPTION, GROUP_DESCRIPTION, SUNAT_OPTION, TEXT_OPTION
from bot.discord.ui.base import view_of
from bot.discord.ui.client_picker import PickClient
from commands.errors import Ambiguous
from commands.router import COMMANDS, help_lines, help_notes
from commands.views import ClientCard

DESCRIPTIONS = {spec.name: spec.description for spec in COMMANDS}


async def _resolve(interaction: discord.Interaction, text: str, action: str) -> ClientCard | Reply:
    """The card `text` names, or a Select of the candidates when several match."""
    try:
        return await service_of(interaction).find(actor_of(interaction), text, deleted=action == "restaurar")
    except Ambiguous as exc:
        return Reply(content=exc.render(md), view=view_of(PickClient(action, exc.choices)))


async def command(interaction: discord.Interaction, action: str, text: str) -> None:
    """`/clientes ver|editar|eliminar|restaurar|canales <cliente>`."""

    async def work() -> Reply:
        found = await _resolve(interaction, text, action)
        return found if isinstance(found, Reply) else await ops.for_action(interaction, action, found)

    await answer(interaction, work())


def help_reply() -> Reply:
    commands = help_lines()[: len(COMMANDS)]
    lines = "\n".join(f"• `{line.split(' — ')[0]}` — {line.split(' — ', 1)[1]}" for line in commands)
    notes = "\n".join(help_notes())
    return Reply(content=f"**/clientes** — registro de clientes\n{lines}\n{notes}")


@app_commands.guild_only()
class ClientesGroup(app_commands.Group, name="clientes", description=GROUP_DESCRIPTION):
    @app_commands.command(name="nuevo", description=DESCRIPTIONS["nuevo"])
    async def nuevo(self, interaction: discord.Interaction) -> None:
        # The modal must be the first answer: no defer, no database call before it.
        await open_form(interaction, FormTarget("create"))

    @app_commands.command(name="lista", description=DESCRIPTIONS["lista"])
    @app_commands.describe(texto=TEXT_OPTION)
    async def lista(self, interaction: discord.Interaction, texto: app_commands.Range[str, 0, 100] = "") -> None:
        await list_command(interaction, texto)

    @app_commands.command(name="ver", description=DESCRIPTIONS["ver"])
    @app_commands.describe(cliente=CLIENT_OPTION)
    @app_commands.autocomplete(cliente=live_clients)
    async def ver(self, interaction: discord.Interaction, cliente: str) -> None:
        await command(interaction, "ver", cliente)

    @app_commands.command(name="editar", description=DESCRIPTIONS["editar"])
    @app_commands.describe(cliente=CLIENT_OPTION)
    @app_commands.autocomplete(cliente=live_clients)
    async def editar(self, interaction: discord.Interaction, cliente: str) -> None:
        await command(interaction, "editar", cliente)

    @app_commands.command(name="eliminar", description=DESCRIPTIONS["eliminar"])
    @app_commands.describe(cliente=CLIENT_OPTION)
    @app_commands.autocomplete(cliente=live_clients)
    async def eliminar(self, interaction: discord.Interaction, cliente: str) -> None:
        await command(interaction, "eliminar", cliente)

    @app_commands.command(name="restaurar", description=DESCRIPTIONS["restaurar"])
    @app_commands.describe(cliente=DELETED_OPTION)
    @app_commands.autocomplete(cliente=deleted_clients)
    async def restaurar(self, interaction: discord.Interaction, cliente: str) -> None:
        await command(interaction, "restaurar", cliente)

    @app_commands.command(name="canales", description=DESCRIPTIONS["canales"])
    @app_commands.describe(cliente=CLIENT_OPTION)
    @app_commands.autocomplete(cliente=live_clients)
    async def canales(self, interaction: discord.Interaction, cliente: str) -> None:
        await command(interaction, "canales", cliente)

    @app_commands.command(name="historial", description=DESCRIPTIONS["historial"])
    @app_commands.describe(cliente=CLIENT_OPTION)
    @app_commands.autocomplete(cliente=live_clients)
    async def historial(self, interaction: discord.Interaction, cliente: str) -> None:
        await command(interaction, "historial", cliente)

    @app_commands.command(name="sunat", description=DESCRIPTIONS["sunat"])
    @app_commands.describe(consulta=SUNAT_OPTION)
    async def sunat(
        self, interaction: discord.Interaction, consulta: app_commands.Range[str, 1, sunat.QUERY_MAX]
    ) -> None:
        await sunat.sunat_command(interaction, consulta)

    @app_commands.command(name="exportar", description=DESCRIPTIONS["exportar"])
    async def exportar(self, interaction: discord.Interaction) -> None:
        await export_command(interaction)

    @app_commands.command(name="ayuda", description=DESCRIPTIONS["ayuda"])
    async def ayuda(self, interaction: discord.Interaction) -> None:
        await send(interaction, help_reply())
