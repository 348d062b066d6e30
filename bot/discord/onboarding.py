"""The messages a new client's channel gets: the onboarding card in the channel and the announcement in
ONBOARDING_DISCORD_CHANNEL_ID, each posted at most once per client and channel.

Exactly once goes through the job's stored progress, like Slack (`ProvisionRequest.once`): the intent
and its key are stored before the post and the message id right after. The key travels as the
message's `nonce` with `enforce_nonce` (discord.py sets it with any nonce), so Discord itself returns
the earlier message instead of creating a second one for a few minutes; a retry after longer looks
for the bot's own message with this client's card footer ("#<id> ·") among the channel's latest
messages (needs Read Message History) before posting again. Only an attempt whose outcome is unknown
reads the history: one that finished is known from the job.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

import discord

from bot.discord.embeds import card_embed
from bot.discord.escape import NO_MENTIONS, md
from commands.channels import Unverifiable
from commands.texts import texts
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
    lines = [texts().channel_welcome(f"**{md(card.name)}**", md(card.document))]
    if user is not None and user.member_id is not None:
        lines.append(texts().client_user(f"<@{user.member_id}>"))
    elif user is not None:
        lines.append(texts().client_user_missing(md(user.typed)))
    return "\n".join(lines)


def announcement_text(card: ClientCard, channel_id: int, *, created: bool) -> str:
    """The onboarding channel's line: a channel made for the client, or an existing one linked."""
    return texts().channel_announced(f"**{md(card.name)}**", md(card.document), created, f"<#{channel_id}>")


async def find_posted(channel: discord.abc.Messageable, bot_id: int, card: ClientCard) -> str | None:
    """The id of the bot's message with this client's card here (None: not among the latest)."""
    marker = footer_marker(card)
    try:
        async for message in channel.history(limit=HISTORY):
            if message.author.id == bot_id and any((e.footer.text or "").startswith(marker) for e in message.embeds):
                return str(message.id)
    except discord.Forbidden as exc:
        raise Unverifiable(f"no se puede leer el historial de {channel} (Leer el historial de mensajes)") from exc
    return None


async def post_card(channel: discord.abc.Messageable, card: ClientCard, content: str, key: str) -> str:
    """Posts `content` with the shareable card (no servers, no mentions); `key` is the nonce Discord
    dedupes on. Returns the message id."""
    message = await channel.send(
        content=content, embed=card_embed(card, shared=True), allowed_mentions=NO_MENTIONS, nonce=key
    )
    return str(message.id)
