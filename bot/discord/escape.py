"""Escaping of user-typed text before it reaches Discord markdown.

A client's name is typed by people, so "@everyone", "**" or "<@&123>" must show literally. Every send
also carries `NO_MENTIONS` (parse: []), so even an escape we missed can never ping anybody.
"""

from __future__ import annotations

import discord

NO_MENTIONS = discord.AllowedMentions.none()


def md(text: object) -> str:
    """Markdown- and mention-escaped text for message content and embed fields."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(str(text)))


def clip(text: str, limit: int) -> str:
    """Cuts to Discord's character limits with an ellipsis (labels 45/80/100, fields 1024...)."""
    return text if len(text) <= limit else text[: max(0, limit - 1)] + "…"
