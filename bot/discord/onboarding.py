"""The messages a new client's channel gets: the onboarding card in the channel and the announcement in
ONBOARDING_DISCORD_CHANNEL_ID, each posted at most once per client and channel.

Why the history check: a provisioning job is retried after any passing failure, possibly after one of
these messages was already posted. Each message carries the card embed, whose footer starts with
"#<client id> ·"; before posting, the bot looks for its own message with that footer among the
channel's latest messages (needs Read Message History) and skips the post when it is there.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

import discord

from bot.discord.embeds import card_embed
from bot.discord.escape import NO_MENTIONS, md
from commands.views import ChannelStatus, ClientCard

log = logging.getLogger(__name__)

HISTORY = 50  # messages looked at for an earlier post of the same client


@dataclass(frozen=True)
class ClientUser:
    """The card's "Usuario de Discord" and the member it resolved to (None: not in the guild)."""

    typed: str
    member_id: int | None


def ready_card(card: ClientCard, channel_id: int) -> ClientCard:
    """The card as it will be once the job links the channel: "#acme (listo)", not "(pendiente)"."""
    channels = tuple(
        ChannelStatus(c.platform, c.name, "listo") if c.platform == "discord" else c for c in card.channels
    )
    return replace(card, discord_channel_id=str(channel_id), channels=channels)


def footer_marker(card: ClientCard) -> str:
    return f"#{card.id} ·"


def welcome_text(card: ClientCard, user: ClientUser | None) -> str:
    lines = [f"Canal del cliente **{md(card.name)}** ({md(card.document)})."]
    if user is not None and user.member_id is not None:
        lines.append(f"Usuario de Discord del cliente: <@{user.member_id}>.")
    elif user is not None:
        lines.append(
            f"No se encontró al usuario de Discord «{md(user.typed)}» en el servidor: agréguelo al canal a mano "
            "cuando se una."
        )
    return "\n".join(lines)


def announcement_text(card: ClientCard, channel_id: int) -> str:
    return f"Nuevo cliente: **{md(card.name)}** ({md(card.document)}) — canal <#{channel_id}>."


async def already_posted(channel: discord.abc.Messageable, bot_id: int, card: ClientCard) -> bool:
    """Whether the bot already posted this client's card here (False when history cannot be read)."""
    marker = footer_marker(card)
    try:
        async for message in channel.history(limit=HISTORY):
            if message.author.id == bot_id and any((e.footer.text or "").startswith(marker) for e in message.embeds):
                return True
    except discord.Forbidden:
        log.warning("cannot read history of channel %s: an earlier post of client %s may repeat", channel, card.id)
    return False


async def post_once(
    channel: discord.abc.Messageable, bot_id: int, card: ClientCard, content: str
) -> discord.Message | None:
    """Posts `content` with the shareable card (no servers, no mentions) unless it is already there."""
    if await already_posted(channel, bot_id, card):
        return None
    return await channel.send(content=content, embed=card_embed(card, shared=True), allowed_mentions=NO_MENTIONS)
