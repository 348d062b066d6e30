"""The OAuth2 URL that installs the bot in a server (`clientes-bot discord-invite`).

Scopes: `bot` (the bot user joins the server) and `applications.commands` (it may register /clientes).
Permissions are exactly what the features use, nothing more:

* View Channels — see the channels it posts onboarding cards in and find an existing channel of a
  client's name instead of creating a duplicate.
* Send Messages — onboarding cards and announcements posted to channels (interaction replies
  themselves need no channel permission).
* Embed Links — those channel messages are embeds (client cards).
* Manage Channels — the channel-provisioning feature creates a client's text channel under
  DISCORD_CLIENTS_CATEGORY_ID and sets its topic.
* Manage Roles — that provisioning makes the channel private and grants the client's Discord user
  and DISCORD_ONBOARDING_ROLE_ID access through permission overwrites, which Discord only lets a bot
  write with Manage Roles.

Not requested: Administrator, Mention Everyone (we never ping), Read Message History and Message
Content (slash commands do not read messages).
"""

from __future__ import annotations

import discord

SCOPES = ("bot", "applications.commands")

PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    embed_links=True,
    manage_channels=True,
    manage_roles=True,
)


def invite_url(client_id: int | str) -> str:
    """OAuth2 authorize URL for the application `client_id` (the application id of the bot)."""
    return discord.utils.oauth_url(client_id, permissions=PERMISSIONS, scopes=SCOPES)
