"""How every handler answers: one `Reply`, sent within Discord's 3 s first-response deadline.

`answer()` runs the work and, if it is not done within the bot's `response_budget` (2 s by default),
acknowledges first (`defer`) and then edits the deferred response. Never used for answers that must
be a modal: those call `send_modal` directly, because a deferred interaction cannot open one.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from dataclasses import dataclass, field

import discord
from discord import ui
from discord.utils import MISSING

from bot.discord.escape import NO_MENTIONS, clip
from commands.errors import CoreError

log = logging.getLogger(__name__)

UNEXPECTED = "Ocurrió un error inesperado; no se guardó nada. Intente de nuevo y, si persiste, avise al equipo."
DEFAULT_BUDGET = 2.0


@dataclass
class Reply:
    """A message to show. `replace` edits the message whose component was used instead of adding one."""

    content: str | None = None
    embeds: list[discord.Embed] = field(default_factory=list)
    view: ui.View | None = None
    ephemeral: bool = True
    replace: bool = False


def error_reply(exc: CoreError) -> Reply:
    """The core's own Spanish sentence, ephemeral, as a new message."""
    return Reply(content=clip(str(exc), 2000))


async def send(interaction: discord.Interaction, reply: Reply) -> None:
    """Sends `reply` as the first response, or through the deferred response / a follow-up."""
    content = clip(reply.content, 2000) if reply.content else None
    response = interaction.response
    if not response.is_done():
        if reply.replace and interaction.message is not None:
            await response.edit_message(
                content=content, embeds=reply.embeds, view=reply.view, allowed_mentions=NO_MENTIONS
            )
        else:
            await response.send_message(
                content=content,
                embeds=reply.embeds,
                view=reply.view or MISSING,
                ephemeral=reply.ephemeral,
                allowed_mentions=NO_MENTIONS,
            )
        return
    deferred = response.type
    thinking = deferred is discord.InteractionResponseType.deferred_channel_message
    if thinking or (reply.replace and deferred is discord.InteractionResponseType.deferred_message_update):
        await interaction.edit_original_response(
            content=content, embeds=reply.embeds, view=reply.view, allowed_mentions=NO_MENTIONS
        )
        return
    await interaction.followup.send(
        content=content or MISSING,
        embeds=reply.embeds or MISSING,
        view=reply.view or MISSING,
        ephemeral=reply.ephemeral,
        allowed_mentions=NO_MENTIONS,
    )


async def answer(
    interaction: discord.Interaction, work: Awaitable[Reply], *, replace: bool = False, ephemeral: bool = True
) -> None:
    """Runs `work` (which turns expected errors into replies itself) and sends its reply in time.

    `replace`: the work will edit the clicked message, so a late answer defers as an update (type 6)
    rather than "thinking" (type 5). `CoreError`s that escape become their ephemeral message.
    """
    task = asyncio.ensure_future(work)
    budget = getattr(interaction.client, "response_budget", DEFAULT_BUDGET)
    done, _ = await asyncio.wait({task}, timeout=budget)
    if not done and not interaction.response.is_done():
        if replace and interaction.message is not None:
            await interaction.response.defer()
        else:
            await interaction.response.defer(ephemeral=ephemeral, thinking=True)
    try:
        reply = await task
    except CoreError as exc:
        reply = error_reply(exc)
    except Exception:
        log.exception("Discord handler failed for interaction %s", interaction.id)
        reply = Reply(content=UNEXPECTED)
    await send(interaction, reply)
