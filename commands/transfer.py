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
from typing import Any

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
    record["addresses"] = [{**a.values(), "main": a.is_main} for a in card.addresses]
    record["servers"] = [{k: v for k, v in s.values().items() if k != "password"} for s in card.servers]
    return record


async def export_records(service: ClientService, actor: Actor) -> AsyncIterator[dict[str, Any]]:
    async for card in service.iter_cards(actor):
        yield card_record(card)


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


def _pick(record: Mapping[str, Any], keys: Iterable[str]) -> dict[str, Any]:
    return {key: record.get(key) for key in keys}


async def import_records(
    service: ClientService,
    actor: Actor,
    records: Iterable[Any],
    on_record: Callable[[], None] | None = None,
) -> ImportReport:
    """Creates each record; the same file imported twice creates nothing new (its hash is the origin key)."""
    report = ImportReport()
    for number, record in enumerate(records, start=1):
        shape = _shape_problem(record)
        if shape:
            report.skipped += 1
            report.problems.append(f"registro {number}: {shape}")
            if on_record:
                on_record()
            continue
        digest = hashlib.sha256(json.dumps(record, sort_keys=True, default=str).encode()).hexdigest()[:40]
        addresses = sorted(record.get("addresses") or [], key=lambda a: not a.get("main"))
        if await service.by_origin(actor, f"import:{digest}") is not None:
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
                origin_key=f"import:{digest}",
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
