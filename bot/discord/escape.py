"""Escaping of user-typed text before it reaches Discord markdown.

A client's name is typed by people, so "@everyone", "**", "[texto](https://…)" or "<#123>" must show
literally. Every send also carries `NO_MENTIONS` (parse: []), so even an escape we missed can never
ping anybody.
"""

from __future__ import annotations

import discord

NO_MENTIONS = discord.AllowedMentions.none()


def md(text: object) -> str:
    """Markdown- and mention-escaped text for message content and embed fields.

    `escape_markdown` leaves `<…>` alone, so channel links (`<#id>`), timestamps (`<t:…>`), command
    mentions (`</x:id>`) and custom emoji would still render: a backslash before `<` shows them as typed.
    """
    escaped = discord.utils.escape_mentions(discord.utils.escape_markdown(str(text)))
    return escaped.replace("<", "\\<")


def clip(text: str, limit: int) -> str:
    """Cuts to Discord's character limits with an ellipsis (labels 45/80/100, fields 1024...).

    Never leaves a lone escaping backslash at the cut, which would swallow the ellipsis."""
    if len(text) <= limit:
        return text
    head = text[: max(0, limit - 1)]
    trailing = len(head) - len(head.rstrip("\\"))
    if trailing % 2:
        head = head[:-1]
    return head + "…"
