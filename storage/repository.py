"""Queries of the register, written once for SQLite and PostgreSQL.

Search matches every typed word against `clients.search_text` (folded at write time), and paging is
keyset on the id (newest first), so page 500 costs the same as page 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, and_, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditEntry, Base, Client, OutboxJob
from storage.textfold import fold

_LIKE_ESCAPE = "\\"


def search_text_of(client: Client) -> str:
    parts = (
        client.name,
        client.trade_name,
        client.doc_number,
        client.internal_code,
        client.discord_channel,
        client.slack_channel,
        client.contact_name,
    )
    return fold(" ".join(part for part in parts if part))


def _like_pattern(word: str) -> str:
    escaped = word.replace(_LIKE_ESCAPE, _LIKE_ESCAPE * 2).replace("%", r"\%").replace("_", r"\_")
    return f"%{escaped}%"


def _filtered(query: str, *, deleted: bool = False) -> Select[Client]:
    stmt = select(Client).where(Client.deleted_at.is_not(None) if deleted else Client.deleted_at.is_(None))
    for word in fold(query).split():
        stmt = stmt.where(Client.search_text.like(_like_pattern(word), escape=_LIKE_ESCAPE))
    return stmt


async def get_client(session: AsyncSession, client_id: int, *, deleted: bool | None = False) -> Client | None:
    """A client by id; `deleted=None` finds it whatever its state."""
    stmt = select(Client).where(Client.id == client_id)
    if deleted is not None:
        stmt = stmt.where(Client.deleted_at.is_not(None) if deleted else Client.deleted_at.is_(None))
    return (await session.execute(stmt)).scalar_one_or_none()


async def live_by_document(session: AsyncSession, doc_type: str, doc_number: str) -> Client | None:
    stmt = select(Client).where(
        Client.deleted_at.is_(None), Client.doc_type == doc_type, Client.doc_number == doc_number
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def by_document_number(session: AsyncSession, number: str, *, deleted: bool = False) -> Sequence[Client]:
    stmt = (
        select(Client)
        .where(
            Client.doc_number == number,
            Client.deleted_at.is_not(None) if deleted else Client.deleted_at.is_(None),
        )
        .order_by(Client.id.desc())
        .limit(26)
    )
    return (await session.execute(stmt)).scalars().all()


async def by_origin(session: AsyncSession, origin_key: str) -> Client | None:
    return (await session.execute(select(Client).where(Client.origin_key == origin_key))).scalar_one_or_none()


async def search(session: AsyncSession, query: str, *, limit: int, deleted: bool = False) -> Sequence[Client]:
    stmt = _filtered(query, deleted=deleted).order_by(Client.id.desc()).limit(limit)
    return (await session.execute(stmt)).scalars().all()


@dataclass(frozen=True)
class PageResult:
    rows: Sequence[Client]
    total: int
    has_newer: bool
    has_older: bool
    newer_count: int


async def page(
    session: AsyncSession, query: str, *, size: int, older_than: int | None = None, newer_than: int | None = None
) -> PageResult:
    """One page, newest first, starting after `older_than` (Siguiente) or before `newer_than` (Anterior)."""
    base = _filtered(query)
    total = (await session.execute(select(func.count()).select_from(base.subquery()))).scalar_one()
    if newer_than is not None:
        stmt = base.where(Client.id > newer_than).order_by(Client.id.asc()).limit(size + 1)
        rows = list((await session.execute(stmt)).scalars().all())
        has_newer = len(rows) > size
        rows = list(reversed(rows[:size]))
    else:
        stmt = base
        if older_than is not None:
            stmt = stmt.where(Client.id < older_than)
        rows = list((await session.execute(stmt.order_by(Client.id.desc()).limit(size + 1))).scalars().all())
        rows = rows[:size]
        has_newer = False
    newer_count = 0
    has_older = False
    if rows:
        newer_stmt = select(func.count()).select_from(base.where(Client.id > rows[0].id).subquery())
        newer_count = (await session.execute(newer_stmt)).scalar_one()
        has_newer = newer_count > 0
        has_older = newer_count + len(rows) < total
    return PageResult(rows, total, has_newer, has_older, newer_count)


async def live_after(session: AsyncSession, after_id: int, *, limit: int) -> Sequence[Client]:
    """Live clients with an id above `after_id`, oldest first (exports, a batch at a time)."""
    stmt = select(Client).where(Client.deleted_at.is_(None), Client.id > after_id).order_by(Client.id).limit(limit)
    return (await session.execute(stmt)).scalars().all()


async def recently_changed(session: AsyncSession, limit: int) -> Sequence[Client]:
    """Live clients, most recently changed first."""
    stmt = select(Client).where(Client.deleted_at.is_(None)).order_by(Client.updated_at.desc(), Client.id.desc())
    return (await session.execute(stmt.limit(limit))).scalars().all()


async def awaiting_channel(session: AsyncSession, *, limit: int) -> Sequence[Client]:
    """Live clients that name a Slack or Discord channel not created yet, newest first."""
    waiting = or_(
        and_(Client.slack_channel.is_not(None), Client.slack_channel != "", Client.slack_channel_id.is_(None)),
        and_(Client.discord_channel.is_not(None), Client.discord_channel != "", Client.discord_channel_id.is_(None)),
    )
    stmt = select(Client).where(Client.deleted_at.is_(None), waiting).order_by(Client.id.desc()).limit(limit)
    return (await session.execute(stmt)).scalars().all()


async def channel_jobs(
    session: AsyncSession, client_id: int, kind: str, platform: str | None = None, *, limit: int
) -> Sequence[OutboxJob]:
    """A client's outbox jobs of one kind (and platform), newest first."""
    stmt = select(OutboxJob).where(OutboxJob.client_id == client_id, OutboxJob.kind == kind)
    if platform is not None:
        stmt = stmt.where(OutboxJob.platform == platform)
    return (await session.execute(stmt.order_by(OutboxJob.id.desc()).limit(limit))).scalars().all()


async def hand_back(session: AsyncSession, job: OutboxJob, now: datetime) -> bool:
    """Makes a running job whose worker is gone pending and due now; False when a worker took it
    (or finished it) meanwhile: the update matches only the attempt and owner that were seen."""
    handed = await session.execute(
        update(OutboxJob)
        .where(OutboxJob.id == job.id, OutboxJob.attempts == job.attempts)
        .where(OutboxJob.status == "running", OutboxJob.claimed_by == job.claimed_by)
        .values(status="pending", next_attempt_at=now, claimed_by=None)
        .execution_options(synchronize_session=False)
    )
    return bool(handed.rowcount == 1)  # type: ignore[attr-defined]


async def audit_of(session: AsyncSession, client_id: int, *, limit: int) -> Sequence[AuditEntry]:
    """A client's audit entries, newest first."""
    stmt = select(AuditEntry).where(AuditEntry.client_id == client_id).order_by(AuditEntry.id.desc()).limit(limit)
    return (await session.execute(stmt)).scalars().all()


# ----------------------------------------------------------------- bulk imports
async def taken_origins(session: AsyncSession, keys: Sequence[str]) -> set[str]:
    """Which of `keys` an earlier import (or form) already created: one query for a whole batch."""
    if not keys:
        return set()
    stmt = select(Client.origin_key).where(Client.origin_key.in_(keys))
    return {key for key in (await session.execute(stmt)).scalars() if key is not None}


async def live_holders(
    session: AsyncSession, numbers: Sequence[str]
) -> dict[tuple[str, str], tuple[int, str, str | None]]:
    """(doc_type, doc_number) → (id, name, origin key) of the live clients holding any of `numbers`.

    The origin key lets an import tell "already imported" from "taken" in the same look-up, as
    `create` does: a concurrent import of the same file may commit between two look-ups."""
    if not numbers:
        return {}
    stmt = select(Client.doc_type, Client.doc_number, Client.id, Client.name, Client.origin_key).where(
        Client.deleted_at.is_(None), Client.doc_number.in_(numbers)
    )
    return {(t, n): (i, name, key) for t, n, i, name, key in (await session.execute(stmt)).all()}


async def insert_clients(session: AsyncSession, rows: Sequence[dict[str, object]]) -> dict[str, int]:
    """Inserts client rows (each with its `origin_key`) as one executemany; origin key → new id.

    The ORM's unit of work costs ~1 ms a client (identity map, relationship loads, a version check),
    and an INSERT … RETURNING that must keep the rows' order runs row by row on SQLite; an import
    creates thousands, so it writes plain rows and reads the ids back by their unique origin keys.
    """
    if not rows:
        return {}
    await session.execute(insert(Client.__table__), list(rows))  # type: ignore[arg-type]
    stmt = select(Client.origin_key, Client.id).where(Client.origin_key.in_([row["origin_key"] for row in rows]))
    return {key: client_id for key, client_id in (await session.execute(stmt)).all() if key is not None}


async def insert_rows(session: AsyncSession, model: type[Base], rows: Sequence[dict[str, object]]) -> None:
    """Inserts child rows (addresses, servers, audit entries, outbox jobs) as one executemany."""
    if rows:
        await session.execute(insert(model.__table__), list(rows))  # type: ignore[arg-type]
