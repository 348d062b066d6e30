"""Every time the bot shows, in the team's time zone (`BOT_TIMEZONE`, America/Lima by default).

Times are stored in UTC; a person in Lima reading "14:05 UTC" has to do arithmetic, so every
adapter shows them through here instead. The zone comes from the IANA database (`zoneinfo`, with the
`tzdata` package where the system has none, as in slim containers).
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_ZONE = "America/Lima"

_zone = ZoneInfo(DEFAULT_ZONE)


def zone_of(name: str) -> ZoneInfo:
    """The zone named `name`; ValueError (Spanish) when the IANA database does not know it."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"«{name}» no es una zona horaria conocida (use un nombre IANA, por ejemplo America/Lima)."
        ) from None


def configure(name: str) -> None:
    """Chooses the zone once at start-up (`BOT_TIMEZONE`)."""
    global _zone
    _zone = zone_of(name)


def zone() -> ZoneInfo:
    return _zone


def local(value: datetime) -> datetime:
    """`value` (UTC; naive means UTC, as SQLite returns it) in the configured zone."""
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return aware.astimezone(_zone)


def stamp(value: datetime | None) -> str:
    """'2026-11-30 09:15 (America/Lima)'; '' for no time."""
    if value is None:
        return ""
    return f"{local(value):%Y-%m-%d %H:%M} ({_zone.key})"


def hour(value: datetime) -> str:
    """'09:15 (America/Lima)': a time within the next hours (when a job is retried)."""
    return f"{local(value):%H:%M} ({_zone.key})"
