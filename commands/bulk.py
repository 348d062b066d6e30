"""Creating many clients at once (imports): each validated exactly like a form, written a batch at a time.

`ClientService.create` costs one transaction, a handful of queries and the ORM's unit of work per
client (~10 ms on SQLite): fine for a form, 20 s for a 2,000-client file. Here a batch shares one
transaction and one query for each question (which origin keys exist, which documents are taken), and
the rows are written with multi-row INSERTs. What a batch decides is what `create` would have decided
record by record, in file order: the same refusals (a taken document names its holder, even one
created earlier in the same batch), the same idempotency (an origin key already stored, or created
earlier in the batch, is "already imported"), the same audit entry and channel jobs per client.

A concurrent writer can still take a document between the look-up and the insert; the unique indexes
then refuse the batch, which is rolled back and replayed record by record through `create`, whose
answers to such races are the form's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Table
from sqlalchemy.exc import IntegrityError

from commands import outbox
from commands.access import Actor, Permission
from commands.checking import Checked, NewClient, check
from commands.errors import CoreError, FieldErrors
from commands.forms import CHANNEL_FIELDS, CLIENT, doc_type_short
from commands.texts import texts
from storage import bulkwrite, repository
from storage.models import Address, AuditEntry, Client, OutboxJob, Server, utcnow

if TYPE_CHECKING:
    from commands.service import ClientService

CREATED, ALREADY, REFUSED = "created", "already", "refused"


@dataclass
class Outcome:
    """What became of one record: created, already there, or refused with Spanish reasons."""

    status: str
    problems: list[str] = field(default_factory=list)


@dataclass
class _Pending:
    """A record that passed validation and the look-ups, about to be written."""

    index: int
    values: dict[str, Any]
    addresses: list[dict[str, Any]]
    servers: list[dict[str, Any]]
    origin_key: str
    derived: dict[str, Any]  # the columns derived for search and order (`checking.derived_columns`)


def _taken(document: str, holder: str, holder_id: int) -> list[str]:
    """`create`'s refusal of a taken document, as its field error reads ("Número: ya existe…")."""
    return [f"{CLIENT.field('doc_number').label}: {texts().document_taken(document, holder, holder_id)}"]


async def create_many(
    service: ClientService,
    actor: Actor,
    items: Sequence[NewClient],
    checked: Sequence[Checked | None] | None = None,
) -> list[Outcome]:
    """One outcome per item, in order; everything created is committed together.

    `checked` is `check(items)` done beforehand (in parallel with writing the previous batch), None
    for an item left unchecked because it looked already imported; an item without its check that
    turns out not to be imported is validated here.
    """
    service.policy.require(actor, Permission.EDIT)
    try:
        return await _batch(service, actor, items, checked)
    except (IntegrityError, FieldErrors):
        # Lost a race with another writer (see the module's docstring): one record at a time.
        return [await _one(service, actor, item) for item in items]


async def _batch(
    service: ClientService, actor: Actor, items: Sequence[NewClient], checked: Sequence[Checked | None] | None
) -> list[Outcome]:
    outcomes: list[Outcome] = [Outcome(REFUSED) for _ in items]
    async with service._tx() as session:
        stored = await repository.taken_origins(session, [item.origin_key for item in items])
        first_of: dict[str, int] = {}  # origin key → the batch's first record with it
        repeats: list[tuple[int, int]] = []  # (record, its earlier identical record in this batch)
        pending: list[_Pending] = []
        for index, item in enumerate(items):
            if item.origin_key in stored:
                outcomes[index].status = ALREADY
                continue
            if item.origin_key in first_of:
                repeats.append((index, first_of[item.origin_key]))
                continue
            first_of[item.origin_key] = index
            result = checked[index] if checked is not None else None
            if result is None:
                result = check([item], service.box)[0]
            if isinstance(result, list):
                outcomes[index].problems = result
                continue
            values, addresses, servers, derived = result
            pending.append(_Pending(index, values, addresses, servers, item.origin_key, derived))
        holders = await repository.live_holders(session, sorted({p.values["doc_number"] for p in pending}))
        claimed: dict[tuple[str, str], _Pending] = {}
        writable: list[_Pending] = []
        refused_by: list[tuple[_Pending, _Pending]] = []  # (refused, the earlier record that took its document)
        for record in pending:
            document = (record.values["doc_type"], record.values["doc_number"])
            if document in holders and holders[document][2] == record.origin_key:
                # Created by a concurrent import of the same record since `taken_origins` looked.
                outcomes[record.index].status = ALREADY
            elif document in holders:
                holder_id, holder, _ = holders[document]
                outcomes[record.index].problems = _taken(_named(document), holder, holder_id)
            elif document in claimed:
                refused_by.append((record, claimed[document]))
            else:
                claimed[document] = record
                writable.append(record)
        ids = await _write(session, actor, writable)
        for record in writable:
            outcomes[record.index].status = CREATED
        for record, first in refused_by:
            document = (record.values["doc_type"], record.values["doc_number"])
            outcomes[record.index].problems = _taken(_named(document), first.values["name"], ids[first.index])
        for index, earlier in repeats:
            # The same record again: found by its key when the first was created, else refused alike.
            done = outcomes[earlier].status in (CREATED, ALREADY)
            outcomes[index] = Outcome(ALREADY) if done else Outcome(REFUSED, list(outcomes[earlier].problems))
    return outcomes


async def stored_origins(service: ClientService, keys: Sequence[str]) -> set[str]:
    """Which origin keys are already stored: an import validates only the other records."""
    async with service._tx() as session:
        return await repository.taken_origins(session, keys)


def _named(document: tuple[str, str]) -> str:
    """How a refusal names the document, e.g. RUC 20100070970 (as `create` does)."""
    return f"{doc_type_short(document[0])} {document[1]}"


async def _write(session: Any, actor: Actor, records: list[_Pending]) -> dict[int, int]:
    """Writes the records with their addresses, servers, audit entries and channel jobs; index → id.

    Each row holds only what differs between records; what a batch shares (timestamps, the actor,
    constants) is given once (`storage.bulkwrite`)."""
    now = utcnow()
    rows = [{**record.values, **record.derived, "origin_key": record.origin_key} for record in records]
    created = await bulkwrite.insert_returning(
        session, _CLIENTS, rows, ("origin_key", "id"), _client_shared(now, actor.ref)
    )
    by_key = dict(created)
    ids = {record.index: by_key[record.origin_key] for record in records}
    addresses: list[dict[str, Any]] = []
    servers: list[dict[str, Any]] = []
    audits: list[dict[str, Any]] = []
    jobs: list[dict[str, Any]] = []
    for record in records:
        client_id = ids[record.index]
        for position, address in enumerate(record.addresses):
            addresses.append({**address, "client_id": client_id, "is_main": position == 0})
        servers.extend({**server, "client_id": client_id} for server in record.servers)
        changes: dict[str, Any] = {k: [None, v] for k, v in record.values.items() if v is not None}
        changes["addresses"], changes["servers"] = len(record.addresses), len(record.servers)
        audits.append({"client_id": client_id, "changes": changes})
        for platform, channel_field in CHANNEL_FIELDS.items():
            if record.values.get(channel_field):
                jobs.append(
                    {"platform": platform, "client_id": client_id, "payload": {"name": record.values[channel_field]}}
                )
    audit_shared = {
        "at": now,
        "platform": actor.platform,
        "user_id": actor.user_id,
        "user_name": actor.name,
        "action": "create",
    }
    await bulkwrite.insert_rows(session, _ADDRESSES, addresses)
    await bulkwrite.insert_rows(session, _SERVERS, servers)
    await bulkwrite.insert_rows(session, _AUDITS, audits, audit_shared)
    if jobs:
        job_shared = {
            "kind": outbox.PROVISION,
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        await bulkwrite.insert_rows(session, _JOBS, jobs, job_shared)
        session.info["outbox"] = True
    return ids


_CLIENTS, _ADDRESSES, _SERVERS, _AUDITS, _JOBS = (
    cast(Table, model.__table__) for model in (Client, Address, Server, AuditEntry, OutboxJob)
)


def _client_shared(now: datetime, ref: str) -> dict[str, Any]:
    """What every client row of a batch holds alike: a new client as `create` stores it."""
    unset = dict.fromkeys(("slack_channel_id", "discord_channel_id", "deleted_at"))
    return {"created_at": now, "created_by": ref, "updated_at": now, "updated_by": ref, "version": 1, **unset}


async def _one(service: ClientService, actor: Actor, item: NewClient) -> Outcome:
    """`create`'s answer for one record (the path a batch that lost a race is replayed on)."""
    if await service.by_origin(actor, item.origin_key) is not None:
        return Outcome(ALREADY)
    sections = item.sections()
    try:
        await service.create(
            actor,
            sections.client,
            addresses=sections.addresses,
            contact=sections.contact,
            integrations=sections.integrations,
            servers=sections.servers,
            origin_key=item.origin_key,
        )
    except FieldErrors as exc:
        return Outcome(REFUSED, [error.text for error in exc.errors])
    except CoreError as exc:
        return Outcome(REFUSED, [str(exc)])
    return Outcome(CREATED)
