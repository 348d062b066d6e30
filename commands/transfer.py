"""Export and import of the register as JSON records, for backups and for moving in from the old product.

Passwords are never exported: a backup file travels by e-mail and USB sticks, and the encrypted
tokens would be useless without the keys anyway. Imports go through `ClientService.create`, so every
record is validated exactly like a form, and a bad record is reported by number and skipped.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import IO, Any

from commands import phones
from commands.access import Actor
from commands.errors import CoreError, FieldErrors
from commands.forms import ADDRESS, CLIENT, CONTACT, INTEGRATIONS, SERVER
from commands.service import ClientService
from commands.views import ClientCard


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


def _pick(record: Mapping[str, Any], keys: Iterable[str]) -> dict[str, Any]:
    return {key: record.get(key) for key in keys}


_CLIENT_KEYS = tuple(f.key for section in (CLIENT, CONTACT, INTEGRATIONS) for f in section.fields)
_ADDRESS_KEYS = tuple(f.key for f in ADDRESS.fields)
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
        **_pick(record, _CLIENT_KEYS),
        "addresses": [_pick(a, _ADDRESS_KEYS) | {"main": a.get("main")} for a in record.get("addresses") or []],
        "servers": [_pick(s, _SERVER_KEYS) for s in record.get("servers") or []],
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


def _shape_problem(record: object) -> str | None:
    """Why a record cannot even be read as a client (a file edited by hand), or None."""
    if not isinstance(record, Mapping):
        return "no es un objeto JSON con los campos del cliente."
    for key in ("addresses", "servers"):
        items = record.get(key)
        if items is not None and (not isinstance(items, list) or not all(isinstance(i, Mapping) for i in items)):
            return f"«{key}» debe ser una lista de objetos."
    return None


async def import_records(
    service: ClientService,
    actor: Actor,
    records: Iterable[Any],
    on_record: Callable[[], None] | None = None,
) -> ImportReport:
    """Creates each record; the same file imported twice creates nothing new (see `origin_key`)."""
    report = ImportReport()
    for number, record in enumerate(records, start=1):
        shape = _shape_problem(record)
        if shape:
            report.skipped += 1
            report.problems.append(f"registro {number}: {shape}")
            if on_record:
                on_record()
            continue
        key = origin_key(record)
        addresses = sorted(record.get("addresses") or [], key=lambda a: not a.get("main"))
        if await service.by_origin(actor, key) is not None:
            report.already += 1
            if on_record:
                on_record()
            continue
        try:
            await service.create(
                actor,
                _pick(record, (f.key for f in CLIENT.fields)),
                addresses=[_pick(a, (f.key for f in ADDRESS.fields)) for a in addresses],
                contact=_pick(record, (f.key for f in CONTACT.fields)),
                integrations=_pick(record, (f.key for f in INTEGRATIONS.fields)),
                servers=[_pick(s, (f.key for f in SERVER.fields)) for s in record.get("servers") or []],
                origin_key=key,
            )
            report.created += 1
        except FieldErrors as exc:
            report.skipped += 1
            report.problems += [f"registro {number}: {error.text}" for error in exc.errors]
        except CoreError as exc:
            report.skipped += 1
            report.problems.append(f"registro {number}: {exc}")
        if on_record:
            on_record()
    return report
