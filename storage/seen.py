"""The ``seen_requests`` table: has a platform request already been acted on?

One INSERT decides, so two processes sharing the database (HTTP mode behind a load balancer) cannot
both take the same request for a first one: the primary key lets exactly one insert through.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete
from sqlalchemy.dialects import postgresql, sqlite

from storage.db import Database
from storage.models import SeenRequest, utcnow


def _record(insert: Callable[[type[SeenRequest]], Any]) -> Any:
    return (
        insert(SeenRequest)
        .values(key=bindparam("key"), seen_at=bindparam("seen_at"))
        .on_conflict_do_nothing(index_elements=[SeenRequest.key])
        .returning(SeenRequest.key)
    )


# Built once: it runs on every Slack request, and building it cost more CPU than running it.
_RECORD = {"sqlite": _record(sqlite.insert), "postgresql": _record(postgresql.insert)}


async def first_sighting(db: Database, key: str, *, now: datetime | None = None) -> bool:
    """Records ``key``; True if nobody had recorded it before (the request may be acted on)."""
    statement = _RECORD["sqlite" if db.is_sqlite else "postgresql"]
    async with db.engine.begin() as conn:  # Core: one INSERT needs no ORM session (it is on every request)
        found = await conn.execute(statement, {"key": key, "seen_at": now or utcnow()})
        return found.scalar_one_or_none() is not None


async def forget_before(db: Database, cutoff: datetime) -> int:
    """Deletes the keys recorded before ``cutoff`` (no replay of them can pass the signature check)."""
    async with db.session() as session, session.begin():
        result = await session.execute(delete(SeenRequest).where(SeenRequest.seen_at < cutoff))
    return int(getattr(result, "rowcount", 0) or 0)
