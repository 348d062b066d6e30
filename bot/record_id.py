"""Database ids read back from what a chat sends: Discord custom_ids and option values, Slack button,
overflow and option values.

One rule for every adapter: 1 to 9 ASCII digits. That always fits the database's 32-bit integer
columns (a 25-digit id would overflow the query on PostgreSQL), and it refuses what `str.isdigit`
lets through but `int` cannot read ("²", "١٢"), signs and spaces. The core's own `#id` lookup uses the
same bound.
"""

from __future__ import annotations

import re

PATTERN = r"[0-9]{1,9}"  # for regex templates (Discord's DynamicItem custom_ids)
_ID = re.compile(PATTERN)


def parse(text: object) -> int | None:
    """The id written in `text`, or None for anything that is not 1 to 9 plain digits."""
    return int(text) if isinstance(text, str) and _ID.fullmatch(text) else None
