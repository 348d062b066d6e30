"""One measured padrón load in a process of its own, so its peak RSS is its own: prints one JSON line.

`python -m bench.padron_child minimal FILE DBFILE` — the minimal loader the issue compares against:
decode, split, executemany into a keyed SQLite table, one transaction, nothing else.
`python -m bench.padron_child ours FILE DATABASE_URL` — `commands.padron.import_file`, then the name
search timed on the loaded table.
"""

from __future__ import annotations

import asyncio
import json
import resource
import sqlite3
import sys
import time
from pathlib import Path

QUERIES = (
    "compania pena",
    "inversiones",
    "quispe mamani juan",
    "constructora del sur 12",
    "servicios los alamos",
    "garcia pena maria 19",
    "inversiones andina",
    "agroexportadora senor de luren",
    "distribuidora peru 4",
    "torres diaz ana 7",
    "comercial miraflores 1",
    "huaman ccahua",
    "zzz",
    "naupari lopez jose 123",
)
SEARCHES = 700


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu() -> float:
    """CPU seconds of this process, every thread: steadier than wall time on a shared machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def minimal(source: Path, database: Path) -> dict[str, float]:
    started, cpu = time.perf_counter(), _cpu()
    con = sqlite3.connect(database)
    con.execute("CREATE TABLE t (ruc TEXT PRIMARY KEY, a, b, c, d, e, f, g, h, i, j, k, l, m, n)")
    with source.open(encoding="iso-8859-1", newline="") as handle:
        next(handle)
        with con:
            con.executemany(
                "INSERT OR REPLACE INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (line.split("|")[:15] for line in handle),
            )
    con.close()
    return {"seconds": time.perf_counter() - started, "cpu": _cpu() - cpu, "peak_mib": _peak_mib()}


async def ours(source: Path, url: str) -> dict[str, float]:
    from commands import padron
    from storage import migrate
    from storage.db import Database

    db = Database(url)
    try:
        await migrate.upgrade(db)
        before, cpu = _peak_mib(), _cpu()
        result = await padron.import_file(db, source)
        cpu = _cpu() - cpu
        samples = []
        for i in range(SEARCHES):
            start = time.perf_counter()
            page = await padron.search(db, QUERIES[i % len(QUERIES)], page=i % 3)
            samples.append((time.perf_counter() - start) * 1000)
            assert QUERIES[i % len(QUERIES)] == "zzz" or page.items or i % 3, QUERIES[i % len(QUERIES)]
        samples.sort()
        return {
            "seconds": result.seconds,
            "cpu": cpu,
            "rows": result.rows,
            "peak_mib": _peak_mib(),
            "peak_before_mib": before,
            "search_p50_ms": samples[len(samples) // 2],
            "search_p99_ms": samples[int(len(samples) * 0.99) - 1],
        }
    finally:
        await db.dispose()


if __name__ == "__main__":
    kind, file, target = sys.argv[1:4]
    figures = minimal(Path(file), Path(target)) if kind == "minimal" else asyncio.run(ours(Path(file), target))
    print(json.dumps(figures))
