"""Queries of the register, written once for SQLite and PostgreSQL.

Search matches every typed word against `clients.search_text` (folded at write time, see
`storage.searchtext`): through the FTS5 trigram index `clients_fts` on SQLite (words of three
characters or more) and the pg_trgm GIN index on PostgreSQL. Paging is keyset, newest first or by name,
so page 500 costs the same as page 1; the total is counted only up to `COUNT_CAP` ("más de 1000").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any, TypeAlias

from sqlalchemy import ColumnElement, Select, and_, column, func, or_, select, table, text, tuple_, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from storage import searchtext
from storage.models import Address, AuditEntry, Client, OutboxJob
from storage.textfold import fold

#: Where a read runs: a session (inside a unit of work) or a bare connection (`ClientService._read`).
Reader: TypeAlias = AsyncSession | AsyncConnection

_LIKE_ESCAPE = "\\"
COUNT_CAP = 1000
_TRIGRAM = 3  # the FTS5 trigram index serves words of at least this many characters


@dataclass(frozen=True)
class Search:
    """What to look for: the typed text, channel ids named by a pasted mention, and the order."""

    text: str = ""
    #: (channel id, name or "") of each pasted channel mention (`<#C0ACME|acme>`, `<#1234>`): matched by
    #: the id the bot recorded, or by the name while the channel is not linked yet.
    channels: tuple[tuple[str, str], ...] = ()
    by_name: bool = False


def search_text_of(client: Client) -> tuple[str, str]:
    fields = {name: getattr(client, name) for name in (*searchtext.CLIENT_FIELDS, *searchtext.CHANNEL_FIELDS)}
    fields["contact_phone"] = client.contact_phone
    addresses = [{"phone": a.phone, "email": a.email, "ubigeo": a.ubigeo} for a in client.addresses]
    return searchtext.document(fields, addresses)


def index(client: Client) -> None:
    """Refreshes the columns derived for search and order; called on every write of a client."""
    client.search_text, client.phone_text = search_text_of(client)
    client.sort_name = searchtext.sort_name(client.name)


def _like_pattern(word: str) -> str:
    escaped = word.replace(_LIKE_ESCAPE, _LIKE_ESCAPE * 2).replace("%", r"\%").replace("_", r"\_")
    return f"%{escaped}%"


def _fts_term(term: searchtext.Term) -> str:
    """An FTS5 query term: the text as a quoted phrase in search_text, or its digits in phone_text."""
    text_match = 'search_text : "' + term.text.replace('"', '""') + '"'
    return f'({text_match} OR phone_text : "{term.digits}")' if term.digits else text_match


def _live(deleted: bool) -> ColumnElement[bool]:
    return Client.deleted_at.is_not(None) if deleted else Client.deleted_at.is_(None)


@dataclass(frozen=True)
class _Query:
    """A filtered select of clients and the id column to order and page it by: the FTS table's rowid
    when it drives the query (SQLite walks its index newest first and stops after a page), else the
    client's id."""

    stmt: Select[Any]
    id: ColumnElement[int]


_FTS = table("clients_fts", column("rowid"))


def _filtered(session: Reader, query: str | Search, *, deleted: bool = False) -> _Query:
    search = query if isinstance(query, Search) else Search(query)
    return _filtered_on(_dialect(session), search, deleted)


def _filtered_on(dialect: str, search: Search, deleted: bool) -> _Query:
    stmt = select(Client).where(_live(deleted))
    ident: ColumnElement[int] = Client.__table__.c.id
    terms = searchtext.terms(search.text)
    indexed = [t for t in terms if len(t.text) >= _TRIGRAM] if dialect == "sqlite" else []
    if indexed:
        match = " AND ".join(_fts_term(t) for t in indexed)
        stmt = stmt.join(_FTS, _FTS.c.rowid == Client.id).where(text("clients_fts MATCH :fts").bindparams(fts=match))
        ident = _FTS.c.rowid
    for term in terms:
        if term not in indexed:
            like: ColumnElement[bool] = Client.search_text.like(_like_pattern(term.text), escape=_LIKE_ESCAPE)
            if term.digits:
                like = or_(like, Client.phone_text.like(_like_pattern(term.digits), escape=_LIKE_ESCAPE))
            stmt = stmt.where(like)
    for channel_id, name in search.channels:
        named = [Client.search_text.like(_like_pattern(f"#{fold(name)}"), escape=_LIKE_ESCAPE)] if name else []
        stmt = stmt.where(or_(Client.slack_channel_id == channel_id, Client.discord_channel_id == channel_id, *named))
    return _Query(stmt, ident)


def _dialect(session: Reader) -> str:
    if isinstance(session, AsyncConnection):
        return session.dialect.name
    bind = session.bind
    return bind.dialect.name if bind is not None else ""


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


async def search(session: AsyncSession, query: str | Search, *, limit: int, deleted: bool = False) -> Sequence[Client]:
    """Matches newest first (type-ahead and name look-ups)."""
    found = _filtered(session, query, deleted=deleted)
    return (await session.execute(found.stmt.order_by(found.id.desc()).limit(limit))).scalars().all()


@dataclass(frozen=True, slots=True)
class ListedAddress:
    is_main: bool
    phone: str | None
    email: str | None


class Listed:
    """A client as the list reads it: its own columns and its main address, from one query without the
    ORM (loading entities with their addresses and servers cost most of a list page's CPU). Attributes
    are named as on `Client`."""

    __slots__ = ("_row", "addresses")

    def __init__(self, row: Any) -> None:
        self._row = row
        self.addresses = (ListedAddress(True, row.main_phone, row.main_email),) if row.main_id is not None else ()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._row, name)


# Every column of the client row but the search columns (long, and never shown).
_LISTED = tuple(c for c in Client.__table__.c if c.name not in ("search_text", "phone_text"))


def _listed(stmt: Select[Any]) -> Select[Any]:
    """The client's columns and its main address's phone and e-mail, each read by the client's id.

    Correlated look-ups rather than a join: PostgreSQL merge-joined the page's few clients with the
    whole addresses index from its start (10 ms for an Anterior page at 100,000 clients), having no way
    to carry `clients.id > :anchor` over to the addresses."""
    main = Address.__table__
    client_id = Client.__table__.c.id

    def of_main(col: Any, label: str) -> Any:
        found = select(col).where(main.c.client_id == client_id, main.c.is_main).limit(1)
        return found.correlate(Client.__table__).scalar_subquery().label(label)

    return stmt.with_only_columns(
        *_LISTED,
        of_main(main.c.id, "main_id"),
        of_main(main.c.phone, "main_phone"),
        of_main(main.c.email, "main_email"),
    )


@dataclass(frozen=True)
class PageResult:
    rows: Sequence[Listed]
    total: int  # exact up to COUNT_CAP; COUNT_CAP + 1 means "more than COUNT_CAP"
    has_newer: bool
    has_older: bool
    newer_count: int  # rows before this page, exact up to COUNT_CAP (beyond it, the position is unknown)

    @property
    def total_capped(self) -> bool:
        return self.total > COUNT_CAP

    @property
    def position_known(self) -> bool:
        return self.newer_count <= COUNT_CAP


@dataclass(frozen=True)
class _Plan:
    """The statements of one list (a search, an order, live or deleted), built once and reused:
    SQLAlchemy statements are immutable, and building them cost a list page as much as running them."""

    found: _Query
    keys: tuple[ColumnElement[Any], ...]
    forward_order: Sequence[ColumnElement[Any]]
    backward_order: Sequence[ColumnElement[Any]]
    counted: Select[Any]
    listed: Select[Any]
    first_pages: dict[int, Select[Any]] = field(default_factory=dict)

    def first_page(self, size: int) -> Select[Any]:
        """The first page's statement (the plain `lista`, most requests), by page size."""
        stmt = self.first_pages.get(size)
        if stmt is None:
            stmt = self.first_pages[size] = self.listed.order_by(*self.forward_order).limit(size + 1)
        return stmt


@lru_cache(maxsize=64)
def _plan(dialect: str, search: Search, deleted: bool) -> _Plan:
    found = _filtered_on(dialect, search, deleted)
    name_key: ColumnElement[Any] = Client.__table__.c.sort_name
    keys: tuple[ColumnElement[Any], ...] = (name_key, found.id) if search.by_name else (found.id,)
    ascending = [k.asc() for k in keys]
    descending = [k.desc() for k in keys]
    forward_order = ascending if search.by_name else descending
    backward_order = descending if search.by_name else ascending
    # The capped total rides along with the rows (an uncorrelated subquery, computed once): one round trip.
    capped = found.stmt.with_only_columns(Client.id).order_by(*forward_order).limit(COUNT_CAP + 1).subquery()
    counted = select(func.count()).select_from(capped)
    listed = _listed(found.stmt).add_columns(counted.scalar_subquery().label("total_count"))
    return _Plan(found, keys, forward_order, backward_order, counted, listed)


async def page(
    session: Reader,
    query: str | Search,
    *,
    size: int,
    older_than: int | None = None,
    newer_than: int | None = None,
    deleted: bool = False,
) -> PageResult:
    """One page in the list's order (newest first, or by name), starting after the row `older_than`
    (Siguiente) or ending before the row `newer_than` (Anterior); both are client ids."""
    search = query if isinstance(query, Search) else Search(query)
    plan = _plan(_dialect(session), search, deleted)
    found, keys = plan.found, plan.keys
    forward_order, backward_order = plan.forward_order, plan.backward_order
    counted, listed = plan.counted, plan.listed

    async def key_of(client_id: int) -> tuple[Any, ...] | None:
        if not search.by_name:
            return (client_id,)
        name = (await session.execute(select(Client.sort_name).where(Client.id == client_id))).scalar_one_or_none()
        return None if name is None else (name, client_id)

    def beyond(key: tuple[Any, ...], *, forward: bool) -> ColumnElement[bool]:
        """Rows after `key` in the list's order (forward) or before it."""
        later = tuple_(*keys) > tuple_(*key) if search.by_name else keys[0] < key[0]
        earlier = tuple_(*keys) < tuple_(*key) if search.by_name else keys[0] > key[0]
        return later if forward else earlier

    anchor_id = newer_than if newer_than is not None else older_than
    anchor = await key_of(anchor_id) if anchor_id is not None else None
    has_newer = has_older = False
    if newer_than is not None and anchor is not None:
        stmt = listed.where(beyond(anchor, forward=False)).order_by(*backward_order).limit(size + 1)
        raw = list(await session.execute(stmt))
        has_newer = len(raw) > size
        raw = list(reversed(raw[:size]))
        if raw:
            last = (raw[-1].sort_name, raw[-1].id) if search.by_name else (raw[-1].id,)
            later = found.stmt.with_only_columns(Client.id).where(beyond(last, forward=True)).limit(1)
            has_older = (await session.execute(later)).first() is not None
    else:
        if older_than is not None and anchor is not None:
            stmt = listed.where(beyond(anchor, forward=True)).order_by(*forward_order).limit(size + 1)
            has_newer = True
        else:
            stmt = plan.first_page(size)
        raw = list(await session.execute(stmt))
        has_older = len(raw) > size
        raw = raw[:size]
    if raw:
        total = int(raw[0].total_count)
    elif anchor is None:
        total = 0
    else:  # past either end of a list that changed meanwhile: nothing here, but the total still counts
        total = (await session.execute(counted)).scalar_one()
    rows = [Listed(row) for row in raw]
    newer_count = 0
    if rows and has_newer:
        # How many rows come before this page, counted up to the cap walking back from it in order (the
        # index stops there; an uncapped count re-read every match of a big search on every page).
        first = (rows[0].sort_name, rows[0].id) if search.by_name else (rows[0].id,)
        before = (
            found.stmt.with_only_columns(Client.id)
            .where(beyond(first, forward=False))
            .order_by(*backward_order)
            .limit(COUNT_CAP + 1)
            .subquery()
        )
        newer_count = (await session.execute(select(func.count()).select_from(before))).scalar_one()
        has_newer = newer_count > 0
    elif not rows:
        has_newer = has_older = False
    return PageResult(rows, max(total, newer_count + len(rows)), has_newer, has_older, newer_count)


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


async def jobs_of_clients(session: AsyncSession, client_ids: Sequence[int], kind: str) -> dict[int, list[OutboxJob]]:
    """Each client's outbox jobs of one kind, newest first, in one query (a page of clients at a time)."""
    if not client_ids:
        return {}
    stmt = select(OutboxJob).where(OutboxJob.client_id.in_(client_ids), OutboxJob.kind == kind)
    found: dict[int, list[OutboxJob]] = {}
    for job in (await session.execute(stmt.order_by(OutboxJob.id.desc()))).scalars():
        if job.client_id is not None:
            found.setdefault(job.client_id, []).append(job)
    return found


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


async def audit_page(
    session: AsyncSession, client_id: int, *, size: int, older_than: int | None = None, newer_than: int | None = None
) -> tuple[list[AuditEntry], bool, bool, int]:
    """One page of a client's trail, newest first (keyset on the id like `page`): the entries, whether
    newer and older ones exist, and how many are newer than the page."""
    base = select(AuditEntry).where(AuditEntry.client_id == client_id)
    if newer_than is not None:
        stmt = base.where(AuditEntry.id > newer_than).order_by(AuditEntry.id.asc()).limit(size)
        rows = list(reversed((await session.execute(stmt)).scalars().all()))
    else:
        if older_than is not None:
            base = base.where(AuditEntry.id < older_than)
        rows = list((await session.execute(base.order_by(AuditEntry.id.desc()).limit(size))).scalars().all())
    if not rows:
        return rows, False, False, 0
    count = select(func.count()).select_from(AuditEntry).where(AuditEntry.client_id == client_id)
    newer = (await session.execute(count.where(AuditEntry.id > rows[0].id))).scalar_one()
    older = (await session.execute(count.where(AuditEntry.id < rows[-1].id))).scalar_one()
    return rows, newer > 0, older > 0, newer


async def deletions(session: AsyncSession, client_ids: Sequence[int]) -> dict[int, AuditEntry]:
    """The latest "delete" entry of each of these clients: who deleted it, and when."""
    if not client_ids:
        return {}
    stmt = (
        select(AuditEntry)
        .where(AuditEntry.client_id.in_(client_ids), AuditEntry.action == "delete")
        .order_by(AuditEntry.id)
    )
    return {entry.client_id: entry for entry in (await session.execute(stmt)).scalars().all() if entry.client_id}
