"""The one gate every interaction passes before any handler runs: which servers may use /clientes,
and what an orphaned form submission gets.

Why here and not in each handler: slash commands, autocompletes, DynamicItem buttons/selects and
modal submits are routed by three different parts of discord.py (the CommandTree, the ViewStore's
dynamic items and its modals), each with its own `interaction_check`. A check in every one of them is
easy to forget for the next component; instead `install()` wraps the INTERACTION_CREATE parser — the
function the gateway (and the tests' `deliver`) calls for every interaction — so nothing reaches a
handler from a DM or from a server not listed in DISCORD_GUILD_IDS. discord.py 2.7.1 keeps that
parser in `ConnectionState.parsers`, the same dict object the websocket reads (`ws._discord_parsers`).

A modal lives in discord.py's memory only (`OPEN_FOR` seconds, and never across a restart); a submit
for one that is gone would be dropped silently and Discord would show "interaction failed". The gate
answers it with "El formulario caducó; ábralo de nuevo." instead.

A malformed interaction never stops the bot: discord.py raises out of this parser (a member without
`roles` is a KeyError while building the `Interaction`), and whatever the parser raises ends the
gateway connection and with it the adapter. The gate catches it, logs the exception's type (never the
payload) and answers from the payload's id and token alone. A component whose custom_id matches none
of our templates (ids are at most 9 digits: `ui.base.ID`) would be dropped silently by discord.py; the
gate answers it with `STALE`.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Collection
from typing import Any

import discord

from bot.discord.escape import NO_MENTIONS
from bot.discord.replies import STALE

log = logging.getLogger(__name__)

FROM_DM = "Use /clientes dentro del servidor del equipo."
OTHER_GUILD = "Este servidor no está autorizado para usar /clientes."
FORM_EXPIRED = "El formulario caducó; ábralo de nuevo."
FORM_PREFIX = "cb:form:"
MALFORMED = "Discord envió esta interacción incompleta y no se pudo atender; intente de nuevo."

APPLICATION_COMMAND, COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 2, 3, 4, 5


def refusal(data: dict[str, Any], allowed_guilds: Collection[int]) -> str | None:
    """Why this raw interaction must not be served (None: serve it).

    DMs never; a server only when DISCORD_GUILD_IDS lists it (an empty list admits every server the
    bot is in — the startup log warns about that)."""
    if data.get("type") not in (APPLICATION_COMMAND, COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT):
        return None
    raw_guild = data.get("guild_id")
    if not raw_guild:
        return FROM_DM
    if allowed_guilds and (not str(raw_guild).isdigit() or int(raw_guild) not in allowed_guilds):
        return OTHER_GUILD
    return None


def unknown_component(data: dict[str, Any], templates: Collection[re.Pattern[str]]) -> bool:
    """A button or select whose custom_id none of our components owns (malformed, or forged)."""
    if data.get("type") != COMPONENT:
        return False
    custom_id = (data.get("data") or {}).get("custom_id")
    return not isinstance(custom_id, str) or not any(t.fullmatch(custom_id) for t in templates)


def orphaned_form(data: dict[str, Any], open_modals: Collection[str]) -> bool:
    """A form submit that discord.py does not hold: one of ours that timed out or outlived a restart,
    or a custom_id we never used (`FORM_PREFIX` or not, discord.py would drop it unanswered)."""
    if data.get("type") != MODAL_SUBMIT:
        return False
    custom_id = (data.get("data") or {}).get("custom_id")
    return not isinstance(custom_id, str) or custom_id not in open_modals


def _bare(data: dict[str, Any], state: Any) -> discord.Interaction | None:
    """An Interaction built from the envelope only (id, token, type): enough to answer one whose
    member, channel or message discord.py could not parse. None when even those are unusable."""
    try:
        envelope = {
            "id": int(data["id"]),
            "token": str(data["token"]),
            "type": int(data["type"]),
            "version": 1,
            "application_id": int(data.get("application_id") or state.application_id or 0),
            "attachment_size_limit": 0,
        }
        return discord.Interaction(data=envelope, state=state)  # type: ignore[arg-type]
    except (KeyError, TypeError, ValueError):
        return None


async def _answer(interaction: discord.Interaction, text: str) -> None:
    try:
        if interaction.type is discord.InteractionType.autocomplete:
            await interaction.response.autocomplete([])  # no choices: the command itself explains
        else:
            await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
    except discord.HTTPException:
        log.warning("could not answer refused interaction %s", interaction.id, exc_info=True)


def _id_of(data: object) -> object:
    return data.get("id") if isinstance(data, dict) else None


def install(
    client: discord.Client,
    allowed_guilds: Callable[[], Collection[int]],
    templates: Collection[re.Pattern[str]] = (),
) -> None:
    """Wraps the client's INTERACTION_CREATE parser with the gate (idempotent). `templates`: the
    custom_id patterns of every component the bot sends (empty: components are not checked)."""
    state: Any = client._connection  # private discord.py state: see the module docstring
    parsers: dict[str, Callable[[dict[str, Any]], None]] = state.parsers
    original = parsers["INTERACTION_CREATE"]
    if getattr(original, "__clientes_gate__", False):
        return
    pending: set[asyncio.Task[None]] = set()

    def screen(data: dict[str, Any]) -> str | None:
        text = refusal(data, allowed_guilds())
        if text is not None:
            log.warning(
                "refused interaction %s from %s (user %s)",
                data.get("id"),
                f"guild {data['guild_id']}" if data.get("guild_id") else "a DM",
                (data.get("member") or {}).get("user", data.get("user") or {}).get("id"),
            )
        elif orphaned_form(data, state._view_store._modals):  # the open modals (private)
            text = FORM_EXPIRED
        elif templates and unknown_component(data, templates):
            log.warning("interaction %s: a component no template of ours matches", data.get("id"))
            text = STALE
        return text

    def gated(data: dict[str, Any]) -> None:
        try:
            text = screen(data)
        except Exception as exc:  # a payload too broken to even screen (not a dict, wrong types)
            log.warning("malformed interaction %s: %s", _id_of(data), type(exc).__name__)
            text = MALFORMED
        if text is None:
            try:
                original(data)
                return
            except Exception as exc:  # never let one payload end the gateway connection
                log.warning("malformed interaction %s: %s", _id_of(data), type(exc).__name__)
                text = MALFORMED
        try:
            interaction = discord.Interaction(data=data, state=state)  # type: ignore[arg-type]
        except Exception:
            interaction = _bare(data, state) if isinstance(data, dict) else None
        if interaction is None:
            log.warning("interaction %s cannot be answered (no usable id or token)", _id_of(data))
            return
        task = asyncio.get_running_loop().create_task(_answer(interaction, text))
        pending.add(task)
        task.add_done_callback(pending.discard)
        client.dispatch("interaction", interaction)

    gated.__clientes_gate__ = True  # type: ignore[attr-defined]
    parsers["INTERACTION_CREATE"] = gated
