"""Escaping user text for Slack mrkdwn.

Slack parses ``<...>`` as links and mentions (``<!channel>``, ``<@U123>``) and ``&`` starts an entity,
so a client named ``<!channel>`` would ping everyone unless these three characters are escaped.
Plain ``@here`` is only a mention when a message sets ``link_names``; we never do.
"""

from __future__ import annotations

_TABLE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def mrkdwn(text: object) -> str:
    """``text`` safe to embed in a mrkdwn text object (formatting characters kept, no links or pings)."""
    return str(text).translate(_TABLE)


def truncate(text: str, limit: int) -> str:
    """Cut ``text`` to Slack's ``limit`` with an ellipsis (limits are documented per field)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
