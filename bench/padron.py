"""Loading SUNAT's padrón reducido: our loader beside a minimal one, on a generated 2,000,000-line file.

Run with `make bench` (part of it) or `.venv/bin/python -m bench.padron [--lines N]`. The file is
generated in a temp dir in the real format (bench/padron_file.py). Each load runs in a process of its
own (bench/padron_child.py) so its peak RSS is its own. Measured: the minimal loader (decode, split,
executemany into a keyed SQLite table in one transaction), our SQLite load, our PostgreSQL load (COPY)
when DATABASE_URL or BENCH_DATABASE_URL names PostgreSQL, and the name search on the loaded rows.

Targets (issue 9): SQLite within 1.5× the minimal loader's time and ≥ 150,000 lines/s; PostgreSQL at
least as fast as our SQLite load; peak RSS < 200 MiB; name search p99 < 50 ms.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from bench.padron_file import write

console = Console()
MAX_RATIO = 1.5
MIN_RATE = 150_000
MAX_RSS_MIB = 200
MAX_SEARCH_P99_MS = 50


def _child(*args: str) -> dict[str, float]:
    completed = subprocess.run(
        [sys.executable, "-m", "bench.padron_child", *args], capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        console.print(completed.stderr)
        raise typer.Exit(1)
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _postgres_url() -> str | None:
    for name in ("BENCH_DATABASE_URL", "DATABASE_URL"):
        url = os.environ.get(name, "")
        if url.startswith(("postgres://", "postgresql")):
            return url
    return None


def main(lines: int = typer.Option(2_000_000, help="Líneas del padrón generado")) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        source = root / "padron_reducido_ruc.txt"
        started = time.perf_counter()
        write(source, lines)
        console.print(
            f"Padrón generado: {lines:,} líneas, {source.stat().st_size / 2**20:.0f} MiB en "
            f"{time.perf_counter() - started:.1f} s"
        )
        results = {"minimal": _child("minimal", str(source), str(root / "minimal.db"))}
        results["sqlite"] = _child("ours", str(source), f"sqlite+aiosqlite:///{root / 'clientes.db'}")
        postgres = _postgres_url()
        if postgres:
            results["postgresql"] = _child("ours", str(source), postgres)
    failed = _report(results, lines)
    out = Path("bench/results")
    out.mkdir(parents=True, exist_ok=True)
    (out / "padron.json").write_text(json.dumps({"lines": lines, **results}, indent=2))
    if failed:
        console.print(f"[red]Fuera de objetivo: {', '.join(failed)}[/red]")
        raise typer.Exit(1)


def _report(results: dict[str, dict[str, float]], lines: int) -> list[str]:
    minimal = results["minimal"]["seconds"]
    table = Table(title=f"padrón reducido · {lines:,} líneas")
    columns = (
        "carga",
        "s",
        "líneas/s",
        "× mínimo",
        "CPU s (proceso)",
        "RSS pico MiB",
        "búsqueda p50 ms",
        "búsqueda p99 ms",
    )
    for column in columns:
        table.add_column(column)
    failed = []
    for name, row in results.items():
        rate = lines / row["seconds"]
        ratio = row["seconds"] / minimal
        bad = row["peak_mib"] >= MAX_RSS_MIB
        if name == "sqlite":
            bad |= ratio > MAX_RATIO or rate < MIN_RATE
        if name == "postgresql":
            bad |= row["seconds"] > results["sqlite"]["seconds"]
        if "search_p99_ms" in row:
            bad |= row["search_p99_ms"] >= MAX_SEARCH_P99_MS
        failed += [name] if bad else []
        table.add_row(
            name,
            f"{row['seconds']:.1f}",
            f"{rate:,.0f}",
            f"{ratio:.2f}",
            f"{row['cpu']:.1f}",
            f"{row['peak_mib']:.0f}",
            f"{row['search_p50_ms']:.1f}" if "search_p50_ms" in row else "—",
            f"{row['search_p99_ms']:.1f}" if "search_p99_ms" in row else "—",
            style="red" if bad else None,
        )
    console.print(table)
    console.print(
        f"Objetivos: SQLite ≤ {MAX_RATIO}× el mínimo y ≥ {MIN_RATE:,} líneas/s; PostgreSQL no más lento que SQLite; "
        f"RSS < {MAX_RSS_MIB} MiB; búsqueda p99 < {MAX_SEARCH_P99_MS} ms."
    )
    return failed


if __name__ == "__main__":
    typer.run(main)
