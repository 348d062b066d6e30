"""What every message with components shares: how long its in-memory view lives and how it is built.

Every button and select is a restart-proof `DynamicItem`, so the in-memory `View` only needs to live
while discord.py routes the first clicks; after `VIEW_TIMEOUT` the dynamic items keep answering.
Discord limits stated once here: a message holds ≤ 5 action rows, a row ≤ 5 buttons or exactly one
select, a select 1–25 options (label/value/description ≤ 100), placeholder ≤ 150, custom_id ≤ 100.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

import discord
from discord import ui

from bot import record_id
from bot.discord.replies import STALE, Reply, report_unexpected, send

log = logging.getLogger(__name__)

VIEW_TIMEOUT = 600
# A database id (client, version, address, server, page) inside a custom_id or an option value (see
# `bot.record_id`): anything else (letters, a sign, 25 digits) matches no template and the gate
# answers STALE instead of letting a query overflow.
ID = record_id.PATTERN
parse_id = record_id.parse
MAX_OPTIONS = 25
OPTION_TEXT = 100
EMPTY_OPTION = discord.SelectOption(label="—", value="0")


def view_of(*items: ui.Item[Any]) -> ui.View:
    """A view holding `items` in order (rows as each item asks, else discord.py's packing)."""
    view = ui.View(timeout=VIEW_TIMEOUT)
    for item in items:
        view.add_item(item)
    return view


def options_or_blank(options: Sequence[discord.SelectOption]) -> list[discord.SelectOption]:
    """A select needs ≥ 1 option: the rebuilt-from-custom_id copy of a DynamicItem has none of its own,
    and the placeholder "—" (value "0") is ignored by every callback."""
    return list(options[:MAX_OPTIONS]) or [EMPTY_OPTION]


ItemT = TypeVar("ItemT", bound=ui.Item[Any])
Callback = Callable[[ItemT, discord.Interaction], Awaitable[None]]


def always_answers(callback: Callback[ItemT]) -> Callback[ItemT]:
    """Wraps a component's callback so the click always gets an answer.

    discord.py only logs what a DynamicItem's callback raises, and a callback that finds nothing to do
    (an option value naming nothing) would leave Discord's "interaction failed": the first gets the
    generic apology, the second `STALE`."""

    @functools.wraps(callback)
    async def run(item: ItemT, interaction: discord.Interaction) -> None:
        try:
            await callback(item, interaction)
        except Exception as exc:
            await report_unexpected(interaction, f"{type(item).__name__} failed", exc)
            return
        if not interaction.response.is_done():
            await send(interaction, Reply(content=STALE))

    return run
