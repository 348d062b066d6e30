"""SUNAT's padrón reducido del RUC in the core: import it, look a RUC up, search names, warn, check clients.

Everything runs offline against the last load (storage/padron.py); nothing here touches the network.

The domicilio line is composed as SUNAT's Consulta RUC writes a fiscal address, from the file's own
abbreviations (tipo de vía "AV.", "JR.", "CAL."…; tipo de zona "URB.", "A.H."…): tipo y nombre de vía,
"NRO." número, "KM." kilómetro, "MZA." manzana, "LOTE." lote, "DPTO." departamento, "INT." interior, then
tipo y nombre de zona — "AV. JAVIER PRADO ESTE NRO. 6210 INT. 301 URB. SANTA FELICIA". Empty fields (`-`)
are left out. The district is not repeated in the line: it is the UBIGEO, shown as the Distrito field.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from commands import ubigeo
from commands.errors import CoreError, StorageUnavailable
from commands.texts import texts
from commands.ubigeo import District
from commands.views import PadronStatus
from storage import padron
from storage.db import Database
from storage.models import Client
from storage.padron_file import PadronFileError, ReadReport, open_padron, search_key
from storage.textfold import fold

PAGE_SIZE = 10
UNKNOWN_SHOWN = 8  # unknown UBIGEO codes listed after an import; the rest are counted
_EMPTY = frozenset({"", "-", "--", "---", "----"})
_ADDRESS = (  # (field, prefix) in the order SUNAT writes them
    ("tipo_via", ""),
    ("nombre_via", ""),
    ("numero", "NRO. "),
    ("kilometro", "KM. "),
    ("manzana", "MZA. "),
    ("lote", "LOTE. "),
    ("departamento", "DPTO. "),
    ("interior", "INT. "),
    ("tipo_zona", ""),
    ("codigo_zona", ""),
)


class _Interrupted(Exception):
    """Raised inside the loader's thread when the command was interrupted."""


class PadronError(CoreError):
    """An import or check that cannot go on; the message is the Spanish sentence."""


@dataclass(frozen=True)
class Taxpayer:
    ruc: str
    name: str
    estado: str
    condicion: str
    ubigeo: str | None
    district: District | None  # None when the padrón has no UBIGEO or one our list lacks
    domicilio: str
    fecha: date  # the date of the load it comes from

    @property
    def source(self) -> str:
        """'SUNAT, padrón del 2026-11-28': what a card or a pre-filled form says the values came from."""
        return texts().padron_source(self.fecha.isoformat())


@dataclass(frozen=True)
class SearchPage:
    items: list[Taxpayer]
    page: int
    has_more: bool


@dataclass(frozen=True)
class ImportResult:
    fecha: date
    source: str
    rows: int
    duplicates: int
    seconds: float
    report: ReadReport
    unknown_ubigeos: list[str]  # codes the padrón uses that the shipped district list lacks, sorted

    @property
    def rate(self) -> float:
        """Lines read per second."""
        return self.report.lines / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class Difference:
    """A client with RUC the padrón contradicts; `kinds` are keys of texts().padron_check_kinds."""

    ruc: str
    client_name: str
    taxpayer: Taxpayer | None
    kinds: tuple[str, ...]


def _field(value: str) -> str:
    value = value.strip()
    return "" if value in _EMPTY else value


def domicilio(row: padron.PadronRow) -> str:
    """The fiscal address as one line (see the module's docstring for the order)."""
    parts = []
    for name, prefix in _ADDRESS:
        value = _field(getattr(row, name))
        if value:
            parts.append(prefix + value)
    return " ".join(" ".join(parts).split())


def _taxpayer(row: padron.PadronRow) -> Taxpayer:
    code = _field(row.ubigeo) or None
    return Taxpayer(
        ruc=row.ruc,
        name=" ".join(row.name.split()),
        estado=_field(row.estado),
        condicion=_field(row.condicion),
        ubigeo=code,
        district=ubigeo.get(code),
        domicilio=domicilio(row),
        fecha=row.fecha,
    )


def warning(taxpayer: Taxpayer) -> str | None:
    """'SUNAT: BAJA DE OFICIO · NO HABIDO' when the taxpayer is not ACTIVO or not HABIDO; None otherwise.

    A warning only: registering such a client is never refused."""
    if taxpayer.estado == "ACTIVO" and taxpayer.condicion == "HABIDO":
        return None
    return texts().padron_warning(taxpayer.estado or "-", taxpayer.condicion or "-")


async def lookup(db: Database, ruc: str) -> Taxpayer | None:
    """What the last load says of `ruc` (spaces around it ignored); None when absent or not a RUC."""
    async with db.engine.connect() as conn:
        row = await padron.lookup(conn, ruc.strip())
    return _taxpayer(row) if row is not None else None


async def status(conn: AsyncConnection, ruc: str) -> PadronStatus | None:
    """The card's padrón line for a RUC client, in the caller's transaction: one statement on the RUC's
    unique index, which reads no slot at all while no padrón is loaded (the slot is picked from
    `padron_loads`, empty then). None when no load lists the RUC."""
    row = await padron.lookup(conn, ruc.strip())
    if row is None:
        return None
    taxpayer = _taxpayer(row)
    return PadronStatus(taxpayer.estado or "-", taxpayer.condicion or "-", taxpayer.source, warning(taxpayer))


async def search(db: Database, text: str, page: int = 0) -> SearchPage:
    """Taxpayers whose name starts with `text` (accents, case and spacing ignored), or whose RUC starts
    with the digits typed; PAGE_SIZE a page, `page` from 0. Served by an index on either engine."""
    query = fold(text)
    page = max(page, 0)
    async with db.engine.connect() as conn:
        if query.isdigit():
            rows = await padron.search_ruc(conn, query, PAGE_SIZE + 1, page * PAGE_SIZE)
        else:
            key = search_key(query)
            rows = await padron.search_name(conn, key, PAGE_SIZE + 1, page * PAGE_SIZE) if key else []
    return SearchPage([_taxpayer(r) for r in rows[:PAGE_SIZE]], page, len(rows) > PAGE_SIZE)


async def current_load(db: Database) -> padron.LoadInfo | None:
    async with db.engine.connect() as conn:
        return await padron.current_load(conn)


async def import_file(
    db: Database, path: Path, *, fecha: date | None = None, progress: Callable[[int, int, int], None] | None = None
) -> ImportResult:
    """Loads the .zip or .txt into the idle slot and switches to it; `progress(bytes read, bytes in all,
    good lines)` follows it.

    `fecha` overrides the date taken from the file (the zip member's date, or the .txt's mtime)."""
    t = texts()
    try:
        source = open_padron(path)
    except PadronFileError as exc:
        raise PadronError(t.padron_file_errors[exc.reason].format(path=path)) from None
    if fecha is not None:
        source.fecha = fecha
    size = source.size

    interrupted = threading.Event()

    def report_progress(done: int, lines: int) -> None:
        if interrupted.is_set():  # Ctrl-C: the SQLite load runs on a thread, which stops at its next block
            raise _Interrupted
        if progress is not None:
            progress(done, size, lines)

    started = time.perf_counter()
    try:
        with source:
            if db.is_sqlite:
                if db.file is None:
                    raise PadronError(t.padron_file_errors["unreadable"].format(path=db.url.database))
                try:
                    result = await asyncio.to_thread(padron.load_sqlite, db.file, source, report_progress)
                except asyncio.CancelledError:
                    interrupted.set()  # the thread rolls its block back; the load in use stays
                    raise
            else:
                result = await padron.load_postgres(db.url, source, report_progress)
    except PadronFileError as exc:  # found while reading: a damaged .zip, a failing disk
        raise PadronError(t.padron_file_errors[exc.reason].format(path=path)) from None
    except padron.LoadFailed:
        raise StorageUnavailable from None
    except padron.LoadBusy:
        raise PadronError(t.padron_busy) from None
    except padron.EmptyLoad:
        raise PadronError(t.padron_empty) from None
    seconds = time.perf_counter() - started
    unknown = sorted(code for code in result.report.ubigeos if _field(code) and ubigeo.get(code) is None)
    info = result.info
    return ImportResult(info.fecha, info.source, info.rows, info.duplicates, seconds, result.report, unknown)


async def check(db: Database) -> tuple[padron.LoadInfo, int, list[Difference]]:
    """Live clients with a RUC whose name (accents, case and spacing aside) or status the last load
    contradicts, or that it does not list: (the load, how many clients have a RUC, the differences)."""
    async with db.engine.connect() as conn:
        info = await padron.current_load(conn)
        if info is None:
            raise PadronError(texts().padron_not_loaded)
        clients = (
            await conn.execute(
                select(Client.doc_number, Client.name)
                .where(Client.doc_type == "6", Client.deleted_at.is_(None))
                .order_by(Client.name, Client.id)
            )
        ).all()
        found = await padron.lookup_many(conn, (number for number, _ in clients))
    differences = []
    for number, name in clients:
        row = found.get(number)
        if row is None:
            differences.append(Difference(number, name, None, ("missing",)))
            continue
        taxpayer = _taxpayer(row)
        kinds = tuple(
            kind
            for kind, differs in (
                ("name", fold(name) != fold(taxpayer.name)),
                ("estado", taxpayer.estado != "ACTIVO"),
                ("condicion", taxpayer.condicion != "HABIDO"),
            )
            if differs
        )
        if kinds:
            differences.append(Difference(number, name, taxpayer, kinds))
    return info, len(clients), differences
