"""Escaping user text for Slack mrkdwn.

Slack parses ``<...>`` as links and mentions (``<!channel>``, ``<@U123>``) and ``&`` starts an entity,
so a client named ``<!channel>`` would ping everyone unless these three characters are escaped.
Plain ``@here`` is only a mention when a message sets ``link_names``; we never do.
"""

from __future__ import annotations

import re

_TABLE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def mrkdwn(text: object) -> str:
    """``text`` safe to embed in a mrkdwn text object (formatting characters kept, no links or pings)."""
    return str(text).translate(_TABLE)


_CHANNEL_ID = re.compile(r"[CG][A-Z0-9]{2,30}")


def channel_link(channel_id: str | None) -> str | None:
    """``<#C123>``: Slack shows a channel link (never a ping); None for anything that is not a channel id."""
    return f"<#{channel_id}>" if channel_id and _CHANNEL_ID.fullmatch(channel_id) else None


_ENTITY_MAX = len("&amp;")


def truncate(text: str, limit: int) -> str:
    """Cut ``text`` to Slack's ``limit`` with an ellipsis (limits are documented per field)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def truncate_mrkdwn(text: str, limit: int) -> str:
    """Like :func:`truncate` for escaped mrkdwn: never cuts inside ``&amp;``/``&lt;``/``&gt;`` (a bare
    ``&`` left by the cut would start a broken entity); the cut moves back before that entity."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    amp = cut.rfind("&", max(0, len(cut) - _ENTITY_MAX + 1))
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + "…"
