"""Speed and memory of the core on a real database: create, list pages, search, find, type-ahead.

Run with `make bench` (SQLite file in a temp dir) or `DATABASE_URL=postgresql://… make bench`.
Targets (2-core machine): create p95 < 25 ms, list page p95 < 25 ms and search p95 < 50 ms at 5,000
clients, district type-ahead p95 < 5 ms, peak traced memory while listing < 20 MiB.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from bench.empty import empty_register
from commands import ubigeo
from commands.access import Actor
from commands.service import ClientService
from storage import migrate
from storage.crypto import SecretBox, generate_key
from storage.db import Database

console = Console()
ACTOR = Actor("slack", "UBENCH", "bench")
NAMES = [
    "Inversiones",
    "Comercial",
    "Núñez",
    "Peñaloza",
    "Ingeniería",
    "Agroexportadora",
    "Distribuidora",
    "Constructora",
    "Servicios",
    "Tecnología",
]
TARGETS_MS = {
    "create": 25.0,
    "list_page": 25.0,
    "list_search": 50.0,
    "find_document": 10.0,
    "suggest": 25.0,
    "ubigeo_search": 5.0,
}


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {"p50": statistics.median(ordered), "p95": ordered[int(len(ordered) * 0.95) - 1], "n": len(ordered)}


async def _timed(count: int, call: Callable[[int], Awaitable[Any]]) -> list[float]:
    samples = []
    for i in range(count):
        start = time.perf_counter()
        await call(i)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def _client(i: int) -> dict[str, Any]:
    return {
        "doc_type": "1",
        "doc_number": f"{10_000_000 + i}",
        "name": f"{NAMES[i % len(NAMES)]} {i} S.A.C.",
        "trade_name": f"Marca {i}",
    }


async def run(clients: int, samples: int) -> dict[str, dict[str, float]]:
    url = os.environ.get("DATABASE_URL") or f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/bench.db"
    db = Database(url)
    await migrate.upgrade(db)
    await empty_register(db)
    service = ClientService(db, SecretBox([generate_key()]))
    address = {"ubigeo": "150122", "line": "Av. Larco 345", "phone": "014445566", "email": "f@e.pe"}
    results: dict[str, dict[str, float]] = {}
    create_ms: list[float] = []
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("Creando clientes", total=clients)
        for i in range(clients):
            start = time.perf_counter()
            await service.create(
                ACTOR,
                _client(i),
                addresses=[address],
                contact={"contact_phone": "987654321"},
                servers=[{"host": "erp.example.pe", "password": "x"}] if i % 10 == 0 else (),
            )
            create_ms.append((time.perf_counter() - start) * 1000)
            progress.advance(task)
    results["create"] = _percentiles(create_ms)
    page = await service.list_page(ACTOR)
    cursors = [page.next_cursor]
    for _ in range(samples):
        page = await service.list_page(ACTOR, cursor=page.next_cursor)
        cursors.append(page.next_cursor)
    results["list_page"] = _percentiles(await _timed(samples, lambda i: service.list_page(ACTOR, cursor=cursors[i])))
    results["list_search"] = _percentiles(await _timed(samples, lambda i: service.list_page(ACTOR, "nunez")))
    results["find_document"] = _percentiles(
        await _timed(samples, lambda i: service.find(ACTOR, f"{10_000_000 + (i * 37) % clients}"))
    )
    results["suggest"] = _percentiles(await _timed(samples, lambda i: service.suggest(ACTOR, "ingenieria 1")))

    async def district(i: int) -> None:
        ubigeo.search(("mira", "san juan", "lima", "cusco", "villa")[i % 5])

    results["ubigeo_search"] = _percentiles(await _timed(samples * 5, district))
    tracemalloc.start()
    for cursor in cursors[:20]:
        await service.list_page(ACTOR, cursor=cursor)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    results["list_memory"] = {"peak_mib": peak / 2**20}
    await db.dispose()
    return results


def main(
    clients: int = typer.Option(5000, help="Clientes a crear"),
    samples: int = typer.Option(200, help="Mediciones por operación"),
) -> None:
    results = asyncio.run(run(clients, samples))
    table = Table(title=f"clientes-bot bench · {clients} clientes")
    for column in ("operación", "p50 ms", "p95 ms", "objetivo p95 ms", "n"):
        table.add_column(column)
    failed = []
    for name, row in results.items():
        if "p50" in row:
            target = TARGETS_MS.get(name)
            ok = target is None or row["p95"] <= target
            failed += [] if ok else [name]
            table.add_row(
                name,
                f"{row['p50']:.2f}",
                f"{row['p95']:.2f}",
                f"{target:.0f}" if target else "—",
                str(int(row["n"])),
                style=None if ok else "red",
            )
    table.add_row("list_memory (peak MiB)", f"{results['list_memory']['peak_mib']:.2f}", "", "20", "")
    console.print(table)
    out = Path("bench/results")
    out.mkdir(parents=True, exist_ok=True)
    (out / "latest.json").write_text(json.dumps(results, indent=2))
    if failed:
        console.print(f"[red]Fuera de objetivo: {', '.join(failed)}[/red]")
        raise typer.Exit(1)


if __name__ == "__main__":
    typer.run(main)
