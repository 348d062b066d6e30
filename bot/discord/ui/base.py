"""What every message with components shares: how long its in-memory view lives and how it is built.

Every button and select is a restart-proof `DynamicItem`, so the in-memory `View` only needs to live
while discord.py routes the first clicks; after `VIEW_TIMEOUT` the dynamic items keep answering.
Discord limits stated once here: a message holds ≤ 5 action rows, a row ≤ 5 buttons or exactly one
select, a select 1–25 options (label/value/description ≤ 100), placeholder ≤ 150, custom_id ≤ 100.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import discord
from discord import ui

VIEW_TIMEOUT = 600
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
