"""Bulk import (issue 9, item 6): batches decide what a record-by-record import through `create` would.

Every test runs on the real database (SQLite, or PostgreSQL with DATABASE_URL) through
`import_records`, the code `clientes-bot import` runs; `BATCH` is made small where a test needs
records on both sides of a batch boundary.
"""

from __future__ import annotations

import asyncio
import gc
import json
import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, insert, select

from commands import transfer
from commands.access import Actor
from commands.service import ClientService
from commands.transfer import card_record, import_records
from storage.crypto import SecretBox, read_key_file
from storage.db import Database
from storage.models import AuditEntry, Client, OutboxJob, Server
from tests.cli_runner import cli_env, run_process

LIMA = {"country": "PE", "ubigeo": "150122", "line": "Av. Larco 345", "phone": "014445566", "email": "a@b.pe"}


def _record(number: str, name: str, **extra: Any) -> dict[str, Any]:
    return {"doc_type": "1", "doc_number": number, "name": name, "addresses": [LIMA], **extra}


async def test_a_document_twice_in_one_file_names_the_first_record_created(
    service: ClientService, ana: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(transfer, "BATCH", 3)
    records = [
        _record("12345678", "Primero"),
        _record("87654321", "Otro"),
        _record("12345678", "Segundo con el mismo DNI"),  # same batch as the first
        _record("11111111", "Tercero"),
        _record("12345678", "Cuarto con el mismo DNI"),  # next batch: the first is stored by then
    ]
    report = await import_records(service, ana, records)
    assert (report.created, report.already, report.skipped) == (3, 0, 2)
    first = await service.find(ana, "12345678")
    taken = f"Número: ya existe un cliente con DNI 12345678: «Primero» (#{first.id})."
    assert report.problems == [f"registro 3: {taken}", f"registro 5: {taken}"]


async def test_the_same_record_twice_is_imported_once_whatever_the_batch(
    service: ClientService, ana: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(transfer, "BATCH", 2)
    good, bad = _record("12345678", "Uno"), _record("1234", "DNI corto")
    report = await import_records(service, ana, [good, good, bad, bad, good])
    assert (report.created, report.already, report.skipped) == (1, 2, 2)
    # A refused record repeated is refused again with its own number, like a record-by-record import.
    assert report.problems == [
        "registro 3: Número: el DNI debe tener 8 dígitos (se recibió «1234»).",
        "registro 4: Número: el DNI debe tener 8 dígitos (se recibió «1234»).",
    ]


async def test_a_document_held_by_a_live_client_is_refused_by_name(service: ClientService, ana: Actor) -> None:
    holder = await service.create(ana, {"doc_type": "1", "doc_number": "12345678", "name": "Ya estaba"})
    deleted = await service.create(ana, {"doc_type": "1", "doc_number": "87654321", "name": "Borrado"})
    await service.delete(ana, deleted.id)
    report = await import_records(service, ana, [_record("12345678", "Nuevo"), _record("87654321", "Reusa")])
    assert (report.created, report.skipped) == (1, 1)  # a deleted client's document is free, as in a form
    assert report.problems == [
        f"registro 1: Número: ya existe un cliente con DNI 12345678: «Ya estaba» (#{holder.id})."
    ]


async def test_problems_come_in_file_order_whoever_found_them(
    service: ClientService, ana: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(transfer, "BATCH", 2)
    records = [
        _record("12345678", "Uno"),
        _record("12345678", "Repetido"),  # refused at write time
        "texto suelto",  # refused before any batch
        _record("87654321", "", addresses=[{**LIMA, "email": "no-es-correo"}]),  # refused by validation
    ]
    report = await import_records(service, ana, records)
    assert [problem.split(":")[0] for problem in report.problems] == [
        "registro 2",
        "registro 3",
        "registro 4",
        "registro 4",
    ]
    assert report.problems[3] == "registro 4: Correo electrónico: «no-es-correo» no es un correo electrónico válido."


async def test_an_imported_client_is_stored_like_a_form_created_one(service: ClientService, ana: Actor) -> None:
    """Same card, same audit entry, same channel job, password encrypted: only the origin differs."""
    sections: dict[str, Any] = {
        "client": {"doc_type": "6", "doc_number": "20100070970", "name": "Empresa Núñez", "trade_name": "Ñ"},
        "contact": {"contact_name": "Ana", "contact_phone": "987654321", "website": "empresa.pe"},
        "integrations": {"slack_channel": "empresa-nunez", "discord_channel": "empresa-nunez"},
    }
    server = {"host": "erp.empresa.pe", "ip": "203.0.113.10", "username": "root", "password": " clave "}
    record = {**sections["client"], **sections["contact"], **sections["integrations"]}
    report = await import_records(service, ana, [{**record, "addresses": [LIMA], "servers": [server]}])
    assert report.created == 1
    imported = await service.find(ana, "20100070970")
    assert await service.reveal_password(ana, imported.id, imported.servers[0].id) == " clave "
    await service.delete(ana, imported.id)
    formed = await service.create(
        ana,
        sections["client"],
        addresses=[LIMA],
        servers=[server],
        **{k: sections[k] for k in ("contact", "integrations")},
    )
    assert card_record(imported) == card_record(formed)
    assert [s.has_password for s in imported.servers] == [s.has_password for s in formed.servers] == [True]
    assert imported.channels == formed.channels and (imported.created_by, imported.version) == (ana.ref, 1)
    async with service.db.session() as session:
        audits = (await session.execute(select(AuditEntry).where(AuditEntry.action == "create"))).scalars().all()
        jobs = (await session.execute(select(OutboxJob).order_by(OutboxJob.id))).scalars().all()
        tokens = (await session.execute(select(Server.password_token))).scalars().all()
        found = (await session.execute(select(Client.search_text).order_by(Client.id))).scalars().all()
    assert len(audits) == 2 and audits[0].changes == audits[1].changes
    assert [(j.platform, j.client_id, j.payload, j.status) for j in jobs] == [
        ("slack", imported.id, {"name": "empresa-nunez"}, "pending"),
        ("discord", imported.id, {"name": "empresa-nunez"}, "pending"),
        ("slack", formed.id, {"name": "empresa-nunez"}, "pending"),
        ("discord", formed.id, {"name": "empresa-nunez"}, "pending"),
    ]
    assert all(token and "clave" not in token for token in tokens)
    assert found[0] == found[1]  # searched by exactly what a form-created client is


async def test_validation_in_worker_processes_answers_as_in_this_one(
    service: ClientService, ana: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(transfer, "BATCH", 4)
    records = [
        _record(f"{10_000_000 + i}", f"Cliente {i}", contact_phone="98765432" if i % 5 == 0 else None)
        for i in range(12)
    ] + [_record("10000001", "Repetido")]
    report = await import_records(service, ana, records, workers=2)
    assert (report.created, report.skipped) == (9, 4)
    assert (
        report.problems[0]
        == "registro 1: Teléfono: «98765432» no es un número de teléfono válido (Perú por defecto, o +código de país)."
    )
    again = await import_records(service, ana, records, workers=2)
    assert (again.created, again.already, again.skipped) == (0, 9, 4)
    assert again.problems == report.problems


async def test_two_imports_of_one_file_at_once_create_each_client_once(service: ClientService, ana: Actor) -> None:
    """The batch that loses the race (unique origin keys) is replayed record by record through `create`."""
    records = [_record(f"{20_000_000 + i}", f"Cliente {i}") for i in range(30)]
    first, second = await asyncio.gather(import_records(service, ana, records), import_records(service, ana, records))
    assert first.created + second.created == 30 and first.already + second.already == 30
    assert first.problems == second.problems == []
    assert (await service.list_page(ana)).total == 30


@pytest.mark.parametrize("enabled", [True, False])
async def test_an_import_leaves_the_garbage_collector_as_it_found_it(
    service: ClientService, ana: Actor, monkeypatch: pytest.MonkeyPatch, enabled: bool
) -> None:
    """An import pauses automatic collection (see `_young_collections_only`); the process it runs in
    gets it back as it was, whether the import succeeds or fails half-way."""
    monkeypatch.setattr(transfer, "BATCH", 2)
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        report = await import_records(service, ana, [_record(f"{30_000_000 + i}", f"Cliente {i}") for i in range(5)])
        assert report.created == 5 and gc.isenabled() is enabled

        def interrupted(_: int) -> None:  # e.g. the terminal showing the progress bar went away
            raise RuntimeError("interrumpido")

        with pytest.raises(RuntimeError):
            await import_records(service, ana, [_record("40000000", "Otro")], interrupted)
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()


async def test_a_record_created_meanwhile_by_another_import_is_already_imported(
    service: ClientService, ana: Actor, db: Database
) -> None:
    """Another import commits the same record between the batch's look-up of origin keys and its
    look-up of documents (each statement sees what committed before it): the document is held by this
    very record, so it is "already imported", as `create` answers, never "taken"."""
    record = _record("60000000", "Concurrente")
    committed: list[bool] = []

    def other_import_commits(conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if committed or not statement.startswith("SELECT clients.doc_type") or "clients.doc_number IN" not in statement:
            return
        committed.append(True)
        with conn.engine.connect() as other:
            row = {"doc_type": "1", "doc_number": "60000000", "name": "Concurrente", "search_text": "concurrente"}
            other.execute(
                insert(Client.__table__).values(
                    **row, origin_key=transfer.origin_key(record), created_by="otro", updated_by="otro"
                )
            )
            other.commit()

    event.listen(db.engine.sync_engine, "before_cursor_execute", other_import_commits)
    try:
        report = await import_records(service, ana, [record])
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", other_import_commits)
    assert committed
    assert (report.created, report.already, report.problems) == (0, 1, [])


def _searchable(i: int) -> dict[str, Any]:
    """Client `i` of the search tests: accented name, its own phone and e-mail, Miraflores when even."""
    return {
        "doc_type": "1",
        "doc_number": f"{70_000_000 + i}",
        "name": f"Comercial Núñez {i}",
        "contact_phone": f"9{i % 100:02d} {i // 100:03d} 321",
        "slack_channel": f"cliente-{i}",
        "addresses": [{**LIMA, "ubigeo": "150122" if i % 2 == 0 else "150131", "email": f"pagos{i}@acme{i}.pe"}],
        "servers": [{"host": f"erp{i}.acme.pe", "password": f"clave {i} ñ"}],
    }


async def _found(service: ClientService, ana: Actor, text: str) -> set[str]:
    page = await service.list_page(ana, text, page_size=100)
    assert page.total == len(page.rows)
    return {row.name for row in page.rows}


async def _index_intact(db: Database) -> None:
    """SQLite: FTS5 checks `clients_fts` against the rows it indexes (an error when a row is missing)."""
    if db.is_sqlite:
        async with db.engine.begin() as conn:
            await conn.exec_driver_sql("INSERT INTO clients_fts(clients_fts, rank) VALUES ('integrity-check', 1)")


async def test_imported_clients_are_found_by_every_kind_of_search(
    service: ClientService, ana: Actor, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch's clients go in as one multi-row INSERT (the FTS5 index fed by its trigger once per
    statement): each is found by name, phone, e-mail, district and channel, as a form-created one is;
    the validating workers encrypted each server's password with the service's keys."""
    monkeypatch.setattr(transfer, "BATCH", 7)  # several batches, the last one short
    report = await import_records(service, ana, [_searchable(i) for i in range(30)], workers=2)
    assert (report.created, report.problems) == (30, [])
    await _index_intact(db)
    names = {f"Comercial Núñez {i}" for i in range(30)}
    assert await _found(service, ana, "NUÑEZ") == names
    assert await _found(service, ana, "Núñez 17") == {"Comercial Núñez 17"}
    assert await _found(service, ana, "917 000 321") == {"Comercial Núñez 17"}
    assert await _found(service, ana, "pagos23@acme23") == {"Comercial Núñez 23"}
    assert await _found(service, ana, "miraflores") == {f"Comercial Núñez {i}" for i in range(0, 30, 2)}
    assert await _found(service, ana, "#cliente-29") == {"Comercial Núñez 29"}
    for i in (0, 13, 29):
        card = await service.find(ana, f"{70_000_000 + i}")
        assert await service.reveal_password(ana, card.id, card.servers[0].id) == f"clave {i} ñ"


async def test_a_client_saved_from_a_form_during_an_import_is_indexed_like_the_imported_ones(
    service: ClientService, ana: Actor, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The import changes nothing another writer relies on (the index's triggers stay as they are): a
    form saved after each batch, while the next ones are validated and written, is found, and so is
    every imported client."""
    monkeypatch.setattr(transfer, "BATCH", 4)
    other = ClientService(db, service.box)
    forms: list[asyncio.Task[Any]] = []

    def save_a_form(_: int) -> None:  # the progress callback: after each batch is committed
        number = f"{80_000_000 + len(forms)}"
        client = {"doc_type": "1", "doc_number": number, "name": f"Formulario Ñu {len(forms)}"}
        forms.append(asyncio.get_running_loop().create_task(other.create(ana, client)))

    report = await import_records(service, ana, [_searchable(i) for i in range(24)], save_a_form, workers=2)
    saved = await asyncio.gather(*forms)
    assert report.created == 24 and len(saved) == 6
    imported = await service.find(ana, f"{70_000_000 + 23}")
    assert min(card.id for card in saved) < imported.id  # the forms were saved while the import ran
    await _index_intact(db)
    assert await _found(service, ana, "formulario nu") == {f"Formulario Ñu {i}" for i in range(6)}
    assert len(await _found(service, ana, "comercial nunez")) == 24


def test_a_long_file_through_the_installed_command_is_validated_by_workers(tmp_path: Path) -> None:
    """`clientes-bot import` as installed (a script that multiprocessing would re-run in each worker)
    with a file long enough for the validating processes: every client created once and found, its
    server's password readable with the key the command generated."""
    script = Path(sys.executable).with_name("clientes-bot")
    assert script.exists(), script
    records = [_searchable(i) for i in range(transfer.PARALLEL_FROM)]
    source = tmp_path / "clientes.json"
    source.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    env = cli_env(DATABASE_URL=None)
    count = len(records)
    first = run_process([str(script), "import", str(source)], env=env, cwd=tmp_path, timeout=300)
    assert first.code == 0, first.stderr
    assert f"{count} cliente(s) creados, 0 ya importados antes, 0 omitidos." in first.stderr
    again = run_process([str(script), "import", str(source)], env=env, cwd=tmp_path, timeout=300)
    assert f"0 cliente(s) creados, {count} ya importados antes, 0 omitidos." in again.stderr, again.stderr
    last = count - 1
    listed = run_process(["-m", "bot", "console"], env=env, cwd=tmp_path, input=f"lista pagos{last}@acme{last}\n")
    assert f"Comercial Núñez {last}" in listed.stdout and "Comercial Núñez 1 " not in listed.stdout
    box = SecretBox(read_key_file(tmp_path / "data" / "secret.key") or [])
    with sqlite3.connect(tmp_path / "data" / "clientes.db") as database:
        tokens = database.execute("SELECT password_token FROM servers ORDER BY id").fetchall()
    assert [box.decrypt(token) for (token,) in tokens] == [f"clave {i} ñ" for i in range(count)]
