"""The Slack app manifest (https://api.slack.com/reference/manifests) that creates the app in one paste.

HTTP mode needs the public ``request_url`` (…/slack/events) for the slash command, interactivity and
options; Socket Mode needs no URL.
"""

from __future__ import annotations

from typing import Any

from bot.slack import ids
from commands.router import COMMANDS
from commands.texts import texts

BOT_SCOPES = (
    "commands",
    "chat:write",
    "chat:write.public",
    "channels:manage",
    "channels:read",
    "channels:join",
    "channels:history",  # a post whose answer a crash lost is looked up before posting again
    "groups:read",
    "groups:history",
    "groups:write",
    "users:read",
    "usergroups:read",
    "files:write",  # `/clientes exportar`: the spreadsheet, uploaded to the admin's DM
    "im:write",  # … which conversations.open opens
)
BOT_EVENTS = ("app_home_opened",)  # the Home tab is published when a user opens it
DESCRIPTION = "Registro de Clientes (Suscripción Servicios SAAS): alta, lista, fichas y edición."


def build_manifest(*, socket_mode: bool, request_url: str | None = None, name: str = "Clientes") -> dict[str, Any]:
    if not socket_mode and not request_url:
        raise ValueError("En modo HTTP el manifiesto necesita request_url (https://…/slack/events).")
    command: dict[str, Any] = {
        "command": ids.COMMAND,
        "description": "Registro de clientes",
        "usage_hint": " | ".join(spec.usage for spec in COMMANDS)[:1000],
        "should_escape": False,
    }
    interactivity: dict[str, Any] = {"is_enabled": True}
    events: dict[str, Any] = {"bot_events": list(BOT_EVENTS)}
    if not socket_mode:
        command["url"] = request_url
        interactivity["request_url"] = request_url
        interactivity["message_menu_options_url"] = request_url
        events["request_url"] = request_url
    shortcut = {
        "name": texts().register_from_message,
        "type": "message",
        "callback_id": ids.SHORTCUT_REGISTER,
        "description": "Abre el formulario de nuevo cliente con el RUC/DNI, correos, teléfonos y web del mensaje",
    }
    return {
        "_metadata": {"major_version": 1, "minor_version": 1},
        "display_information": {"name": name, "description": DESCRIPTION, "background_color": "#1d4e89"},
        "features": {
            "bot_user": {"display_name": name, "always_online": True},
            "slash_commands": [command],
            "shortcuts": [shortcut],
            # The Home tab is where the team lands (blocks/home.py); the messages tab is read-only: it
            # holds the replies that fall back to a DM, and the bot answers commands, not DMs.
            "app_home": {
                "home_tab_enabled": True,
                "messages_tab_enabled": True,
                "messages_tab_read_only_enabled": True,
            },
        },
        "oauth_config": {"scopes": {"bot": list(BOT_SCOPES)}},
        "settings": {
            "event_subscriptions": events,
            "interactivity": interactivity,
            "org_deploy_enabled": False,
            "socket_mode_enabled": socket_mode,
            "token_rotation_enabled": False,
        },
    }
