"""Values a source found for a client that its next forms should show pre-filled ("continue with
pre-filled values").

A source — the chat message a client is registered from (`message_prefill`), SUNAT's padrón next —
may know more than the first form holds: Discord's create form is "Datos del cliente" alone (a modal
holds ≤ 5 inputs), so a message's e-mail, phones and web address belong to sections filled after the
client exists. They are kept here, server-side, for the user who started (never shown to anyone else),
and offered section by section (a button under the saved card): each section's form opens pre-filled and
nothing is saved until the user submits it; a section's values are dropped once that section is saved,
and everything expires after `PENDING_TTL`.

Stored as `FormDraft` rows (kind ``prefill:<source>``) under an id derived from the owner, the source
and the anchor: the open create form (`form_id`) until the client exists, then the client (`attach`).
An adapter's button therefore carries only the source and the client id: a forged one finds nothing,
because the row's id includes who clicked.

The seam for another source (SUNAT): add its name to `SOURCES` and its sentences to `_SENTENCES`, then
`keep(actor, "sunat", values, client_id=…)` (or `form_id=…` before the client exists) with values keyed
by field path (``client.name``, ``address.0.ubigeo``, ``address.0.line``); the adapters' buttons, the
section order and the address step (a known district skips the picker) work unchanged.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from commands.access import Actor
from commands.message_prefill import labels_found
from commands.texts import texts
from storage.models import FormDraft, as_utc, utcnow

SOURCES = ("message", "sunat")
PENDING_TTL = timedelta(hours=24)
# Sections in the order they are offered: the client row first, the address last (it may need the picker).
ORDER = ("client", "contact", "integrations", "address")
CREATE_SECTION = "client"  # what a create form shows itself
_KIND = "prefill:"

# source -> (its button's label, the note under the card naming what is left)
_SENTENCES: dict[str, tuple[Callable[[], str], Callable[[str], str]]] = {
    "message": (lambda: texts().complete_from_message, lambda labels: texts().values_left_from_message(labels)),
    # SUNAT's padrón (commands.sunat): kept for a RUC client once Discord's create form is saved
    "sunat": (lambda: texts().complete_from_sunat, lambda labels: texts().values_left_from_sunat(labels)),
}


def continue_label(source: str) -> str:
    return _SENTENCES[source][0]()


def gone_sentence(source: str) -> str:
    """What a continue button says when its values were used or expired, in its source's words."""
    return texts().padron_prefill_gone if source == "sunat" else texts().prefill_gone


@dataclass(frozen=True)
class Pending:
    """What one source still offers for one client, keyed by field path (``contact.website``)."""

    source: str
    client_id: int | None
    values: Mapping[str, str] = field(default_factory=dict)

    def sections(self) -> list[str]:
        present = {path.partition(".")[0] for path in self.values}
        return [section for section in ORDER if section in present]

    def next_section(self) -> str | None:
        sections = self.sections()
        return sections[0] if sections else None

    def section_values(self, section: str) -> dict[str, str]:
        """Values of one section keyed by field key (an address's are its first, ``address.0.*``)."""
        prefix = f"{section}.0." if section == "address" else f"{section}."
        return {path[len(prefix) :]: value for path, value in self.values.items() if path.startswith(prefix)}

    def district(self) -> str | None:
        """The address's INEI district when the source knows it: the Dirección form opens directly."""
        return self.values.get("address.0.ubigeo") or None

    def left_note(self) -> str:
        """The sentence under the saved card: what is left and how to place it."""
        return _SENTENCES[self.source][1](labels_found(dict(self.values)))


def split(values: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """(what the create form shows, keyed by field key; what later sections get, keyed by path)."""
    here = {path.partition(".")[2]: v for path, v in values.items() if path.partition(".")[0] == CREATE_SECTION}
    later = {path: v for path, v in values.items() if path.partition(".")[0] != CREATE_SECTION}
    return here, later


def _key(actor: Actor, source: str, anchor: str) -> str:
    """A row id (≤ 32 chars) that only this user, source and anchor produce."""
    digest = hashlib.blake2s(f"{actor.ref}\0{source}\0{anchor}".encode(), digest_size=15).hexdigest()
    return f"pv{digest}"


def _form(form_id: str) -> str:
    return f"form:{form_id}"


def _client(client_id: int) -> str:
    return f"client:{client_id}"


class PendingValues:
    """The store, in the service's transaction (`tx`: outages become the core's Spanish message)."""

    def __init__(self, tx: Callable[[], AbstractAsyncContextManager[AsyncSession]]) -> None:
        self._tx = tx

    async def keep(
        self,
        actor: Actor,
        source: str,
        values: Mapping[str, str],
        *,
        form_id: str | None = None,
        client_id: int | None = None,
    ) -> None:
        """Keeps `values` for `actor`, anchored to an open create form or to an existing client
        (replacing what the same source kept there before). Nothing to keep deletes the row."""
        if source not in SOURCES:
            raise ValueError(f"unknown pre-fill source {source!r}")
        anchor = _client(client_id) if client_id is not None else _form(str(form_id))
        async with self._tx() as session:
            await self._write(session, actor, source, anchor, dict(values), client_id)

    async def attach(self, actor: Actor, form_id: str, client_id: int) -> list[Pending]:
        """The create form `form_id` became client `client_id`: what each source kept for the form
        now waits for the client. Returns what waits for the client (a re-sent submit finds it too)."""
        async with self._tx() as session:
            for source in SOURCES:
                row = await self._row(session, actor, _key(actor, source, _form(form_id)))
                if row is not None:
                    await session.delete(row)
                    values = dict(row.data.get("values") or {})
                    await self._write(session, actor, source, _client(client_id), values, client_id)
            return await self._pending(session, actor, client_id)

    async def find(self, actor: Actor, client_id: int) -> list[Pending]:
        """Everything still offered to `actor` for this client, in `SOURCES` order."""
        async with self._tx() as session:
            return await self._pending(session, actor, client_id)

    async def get(self, actor: Actor, client_id: int, source: str) -> Pending | None:
        if source not in SOURCES:
            return None
        async with self._tx() as session:
            row = await self._row(session, actor, _key(actor, source, _client(client_id)))
            return _pending(row, client_id) if row is not None else None

    async def used(self, actor: Actor, client_id: int, section: str) -> list[Pending]:
        """`section` of the client was saved by `actor`: its values are no longer offered. Returns
        what is left (a source with nothing left is discarded)."""
        async with self._tx() as session:
            for pending in await self._pending(session, actor, client_id):
                if pending.section_values(section):
                    prefix = f"{section}."
                    left = {p: v for p, v in pending.values.items() if not p.startswith(prefix)}
                    await self._write(session, actor, pending.source, _client(client_id), left, client_id)
            return await self._pending(session, actor, client_id)

    async def discard(self, actor: Actor, client_id: int, source: str) -> None:
        async with self._tx() as session:
            await self._write(session, actor, source, _client(client_id), {}, client_id)

    # ----------------------------------------------------------------- rows
    async def _row(self, session: AsyncSession, actor: Actor, row_id: str) -> FormDraft | None:
        """The row if it is `actor`'s and not expired (the id already includes the owner; checked again)."""
        row = await session.get(FormDraft, row_id)
        if row is None or row.owner != actor.ref or not row.kind.startswith(_KIND):
            return None
        expires = as_utc(row.expires_at)
        return row if expires is not None and expires > utcnow() else None

    async def _pending(self, session: AsyncSession, actor: Actor, client_id: int) -> list[Pending]:
        ids = [_key(actor, source, _client(client_id)) for source in SOURCES]
        rows = (await session.execute(select(FormDraft).where(FormDraft.id.in_(ids)))).scalars().all()
        by_id = {row.id: row for row in rows}
        found = []
        for row_id in ids:
            row = await self._row(session, actor, row_id) if row_id in by_id else None
            if row is not None:
                found.append(_pending(row, client_id))
        return [pending for pending in found if pending.values]

    async def _write(
        self,
        session: AsyncSession,
        actor: Actor,
        source: str,
        anchor: str,
        values: dict[str, str],
        client_id: int | None,
    ) -> None:
        now = utcnow()
        row_id = _key(actor, source, anchor)
        await session.execute(delete(FormDraft).where(FormDraft.expires_at < now))
        await session.execute(delete(FormDraft).where(FormDraft.id == row_id))
        if values:
            session.add(
                FormDraft(
                    id=row_id,
                    owner=actor.ref,
                    kind=f"{_KIND}{source}",
                    client_id=client_id,
                    data={"source": source, "values": values},
                    expires_at=now + PENDING_TTL,
                )
            )


def _pending(row: FormDraft, client_id: int | None) -> Pending:
    return Pending(str(row.data.get("source")), client_id, dict(row.data.get("values") or {}))
