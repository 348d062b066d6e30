"""Escaping of user-typed text before it reaches Discord markdown.

A client's name is typed by people, so "@everyone", "**", "[texto](https://…)" or "<#123>" must show
literally. Every send also carries `NO_MENTIONS` (parse: []), so even an escape we missed can never
ping anybody.
"""

from __future__ import annotations

import re

import discord

NO_MENTIONS = discord.AllowedMentions.none()


# Characters that start Discord markdown anywhere: emphasis, code, spoilers, masked links ("[x](url)"
# needs both brackets), "<…>" (channel links, timestamps, command mentions, custom emoji) and the
# backslash itself. Discord shows a backslash-escaped punctuation character as typed.
_INLINE = re.compile(r"([\\*_~`|\[\]<>])")
# What only means something at the start of a line: headings, subtext ("-#"), lists, quotes.
_LINE_START = re.compile(r"(?m)^(\s*)([#>+-]|\d+(?=\.))")
# Text `md` leaves as it is: one line, none of the inline characters nor a mention, and nothing a line
# can start with (spaces, then neither #, >, +, - nor a number followed by a dot).
_PLAIN = re.compile(
    r"(?:[^\S\n]*(?:\d+(?![\d.])|[^\s#>+\-\d\\*_~`|\[\]<>@])"
    r"(?:[^\n\\*_~`|\[\]<>@]|@(?!everyone|here|[!&]?[0-9]{17,20}))*)?"
)


def md(text: object) -> str:
    """Markdown- and mention-escaped text for message content and embed fields.

    Not `discord.utils.escape_markdown`: its masked-link rule (`\\[.+\\]\\(.+\\)`) is greedy and escapes
    only the first `[`, so a sentence quoting a name twice («[x](url)» … «[x](url)») kept the second
    one a clickable masked link, and `**bold**` between the two rendered. Nor does it touch `<…>`.
    Mentions get a zero-width space after `@` (and every send carries `NO_MENTIONS` besides).
    """
    text = str(text)
    if _PLAIN.fullmatch(text):  # most names and values: nothing to escape (checked ~10× faster than escaped)
        return text
    escaped = _INLINE.sub(r"\\\1", discord.utils.escape_mentions(text))
    return _LINE_START.sub(lambda m: m[1] + "\\" + m[2] if not m[2][0].isdigit() else m[1] + m[2] + "\\", escaped)


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
