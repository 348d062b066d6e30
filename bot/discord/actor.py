"""Who is asking: the core's `Actor` from a Discord interaction."""

from __future__ import annotations

import discord

from commands.access import Actor


def role_ids(user: discord.User | discord.Member) -> frozenset[str]:
    """The member's role ids as the interaction payload lists them.

    `Member.roles` only returns roles found in the guild cache, which is empty before the gateway's
    GUILD_CREATE (and whenever a guild is unavailable); the payload's raw ids (`Member._roles`) are
    always there, so permissions never depend on cache timing.
    """
    raw = getattr(user, "_roles", None)
    if raw is not None:
        return frozenset(str(role_id) for role_id in raw)
    return frozenset(str(role.id) for role in getattr(user, "roles", ()) if not role.is_default())


def actor_of(interaction: discord.Interaction) -> Actor:
    """Discord user id as the actor id; role ids as groups (what CLIENTES_* lists may name).

    The member and its roles come inside the interaction payload, so no members intent is needed.
    """
    user = interaction.user
    return Actor("discord", str(user.id), user.display_name, groups=role_ids(user))
