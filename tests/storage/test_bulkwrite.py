"""`storage.bulkwrite`, the driver-level writer of imports: rows read back through the ORM exactly as
`insert()` would have stored them, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import Table, event, select

from storage import bulkwrite
from storage.db import Database
from storage.models import AuditEntry, Client, OutboxJob, utcnow

CLIENTS: Table = Client.__table__  # type: ignore[assignment]
AUDITS: Table = AuditEntry.__table__  # type: ignore[assignment]
JOBS: Table = OutboxJob.__table__  # type: ignore[assignment]


def _client(i: int) -> dict[str, Any]:
    return {"doc_type": "1", "doc_number": f"{10_000_000 + i}", "name": f"Cliente {i}", "origin_key": f"k{i}"}


def _naive(moment: datetime) -> datetime:
    """SQLite gives back naive UTC (what `insert()` stores there too), PostgreSQL an aware one."""
    return moment.replace(tzinfo=None)


_SHARED = {"created_by": "t", "updated_by": "t", "version": 1, "search_text": "", "phone_text": "", "sort_name": ""}


async def test_clients_go_in_as_few_statements_as_the_parameter_limit_allows(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.startswith("INSERT INTO clients"):
            statements.append(statement)

    now = utcnow()
    width = len(_client(0)) + len(_SHARED) + 2
    monkeypatch.setattr(bulkwrite, "_max_parameters", lambda _dialect: 3 * width)  # three rows a statement
    event.listen(db.engine.sync_engine, "before_cursor_execute", seen)
    try:
        async with db.sessions() as session, session.begin():
            shared = {**_SHARED, "created_at": now, "updated_at": now}
            returned = await bulkwrite.insert_returning(
                session, CLIENTS, [_client(i) for i in range(10)], ("origin_key", "id"), shared
            )
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", seen)
    assert len(statements) == 4  # 3 + 3 + 3 + 1
    async with db.sessions() as session:
        stored = (await session.execute(select(Client).order_by(Client.id))).scalars().all()
    assert sorted(returned) == sorted((c.origin_key, c.id) for c in stored)
    assert [c.name for c in stored] == [f"Cliente {i}" for i in range(10)]
    assert all(_naive(c.created_at) == _naive(now) and c.version == 1 for c in stored)


async def test_values_go_through_their_column_types(db: Database) -> None:
    """JSON is serialised and timestamps stored as the dialect stores them, shared or per row."""
    now = utcnow()
    changes = {"name": [None, "Ñandú"], "addresses": 1}
    async with db.sessions() as session, session.begin():
        await bulkwrite.insert_rows(
            session,
            AUDITS,
            [{"client_id": 7, "changes": changes}],
            {"at": now, "platform": "console", "user_id": "import", "user_name": None, "action": "create"},
        )
        job = {"kind": "provision", "status": "pending", "attempts": 0, "next_attempt_at": now, "created_at": now}
        await bulkwrite.insert_rows(
            session, JOBS, [{"platform": "slack", "client_id": 7, "payload": {"name": "ñu"}}], job
        )
    async with db.sessions() as session:
        entry = (await session.execute(select(AuditEntry))).scalar_one()
        queued = (await session.execute(select(OutboxJob))).scalar_one()
    assert (entry.changes, _naive(entry.at), entry.action, entry.user_name) == (changes, _naive(now), "create", None)
    assert (queued.payload, _naive(queued.next_attempt_at), queued.status, queued.attempts) == (
        {"name": "ñu"},
        _naive(now),
        "pending",
        0,
    )


async def test_a_column_with_a_default_left_out_is_a_programming_error(db: Database) -> None:
    """`insert()` would fill it with its default; a writer that silently stored NULL would not."""
    async with db.sessions() as session, session.begin():
        with pytest.raises(ValueError, match="outbox_jobs: columns with a default must be given: status, attempts"):
            await bulkwrite.insert_rows(
                session,
                JOBS,
                [{"kind": "provision", "platform": "slack", "client_id": 1, "payload": {}}],
                {"next_attempt_at": utcnow(), "created_at": utcnow()},
            )
