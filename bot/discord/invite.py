"""The OAuth2 URL that installs the bot in a server (`clientes-bot discord-invite`).

Scopes: `bot` (the bot user joins the server) and `applications.commands` (it may register /clientes).
Permissions are exactly what the features use, nothing more:

* View Channels — see the channels it posts onboarding cards in and find an existing channel of a
  client's name instead of creating a duplicate.
* Send Messages — onboarding cards and announcements posted to channels (interaction replies
  themselves need no channel permission).
* Embed Links — those channel messages are embeds (client cards).
* Read Message History — before posting a client's onboarding card or announcement, the bot looks for
  its own earlier copy, so a retried provisioning job never posts twice.
* Manage Channels — the channel-provisioning feature creates a client's text channel under
  DISCORD_CLIENTS_CATEGORY_ID and sets its topic.
* Manage Roles — that provisioning makes the channel private and grants the client's Discord user
  and DISCORD_ONBOARDING_ROLE_ID access through permission overwrites, which Discord only lets a bot
  write with Manage Roles.

Not requested: Administrator, Mention Everyone (we never ping) and Message Content (slash commands do
not read messages; the history check only looks at the bot's own embeds).

A bot can only grant in a permission overwrite what it holds itself, so the private channel gives the
bot View Channels, Send Messages, Embed Links and Read Message History, and the team role and the
client's user View Channels and Send Messages (their other permissions come from their roles).
"""

from __future__ import annotations

import discord

SCOPES = ("bot", "applications.commands")

PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    embed_links=True,
    read_message_history=True,
    manage_channels=True,
    manage_roles=True,
)


def invite_url(client_id: int | str) -> str:
    """OAuth2 authorize URL for the application `client_id` (the application id of the bot)."""
    return discord.utils.oauth_url(client_id, permissions=PERMISSIONS, scopes=SCOPES)
