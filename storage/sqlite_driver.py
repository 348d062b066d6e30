"""aiosqlite, one thread hop per statement instead of four, and none to end a transaction that never began.

aiosqlite runs every sqlite3 call on the connection's own thread, and SQLAlchemy's adapter makes one
call per DBAPI step: open a cursor, execute, fetch the rows, close the cursor; then commit, and roll back
when the connection goes back to the pool. Each call is a round trip between threads (a queue put, a
GIL hand-over, a wake-up of the event loop through its self-pipe), and on a list page those six round
trips cost more CPU than the query itself. Here a statement is one call that does all four steps on
the connection's thread and brings back the rows with the cursor's description, rowcount and lastrowid;
commit and rollback skip the trip when sqlite3 says no transaction is open (a read never opens one:
pysqlite begins only before a write).

Only the driver's plumbing changes: same SQLite connection, same statements, same transactions.
`create_async_engine(url, module=dbapi())` puts it under SQLAlchemy's own aiosqlite dialect.
Server-side cursors (`stream()`) keep aiosqlite's own cursor, since they fetch lazily.
"""

from __future__ import annotations

import collections
import sqlite3
from typing import Any, cast

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util.concurrency import await_


class _Done:
    """What one statement left behind: everything a DBAPI cursor is asked for after `execute`."""

    __slots__ = ("description", "lastrowid", "rowcount", "rows")

    def __init__(self, cursor: sqlite3.Cursor, many: bool) -> None:
        self.description = cursor.description
        self.rows = cursor.fetchall() if self.description and not many else []
        self.rowcount = cursor.rowcount
        self.lastrowid = cursor.lastrowid


def _run(connection: sqlite3.Connection, operation: str, parameters: Any, many: bool) -> _Done:
    """Runs on the connection's thread: the whole life of a cursor in one call."""
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        return _Done(cursor, many)
    finally:
        cursor.close()


class OneHopCursor(AsyncAdapt_aiosqlite_cursor):
    """A buffered cursor whose statement is one trip to the connection's thread."""

    __slots__ = ("_done",)

    def _make_new_cursor(self, connection: Any) -> Any:
        return None  # the sqlite3 cursor lives and dies on the connection's thread, inside `_run`

    def _aenter_cursor(self, cursor: Any) -> Any:
        self._done: _Done | None = None
        return cursor

    @property
    def description(self) -> Any:
        return self._done.description if self._done is not None else None

    @property
    def rowcount(self) -> int:
        return self._done.rowcount if self._done is not None else -1

    @property
    def lastrowid(self) -> Any:
        return self._done.lastrowid if self._done is not None else None

    @property
    def arraysize(self) -> int:
        return 1

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        pass

    def _go(self, operation: Any, parameters: Any, many: bool) -> None:
        connection = cast(aiosqlite.Connection, self._connection)
        try:
            self._done = await_(connection._execute(_run, connection._conn, operation, parameters, many))
        except Exception as error:
            self._adapt_connection._handle_exception(error)
        self._rows = collections.deque(self._done.rows)  # the rows came back with the statement

    def execute(self, operation: Any, parameters: Any = None) -> None:
        self._go(operation, parameters, False)

    def executemany(self, operation: Any, seq_of_parameters: Any) -> None:
        self._go(operation, seq_of_parameters, True)

    async def _async_soft_close(self) -> None:
        return None  # nothing is open on the other thread

    def close(self) -> None:
        self._rows.clear()

    def nextset(self) -> None:
        return None

    def setinputsizes(self, *inputsizes: Any) -> None:
        return None


class OneHopConnection(AsyncAdapt_aiosqlite_connection):
    """Commit and rollback cross threads only when sqlite3 has a transaction open."""

    __slots__ = ()
    _cursor_cls = OneHopCursor

    def _open(self) -> bool:
        connection = cast(aiosqlite.Connection, self._connection)
        return connection._connection is not None and connection.in_transaction

    def commit(self) -> None:
        if self._open():
            super().commit()

    def rollback(self) -> None:
        if self._open():
            super().rollback()


class OneHopDBAPI(AsyncAdapt_aiosqlite_dbapi):
    def connect(self, *arg: Any, **kw: Any) -> OneHopConnection:
        adapted = super().connect(*arg, **kw)
        return OneHopConnection(self, adapted._connection)


def dbapi() -> OneHopDBAPI:
    return OneHopDBAPI(aiosqlite, sqlite3)
