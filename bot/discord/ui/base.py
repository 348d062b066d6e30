"""What every component shares: who answers its click, who may click it, and how messages hold it.

Components never import what they do. Each restart-proof `DynamicItem` mixes in `Routed`: its click
is answered by the handler registered for its class (`bot.discord.handlers.ROUTES`, which the client
carries as `routes`), with the component — whose state was read from its custom_id — as argument. So
the dependency runs one way: handlers build components, components know nothing of handlers.

Access is checked on discord.py's public hook: `Routed.interaction_check` asks the guild gate before
any handler runs (see `bot.discord.guild_gate`).

Every button and select is a `DynamicItem`, so the in-memory `View` only needs to live while
discord.py routes the first clicks; after `VIEW_TIMEOUT` the dynamic items keep answering.
Discord limits stated once here: a message holds ≤ 5 action rows, a row ≤ 5 buttons or exactly one
select, a select 1–25 options (label/value/description ≤ 100), placeholder ≤ 150, custom_id ≤ 100.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

import discord
from discord import ui

from bot import metrics
from bot.discord import guild_gate
from bot.discord.replies import Reply, report_unexpected, send
from commands.texts import texts

log = logging.getLogger(__name__)

VIEW_TIMEOUT = 600
MAX_OPTIONS = 25
OPTION_TEXT = 100
EMPTY_OPTION = discord.SelectOption(label="—", value="0")

# What answers a component: called with the interaction and the component (its state parsed).
Handler = Callable[[discord.Interaction, Any], Awaitable[None]]
Routes = Mapping[type, Handler]


def handler_for(interaction: discord.Interaction, component: object) -> Handler | None:
    """The handler the client registered for `component`'s class (None: nothing answers it)."""
    routes: Routes = getattr(interaction.client, "routes", {})
    return routes.get(type(component))


class GatedView(ui.View):
    """A message's components; the guild gate runs before any of them (public `View` hook)."""

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        return await guild_gate.admit(interaction)


def view_of(*items: ui.Item[Any]) -> ui.View:
    """A view holding `items` in order (rows as each item asks, else discord.py's packing)."""
    view = GatedView(timeout=VIEW_TIMEOUT)
    for item in items:
        view.add_item(item)
    return view


def options_or_blank(options: Sequence[discord.SelectOption]) -> list[discord.SelectOption]:
    """A select needs ≥ 1 option: the rebuilt-from-custom_id copy of a DynamicItem has none of its own,
    and the placeholder "—" (value "0") is ignored by every callback."""
    return list(options[:MAX_OPTIONS]) or [EMPTY_OPTION]


class Routed:
    """Mixed into every `DynamicItem` (before it): the gate, then the registered handler, and always an
    answer.

    discord.py only logs what a DynamicItem's callback raises, and a handler that finds nothing to do
    (an option value naming nothing) would leave Discord's "interaction failed": the first gets the
    generic apology, the second `texts().stale_action`."""

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        return await guild_gate.admit(interaction)

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            handler = handler_for(interaction, self)
            if handler is None:
                log.error("no handler registered for %s", type(self).__name__)
            else:
                with metrics.observe("discord", "boton"):
                    await handler(interaction, self)
        except Exception as exc:
            await report_unexpected(interaction, f"{type(self).__name__} failed", exc)
            return
        if not interaction.response.is_done():
            await send(interaction, Reply(content=texts().stale_action))


def picked(select: ui.Select[Any]) -> str:
    """The option chosen ("" when none). Only what the client sent: every handler checks it (against
    the catalog, `ids`' parsers, the card) before it is used."""
    return select.values[0] if select.values else ""
