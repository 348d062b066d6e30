"""`ClientesBot`: a plain discord.py `Client` with a `CommandTree` holding /clientes.

Intents: `Intents.none()` plus `guilds` (the tree and guild-scoped commands need guild objects).
No privileged intent is needed: `members` — the invoking member and its role ids arrive inside every
interaction payload; `message_content` — slash commands, buttons and modals never read messages, and
the message a message context command is used on arrives with its content anyway (one of
the intent's documented exceptions);
`presences` — nothing depends on who is online.

Every interaction first passes the guild gate on discord.py's public hooks (`ClientesTree.interaction_check`,
and each component's and the modal's): DMs and servers not in DISCORD_GUILD_IDS are refused before any
handler runs, and /clientes is registered guild-only. `guild_gate.install` adds the answers discord.py
cannot give (an expired form, a payload it cannot parse); `on_interaction` answers a component no
template of ours matches. Clicks reach their handler through `routes` (`handlers.ROUTES`).
"""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands

from bot.discord import guild_gate, open_forms
from bot.discord.escape import NO_MENTIONS
from bot.discord.handlers import ROUTES, ClientesGroup, message_command
from bot.discord.replies import DEFAULT_BUDGET, report_unexpected
from bot.discord.translator import EnglishTranslator
from bot.discord.ui import DYNAMIC_ITEMS
from bot.runtime import Core

log = logging.getLogger(__name__)


def intents() -> discord.Intents:
    wanted = discord.Intents.none()
    wanted.guilds = True
    return wanted


class ClientesTree(app_commands.CommandTree):
    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        return await guild_gate.admit(interaction)

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError, /) -> None:
        name = interaction.command and interaction.command.qualified_name
        if interaction.type is discord.InteractionType.application_command:
            await report_unexpected(interaction, f"command {name} failed", error)
        else:  # an autocomplete: it can only answer with choices, and has none to give
            log.error("autocomplete of %s failed", name, exc_info=error)


# A 429 asking to wait longer raises `RateLimited` instead of sleeping: an interaction cannot wait
# that long anyway, and the outbox worker reschedules the job rather than blocking the others.
RATELIMIT_WAIT_MAX = 30.0


GLOBAL_WARNING = (
    "DISCORD_GUILD_IDS está vacío: /clientes se registra globalmente y el bot responde en CUALQUIER servidor "
    "al que alguien lo agregue. Defina DISCORD_GUILD_IDS con los IDs de sus servidores y desactive «Public "
    "Bot» en el portal de desarrolladores de Discord (Bot → Public Bot)."
)


class ClientesBot(discord.Client):
    """`response_budget`: seconds of work allowed before a reply is deferred (Discord allows 3)."""

    def __init__(self, core: Core, *, response_budget: float = DEFAULT_BUDGET, **options: Any) -> None:
        options.setdefault("max_ratelimit_timeout", RATELIMIT_WAIT_MAX)
        super().__init__(intents=intents(), allowed_mentions=NO_MENTIONS, **options)
        self.core = core
        self.response_budget = response_budget
        self.routes = ROUTES
        self.tree = ClientesTree(self)
        self.tree.add_command(ClientesGroup())
        self.tree.add_command(message_command())  # the message context command (guild-only too)
        self.templates = [item.__discord_ui_compiled_template__ for item in DYNAMIC_ITEMS]
        guild_gate.install(self)

    @property
    def guild_ids(self) -> list[int]:
        return sorted(int(g) for g in self.core.settings.discord_guild_ids if g.isdigit())

    async def revive_form(self, custom_id: str) -> bool:
        """A form opened before a restart or by another process, back in memory (`open_forms`)."""
        return await open_forms.revive(self, custom_id)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        await guild_gate.answer_unknown(interaction, self.templates)

    async def setup_hook(self) -> None:
        self.add_dynamic_items(*DYNAMIC_ITEMS)
        await self.tree.set_translator(EnglishTranslator())
        await self.sync_commands()

    async def sync_commands(self) -> None:
        """To each DISCORD_GUILD_IDS guild (instant), else globally (Discord may take up to an hour)."""
        try:
            if not self.guild_ids:
                log.warning(GLOBAL_WARNING)
                await self.tree.sync()
                log.info("/clientes registrado globalmente")
                return
            for guild_id in self.guild_ids:
                guild = discord.Object(guild_id)
                self.tree.copy_global_to(guild=guild)
                await self.tree.sync(guild=guild)
                log.info("/clientes registrado en el servidor %s", guild_id)
        except discord.HTTPException as exc:
            log.error(
                "No se pudo registrar /clientes (%s). ¿Se invitó al bot con el alcance applications.commands?", exc
            )


class ShardedClientesBot(ClientesBot, discord.AutoShardedClient):
    """The same bot over explicit shards (DISCORD_SHARD_COUNT, DISCORD_SHARD_IDS): for installs in so
    many servers that Discord requires sharding. Each process connects its own shard set; the gateway
    lock is taken per shard (`bot.discord.standby`)."""
