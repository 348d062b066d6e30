"""The padrón in the database: a bulk load into the idle slot, the switch to it, and the reads.

Two slots (`padron_a`, `padron_b`, migrations 0006 and 0011): a load empties and fills the one not in
use, builds its name index, and only then adds its row to `padron_loads`, in the transaction that also
finishes the slot. Every read is one statement that picks the slot the newest `padron_loads` row names,
so it sees one whole load: the previous one until the new one is complete, never a mix, never an empty
table. A killed load leaves a half-filled idle slot, which the next load empties first.

A slot row is (ruc, name, rest, folded): `rest` is the line after the name as the file has it, split
again here for the rows a read returns, so a load binds four values a line. SQLite is loaded through the
standard sqlite3 module on the database file (executemany over blocks of lines, a commit every ~150,000
lines so the bot's own writes are never kept waiting long, Python's cycle collector paused), in WAL mode
with synchronous=NORMAL like every connection of ours: a kill -9 loses at most the uncommitted block,
never the database. PostgreSQL is loaded with COPY (asyncpg's copy_records_to_table). Only one load runs
at a time: a lock file beside the SQLite database, an advisory lock on PostgreSQL (both released by the
system if the process dies).
"""

from __future__ import annotations

import fcntl
import gc
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.padron_file import FOLD_TABLE, REST_FIELDS, STORED, PadronSource, ReadReport, blocks, rows

Progress = Callable[[int, int], None]  # bytes read so far, good lines so far

COMMIT_EVERY = 16  # blocks (~9,000 lines each) per SQLite transaction
SQLITE_CACHE_KIB = 32_768  # page cache while loading: enough for the index sort, far under the 200 MB cap
PG_LOCK = 0x5041_4452  # "PADR": the advisory lock key of a PostgreSQL load
_NEWEST = "(SELECT {column} FROM padron_loads ORDER BY id DESC LIMIT 1)"


class LoadBusy(Exception):
    """Another load is running on this database."""


class LoadFailed(Exception):
    """The database refused the load (locked too long, unreachable, disk full); the load in use stays."""


class EmptyLoad(Exception):
    """The file had no good line: the load in use stays, rather than being replaced by nothing."""


@dataclass(frozen=True)
class LoadInfo:
    id: int
    fecha: date
    source: str
    rows: int
    duplicates: int
    malformed: int
    loaded_at: datetime


@dataclass(frozen=True)
class PadronRow:
    """One taxpayer as the file has it (`-` for empty) and the date of the load it came from."""

    ruc: str
    name: str
    estado: str
    condicion: str
    ubigeo: str
    tipo_via: str
    nombre_via: str
    codigo_zona: str
    tipo_zona: str
    numero: str
    interior: str
    lote: str
    departamento: str
    manzana: str
    kilometro: str
    fecha: date


@dataclass(frozen=True)
class LoadResult:
    info: LoadInfo
    report: ReadReport


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _as_datetime(value: Any) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# ---- reading


def _slot_select(slot: str, where: str, tail: str = "") -> str:
    """One slot's half of a read: empty unless it is the slot the newest load names."""
    columns = ", ".join(STORED[:-1])
    fecha = _NEWEST.format(column="fecha")
    current = _NEWEST.format(column="slot")
    return (
        f"SELECT * FROM (SELECT {columns}, {fecha} AS fecha FROM padron_{slot} "
        f"WHERE {current} = '{slot}' AND {where} {tail}) AS slot_{slot}"
    )


def _both(where: str, tail: str = "") -> str:
    return f"{_slot_select('a', where, tail)} UNION ALL {_slot_select('b', where, tail)}"


def _row(values: Sequence[Any]) -> PadronRow:
    ruc, name, rest, fecha = values
    pieces = str(rest).rstrip("\r\n").split("|")
    fields = dict(zip(REST_FIELDS, (*pieces, *("-",) * len(REST_FIELDS)), strict=False))
    return PadronRow(f"{int(ruc):011d}", name, fecha=_as_date(fecha), **fields)


def _key(name: str) -> bytes:
    return name.encode("latin-1", "replace").translate(FOLD_TABLE)


async def current_load(conn: AsyncConnection) -> LoadInfo | None:
    found = (
        await conn.execute(
            text(
                "SELECT id, fecha, source, rows, duplicates, malformed, loaded_at FROM padron_loads "
                "ORDER BY id DESC LIMIT 1"
            )
        )
    ).first()
    if found is None:
        return None
    return LoadInfo(found[0], _as_date(found[1]), found[2], found[3], found[4], found[5], _as_datetime(found[6]))


async def lookup(conn: AsyncConnection, ruc: str) -> PadronRow | None:
    if not (len(ruc) == 11 and ruc.isascii() and ruc.isdigit()):
        return None
    found = (await conn.execute(text(_both("ruc = :ruc")), {"ruc": int(ruc)})).first()
    return _row(found) if found is not None else None


async def lookup_many(conn: AsyncConnection, rucs: Iterable[str]) -> dict[str, PadronRow]:
    """Several RUCs, a few hundred per statement (each statement reads one load)."""
    wanted = sorted({int(r) for r in rucs if len(r) == 11 and r.isascii() and r.isdigit()})
    found: dict[str, PadronRow] = {}
    for start in range(0, len(wanted), 500):
        batch = wanted[start : start + 500]
        names = ", ".join(f":r{i}" for i in range(len(batch)))
        params = {f"r{i}": value for i, value in enumerate(batch)}
        for values in (await conn.execute(text(_both(f"ruc IN ({names})")), params)).all():
            row = _row(values)
            found[row.ruc] = row
    return found


async def search_name(conn: AsyncConnection, key: bytes, limit: int, offset: int) -> list[PadronRow]:
    """Names whose folded form starts with `key` (storage.padron_file.search_key), in folded order."""
    if not key:
        return []
    postgres = conn.dialect.name == "postgresql"
    low: bytes | str = key.decode("latin-1") if postgres else key
    high: bytes | str = (key + b"\xff").decode("latin-1") if postgres else key + b"\xff"
    order = "ORDER BY folded, ruc LIMIT :limit OFFSET :offset"
    result = await conn.execute(
        text(_both("folded >= :low AND folded < :high", order)),
        {"low": low, "high": high, "limit": limit, "offset": offset},
    )
    # One branch of the UNION is empty; sorting again only makes the order a promise, not a plan's habit.
    return sorted((_row(values) for values in result.all()), key=lambda r: (_key(r.name), r.ruc))


async def search_ruc(conn: AsyncConnection, prefix: str, limit: int, offset: int) -> list[PadronRow]:
    """RUCs that start with the digits typed, in order."""
    if not (prefix.isascii() and prefix.isdigit()) or not 0 < len(prefix) <= 11:
        return []
    scale = 10 ** (11 - len(prefix))
    result = await conn.execute(
        text(_both("ruc >= :low AND ruc < :high", "ORDER BY ruc LIMIT :limit OFFSET :offset")),
        {"low": int(prefix) * scale, "high": (int(prefix) + 1) * scale, "limit": limit, "offset": offset},
    )
    return sorted((_row(values) for values in result.all()), key=lambda r: r.ruc)


# ---- loading: SQLite


@contextmanager
def _file_lock(database: Path) -> Iterator[None]:
    """One load at a time on this database file; the kernel drops the lock if the process dies."""
    path = database.with_name(database.name + ".padron-lock")
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LoadBusy from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused while the rows stream through.

    A load allocates a few container objects per line and frees them a block later, all by reference
    counting; the collector would otherwise run every 700 of them and find nothing (it made reading a
    line a third slower: 1.2 µs instead of 0.9). Nothing a load allocates forms a cycle, so pausing it
    leaks nothing; other threads' cycles wait for the next collection after the load."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _idle(current: str | None) -> str:
    return "b" if current == "a" else "a"


def load_sqlite(database: Path, source: PadronSource, progress: Progress) -> LoadResult:
    """Loads `source` into the idle slot of the SQLite file and switches to it (blocking: run it in a
    thread from async code)."""
    with _file_lock(database):
        try:
            con = sqlite3.connect(database, isolation_level=None, timeout=30)
            try:
                return _load_sqlite(con, source, progress)
            finally:
                con.close()
        except sqlite3.Error as exc:
            raise LoadFailed(type(exc).__name__) from exc


def _load_sqlite(con: sqlite3.Connection, source: PadronSource, progress: Progress) -> LoadResult:
    # Our connections' settings (storage/db.py): WAL, synchronous=NORMAL. A larger page cache and a
    # second sorter thread for the index build; nothing that trades away crash safety.
    for pragma in ("busy_timeout=30000", "synchronous=NORMAL", f"cache_size=-{SQLITE_CACHE_KIB}"):
        con.execute(f"PRAGMA {pragma}")
    con.execute("BEGIN IMMEDIATE")
    slot = _idle((con.execute("SELECT " + _NEWEST.format(column="slot")).fetchone() or (None,))[0])
    con.execute(f"DROP INDEX IF EXISTS ix_padron_{slot}_folded")
    con.execute(f"DELETE FROM padron_{slot}")  # no WHERE, no trigger: SQLite's truncate
    con.execute("COMMIT")
    insert = f"INSERT OR REPLACE INTO padron_{slot} VALUES ({', '.join('?' * len(STORED))})"
    report = ReadReport()
    pending = 0
    con.execute("BEGIN")
    try:
        with _no_cycle_collection():
            for first, lines in blocks(source, lambda done: progress(done, report.good)):
                con.executemany(insert, rows(first, lines, report))
                pending += 1
                if pending == COMMIT_EVERY:
                    con.execute("COMMIT")
                    con.execute("BEGIN")
                    pending = 0
        con.execute("COMMIT")
        if report.good == 0:
            raise EmptyLoad
        con.execute("BEGIN IMMEDIATE")
        con.execute(f"CREATE INDEX ix_padron_{slot}_folded ON padron_{slot} (folded)")
        kept = con.execute(f"SELECT count(*) FROM padron_{slot}").fetchone()[0]
        info = _record_load(con, slot, source, kept, report)
        con.execute("COMMIT")
    except BaseException:
        if con.in_transaction:
            con.execute("ROLLBACK")
        raise
    con.execute("PRAGMA wal_checkpoint(PASSIVE)")
    return LoadResult(info, report)


def _record_load(con: sqlite3.Connection, slot: str, source: PadronSource, kept: int, report: ReadReport) -> LoadInfo:
    loaded_at = datetime.now(UTC).replace(microsecond=0)
    values = (slot, source.fecha.isoformat(), source.name, kept, report.good - kept, report.malformed_count)
    cursor = con.execute(
        "INSERT INTO padron_loads (slot, fecha, source, rows, duplicates, malformed, loaded_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (*values, loaded_at.replace(tzinfo=None).isoformat(sep=" ")),
    )
    return LoadInfo(int(cursor.lastrowid or 0), source.fecha, source.name, kept, values[4], values[5], loaded_at)


# ---- loading: PostgreSQL


async def load_postgres(url: URL, source: PadronSource, progress: Progress) -> LoadResult:
    """Loads `source` with COPY into the idle slot, builds its indexes, and switches to it."""
    import asyncpg  # type: ignore[import-untyped]

    try:
        conn = await asyncpg.connect(url.set(drivername="postgresql").render_as_string(hide_password=False))
    except (OSError, asyncpg.PostgresError) as exc:
        raise LoadFailed(type(exc).__name__) from exc
    try:
        return await _load_postgres(conn, source, progress)
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        raise LoadFailed(type(exc).__name__) from exc
    finally:
        await conn.close()  # also releases the advisory lock


async def _load_postgres(conn: Any, source: PadronSource, progress: Progress) -> LoadResult:
    if not await conn.fetchval("SELECT pg_try_advisory_lock($1)", PG_LOCK):
        raise LoadBusy
    async with conn.transaction():  # short: TRUNCATE waits for, and briefly holds off, readers
        slot = _idle(await conn.fetchval("SELECT " + _NEWEST.format(column="slot")))
        await conn.execute(f"TRUNCATE padron_{slot}")
        await conn.execute(f"DROP INDEX IF EXISTS ix_padron_{slot}_ruc, ix_padron_{slot}_folded")
    report = ReadReport()

    def records() -> Iterator[Sequence[Any]]:
        for first, lines in blocks(source, lambda done: progress(done, report.good)):
            yield from rows(first, lines, report, text_key=True, int_ruc=True)

    async with conn.transaction():
        await conn.execute("SET LOCAL maintenance_work_mem = '128MB'")
        with _no_cycle_collection():
            await conn.copy_records_to_table(f"padron_{slot}", records=records(), columns=[*STORED, "line"])
        if report.good == 0:
            raise EmptyLoad
        kept = report.good - await _unique_ruc(conn, slot)  # COPY wrote every good line: no count(*) scan
        await conn.execute(f"CREATE INDEX ix_padron_{slot}_folded ON padron_{slot} (folded, ruc)")
        await conn.execute(f"ANALYZE padron_{slot}")
        loaded_at = datetime.now(UTC).replace(microsecond=0)
        load_id = await conn.fetchval(
            "INSERT INTO padron_loads (slot, fecha, source, rows, duplicates, malformed, loaded_at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            slot,
            source.fecha,
            source.name,
            kept,
            report.good - kept,
            report.malformed_count,
            loaded_at.replace(tzinfo=None),
        )
    info = LoadInfo(load_id, source.fecha, source.name, kept, report.good - kept, report.malformed_count, loaded_at)
    await _release_previous(conn, _idle(slot))
    return LoadResult(info, report)


async def _release_previous(conn: Any, slot: str) -> None:
    """Gives the previous load's disk space back (a whole copy of the padrón) once no reader needs it.

    TRUNCATE waits for statements still reading that slot; rather than hold new readers behind it, it
    gives up after a moment and the next load empties the slot anyway. (On SQLite a freed slot would only
    turn into free pages of the same file, so it is left for the next load to empty.)"""
    import asyncpg

    try:
        async with conn.transaction():
            await conn.execute("SET LOCAL lock_timeout = '2s'")
            await conn.execute(f"TRUNCATE padron_{slot}")
    except asyncpg.LockNotAvailableError:
        pass


async def _unique_ruc(conn: Any, slot: str) -> int:
    """The RUC index; when a RUC is repeated, its last line is kept (the file's later word wins). Returns
    how many lines that dropped."""
    import asyncpg

    create = f"CREATE UNIQUE INDEX ix_padron_{slot}_ruc ON padron_{slot} (ruc)"
    try:
        async with conn.transaction():  # a savepoint: most files have no repeated RUC, so try first
            await conn.execute(create)
        return 0
    except asyncpg.UniqueViolationError:
        pass
    status = await conn.execute(
        f"DELETE FROM padron_{slot} p USING (SELECT ruc, max(line) AS keep FROM padron_{slot} "
        "GROUP BY ruc HAVING count(*) > 1) d WHERE p.ruc = d.ruc AND p.line <> d.keep"
    )
    await conn.execute(create)
    return int(status.split()[-1])  # "DELETE n"
