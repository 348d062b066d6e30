"""An import's records validated, encrypted and indexed: the work of the validating worker processes.

Pure CPU and no database, and importing only what it needs (the form's validation, the search
columns, Fernet): the fork server that starts the workers preloads this module, and a lighter module
is a sooner start (`commands.bulk`, with the database and the service behind it, takes three times
as long to import). Whatever runs here runs in the writing process too for a short file, and the
answer is the same: `check` is exactly the form's create (`validation.validate_client`).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from commands.errors import FieldErrors
from commands.forms import ADDRESS, CLIENT, CONTACT, INTEGRATIONS, SERVER
from commands.validation import validate_client
from storage import searchtext
from storage.crypto import SecretBox


def pick(record: Mapping[str, Any], keys: Iterable[str]) -> dict[str, Any]:
    return {key: record.get(key) for key in keys}


ADDRESS_KEYS = tuple(f.key for f in ADDRESS.fields)
_KEYS_OF = {section.key: tuple(f.key for f in section.fields) for section in (CLIENT, CONTACT, INTEGRATIONS, SERVER)}


@dataclass(frozen=True)
class Sections:
    """A record as the form's sections, its main address first (the form's first address is main)."""

    client: dict[str, Any]
    addresses: list[dict[str, Any]]
    contact: dict[str, Any]
    integrations: dict[str, Any]
    servers: list[dict[str, Any]]


@dataclass(frozen=True)
class NewClient:
    """One record to create, as the file has it (a mapping of the form's field keys, with lists of
    addresses and servers); `origin_key` makes it idempotent.

    It travels to the validating worker as it was read: split into sections there (`sections`),
    the process that writes neither splits nor pickles the split.
    """

    record: Mapping[str, Any]
    origin_key: str

    def sections(self) -> Sections:
        record = self.record
        addresses = sorted(record.get("addresses") or [], key=lambda a: not a.get("main"))
        return Sections(
            client=pick(record, _KEYS_OF[CLIENT.key]),
            addresses=[pick(a, ADDRESS_KEYS) for a in addresses],
            contact=pick(record, _KEYS_OF[CONTACT.key]),
            integrations=pick(record, _KEYS_OF[INTEGRATIONS.key]),
            servers=[pick(s, _KEYS_OF[SERVER.key]) for s in record.get("servers") or []],
        )


# A record's validation, as plain data that crosses a process boundary (FieldErrors does not pickle):
# the cleaned (client values, addresses, servers with their password already encrypted as
# `password_token`, derived search columns), or the Spanish problems ("Número: …").
Checked = tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]] | list[str]


def derived_columns(values: Mapping[str, Any], addresses: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The search and order columns of a client row, by the functions `repository.index` computes them
    with for a form's client, so an import is found by exactly what a form-created client is found by.
    Computed where the record is validated (a worker process for long files), not where it is written."""
    search_text, phone_text = searchtext.document(values, addresses)
    return {"search_text": search_text, "phone_text": phone_text, "sort_name": searchtext.sort_name(values["name"])}


def check(items: Sequence[NewClient], box: SecretBox) -> list[Checked]:
    """Validates each item exactly as the form's create does (`validation.validate_client`), and
    encrypts its servers' passwords with `box` as `create` does: the process that writes an import
    then has only ciphertext to insert."""
    out: list[Checked] = []
    for item in items:
        sections = item.sections()
        try:
            values, addresses, servers = validate_client(
                sections.client, sections.addresses, sections.contact, sections.integrations, sections.servers
            )
        except FieldErrors as exc:
            out.append([error.text for error in exc.errors])
            continue
        sealed = [_sealed(server, box) for server in servers]
        out.append((values, addresses, sealed, derived_columns(values, addresses)))
    return out


def _sealed(server: Mapping[str, Any], box: SecretBox) -> dict[str, Any]:
    """A validated server as stored: its password as a Fernet token (None when none was given)."""
    password = server.get("password")
    sealed = {k: v for k, v in server.items() if k != "password"}
    sealed["password_token"] = box.encrypt(password) if password else None
    return sealed


# The secret box of a validating worker process, given once when the process starts (`init_worker`):
# the keys travel to it through the pool's pipe, never with each batch and never in a log.
_worker_box: SecretBox | None = None


def init_worker(box: SecretBox) -> None:
    """A validating worker's initializer: keeps the box its `timed_check` encrypts with."""
    global _worker_box
    _worker_box = box


def timed_check(items: Sequence[NewClient]) -> tuple[list[Checked], float]:
    """`check` as a worker process runs it, with the CPU seconds it took there (which the importing
    process cannot see: the workers are the fork server's children, not its own)."""
    if _worker_box is None:
        raise RuntimeError("validating worker started without its secret box (init_worker)")
    start = time.process_time()
    out = check(items, _worker_box)
    return out, time.process_time() - start
