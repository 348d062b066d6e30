"""How every handler answers: one `Reply`, sent within Discord's 3 s first-response deadline.

`answer()` runs the work and, if it is not done within the bot's `response_budget` (2 s by default),
acknowledges first (`defer`) and then edits the deferred response. Never used for answers that must
be a modal or an autocomplete: neither can be deferred, so the read they need goes through
`before_deadline()`, which gives up in time with a message instead of letting the interaction die.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import discord
from discord import ui
from discord.utils import MISSING

from bot.discord.escape import NO_MENTIONS, clip, md
from commands.errors import CoreError
from commands.texts import texts

log = logging.getLogger(__name__)

PLATFORM = "discord"
DEFAULT_BUDGET = 2.0
T = TypeVar("T")


def saved_unsent() -> str:
    """The change is committed but Discord refused the message saying so (a `Reply.unsent`)."""
    return texts().saved_unsent(texts().platform(PLATFORM))


def deleted_unsent() -> str:
    """The client is deleted but Discord refused the message saying so (a `Reply.unsent`)."""
    return texts().deleted_unsent(texts().platform(PLATFORM))


class TooSlow(Exception):
    """A read needed before a modal/autocomplete did not finish within the response budget."""

    def __init__(self) -> None:
        super().__init__(texts().too_slow(texts().platform(PLATFORM)))


@dataclass
class Reply:
    """A message to show. `replace` edits the message whose component was used instead of adding one.

    `unsent`: what to say if Discord refuses this reply after the work committed a change (e.g.
    `saved_unsent()`); None means nothing was changed, so the generic "no se guardó nada" is true."""

    content: str | None = None
    embeds: list[discord.Embed] = field(default_factory=list)
    view: ui.View | None = None
    ephemeral: bool = True
    replace: bool = False
    unsent: str | None = None


def error_reply(exc: CoreError | TooSlow) -> Reply:
    """The core's own Spanish sentence (or ours for `TooSlow`), ephemeral, as a new message.

    Escaped whole: it may quote a client's name or what was typed, which must show as typed."""
    text = exc.render(md) if isinstance(exc, CoreError) else md(str(exc))
    return Reply(content=clip(text, 2000))


def budget_of(interaction: discord.Interaction) -> float:
    return float(getattr(interaction.client, "response_budget", DEFAULT_BUDGET))


def _consume(task: asyncio.Future[Any]) -> None:
    if not task.cancelled() and (error := task.exception()) is not None:
        log.warning("late read failed after the interaction was answered: %r", error)


async def before_deadline(interaction: discord.Interaction, work: Awaitable[T]) -> T:
    """`work`'s result if it finishes within the response budget, else `TooSlow`.

    For what must answer with a modal or autocomplete choices (no defer possible). The late read is
    left to finish in the background rather than cancelled mid-transaction.
    """
    task = asyncio.ensure_future(work)
    done, _ = await asyncio.wait({task}, timeout=budget_of(interaction))
    if not done:
        task.add_done_callback(_consume)
        raise TooSlow
    return task.result()


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
    done, _ = await asyncio.wait({task}, timeout=budget_of(interaction))
    if not done and not interaction.response.is_done():
        try:
            if replace and interaction.message is not None:
                await interaction.response.defer()
            else:
                await interaction.response.defer(ephemeral=ephemeral, thinking=True)
        except discord.HTTPException:
            log.warning("could not defer interaction %s (expired?)", interaction.id, exc_info=True)
    try:
        reply = await task
    except CoreError as exc:
        reply = error_reply(exc)
    except Exception:
        log.exception("Discord handler failed for interaction %s", interaction.id)
        reply = Reply(content=texts().unexpected)
    try:
        await send(interaction, reply)
    except discord.HTTPException:
        # e.g. Discord refused the message (400): say so rather than leave "interaction failed" — and
        # never "no se guardó nada" when the change is already committed.
        await report_unexpected(interaction, "sending the reply failed", text=reply.unsent)


#: Discord's "Interaction has already been acknowledged": two gateway connections of one token got the
#: same interaction and the other answered first (the gateway lock, `standby`, prevents it in processes
#: sharing a database).
ALREADY_ANSWERED = 40060


async def report_unexpected(
    interaction: discord.Interaction, what: str, error: BaseException | None = None, *, text: str | None = None
) -> None:
    """Logs a failure and tells the user `text` (by default the unexpected-error sentence); never raises
    (it is the last resort). An interaction another connection of the same token already answered is
    one line, and no apology: the user has an answer (see `ALREADY_ANSWERED`)."""
    original = getattr(error, "original", error)  # a command's error wraps the HTTP one
    if isinstance(original, discord.HTTPException) and original.code == ALREADY_ANSWERED:
        log.warning(
            "Discord: la interacción %s ya la respondió otra conexión con este token (¿dos procesos con "
            "bases de datos distintas? el bloqueo de conexión solo los coordina en la misma base).",
            interaction.id,
        )
        return
    log.error("Discord interaction %s: %s", interaction.id, what, exc_info=error or True)
    with contextlib.suppress(discord.HTTPException):
        await send(interaction, Reply(content=text or texts().unexpected))
