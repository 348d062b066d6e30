"""Type-ahead for `<cliente>`: autocomplete choices (≤ 25, names ≤ 100 chars) straight from
`service.suggest`. An autocomplete cannot be deferred, so it does one query, bounded by the response
budget — a slow database gives no choices rather than a dead interaction."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.discord.actor import actor_of
from bot.discord.escape import clip
from bot.discord.handlers.context import service_of
from bot.discord.replies import TooSlow, before_deadline
from commands.errors import CoreError
from commands.presenter import choice_label

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
