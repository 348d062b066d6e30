"""The one-hop aiosqlite driver: a statement is one trip to the connection's thread, and what a DBAPI
cursor answers afterwards (rows, description, rowcount, lastrowid, errors, transactions) is unchanged."""

from __future__ import annotations

import collections
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError

from commands.access import Actor
from commands.service import ClientService
from storage.crypto import SecretBox, generate_key
from storage.db import Database


@pytest.fixture
async def lite(tmp_path: Path) -> AsyncIterator[Database]:
    db = Database(f"sqlite+aiosqlite:///{tmp_path}/driver.db")
    async with db.engine.begin() as connection:
        await connection.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL)"))
    yield db
    await db.dispose()


@pytest.fixture
def trips(monkeypatch: pytest.MonkeyPatch) -> Iterator[collections.Counter[str]]:
    """Every call aiosqlite runs on a connection's thread, by name."""
    seen: collections.Counter[str] = collections.Counter()
    original = aiosqlite.Connection._execute

    async def counted(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        seen[getattr(fn, "__name__", repr(fn))] += 1
        return await original(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    yield seen


async def test_rows_description_rowcount_and_lastrowid(lite: Database) -> None:
    async with lite.engine.begin() as connection:
        inserted = await connection.execute(text("INSERT INTO t (name) VALUES ('Núñez')"))
        assert inserted.lastrowid == 1
        await connection.execute(text("INSERT INTO t (name) VALUES (:n)"), [{"n": "b"}, {"n": "c"}])
        updated = await connection.execute(text("UPDATE t SET name = name || '!' WHERE id > 1"))
        assert updated.rowcount == 2
        result = await connection.execute(text("SELECT id, name FROM t ORDER BY id"))
        assert list(result.keys()) == ["id", "name"]
        assert [tuple(row) for row in result] == [(1, "Núñez"), (2, "b!"), (3, "c!")]
        empty = await connection.execute(text("SELECT id FROM t WHERE id > 99"))
        assert empty.first() is None


async def test_errors_are_the_dbapi_errors_and_roll_back(lite: Database) -> None:
    with pytest.raises(IntegrityError):
        async with lite.engine.begin() as connection:
            await connection.execute(text("INSERT INTO t (name) VALUES ('a')"))
            await connection.execute(text("INSERT INTO t (name) VALUES ('a')"))
    with pytest.raises(OperationalError):
        async with lite.engine.connect() as connection:
            await connection.execute(text("SELECT nope FROM t"))
    async with lite.engine.connect() as connection:  # the failed transaction's first insert is gone too
        assert (await connection.execute(text("SELECT count(*) FROM t"))).scalar_one() == 0


async def test_a_connection_returned_mid_transaction_is_rolled_back(lite: Database) -> None:
    connection = await lite.engine.connect()
    await connection.execute(text("INSERT INTO t (name) VALUES ('pending')"))
    assert connection.sync_connection is not None
    await connection.close()  # no commit: the pool's reset must roll the open transaction back
    async with lite.engine.connect() as other:
        assert (await other.execute(text("SELECT count(*) FROM t"))).scalar_one() == 0
        await other.execute(text("INSERT INTO t (name) VALUES ('x')"))  # and the write lock was released
        await other.commit()


async def test_streamed_results_still_fetch_lazily(lite: Database) -> None:
    async with lite.engine.begin() as connection:
        await connection.execute(text("INSERT INTO t (name) VALUES (:n)"), [{"n": str(i)} for i in range(250)])
    async with lite.engine.connect() as connection:
        streamed = await connection.stream(text("SELECT id FROM t ORDER BY id"))
        ids = [row.id async for row in streamed]
    assert ids == list(range(1, 251))


async def test_a_list_page_is_one_trip_and_a_create_ends_with_one_commit(
    tmp_path: Path, trips: collections.Counter[str]
) -> None:
    """What the driver is for: a read crosses threads once (no cursor round trips, no commit or
    rollback of a transaction that never began); a write adds only its statements and the commit."""
    from storage import migrate

    db = Database(f"sqlite+aiosqlite:///{tmp_path}/trips.db")
    await migrate.upgrade(db)
    service = ClientService(db, SecretBox([generate_key()]))
    actor = Actor("console", "tester")
    await service.create(actor, {"doc_type": "1", "doc_number": "40000001", "name": "Ana Núñez"})
    await service.list_page(actor)  # the pool has its connection (opening one is not what is counted)
    trips.clear()
    page = await service.list_page(actor)
    assert [row.name for row in page.rows] == ["Ana Núñez"]
    assert dict(trips) == {"_run": 1}
    trips.clear()
    await service.create(actor, {"doc_type": "1", "doc_number": "40000002", "name": "Luis Peñaloza"})
    assert trips["commit"] == 1 and trips["rollback"] == 0
    assert set(trips) == {"_run", "commit"}
    await db.dispose()


async def test_a_statement_cancelled_mid_way_leaves_no_transaction_nor_lock(lite: Database) -> None:
    """A request cancelled while its write runs on the connection's thread (a shutdown, a timeout): the
    write is rolled back and the database lock released, so the next writer is not kept waiting."""
    import asyncio

    slow = (
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000000) "
        "INSERT INTO t (name) SELECT 'slow' WHERE (SELECT count(*) FROM n) > 0"
    )

    async def write() -> None:
        async with lite.engine.begin() as connection:
            await connection.execute(text("INSERT INTO t (name) VALUES ('first')"))
            await connection.execute(text(slow))

    task = asyncio.create_task(write())
    await asyncio.sleep(0.05)  # the slow statement is running on the connection's thread
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    async with asyncio.timeout(5):  # not busy_timeout's 5 s per try: the lock is free
        async with lite.engine.begin() as connection:
            await connection.execute(text("INSERT INTO t (name) VALUES ('next')"))
    async with lite.engine.connect() as connection:
        names = (await connection.execute(text("SELECT name FROM t ORDER BY id"))).scalars().all()
    assert names == ["next"]
