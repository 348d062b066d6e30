"""Finding the client's Discord user (the card's "Usuario de Discord") in the guild, over REST only.

Why REST: the bot runs without the privileged `members` intent, so the gateway cache knows no
members; `guild.query_members` needs the gateway too. discord.py has no wrapper for
`GET /guilds/{id}/members/search`, hence the raw `Route`. Search is a prefix match on username and
nickname, so only an exact match counts: "ana" must not grant "ana.torres" access to a private channel.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import discord
from discord.http import Route

SEARCH_LIMIT = 10


def _exact(found: Sequence[Mapping[str, Any]], wanted: str) -> int | None:
    """The member whose username is `wanted`; else the only one whose display name or nick is."""
    folded = wanted.casefold()
    for member in found:
        if str(member["user"].get("username", "")).casefold() == folded:
            return int(member["user"]["id"])
    shown = [
        int(m["user"]["id"])
        for m in found
        if folded in {str(n).casefold() for n in (m["user"].get("global_name"), m.get("nick")) if n}
    ]
    return shown[0] if len(shown) == 1 else None


async def find_member(client: discord.Client, guild_id: int, user: str) -> int | None:
    """The member id for `user` (a snowflake, "name" or legacy "name#1234"), None when not in the guild.

    Only "does not exist / may not look" answers give None; passing failures (429, 5xx, network)
    propagate so the job is retried instead of creating the channel without the client."""
    text = user.strip().lstrip("@")
    if text.isdigit():
        try:
            member = await client.http.get_member(guild_id, int(text))
        except (discord.NotFound, discord.Forbidden):
            return None
        return int(member["user"]["id"])
    name = text.split("#", 1)[0] if "#" in text else text
    if not name:
        return None
    route = Route("GET", "/guilds/{guild_id}/members/search", guild_id=guild_id)
    try:
        found = await client.http.request(route, params={"query": name, "limit": SEARCH_LIMIT})
    except (discord.NotFound, discord.Forbidden):
        return None
    except discord.HTTPException as exc:
        if exc.status == 400:  # a query Discord refuses is a user that cannot be found
            return None
        raise
    return _exact(found or [], name)
