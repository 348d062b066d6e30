"""`clientes-bot padron import|check`: the terminal side (progress bar, tables) of commands/padron.py."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from bot.runtime import Core
from commands import padron
from commands.texts import texts


async def run_import(core: Core, path: Path, fecha: date | None, err: Console) -> None:
    """Loads the file with a progress bar (bytes, lines, lines/s); reports what was skipped.

    Exit codes: 0 loaded (even with skipped lines, which are listed), 2 the file cannot be used."""
    t = texts()
    columns = (
        TextColumn("Padrón"),
        BarColumn(),
        DownloadColumn(),
        TextColumn("{task.fields[lines]} líneas · {task.fields[rate]} líneas/s"),
        TimeRemainingColumn(),
    )
    started = time.perf_counter()
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("padron", total=None, lines="0", rate="0")

        def progress(done: int, total: int, lines: int) -> None:
            rate = f"{lines / max(time.perf_counter() - started, 1e-6):,.0f}".replace(",", ".")
            bar.update(task, completed=done, total=total, lines=f"{lines:,}".replace(",", "."), rate=rate)

        try:
            result = await padron.import_file(core.db, path, fecha=fecha, progress=progress)
        except padron.PadronError as exc:
            bar.stop()
            err.print(Text(str(exc), style="red"))
            raise typer.Exit(2) from None
    report = result.report
    for bad in report.malformed:
        err.print(Text(t.padron_malformed_line(bad.line, bad.pieces), style="yellow"))
    if report.malformed_count > len(report.malformed):
        err.print(Text(t.padron_malformed_more(report.malformed_count - len(report.malformed)), style="yellow"))
    if result.duplicates:
        err.print(Text(t.padron_duplicates(result.duplicates), style="yellow"))
    if result.unknown_ubigeos:
        shown = ", ".join(result.unknown_ubigeos[: padron.UNKNOWN_SHOWN])
        more = ", …" if len(result.unknown_ubigeos) > padron.UNKNOWN_SHOWN else ""
        err.print(Text(t.padron_unknown_ubigeos(len(result.unknown_ubigeos), shown + more), style="yellow"))
    err.print(Text(t.padron_loaded(result.fecha.isoformat(), result.source, result.rows, result.seconds, result.rate)))


async def run_check(core: Core, err: Console) -> bool:
    """Prints the clients the padrón contradicts; True when there is any (exit 1), exit 2 with no load."""
    t = texts()
    try:
        info, total, differences = await padron.check(core.db)
    except padron.PadronError as exc:
        err.print(Text(str(exc), style="red"))
        raise typer.Exit(2) from None
    fecha = info.fecha.isoformat()
    if not differences:
        err.print(Text(t.padron_check_same(total, fecha)))
        return False
    table = Table(*t.padron_check_columns, highlight=False)
    for difference in differences:
        taxpayer = difference.taxpayer
        table.add_row(
            Text(difference.ruc),
            Text(difference.client_name),
            Text(taxpayer.name if taxpayer else "—"),
            Text(taxpayer.estado if taxpayer else "—"),
            Text(taxpayer.condicion if taxpayer else "—"),
            Text(", ".join(t.padron_check_kinds[kind] for kind in difference.kinds)),
        )
    Console(highlight=False, width=200).print(table)
    err.print(Text(t.padron_check_differ(len(differences), total, fecha)))
    return True
