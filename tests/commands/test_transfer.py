"""Export/import round trip through the service, and the CLI commands around it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from commands.access import Actor
from commands.service import ClientService
from commands.transfer import card_record, export_records, import_records, origin_key
from storage.models import Client
from tests.cli_runner import Result, cli_env, no_traceback, run_cli, run_process

ADDRESS = {"country": "PE", "ubigeo": "150122", "line": "Av. Larco 345", "phone": "014445566", "email": "a@b.pe"}
SECOND = {"country": "CL", "line": "Av. Providencia 1", "phone": "+56 2 2345 6789", "email": "c@d.cl"}


async def test_round_trip_without_passwords(service: ClientService, ana: Actor) -> None:
    card = await service.create(
        ana,
        {"doc_type": "6", "doc_number": "20100070970", "name": "Empresa «Uno»"},
        addresses=[ADDRESS, SECOND],
        contact={"contact_name": "Ana"},
        integrations={"slack_channel": "uno"},
        servers=[{"host": "erp.uno.pe", "password": "secreto"}],
    )
    records = [r async for r in export_records(service, ana)]
    assert records == [card_record(card)]
    assert "secreto" not in json.dumps(records) and "password" not in records[0]["servers"][0]
    await service.delete(ana, card.id)
    report = await import_records(service, ana, records)
    assert (report.created, report.skipped) == (1, 0)
    again = await import_records(service, ana, records)
    assert (again.created, again.already, again.skipped) == (0, 1, 0)  # found by its hash, not duplicated
    page = await service.list_page(ana)
    assert page.total == 1
    imported = await service.get(ana, page.rows[0].id)
    assert [a.country for a in imported.addresses] == ["PE", "CL"] and imported.addresses[0].is_main
    assert imported.servers[0].host == "erp.uno.pe" and not imported.servers[0].has_password


async def test_bad_records_are_reported_by_number(service: ClientService, ana: Actor) -> None:
    records = [
        {"doc_type": "1", "doc_number": "12345678", "name": "Bueno"},
        {"doc_type": "6", "doc_number": "20512333798", "name": "Malo"},
    ]
    report = await import_records(service, ana, records)
    assert report.created == 1 and report.skipped == 1
    assert report.problems == ["registro 2: Número: el RUC 20512333798 no es válido (dígito verificador)."]


def test_cli_export_then_import(tmp_path: Path) -> None:
    """Real processes (the import and export families' smoke test)."""
    env = cli_env(DATABASE_URL=None)
    source = tmp_path / "in.json"
    source.write_text(json.dumps([{"doc_type": "1", "doc_number": "12345678", "name": "José Núñez"}]))
    imported = run_process(["-m", "bot", "import", str(source)], env=env, cwd=tmp_path, timeout=60)
    assert imported.code == 0, imported.stderr
    assert "1 cliente(s) creados, 0 ya importados antes, 0 omitidos." in imported.stderr
    exported = run_process(["-m", "bot", "export"], env=env, cwd=tmp_path, timeout=60)
    assert exported.code == 0, exported.stderr
    assert json.loads(exported.stdout)[0]["name"] == "José Núñez"


async def test_malformed_records_are_skipped_and_listed(service: ClientService, ana: Actor) -> None:
    records = [
        "not an object",
        {"doc_number": "12345678", "name": "Con dirección rota", "addresses": ["Av. Larco 345"]},
        {"doc_number": "87654321", "name": "Bueno"},
    ]
    report = await import_records(service, ana, records)
    assert (report.created, report.skipped) == (1, 2)
    assert report.problems == [
        "registro 1: no es un objeto JSON con los campos del cliente.",
        "registro 2: «addresses» debe ser una lista de objetos.",
    ]


def _cli(tmp_path: Path, *args: str) -> Result:
    return run_cli(args, env=cli_env(DATABASE_URL=None), cwd=tmp_path)


async def _stored_keys(service: ClientService) -> list[str | None]:
    async with service.db.session() as session:
        return list((await session.execute(select(Client.origin_key).order_by(Client.id))).scalars())


async def test_import_key_is_not_derived_from_the_password(service: ClientService, ana: Actor) -> None:
    record = {"doc_number": "12345678", "name": "E", "servers": [{"host": "erp.e.pe", "password": "secreto-1"}]}
    first = await import_records(service, ana, [record])
    assert first.created == 1
    [stored] = await _stored_keys(service)
    # The old key, a plain SHA-256 of the record with its password, is what an attacker could test guesses on.
    old = hashlib.sha256(json.dumps(record, sort_keys=True, default=str).encode()).hexdigest()[:40]
    assert stored is not None and old not in stored
    other = {**record, "servers": [{"host": "erp.e.pe", "password": "otra-clave"}]}
    assert origin_key(other) == stored  # the same key whatever the password: nothing to test a guess against
    again = await import_records(service, ana, [record, other])
    assert (again.created, again.already, again.skipped) == (0, 2, 0)
    assert await _stored_keys(service) == [stored]


async def test_imported_password_is_kept_exactly(service: ClientService, ana: Actor) -> None:
    record = {
        "doc_number": "12345678",
        "name": "E",
        "servers": [{"host": "erp.e.pe", "password": "  lead and trail  "}],
    }
    assert (await import_records(service, ana, [record])).created == 1
    card = (await service.list_page(ana)).rows[0]
    server = (await service.get(ana, card.id)).servers[0]
    assert await service.reveal_password(ana, card.id, server.id) == "  lead and trail  "


async def test_values_that_are_not_text_are_reported_by_record(service: ClientService, ana: Actor) -> None:
    deep: object = "x"
    for _ in range(600):
        deep = [deep]
    records = [
        {"doc_number": "12345678", "name": {"a": 1}},
        {"doc_type": "1", "doc_number": 12345678, "name": "Número sin comillas"},
        {"doc_number": "87654321", "name": deep},
        {"doc_number": "11111111", "name": "Con servidor raro", "servers": [{"host": ["a"], "password": 5}]},
        {"doc_number": "22222222", "name": "Bueno", "unknown": deep},
    ]
    report = await import_records(service, ana, records)
    assert (report.created, report.skipped) == (1, 4)
    assert report.problems == [
        "registro 1: Nombre: debe ser texto (entre comillas), no un objeto.",
        "registro 2: Número: debe ser texto (entre comillas), no un número.",
        "registro 3: Nombre: debe ser texto (entre comillas), no una lista.",
        "registro 4: Host: debe ser texto (entre comillas), no una lista.",
        "registro 4: Contraseña: debe ser texto (entre comillas), no un número.",
    ]
    assert [c.name for c in (await service.list_page(ana)).rows] == ["Bueno"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"[" * 200000, "El archivo anida listas u objetos demasiado hondo"),
        (b'[{"name": "Jos\xe9"}]', "El archivo no está en UTF-8 (byte 15)."),
        (b"[{", "El archivo no es JSON válido: línea 1, columna 3."),
        (b'{"name": "x"}', "Se esperaba una lista de clientes."),
    ],
)
def test_cli_refuses_unreadable_files_in_spanish(tmp_path: Path, content: bytes, message: str) -> None:
    source = tmp_path / "in.json"
    source.write_bytes(content)
    result = _cli(tmp_path, "import", str(source))
    assert result.code == 2
    assert message in result.stderr
    no_traceback(result)
