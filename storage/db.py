"""Engine and session factory for SQLite (aiosqlite) and PostgreSQL (asyncpg).

Users paste URLs as their hosting provider prints them (`postgres://…`, `sqlite:///…`); we give each
its async driver rather than failing on a technicality.
"""

from __future__ import annotations

import asyncio
import os
import stat
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from storage import sqlite_driver

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/clientes.db"
POOL_SIZE = 5
MAX_OVERFLOW = 5

_ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+pysqlite": "sqlite+aiosqlite",
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
    "postgresql+psycopg2": "postgresql+asyncpg",
}


def async_url(raw: str) -> URL:
    """The URL with its async driver; `postgres://` is Heroku's spelling of `postgresql://`."""
    url = make_url(raw.replace("postgres://", "postgresql://", 1) if raw.startswith("postgres://") else raw)
    driver = _ASYNC_DRIVERS.get(url.drivername)
    return url.set(drivername=driver) if driver else url


def is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"


def create_private_file(database: str) -> None:
    """Creates the SQLite file 0600 (owner only) before SQLite opens it, when it does not exist yet.

    The file holds every client's data and the password tokens. SQLite creates its -wal, -shm and
    -journal files with the database file's own mode (and fchmods them to it, whatever the umask), so
    a private main file is enough for all of them. Creating the file here, with O_EXCL and an explicit
    mode, needs no process-wide umask change (racy with other threads) and no chmod after the fact
    (a window during which the file is readable). An empty file is a valid empty SQLite database.
    An existing file keeps the mode its owner gave it.
    """
    path = Path(database)
    if not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(fd)


def loose_mode(path: Path) -> int | None:
    """The file's mode when others than its owner may read or write it (None when private or absent).

    Files created before the database was created private keep the mode they had; the start-up
    warning built on this tells the operator, rather than changing modes behind their back."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return None
    return mode if mode & 0o077 else None


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Foreign keys for cascades, WAL so readers never block the writer, and a busy wait."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class Database:
    """Owns the engine; `session()` opens a unit of work."""

    def __init__(
        self,
        url: str | URL = DEFAULT_DATABASE_URL,
        *,
        echo: bool = False,
        pool_size: int = POOL_SIZE,
        max_overflow: int = MAX_OVERFLOW,
    ) -> None:
        """`pool_size`/`max_overflow`: PostgreSQL connections per process (DB_POOL_SIZE, DB_MAX_OVERFLOW);
        N processes hold up to N × (size + overflow) of the server's max_connections."""
        self.url = async_url(str(url) if isinstance(url, str) else url.render_as_string(False))
        # hide_parameters: SQL errors and logs never carry client data or password tokens.
        kwargs: dict[str, Any] = {"echo": echo, "hide_parameters": True}
        if self.file is not None:
            create_private_file(str(self.file))
        if not is_sqlite(self.url):
            kwargs.update(pool_pre_ping=True, pool_size=pool_size, max_overflow=max_overflow)
            # asyncpg prepares every statement, and after five runs PostgreSQL may keep one generic plan
            # for it. A search's selectivity depends on the words typed: the generic plan of a list
            # search walks the whole table in id order (42 ms at 100,000 clients for a number nobody
            # has) where the plan for the actual pattern reads the trigram index (1.4 ms).
            kwargs["connect_args"] = {"server_settings": {"plan_cache_mode": "force_custom_plan"}}
        if is_sqlite(self.url):
            kwargs["module"] = sqlite_driver.dbapi()
        self.engine: AsyncEngine = create_async_engine(self.url, **kwargs)
        if is_sqlite(self.url):
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False, class_=AsyncSession)

    @property
    def is_sqlite(self) -> bool:
        return is_sqlite(self.url)

    @property
    def file(self) -> Path | None:
        """The SQLite database file, when there is one on disk."""
        database = self.url.database if self.is_sqlite else None
        if not database or database == ":memory:" or database.startswith("file:"):
            return None
        return Path(database)

    def session(self) -> AsyncSession:
        return self.sessions()

    async def ping(self, within: float) -> None:
        """`SELECT 1` within `within` seconds; raises what the driver raised (or TimeoutError).

        Readiness asks this: a server that is down must answer "not ready" at once, not after the
        driver's own connect timeout."""
        async with asyncio.timeout(within):
            async with self.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()
