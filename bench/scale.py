"""List and search latency at 100,000 clients, on SQLite or PostgreSQL (`DATABASE_URL`).

The clients are bulk-inserted as the core stores them (search columns included; creating 100,000
through the core would take most of an hour), then the core's `list_page` is timed end to end:

- list pages: the first page, then Siguiente through 200 pages, then Anterior, and `orden:nombre`;
- search: a word one client in five has ("nunez"), a name fragment and number, a document, a phone
  typed with spaces, an e-mail, a district, a word that matches nothing, and the next page of a search.

Targets (2-core machine): list page p99 ≤ 10 ms, search p99 ≤ 20 ms. Run: `python -m bench.scale`
(part of `make bench`); `--clients` to change the size.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from collections.abc import Awaitable
from typing import Any

import typer

from bench.cpu import load, summary
from bench.empty import empty_register
from commands.access import Actor
from commands.service import ClientService
from storage import migrate
from storage.crypto import SecretBox, generate_key
from storage.db import Database

ACTOR = Actor("console", "bench")
TARGETS_P99_MS = {"list_page": 10.0, "search": 20.0}
SEARCHES = (
    "nunez",
    "penaloza 4321",
    "20000054321",
    "987 654 321",
    "c77777@e.pe",
    "miraflores ingenieria",
    "zzzz-nada",
    "#cliente-99999",
)


async def _loaded(db: Database, clients: int) -> bool:
    """A database given in SCALE_REUSE=1 runs that already holds the clients is measured as it is."""
    if os.environ.get("SCALE_REUSE") != "1":
        return False
    from sqlalchemy import text

    async with db.engine.connect() as conn:
        return (await conn.execute(text("SELECT count(*) FROM clients"))).scalar_one() == clients


class Samples:
    """Wall time (what a user waits) and CPU time (what a core spends; unlike wall time it does not grow
    when other processes share the machine) of each timed call, in ms."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []

    async def time(self, call: Awaitable[Any]) -> Any:
        wall, cpu = time.perf_counter(), time.process_time()
        result = await call
        self.wall.append((time.perf_counter() - wall) * 1000)
        self.cpu.append((time.process_time() - cpu) * 1000)
        return result

    def summary(self) -> dict[str, float]:
        cpu = summary(self.cpu)
        return {**summary(self.wall), "cpu_p50": cpu["p50"], "cpu_p99": cpu["p99"]}


async def run(clients: int, rounds: int) -> dict[str, dict[str, float]]:
    url = os.environ.get("DATABASE_URL") or f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/scale.db"
    # SCALE_REUSE=1 with SCALE_SQLITE=path keeps a loaded SQLite file between runs.
    url = f"sqlite+aiosqlite:///{os.environ['SCALE_SQLITE']}" if os.environ.get("SCALE_SQLITE") else url
    db = Database(url)
    await migrate.upgrade(db)
    started = time.perf_counter()
    if not await _loaded(db, clients):
        await empty_register(db)
        await load(db, clients)
    if not db.is_sqlite:
        from sqlalchemy import text

        async with db.engine.begin() as conn:
            await conn.execute(text("ANALYZE clients"))
            await conn.execute(text("ANALYZE addresses"))
    print(f"{clients} clientes cargados en {time.perf_counter() - started:.0f} s")
    service = ClientService(db, SecretBox([generate_key()]))
    for query in ("", *SEARCHES):  # warm the caches and the pool
        await service.list_page(ACTOR, query)

    pages, by_name, searches = Samples(), Samples(), Samples()
    for _ in range(rounds):
        page = await pages.time(service.list_page(ACTOR))
        for _ in range(200):
            page = await pages.time(service.list_page(ACTOR, cursor=page.next_cursor))
        for _ in range(20):
            page = await pages.time(service.list_page(ACTOR, cursor=page.prev_cursor))
    page = await by_name.time(service.list_page(ACTOR, "orden:nombre"))
    for _ in range(100 * rounds):
        page = await by_name.time(service.list_page(ACTOR, page.query, cursor=page.next_cursor))
    for i in range(len(SEARCHES) * 25 * rounds):
        found = await searches.time(service.list_page(ACTOR, SEARCHES[i % len(SEARCHES)]))
        if i % 4 == 0 and found.next_cursor:
            await searches.time(service.list_page(ACTOR, found.query, cursor=found.next_cursor))
    await db.dispose()
    return {"list_page": pages.summary(), "list_orden_nombre": by_name.summary(), "search": searches.summary()}


def main(
    clients: int = typer.Option(100_000, help="Clientes a cargar"),
    rounds: int = typer.Option(2, help="Vueltas de medición"),
) -> None:
    results = asyncio.run(run(clients, rounds))
    engine = "PostgreSQL" if (os.environ.get("DATABASE_URL") or "").startswith("postgres") else "SQLite"
    failed = False
    for name, row in results.items():
        target = TARGETS_P99_MS.get(name)
        verdict = ""
        if target is not None:
            ok = row["p99"] <= target
            failed |= not ok
            verdict = f"(objetivo p99 {target:.0f} ms) " + ("ok" if ok else "FUERA DE OBJETIVO")
        print(
            f"{name} [{engine}, {clients} clientes]: p50 {row['p50']:.2f} ms · p95 {row['p95']:.2f} ms · "
            f"p99 {row['p99']:.2f} ms {verdict} · CPU p50 {row['cpu_p50']:.2f} ms, p99 {row['cpu_p99']:.2f} ms"
        )
    raise SystemExit(1 if failed else 0)


if __name__ == "__main__":
    typer.run(main)
