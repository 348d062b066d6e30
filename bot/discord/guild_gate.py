"""Who may use /clientes (access), and answers for what discord.py would drop without a word.

Access runs on discord.py's public hooks, before any handler: `admit()` is the `interaction_check` of
the CommandTree (slash commands and autocompletes), of every component (`ui.base.Routed`, the
`DynamicItem`s, and `ui.base.GatedView`) and of the section modal. DMs never; a server only when
DISCORD_GUILD_IDS lists it (an empty list admits every server the bot is in — the startup log warns).

`install()` wraps discord.py's private INTERACTION_CREATE parser (2.7: `ConnectionState.parsers`, the
same dict the websocket reads), but only for niceties — access does not depend on it, which is why the
`<2.8` pin in pyproject.toml guards answers, not security:

- discord.py routes a modal's submit only to a modal in this process's memory. A submit for one it
  does not hold (opened before a restart, or by another process before a failover) is first looked up
  in the database (the client's `revive_form`: `bot.discord.open_forms`) and, when found, parsed and
  dispatched as usual; otherwise, rather than dropped silently (Discord would show "interaction
  failed"), it is answered with `texts().form_expired` (nothing of ours runs for it).
- A malformed interaction never stops the bot: discord.py raises out of this parser (a member without
  `roles` is a KeyError while building the `Interaction`), and whatever the parser raises ends the
  gateway connection and with it the adapter. The wrap catches it, logs the exception's type (never the
  payload) and answers from the payload's id and token alone.

A component whose custom_id matches none of our templates (`bot.discord.ids`) would also be dropped
silently by discord.py: `answer_unknown()` (the client's public `on_interaction` event) answers `texts().stale_action`.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Collection, Coroutine
from typing import TYPE_CHECKING, Any, cast

import discord

from bot.discord.escape import NO_MENTIONS
from commands.texts import texts

if TYPE_CHECKING:
    from discord.types.interactions import Interaction as InteractionPayload

log = logging.getLogger(__name__)

FROM_DM = "Use /clientes dentro del servidor del equipo."
OTHER_GUILD = "Este servidor no está autorizado para usar /clientes."
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
    or a custom_id we never used (`ids.FORM_PREFIX` or not, discord.py would drop it unanswered)."""
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
        return discord.Interaction(data=cast("InteractionPayload", envelope), state=state)
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


def _allowed(client: discord.Client) -> Collection[int]:
    """The client's DISCORD_GUILD_IDS (`ClientesBot.guild_ids`); none listed admits every server."""
    return getattr(client, "guild_ids", ())


def _log_refusal(interaction_id: object, guild_id: object, user_id: object) -> None:
    where = f"guild {guild_id}" if guild_id else "a DM"
    log.warning("refused interaction %s from %s (user %s)", interaction_id, where, user_id)


async def admit(interaction: discord.Interaction) -> bool:
    """The public `interaction_check` of the tree, every component and the modal: True serves it;
    False after answering why not (an autocomplete gets no choices). Answers at most once, so the
    item's and its view's checks may both run."""
    data: dict[str, Any] = {"type": interaction.type.value, "guild_id": interaction.guild_id}
    text = refusal(data, _allowed(interaction.client))
    if text is None:
        return True
    if not interaction.response.is_done():
        _log_refusal(interaction.id, interaction.guild_id, interaction.user.id if interaction.user else None)
        await _answer(interaction, text)
    return False


async def answer_unknown(interaction: discord.Interaction, templates: Collection[re.Pattern[str]]) -> None:
    """A button or select that no component of ours owns gets `texts().stale_action` (or why it is refused)."""
    data: dict[str, Any] = {"type": interaction.type.value, "data": interaction.data or {}}
    if unknown_component(data, templates):
        log.warning("interaction %s: a component no template of ours matches", interaction.id)
        text = refusal({**data, "guild_id": interaction.guild_id}, _allowed(interaction.client))
        await _answer(interaction, text or texts().stale_action)


def install(client: discord.Client) -> None:
    """Wraps the client's INTERACTION_CREATE parser (idempotent) for the two answers discord.py cannot
    give: an expired form and a payload it cannot parse; the client's `revive_form(custom_id)`, when it
    has one, first brings back a form this process does not hold. Not access: see the module docstring."""
    revive: Callable[[str], Awaitable[bool]] | None = getattr(client, "revive_form", None)
    state: Any = client._connection  # private discord.py state: see the module docstring
    parsers: dict[str, Callable[[dict[str, Any]], None]] = state.parsers
    original = parsers["INTERACTION_CREATE"]
    if isinstance(original, WrappedParser):
        return
    pending: set[asyncio.Task[None]] = set()

    def screen(data: dict[str, Any]) -> str | None:
        """An orphaned form's answer (None: let discord.py parse and dispatch it). A form from a DM or
        another server is told that rather than that it expired; nothing of ours runs for it."""
        if not orphaned_form(data, state._view_store._modals):  # the open modals (private)
            return None
        return refusal(data, _allowed(client)) or texts().form_expired

    def later(coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        pending.add(task)
        task.add_done_callback(pending.discard)

    async def revived(data: dict[str, Any], custom_id: str) -> None:
        """A stored form put back in discord.py's memory is parsed and dispatched as if never gone."""
        if revive is not None and await revive(custom_id):
            gated(data, retried=True)
        else:
            answer(data, texts().form_expired)

    def gated(data: dict[str, Any], *, retried: bool = False) -> None:
        try:
            text = screen(data)
            if text == texts().form_expired and revive is not None and not retried:
                later(revived(data, str(data["data"]["custom_id"])))
                return
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
        answer(data, text)

    def answer(data: dict[str, Any], text: str) -> None:
        interaction: discord.Interaction[Any] | None
        try:
            interaction = discord.Interaction(data=cast("InteractionPayload", data), state=state)
        except Exception:
            interaction = _bare(data, state) if isinstance(data, dict) else None
        if interaction is None:
            log.warning("interaction %s cannot be answered (no usable id or token)", _id_of(data))
            return
        later(_answer(interaction, text))
        client.dispatch("interaction", interaction)

    parsers["INTERACTION_CREATE"] = WrappedParser(gated)


class WrappedParser:
    """The wrapped parser, recognisable so `install` never wraps twice."""

    def __init__(self, parser: Callable[[dict[str, Any]], None]) -> None:
        self.parser = parser

    def __call__(self, data: dict[str, Any]) -> None:
        self.parser(data)
