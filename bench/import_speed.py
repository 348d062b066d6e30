"""Speed of `clientes-bot import`: generated clients through the import's own code, on a real database.

Run with `make bench` (SQLite file in a temp dir) or `DATABASE_URL=postgresql://… make bench`
(the database is emptied first). Every generated client is a full record that exercises what costs
most in validation and storage: a RUC or DNI with its check digit, a Peruvian address with its own
phone and e-mail, a contact phone and website, a Slack channel (a queued channel job) and a server
whose password is Fernet-encrypted — all values distinct, so no cache anywhere can flatter the figure.
Target: at least 5,000 clients/s on SQLite on the 2-core reference machine (issue 9, item 6).
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from typing import Any

import typer
from sqlalchemy import text
from stdnum.pe import ruc

from commands.access import Actor
from commands.service import ClientService
from commands.transfer import import_records, workers_for
from storage import migrate
from storage.crypto import SecretBox, generate_key
from storage.db import Database

TARGET_PER_SECOND = 5000
ACTOR = Actor("console", "import")
DISTRICTS = ("150122", "150131", "040101", "080101", "130101", "200101")


def generated(i: int) -> dict[str, Any]:
    """Client number `i`: half RUC companies, half DNI people, every value distinct."""
    if i % 2:
        number = f"20{i:08d}"
        document = {"doc_type": "6", "doc_number": number + ruc.calc_check_digit(number)}
    else:
        document = {"doc_type": "1", "doc_number": f"{40_000_000 + i}"}
    return {
        **document,
        "name": f"Comercial Núñez {i} S.A.C.",
        "trade_name": f"Marca {i}",
        "internal_code": f"C-{i}",
        "contact_name": f"Ana Peñaloza {i}",
        "contact_phone": f"9{i % 100_000_000:08d}",
        "website": f"https://cliente{i}.pe",
        "slack_channel": f"cliente-{i}",
        "addresses": [
            {
                "country": "PE",
                "ubigeo": DISTRICTS[i % len(DISTRICTS)],
                "line": f"Av. Javier Prado Este {i}",
                "phone": f"01 {2_000_000 + i % 5_000_000}",
                "email": f"facturas{i}@cliente{i}.pe",
                "main": True,
            }
        ],
        "servers": [
            {"host": f"erp{i}.cliente.pe", "ip": "203.0.113.10", "username": "root", "password": f"s3cr3t-{i}"}
        ],
    }


async def _empty(db: Database) -> None:
    if db.is_sqlite:
        return
    async with db.engine.begin() as conn:
        await conn.execute(text("TRUNCATE clients, addresses, servers, audit_entries, outbox_jobs RESTART IDENTITY"))


async def _fresh(url: str | None) -> tuple[Database, ClientService]:
    db = Database(url or f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/import.db")
    await migrate.upgrade(db)
    await _empty(db)
    return db, ClientService(db, SecretBox([generate_key()]))


async def run(clients: int) -> dict[str, float]:
    """The import as `clientes-bot import` runs it (validation in worker processes), then again (all
    already imported), then once more in a single process timing its CPU: clients per CPU-second is
    what the code costs whatever else the machine is running (a shared machine lowers the wall figure)."""
    url = os.environ.get("DATABASE_URL")
    records = [generated(i) for i in range(clients)]
    db, service = await _fresh(url)
    start = time.perf_counter()
    first = await import_records(service, ACTOR, records, workers=workers_for(clients))
    created_s = time.perf_counter() - start
    start = time.perf_counter()
    again = await import_records(service, ACTOR, records, workers=workers_for(clients))
    again_s = time.perf_counter() - start
    await db.dispose()
    db, service = await _fresh(url)
    cpu = time.process_time()
    single = await import_records(service, ACTOR, records)
    cpu_s = time.process_time() - cpu
    await db.dispose()
    if (first.created, first.skipped, again.already, single.created) != (clients, 0, clients, clients):
        raise SystemExit(f"import wrong: {first} / {again} / {single}")
    return {
        "import_per_s": clients / created_s,
        "reimport_per_s": clients / again_s,
        "seconds": created_s,
        "per_cpu_second": clients / cpu_s,
        "load": os.getloadavg()[0],
    }


def main(clients: int = typer.Option(20_000, help="Clientes generados")) -> None:
    engine = "PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    result = asyncio.run(run(clients))
    ok = result["import_per_s"] >= TARGET_PER_SECOND or engine != "SQLite"
    print(
        f"import {engine} · {clients} clientes: {result['import_per_s']:,.0f} clientes/s "
        f"({result['seconds']:.1f} s; objetivo SQLite ≥ {TARGET_PER_SECOND:,}/s) {'ok' if ok else 'FUERA DE OBJETIVO'}"
    )
    print(f"re-import (todo ya importado): {result['reimport_per_s']:,.0f} clientes/s")
    print(
        f"un solo proceso: {result['per_cpu_second']:,.0f} clientes por segundo de CPU "
        f"(carga de la máquina: {result['load']:.1f} en {os.cpu_count()} núcleos)"
    )
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    typer.run(main)
