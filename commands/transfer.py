"""Export and import of the register as JSON records, for backups and for moving in from the old product.

Passwords are never exported: a backup file travels by e-mail and USB sticks, and the encrypted
tokens would be useless without the keys anyway. Imports validate every record exactly as a form's
create does (`commands.checking`, in worker processes for a long file) and write it a batch at a time
with the same outcome (`commands.bulk`); a bad record is reported by number and skipped.
"""

from __future__ import annotations

import asyncio
import gc
import hashlib
import io
import json
import multiprocessing
import os
import sys
import types
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO, Any

from commands import phones, spreadsheet
from commands.access import Actor, Permission
from commands.bulk import ALREADY, CREATED, stored_origins
from commands.checking import ADDRESS_KEYS, Checked, NewClient, check, init_worker, pick, timed_check
from commands.errors import CoreError
from commands.forms import CLIENT, CONTACT, INTEGRATIONS, SERVER
from commands.service import ClientService
from commands.views import ClientCard
from storage.crypto import SecretBox
from storage.models import utcnow


def card_record(card: ClientCard) -> dict[str, Any]:
    """One client as a plain record whose keys are the form's field keys."""
    record: dict[str, Any] = {}
    for section in (CLIENT, CONTACT, INTEGRATIONS):
        record.update({f.key: getattr(card, f.key) for f in section.fields})
    record["contact_phone"] = phones.stored(card.contact_phone)  # E.164, whatever older rows hold
    record["addresses"] = [{**a.values(), "phone": phones.stored(a.phone), "main": a.is_main} for a in card.addresses]
    record["servers"] = [{k: v for k, v in s.values().items() if k != "password"} for s in card.servers]
    return record


async def export_records(service: ClientService, actor: Actor) -> AsyncIterator[dict[str, Any]]:
    async for card in service.iter_cards(actor):
        yield card_record(card)


class ImportFileError(CoreError):
    """The file cannot be read as a list of records at all; nothing was imported."""


def load_records(stream: IO[str] | IO[bytes]) -> list[Any]:
    """The records of an import file, or `ImportFileError` with a Spanish reason (never a traceback).

    The standard parser recurses once per nesting level, so a hostile `[[[[…` file would end in a
    RecursionError: that, bad UTF-8 and bad JSON all get the same kind of answer.
    """
    try:
        data = stream.read()
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
        records = json.loads(text)
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"El archivo no está en UTF-8 (byte {exc.start + 1}).") from None
    except json.JSONDecodeError as exc:
        raise ImportFileError(f"El archivo no es JSON válido: línea {exc.lineno}, columna {exc.colno}.") from None
    except RecursionError:
        raise ImportFileError("El archivo anida listas u objetos demasiado hondo para ser un respaldo.") from None
    except ValueError:  # an integer past Python's 4,300-digit conversion limit
        raise ImportFileError("El archivo no es JSON válido: contiene un número demasiado largo.") from None
    if not isinstance(records, list):
        raise ImportFileError("Se esperaba una lista de clientes.")
    return records


FORMATS = ("json", "csv", "xlsx")


class ExportFormatError(CoreError):
    """An export format the command does not write."""


def export_format(chosen: str | None, output: str) -> str:
    """The format asked for, else the output file's extension, else JSON."""
    if chosen is None:
        extension = output.rsplit(".", 1)[-1].lower() if "." in output else ""
        return extension if extension in FORMATS else "json"
    if chosen.lower() not in FORMATS:
        raise ExportFormatError(f"Formato «{chosen}» desconocido: use json, csv o xlsx.")
    return chosen.lower()


def export_bytes(records: Sequence[Mapping[str, Any]], chosen: str) -> bytes:
    """The export file's content: JSON as the backup format, CSV/XLSX one row per client (no passwords)."""
    if chosen == "csv":
        return spreadsheet.write_csv(records)
    if chosen == "xlsx":
        return spreadsheet.write_xlsx(records)
    return (json.dumps(list(records), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


@dataclass(frozen=True)
class ExportFile:
    """A finished export: what a chat sends as an attachment."""

    name: str
    data: bytes
    count: int


async def export_file(service: ClientService, actor: Actor, chosen: str = "xlsx") -> ExportFile:
    """The register as one file for a chat's `exportar`: admins only, and audited (who took the whole
    register, when, how many clients), since the file leaves the database's protection."""
    service.policy.require(actor, Permission.EXPORT)
    records = [record async for record in export_records(service, actor)]
    data = export_bytes(records, chosen)
    async with service._tx() as session:
        await service._audit(session, actor, "export", None, {"format": chosen, "clients": len(records)})
    return ExportFile(f"clientes-{utcnow():%Y-%m-%d}.{chosen}", data, len(records))


@dataclass
class LoadedFile:
    """An import file read and numbered: JSON records ("registro N") or spreadsheet rows ("fila N", the
    number the spreadsheet shows)."""

    records: list[tuple[int, Any]]
    label: str
    ignored: list[str] = field(default_factory=list)


def read_import(name: str, data: bytes) -> LoadedFile:
    """Reads an import file by its extension (.csv, .xlsx; anything else is JSON) or, for a zip, as XLSX."""
    lowered = name.lower()
    try:
        if lowered.endswith(".xlsx") or data.startswith(b"PK\x03\x04"):
            sheet = spreadsheet.read_xlsx(data)
        elif lowered.endswith(".csv"):
            sheet = spreadsheet.read_csv(data)
        else:
            records = load_records(io.BytesIO(data))
            return LoadedFile(list(enumerate(records, start=1)), "registro")
    except spreadsheet.SpreadsheetError as exc:
        raise ImportFileError(str(exc)) from None
    return LoadedFile(sheet.rows, "fila", sheet.ignored)


async def import_file(
    service: ClientService, actor: Actor, loaded: LoadedFile, on_progress: Callable[[int], None] | None = None
) -> ImportReport:
    """Imports what `read_import` read, in worker processes when the file is long (see `workers_for`)."""
    workers = workers_for(len(loaded.records))
    return await import_numbered(service, actor, loaded.records, loaded.label, on_progress, workers=workers)


_CLIENT_KEYS = tuple(f.key for section in (CLIENT, CONTACT, INTEGRATIONS) for f in section.fields)
_SERVER_KEYS = tuple(f.key for f in SERVER.fields if f.key != "password")


def origin_key(record: Mapping[str, Any]) -> str:
    """The import's idempotency key: a SHA-256 of the record's fields, servers' passwords left out.

    Stored in clear next to the client, so it must not be derived from a secret: a hash over the
    password would let anyone who reads the database confirm a guessed password offline. A keyed
    hash (HMAC) would hide it too, but would change with every key rotation and make an old backup
    import twice; leaving the password out costs nothing, since two records that differ only in a
    password are the same client (the document is unique anyway). Only the form's fields are hashed,
    so unknown keys in a hand-edited file (however deep) neither change the key nor get walked.
    """
    canonical = {
        **pick(record, _CLIENT_KEYS),
        "addresses": [pick(a, ADDRESS_KEYS) | {"main": a.get("main")} for a in record.get("addresses") or []],
        "servers": [pick(s, _SERVER_KEYS) for s in record.get("servers") or []],
    }
    try:
        encoded = json.dumps(canonical, sort_keys=True, ensure_ascii=False, default=repr)
    except (RecursionError, ValueError):
        # A field holding a structure nested too deep to encode: validation refuses such a record, so
        # this key is never stored and only has to be computed without a crash.
        encoded = repr(sorted(canonical))
    return "import:" + hashlib.sha256(encoded.encode("utf-8", "surrogatepass")).hexdigest()[:40]


@dataclass
class ImportReport:
    created: int = 0
    already: int = 0
    skipped: int = 0
    problems: list[str] = field(default_factory=list)
    worker_cpu: float = 0.0  # CPU seconds the validating worker processes spent (for `make bench`)


def _shape_problem(record: object) -> str | None:
    """Why a record cannot even be read as a client (a file edited by hand), or None."""
    if not isinstance(record, Mapping):
        return "no es un objeto JSON con los campos del cliente."
    for key in ("addresses", "servers"):
        items = record.get(key)
        if items is not None and (not isinstance(items, list) or not all(isinstance(i, Mapping) for i in items)):
            return f"«{key}» debe ser una lista de objetos."
    return None


BATCH = 1000  # records per transaction: big enough that per-batch queries vanish, small enough to stay flat
# A file this long is validated in worker processes, one per core, while the main process writes: the
# form's validation (phonenumbers, email-validator, stdnum) is most of an import's cost, and starting
# the workers (~0.5 s) only pays off from a few batches on.
PARALLEL_FROM = 4 * BATCH
# Batches looked up and validated ahead of the one being written: with two, the workers never wait for
# a write to finish before starting on the next batch, so both cores stay busy.
LOOK_AHEAD = 2


async def import_records(
    service: ClientService,
    actor: Actor,
    records: Iterable[Any],
    on_progress: Callable[[int], None] | None = None,
    *,
    workers: int = 0,
) -> ImportReport:
    """Creates each record; the same file imported twice creates nothing new (see `origin_key`)."""
    numbered = enumerate(records, start=1)
    return await import_numbered(service, actor, numbered, "registro", on_progress, workers=workers)


def workers_for(count: int) -> int:
    """How many validating processes an import of `count` records deserves (0: validate in this one)."""
    return (os.cpu_count() or 1) if count >= PARALLEL_FROM else 0


async def import_numbered(
    service: ClientService,
    actor: Actor,
    records: Iterable[tuple[int, Any]],
    label: str,
    on_progress: Callable[[int], None] | None = None,
    *,
    workers: int = 0,
) -> ImportReport:
    """Imports `(number, record)` pairs a batch at a time; problems are reported as "<label> <number>: …"
    in file order, whatever step found them (a shape, a field, a document already taken).

    While batch k is written, batch k+1 is looked up (which records are already imported) and validated
    — in `workers` processes when given. Each batch is still decided by `ClientService.create_many` in
    its own transaction, in file order, so the outcome is the one a record-by-record import would have.
    """
    report = ImportReport()
    problems: list[tuple[int, str]] = []

    def batches() -> Iterator[list[tuple[int, NewClient]]]:
        batch: list[tuple[int, NewClient]] = []
        for number, record in records:
            shape = _shape_problem(record)
            if shape:
                report.skipped += 1
                problems.append((number, f"{label} {number}: {shape}"))
                if on_progress:
                    on_progress(1)
                continue
            batch.append((number, NewClient(record, origin_key(record))))
            if len(batch) >= BATCH:
                yield batch
                batch = []
        if batch:
            yield batch

    async def write(batch: list[tuple[int, NewClient]], checked: list[Checked | None]) -> None:
        outcomes = await service.create_many(actor, [item for _, item in batch], checked)
        for (number, _), outcome in zip(batch, outcomes, strict=True):
            if outcome.status == CREATED:
                report.created += 1
            elif outcome.status == ALREADY:
                report.already += 1
            else:
                report.skipped += 1
                problems.extend((number, f"{label} {number}: {text}") for text in outcome.problems)
        if on_progress:
            on_progress(len(batch))
        gc.collect(1)  # this batch's cycles (SQLAlchemy's); see `_young_collections_only`

    with _validators(workers, report, service.box) as validate, _young_collections_only():

        async def prepare(
            batch: list[tuple[int, NewClient]],
        ) -> tuple[list[tuple[int, NewClient]], list[Checked | None]]:
            items = [item for _, item in batch]
            stored = await stored_origins(service, [item.origin_key for item in items])
            todo = [i for i, item in enumerate(items) if item.origin_key not in stored]
            checked: list[Checked | None] = [None for _ in items]  # an already-imported record: not validated
            for i, result in zip(todo, await validate([items[i] for i in todo]), strict=True):
                checked[i] = result
            return batch, checked

        ahead: deque[asyncio.Future[tuple[list[tuple[int, NewClient]], list[Checked | None]]]] = deque()
        try:
            for batch in batches():
                ahead.append(asyncio.ensure_future(prepare(batch)))
                if len(ahead) > LOOK_AHEAD:
                    await write(*await ahead.popleft())
            while ahead:
                await write(*await ahead.popleft())
        finally:  # a failed write (the database gone) leaves no look-ahead running behind it
            for pending in ahead:
                pending.cancel()
    problems.sort(key=lambda problem: problem[0])  # stable: a record's own problems keep their order
    report.problems = [text for _, text in problems]
    return report


@contextmanager
def _young_collections_only() -> Iterator[None]:
    """No automatic garbage collection during an import; the caller collects the young generations
    after each batch.

    The file's records (tens of thousands of dicts) are alive throughout, and the collector, triggered
    every few hundred allocations, kept walking them: a quarter of the writing process's CPU. A batch's
    own cyclic garbage (a transaction's objects) is young, so a `gc.collect(1)` per batch reclaims it.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def _validators(
    workers: int, report: ImportReport, box: SecretBox
) -> Iterator[Callable[[list[NewClient]], Awaitable[list[Checked]]]]:
    """`check` for a list of records: here, or split across `workers` processes.

    The workers come from a fork server that has imported only the validation (`commands.checking`; the
    importing process runs an event loop and database threads, which a plain fork would copy half-way)
    and are all started at once, without the program's main module (`_main_module_left_behind`). Each
    gets the secret box once, at start, to encrypt the servers' passwords where they are validated."""
    if workers <= 1:

        async def inline(items: list[NewClient]) -> list[Checked]:
            return check(items, box)

        yield inline
        return
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["commands.checking"])
    with ProcessPoolExecutor(workers, mp_context=context, initializer=init_worker, initargs=(box,)) as pool:
        with _main_module_left_behind():
            for _ in range(workers):  # each submit starts a process while none is idle: all of them, now
                pool.submit(os.getpid)

        async def parallel(items: list[NewClient]) -> list[Checked]:
            if not items:
                return []
            loop = asyncio.get_running_loop()
            size = -(-len(items) // workers)
            parts = [items[i : i + size] for i in range(0, len(items), size)]
            results = await asyncio.gather(*(loop.run_in_executor(pool, timed_check, part) for part in parts))
            report.worker_cpu += sum(cpu for _, cpu in results)
            return [result for part, _ in results for result in part]

        yield parallel


@contextmanager
def _main_module_left_behind() -> Iterator[None]:
    """The validating workers start without re-running the program's main module.

    multiprocessing re-runs `__main__` in every process it starts, so that functions defined there can
    be unpickled: the workers would each import the whole CLI (`bot.__main__`: typer, rich, the
    service, the database), half a second of CPU before validating anything. They run only
    `commands.checking`; while they are started, `__main__` is a bare module that tells
    multiprocessing there is nothing to re-run. That lasts the few synchronous calls that start them,
    before the import touches the database (the event loop waits meanwhile).
    """
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main
