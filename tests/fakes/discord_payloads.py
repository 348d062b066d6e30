"""Raw INTERACTION_CREATE payloads, exactly as Discord sends them, and a way to deliver them.

Why raw payloads: the adapter must survive what Discord really sends, and discord.py builds every
``Interaction``, ``Namespace``, ``Modal`` value and ``DynamicItem`` from that JSON. Field names follow
discord.py 2.7.1's ``discord/types/interactions.py`` and ``discord/types/components.py``; note that
``Interaction._from_data`` *requires* ``attachment_size_limit``, ``version``, ``token`` and
``application_id``, and that DynamicItems are only dispatched when the payload carries the
``message`` whose components contain the clicked one (``ViewStore.schedule_dynamic_item_call``).

Setup recipe without a gateway (what ``login_without_gateway`` does)::

    with fake.patch_discord_py():                     # Route.BASE -> the fake
        client = discord.Client(intents=discord.Intents.none())
        tree = app_commands.CommandTree(client)       # attaches itself as client._connection._command_tree
        await client.login(FAKE_TOKEN)                # GET /users/@me and /oauth2/applications/@me:
                                                      # sets client.user, application_id, client.loop
        interaction = await deliver(client, slash_command("clientes", "ver", {"cliente": "20100070970"}),
                                    fake=fake)
        await client.close()

``deliver`` calls ``client._connection.parsers["INTERACTION_CREATE"]`` — the very function the gateway
calls — so the CommandTree, persistent views, DynamicItems and modals all route it as in production.
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import discord

from .fake_discord import (
    ADMIN_ROLE_ID,
    APPLICATION_ID,
    BOT_USER_ID,
    FAKE_TOKEN,
    GENERAL_CHANNEL_ID,
    GUILD_ID,
    TEAM_ROLE_ID,
    USER_ID,
    snowflake,
    token_for,
)

if TYPE_CHECKING:
    from .fake_discord import FakeDiscord

__all__ = [
    "ATTACHMENT_SIZE_LIMIT",
    "BOT_PERMISSIONS",
    "MEMBER_PERMISSIONS",
    "InteractionNotAnswered",
    "admin_member",
    "autocomplete",
    "button_click",
    "deliver",
    "interaction",
    "login_without_gateway",
    "member",
    "message_with_components",
    "modal_label_select",
    "modal_label_text",
    "modal_row_text",
    "modal_submit",
    "option",
    "select_choice",
    "slash_command",
    "text_channel",
    "user",
]

Payload = dict[str, Any]

#: A regular team member: can use slash commands, read/send in text channels, no admin.
MEMBER_PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    read_message_history=True,
    embed_links=True,
    attach_files=True,
    use_application_commands=True,
    add_reactions=True,
).value
#: What the bot is granted in the channel (``app_permissions``): enough to manage client channels.
BOT_PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    embed_links=True,
    attach_files=True,
    read_message_history=True,
    manage_channels=True,
    manage_roles=True,
    use_application_commands=True,
).value
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024


# ------------------------------------------------------------------------------------------ pieces
def user(user_id: int = USER_ID, username: str = "ana.torres", global_name: str | None = "Ana Torres") -> Payload:
    """A user object as embedded in interactions."""
    return {
        "id": str(user_id),
        "username": username,
        "global_name": global_name,
        "discriminator": "0",
        "avatar": None,
        "avatar_decoration_data": None,
        "public_flags": 0,
        "primary_guild": None,
        "collectibles": None,
    }


def member(
    user_id: int = USER_ID,
    username: str = "ana.torres",
    *,
    global_name: str | None = "Ana Torres",
    roles: Sequence[int] = (TEAM_ROLE_ID,),
    permissions: int = MEMBER_PERMISSIONS,
    nick: str | None = None,
) -> Payload:
    """A guild member as in an interaction: includes the resolved channel ``permissions`` string."""
    return {
        "user": user(user_id, username, global_name),
        "roles": [str(r) for r in roles],
        "nick": nick,
        "avatar": None,
        "banner": None,
        "joined_at": "2024-03-01T12:00:00.000000+00:00",
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "pending": False,
        "flags": 0,
        "communication_disabled_until": None,
        "unusual_dm_activity_until": None,
        "permissions": str(permissions),
    }


def admin_member() -> Payload:
    """A member holding the Admin role and every permission."""
    return member(roles=(ADMIN_ROLE_ID,), permissions=discord.Permissions.all().value)


def text_channel(
    channel_id: int = GENERAL_CHANNEL_ID,
    name: str = "general",
    *,
    guild_id: int = GUILD_ID,
    parent_id: int | None = None,
    permissions: int = MEMBER_PERMISSIONS,
) -> Payload:
    """The partial channel Discord embeds in interactions (with the invoker's ``permissions``)."""
    return {
        "id": str(channel_id),
        "type": 0,
        "guild_id": str(guild_id),
        "name": name,
        "position": 0,
        "parent_id": None if parent_id is None else str(parent_id),
        "topic": None,
        "nsfw": False,
        "flags": 0,
        "rate_limit_per_user": 0,
        "last_message_id": None,
        "permissions": str(permissions),
    }


def interaction(
    type_: int,
    data: Mapping[str, Any],
    *,
    interaction_id: int | None = None,
    token: str | None = None,
    guild_id: int | None = GUILD_ID,
    channel: Mapping[str, Any] | None = None,
    invoker: Mapping[str, Any] | None = None,
    app_permissions: int = BOT_PERMISSIONS,
    locale: str = "es-ES",
    guild_locale: str = "es-ES",
    application_id: int = APPLICATION_ID,
    message: Mapping[str, Any] | None = None,
) -> Payload:
    """The INTERACTION_CREATE envelope shared by every interaction type.

    ``invoker`` is a member payload in a guild (default: ana.torres, team role) or, with
    ``guild_id=None``, a user payload (DM context).
    """
    interaction_id = interaction_id or snowflake()
    payload: Payload = {
        "id": str(interaction_id),
        "application_id": str(application_id),
        "type": type_,
        "data": copy.deepcopy(dict(data)),
        "token": token or token_for(interaction_id),
        "version": 1,
        "locale": locale,
        "app_permissions": str(app_permissions),
        "entitlements": [],
        "entitlement_sku_ids": [],
        "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
    }
    if guild_id is not None:
        chan = dict(channel or text_channel(guild_id=guild_id))
        payload.update(
            guild_id=str(guild_id),
            guild={"id": str(guild_id), "locale": guild_locale, "features": []},
            guild_locale=guild_locale,
            channel_id=chan["id"],
            channel=chan,
            member=dict(invoker or member()),
            authorizing_integration_owners={"0": str(guild_id)},
            context=0,
        )
    else:
        dm_user = dict(invoker or user())
        dm_channel_id = str(snowflake())
        payload.update(
            channel_id=dm_channel_id,
            channel={"id": dm_channel_id, "type": 1, "flags": 0, "last_message_id": None, "recipients": [dm_user]},
            user=dm_user,
            authorizing_integration_owners={"1": dm_user["id"]},
            context=1,
        )
    if message is not None:
        payload["message"] = copy.deepcopy(dict(message))
    return payload


# ------------------------------------------------------------------------------ application commands
def option(name: str, value: Any, type_: int | None = None, *, focused: bool = False) -> Payload:
    """One value option; ``type_`` is inferred (str 3, bool 5, int 4, float 10) unless given
    (6 user, 7 channel, 8 role, 9 mentionable, 11 attachment take a snowflake string and need ``resolved``)."""
    if type_ is None:
        type_ = 5 if isinstance(value, bool) else 4 if isinstance(value, int) else 10 if isinstance(value, float) else 3
    out: Payload = {"name": name, "type": type_, "value": value}
    if focused:
        out["focused"] = True
    return out


def _options(values: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None) -> list[Payload]:
    if values is None:
        return []
    if isinstance(values, Mapping):
        return [option(k, v) for k, v in values.items()]
    return [dict(v) for v in values]


def _command_data(
    name: str,
    subcommand: str | None,
    options: list[Payload],
    *,
    group: str | None,
    command_id: int | None,
    command_guild_id: int | None,
    resolved: Mapping[str, Any] | None,
) -> Payload:
    nested: list[Payload] = options
    if subcommand is not None:
        nested = [{"name": subcommand, "type": 1, "options": options}]
        if group is not None:
            nested = [{"name": group, "type": 2, "options": nested}]
    data: Payload = {"id": str(command_id or snowflake()), "name": name, "type": 1}
    if nested:
        data["options"] = nested
    if command_guild_id is not None:
        data["guild_id"] = str(command_guild_id)
    if resolved:
        data["resolved"] = copy.deepcopy(dict(resolved))
    return data


def slash_command(
    name: str = "clientes",
    subcommand: str | None = None,
    options: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None,
    *,
    group: str | None = None,
    command_id: int | None = None,
    command_guild_id: int | None = None,
    resolved: Mapping[str, Any] | None = None,
    **envelope: Any,
) -> Payload:
    """A chat-input command (interaction type 2, command type 1).

    ``/clientes ver cliente:20100070970`` is ``slash_command("clientes", "ver", {"cliente": "20100070970"})``:
    Discord nests the subcommand as an option of type 1 (and a group as type 2 around it).
    ``command_guild_id`` marks a guild-registered command (``data.guild_id``); with the tree's default
    ``fallback_to_global=True`` a global registration matches either way. ``envelope`` goes to
    :func:`interaction` (``invoker=``, ``channel=``, ``locale=``...).
    """
    data = _command_data(
        name,
        subcommand,
        _options(options),
        group=group,
        command_id=command_id,
        command_guild_id=command_guild_id,
        resolved=resolved,
    )
    return interaction(2, data, **envelope)


def autocomplete(
    name: str = "clientes",
    subcommand: str | None = None,
    focused: str = "cliente",
    value: str = "",
    others: Mapping[str, Any] | None = None,
    *,
    group: str | None = None,
    command_id: int | None = None,
    command_guild_id: int | None = None,
    **envelope: Any,
) -> Payload:
    """An autocomplete request (interaction type 4): the focused option carries the partial text
    (always a string while typing, even for integer options), other filled options come along."""
    opts = [option(k, v) for k, v in (others or {}).items()]
    opts.append({"name": focused, "type": 3, "value": value, "focused": True})
    data = _command_data(
        name,
        subcommand,
        opts,
        group=group,
        command_id=command_id,
        command_guild_id=command_guild_id,
        resolved=None,
    )
    return interaction(4, data, **envelope)


# ------------------------------------------------------------------------------ message components
def message_with_components(
    components: Sequence[Mapping[str, Any]],
    *,
    message_id: int | None = None,
    channel_id: int = GENERAL_CHANNEL_ID,
    content: str = "",
    flags: int = 0,
    interaction_user: Mapping[str, Any] | None = None,
) -> Payload:
    """The bot's message that carries the components (Discord sends it along with a click)."""
    msg: Payload = {
        "id": str(message_id or snowflake()),
        "type": 20 if interaction_user else 0,
        "channel_id": str(channel_id),
        "author": user(BOT_USER_ID, "clientes-bot", None) | {"bot": True},
        "content": content,
        "timestamp": "2025-01-01T12:00:00.000000+00:00",
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "pinned": False,
        "flags": flags,
        "components": copy.deepcopy(list(components)),
        "webhook_id": str(APPLICATION_ID),
        "application_id": str(APPLICATION_ID),
    }
    if interaction_user is not None:
        msg["interaction_metadata"] = {
            "id": str(snowflake()),
            "type": 2,
            "user": dict(interaction_user),
            "authorizing_integration_owners": {"0": str(GUILD_ID)},
        }
    return msg


def _button(custom_id: str, label: str = "Botón", style: int = 1) -> Payload:
    return {"type": 2, "id": 2, "custom_id": custom_id, "label": label, "style": style}


def _string_select(custom_id: str, values: Sequence[str], options: Sequence[Mapping[str, Any]] | None) -> Payload:
    opts = [dict(o) for o in options] if options else [{"label": v, "value": v} for v in values]
    return {
        "type": 3,
        "id": 2,
        "custom_id": custom_id,
        "options": opts,
        "min_values": 1,
        "max_values": max(1, len(values)),
    }


def button_click(
    custom_id: str,
    *,
    message: Mapping[str, Any] | None = None,
    label: str = "Botón",
    ephemeral_message: bool = False,
    **envelope: Any,
) -> Payload:
    """A button press (type 3, ``component_type`` 2). Without ``message`` one is made holding just
    this button, so persistent views and DynamicItems (which rebuild the view from it) can dispatch."""
    msg = message or message_with_components(
        [{"type": 1, "id": 1, "components": [_button(custom_id, label)]}],
        flags=64 if ephemeral_message else 0,
        interaction_user=user(),
    )
    data = {"custom_id": custom_id, "component_type": 2, "id": _component_id(msg, custom_id)}
    return interaction(3, data, message=msg, **envelope)


def select_choice(
    custom_id: str,
    values: Sequence[str],
    *,
    options: Sequence[Mapping[str, Any]] | None = None,
    message: Mapping[str, Any] | None = None,
    ephemeral_message: bool = False,
    **envelope: Any,
) -> Payload:
    """A string-select pick (type 3, ``component_type`` 3, ``values``)."""
    msg = message or message_with_components(
        [{"type": 1, "id": 1, "components": [_string_select(custom_id, values, options)]}],
        flags=64 if ephemeral_message else 0,
        interaction_user=user(),
    )
    data = {"custom_id": custom_id, "component_type": 3, "values": list(values), "id": _component_id(msg, custom_id)}
    return interaction(3, data, message=msg, **envelope)


def _component_id(message: Mapping[str, Any], custom_id: str) -> int:
    def walk(items: Sequence[Mapping[str, Any]]) -> int | None:
        for item in items:
            if item.get("custom_id") == custom_id:
                return int(item.get("id", 0))
            found = walk(item.get("components") or [])
            if found is not None:
                return found
        return None

    return walk(message.get("components") or []) or 0


# ------------------------------------------------------------------------------ modal submits
def modal_label_text(
    custom_id: str, value: str, *, label_id: int | None = None, input_id: int | None = None
) -> Payload:
    """A submitted Label (type 18) wrapping a text input (type 4) — discord.py 2.7 ``ui.Label`` form."""
    return {
        "type": 18,
        "id": label_id or 1,
        "component": {"type": 4, "id": input_id or 2, "custom_id": custom_id, "value": value},
    }


def modal_label_select(
    custom_id: str, values: Sequence[str], *, label_id: int | None = None, select_id: int | None = None
) -> Payload:
    """A submitted Label (type 18) wrapping a string select (type 3) with the picked ``values``."""
    return {
        "type": 18,
        "id": label_id or 1,
        "component": {"type": 3, "id": select_id or 2, "custom_id": custom_id, "values": list(values)},
    }


def modal_row_text(custom_id: str, value: str, *, row_id: int | None = None, input_id: int | None = None) -> Payload:
    """The older form: an action row (type 1) holding one text input (type 4)."""
    return {
        "type": 1,
        "id": row_id or 1,
        "components": [{"type": 4, "id": input_id or 2, "custom_id": custom_id, "value": value}],
    }


def modal_submit(
    custom_id: str,
    fields: Mapping[str, str | Sequence[str]] | Sequence[Mapping[str, Any]],
    *,
    legacy_rows: bool = False,
    resolved: Mapping[str, Any] | None = None,
    **envelope: Any,
) -> Payload:
    """A modal submission (type 5).

    ``fields`` is either ready components (from the ``modal_*`` helpers) or a mapping of custom_id to a
    string (text input) or a list of strings (select values), turned into Label components numbered as
    Discord numbers them (label 1, inner 2, label 3, inner 4...). ``legacy_rows`` renders text inputs as
    action rows instead (what a pre-2.6 ``Modal`` with bare ``TextInput`` children gets back).
    """
    if isinstance(fields, Mapping):
        components: list[Payload] = []
        for index, (cid, value) in enumerate(fields.items()):
            outer, inner = 2 * index + 1, 2 * index + 2
            if isinstance(value, str):
                components.append(
                    modal_row_text(cid, value, row_id=outer, input_id=inner)
                    if legacy_rows
                    else modal_label_text(cid, value, label_id=outer, input_id=inner)
                )
            else:
                components.append(modal_label_select(cid, list(value), label_id=outer, select_id=inner))
    else:
        components = [dict(c) for c in fields]
    data: Payload = {"custom_id": custom_id, "components": components}
    if resolved:
        data["resolved"] = copy.deepcopy(dict(resolved))
    return interaction(5, data, **envelope)


# ------------------------------------------------------------------------------ driving a client
class InteractionNotAnswered(AssertionError):
    """The bot did not send its first response in time (Discord shows "The application did not respond")."""


async def login_without_gateway(client: discord.Client, token: str = FAKE_TOKEN) -> None:
    """Logs a client in over REST only (Route.BASE must already point at the fake).

    ``Client.login`` runs ``_async_setup_hook`` (sets ``client.loop``), ``GET /users/@me`` (``client.user``),
    ``GET /oauth2/applications/@me`` (``application_id``, needed by ``tree.sync`` and follow-ups) and
    ``setup_hook``. No websocket is opened, so guilds are only those interactions bring along.
    """
    await client.login(token)


async def deliver(
    client: discord.Client,
    payload: Mapping[str, Any],
    *,
    fake: FakeDiscord | None = None,
    timeout: float = 3.0,  # noqa: ASYNC109 - asserts Discord's 3 s first-response deadline
    expect_response: bool = True,
) -> discord.Interaction[Any]:
    """Feeds a raw INTERACTION_CREATE to ``client`` as the gateway would, and waits for its answer.

    Waits until ``interaction.response.is_done()`` — i.e. until the callback POST completed against
    the fake — and raises :class:`InteractionNotAnswered` after ``timeout`` (Discord's limit is 3 s).
    With ``expect_response=False`` it only lets the handlers run for a moment (for interactions the
    bot must ignore). Passing ``fake`` registers the payload so the fake's answers know the channel
    and the clicked message. Returns the ``discord.Interaction`` the bot handled.
    """
    if client.user is None:
        raise RuntimeError("log the client in first: await login_without_gateway(client)")
    if fake is not None:
        fake.expect_interaction(payload)
    interaction_id = int(payload["id"])
    waiter = client.wait_for("interaction", check=lambda i: i.id == interaction_id, timeout=timeout)
    try:
        client._connection.parsers["INTERACTION_CREATE"](copy.deepcopy(dict(payload)))
    except BaseException:
        waiter.close()
        raise
    handled: discord.Interaction[Any] = await waiter
    loop = asyncio.get_running_loop()
    if not expect_response:
        await asyncio.sleep(0.05)
        return handled
    deadline = loop.time() + timeout
    while not handled.response.is_done():
        if loop.time() >= deadline:
            kind = handled.type.name
            raise InteractionNotAnswered(
                f"{kind} interaction {interaction_id} got no response within {timeout}s "
                "(check the log for 'Ignoring exception' from the tree/view/modal on_error)"
            )
        await asyncio.sleep(0.005)
    await asyncio.sleep(0)  # let code right after the response run (store_view, follow-up scheduling)
    return handled
