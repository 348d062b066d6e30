"""What a list search means: `orden:nombre` (sort by name) and pasted channel mentions, read once here
so every adapter's `lista` behaves the same; the words left are matched by storage."""

from __future__ import annotations

import re

from storage.repository import Search

#: The words that ask for the list sorted by name ("orden:nombre", also "orden:name").
BY_NAME = frozenset({"orden:nombre", "orden:name", "order:name"})
# A channel as chats paste it: Slack `<#C0ACME|acme>` (or `<#C0ACME>`), Discord `<#123456789>`.
_MENTION = re.compile(r"<#([A-Za-z0-9]{1,32})(?:\|([^<>|]{0,100}))?>")


def parse(text: str) -> Search:
    """'acme orden:nombre' -> Search('acme', by_name=True); '<#C1|acme>' -> a channel look-up."""
    channels = tuple((m[1], m[2] or "") for m in _MENTION.finditer(text))
    words = _MENTION.sub(" ", text).split()
    by_name = any(word.casefold() in BY_NAME for word in words)
    rest = " ".join(word for word in words if word.casefold() not in BY_NAME)
    return Search(rest, channels, by_name)
