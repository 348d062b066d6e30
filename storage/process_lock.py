"""A lock one process at a time holds among every process sharing the database, released by the
operating system or the database server when its holder dies, however it dies (kill -9 included).

- PostgreSQL: session-level advisory locks (`pg_try_advisory_lock`) taken on a connection of their
  own (an engine with no pool, so it is never lent to a query and never silently replaced). A lock
  lives exactly as long as that session: when the holder's process dies its socket closes, the server
  ends the session and the lock is free for the next `try_acquire`.
- SQLite: an exclusive `flock` on a file beside the database (`<database>.<name>.lock`, mode 0600),
  which the kernel releases with the process. An in-memory database belongs to one process: granted.

`still_held()` is the holder's proof that it still holds the lock; False means it must stop doing what
the lock guards (a PostgreSQL session may end under a live process: a restart, a network cut, an
administrator's `pg_terminate_backend`), and try again.

Several keys are taken all-or-nothing (a Discord shard set: one key per shard, so two processes whose
shard sets overlap can never both connect).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from storage.db import Database

#: Seconds a lock query may take before the holder counts the lock as lost (a hung connection proves
#: nothing) and a standby counts its try as failed.
QUERY_TIMEOUT = 2.0


class ProcessLock(Protocol):
    async def try_acquire(self) -> bool:
        """Takes every key now, or none (False: another process holds one). Raises on a database error."""
        ...

    async def still_held(self) -> bool:
        """Whether this process provably still holds every key it took."""
        ...

    async def release(self) -> None:
        """Lets the keys go (and the connection or file): safe to call in any state."""
        ...


def lock_key(name: str) -> int:
    """A stable signed 64-bit advisory-lock key for `name` (a hash: `name` never reaches the server)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


class AdvisoryLock:
    """PostgreSQL: advisory locks on one dedicated session."""

    def __init__(self, url: URL, names: Sequence[str]) -> None:
        self.keys = [lock_key(name) for name in names]
        self._engine: AsyncEngine = create_async_engine(url, poolclass=NullPool, hide_parameters=True)
        self._conn: AsyncConnection | None = None
        self._held = False

    async def _drop(self) -> None:
        """Forgets the session: closing it (if the server still listens) ends it and frees its locks."""
        conn, self._conn, self._held = self._conn, None, False
        if conn is not None:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(QUERY_TIMEOUT):
                    await conn.close()
            with contextlib.suppress(Exception):
                await conn.invalidate()

    async def try_acquire(self) -> bool:
        try:
            # asyncio.timeout, not wait_for: Python 3.11's wait_for can swallow a cancel that lands as
            # the query returns, and the standby's loop would then never stop.
            async with asyncio.timeout(QUERY_TIMEOUT * 2):
                return await self._try_acquire()
        except BaseException:
            await self._drop()
            raise

    async def _try_acquire(self) -> bool:
        if self._conn is None:
            self._conn = await self._engine.connect()
            await self._conn.execution_options(isolation_level="AUTOCOMMIT")
        conn = self._conn
        taken: list[int] = []
        for key in self.keys:
            if await conn.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}):
                taken.append(key)
            else:
                for got in taken:
                    await conn.scalar(text("SELECT pg_advisory_unlock(:key)"), {"key": got})
                return False
        self._held = True
        return True

    async def still_held(self) -> bool:
        conn = self._conn
        if conn is None or not self._held:
            return False
        query = text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid = pg_backend_pid()")
        try:
            async with asyncio.timeout(QUERY_TIMEOUT):
                held = await conn.scalar(query)
        except Exception:
            await self._drop()
            return False
        if int(held or 0) < len(self.keys):
            await self._drop()
            return False
        return True

    async def release(self) -> None:
        await self._drop()  # ending the session releases every advisory lock it held
        await self._engine.dispose()


class FileLock:
    """SQLite: `flock` on one file per key, beside the database file."""

    def __init__(self, paths: Sequence[Path]) -> None:
        self.paths = list(paths)
        self._fds: list[tuple[Path, int]] = []

    async def try_acquire(self) -> bool:
        for path in self.paths:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                await self.release()
                return False
            except BaseException:
                os.close(fd)
                await self.release()
                raise
            self._fds.append((path, fd))
        return True

    async def still_held(self) -> bool:
        """A lock file deleted or replaced under us would let another process lock the new file."""
        if not self._fds:
            return False
        try:
            return all(os.fstat(fd).st_ino == os.stat(path).st_ino for path, fd in self._fds)
        except OSError:
            return False

    async def release(self) -> None:
        fds, self._fds = self._fds, []
        for _, fd in fds:
            with contextlib.suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


class LocalLock:
    """An in-memory SQLite database: no other process can share it, so nothing to contend for."""

    def __init__(self) -> None:
        self._held = False

    async def try_acquire(self) -> bool:
        self._held = True
        return True

    async def still_held(self) -> bool:
        return self._held

    async def release(self) -> None:
        self._held = False


def process_lock(db: Database, names: Sequence[str]) -> ProcessLock:
    """The lock for `names` on this database's engine (see the module docstring)."""
    if not db.is_sqlite:
        return AdvisoryLock(db.url, names)
    if db.file is None:
        return LocalLock()
    return FileLock(
        [db.file.with_name(f"{db.file.name}.{lock_key(name) & 0xFFFFFFFFFFFFFFFF:016x}.lock") for name in names]
    )
