"""Posts onboarding flows' messages (queued by the HTTP API) in a client's Discord channel for the
outbox worker: the `ChannelMessenger` of Discord, with the provisioner's error mapping.

The job's key is the message's `nonce` (discord.py sends `enforce_nonce` with it): a job retried
after a crash — within seconds now that a dead worker's job is taken over at once — gets Discord's
earlier message back instead of a second one. A plain message has no marker to look for in the
history, so beyond Discord's few minutes of nonce memory `find` cannot tell (it answers "not found").
"""

from __future__ import annotations

import discord

from bot.discord.escape import NO_MENTIONS, clip, md
from bot.discord.provisioner import Step, at_step
from commands import history
from commands.views import ChangeNotice

CONTENT_MAX = 2000


def notice_text(notice: ChangeNotice) -> str:
    """Markdown: names in bold, every user value escaped; sent with no mentions allowed."""
    return clip("\n".join(history.notice_lines(notice, md, lambda text: f"**{text}**")), CONTENT_MAX)


POST = Step(
    forbidden="el bot no puede escribir en el canal del cliente (permisos Ver canal y Enviar mensajes)",
    not_found="el canal de Discord del cliente ya no existe; cambie su nombre o use «canales»",
)


class DiscordMessenger:
    platform = "discord"

    def __init__(self, bot: discord.Client) -> None:
        self.bot = bot

    async def post(self, channel_id: str, text: str, key: str) -> str:
        """Plain text, no mentions: a flow's message can never ping @everyone or a role."""
        channel = self.bot.get_partial_messageable(int(channel_id))
        message = await at_step(POST, channel.send(content=text[:2000], allowed_mentions=NO_MENTIONS, nonce=key))
        return str(message.id)

    async def post_notice(self, channel_id: str, notice: ChangeNotice, key: str, *, client_channel: bool) -> str:
        """In the client's channel as in the audit channel: the card (servers aside) is posted there too."""
        channel = self.bot.get_partial_messageable(int(channel_id))
        content = notice_text(notice)
        message = await at_step(POST, channel.send(content=content, allowed_mentions=NO_MENTIONS, nonce=key))
        return str(message.id)

    async def find(self, channel_id: str, key: str) -> str | None:
        return None  # the nonce sent again with the post is what dedupes it
