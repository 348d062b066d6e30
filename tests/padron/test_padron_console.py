"""The padrón on the console, over its standard input: a RUC typed in «nuevo» makes the padrón's name,
district and domicilio the defaults in brackets (Enter keeps them, typing changes them), a taxpayer not
ACTIVO/HABIDO is warned about in yellow and never refused, a RUC the padrón lacks leaves the form as it
is; `sunat` by RUC and by name, paged, with the command that registers it; the card's padrón line."""

from __future__ import annotations

from pathlib import Path

import pytest

from commands import padron
from commands.access import Actor
from commands.service import ClientService
from tests.console_adapter.scripted import drive_bytes
from tests.padron.sample import LINES, write_txt

TESTER = Actor("console", "tester")
# After Número: Nombre, Código interno, Nombre Comercial; «Agregar dirección» s; País, Distrito, Dirección,
# Teléfono, Correo (the lines of each test); then no second address, Otros Datos (3), Datos Servidor (4), no server.
REST = ["", "", "", "", "", "", "", "", "n"]


@pytest.fixture
async def loaded(service: ClientService, tmp_path: Path) -> ClientService:
    await padron.import_file(service.db, write_txt(tmp_path / "padron.txt"))
    return service


async def test_a_ruc_typed_offers_the_padrons_name_district_and_address(loaded: ClientService) -> None:
    lines = ["nuevo", "RUC", "20100070970", "", "", "", "s", "", "", "", "", ""]
    output = await drive_bytes(loaded, [*lines, *REST])

    assert "Nombre, Distrito y Dirección propuestos según SUNAT, padrón del 2026-11-28" in output
    assert "[SUPERMERCADOS PERUANOS SOCIEDAD ANONIMA 'O ' S.P.S.A.]" in output
    assert "San Borja" in output and "[CAL. MORELLI NRO. 181 INT. P-2]" in output
    card = await loaded.get(TESTER, 1)
    assert card.name == "SUPERMERCADOS PERUANOS SOCIEDAD ANONIMA 'O ' S.P.S.A."
    assert card.addresses[0].ubigeo == "150130" and card.addresses[0].line == "CAL. MORELLI NRO. 181 INT. P-2"
    assert card.padron is not None and card.padron.estado == "ACTIVO"


async def test_what_the_user_types_wins_over_the_padron(loaded: ClientService) -> None:
    lines = ["nuevo", "RUC", "20100070970", "SPSA", "", "", "s", "", "", "Av. Otra 1", "", ""]
    await drive_bytes(loaded, [*lines, *REST])
    card = await loaded.get(TESTER, 1)
    assert card.name == "SPSA" and card.addresses[0].line == "Av. Otra 1"


async def test_baja_no_habido_is_warned_in_yellow_and_registered(loaded: ClientService) -> None:
    lines = ["nuevo", "RUC", "10456789019", "", "", "", "s", "", "", "", "", ""]
    output = await drive_bytes(loaded, [*lines, *REST])
    assert "⚠ SUNAT: BAJA DE OFICIO · NO HABIDO" in output
    assert "Santa Cruz de Toled" in output  # 060506, the district the padrón names
    card = await loaded.get(TESTER, 1)
    assert card.name == "QUISPE MAMANI ROSA" and card.addresses[0].line == "MZA. B LOTE. 12 A.H. LOS PINOS"


async def test_a_ruc_the_padron_lacks_leaves_the_form_as_it_is(loaded: ClientService) -> None:
    lines = ["nuevo", "RUC", "20512333797", "Otra S.A.", "", "", "s", "", "miraflores lima", "1", "Av. Larco 1", "", ""]
    output = await drive_bytes(loaded, [*lines, *REST])
    assert "propuestos según SUNAT" not in output
    assert "Nombre: " in output and "Nombre [" not in output
    card = await loaded.get(TESTER, 1)
    assert card.name == "Otra S.A." and card.addresses[0].ubigeo == "150122"


async def test_sunat_by_ruc_and_by_name_paged_and_registered(loaded: ClientService, tmp_path: Path) -> None:
    output = await drive_bytes(loaded, ["sunat 20100070970", "sunat compania pena", "sunat 20999999999"])
    assert "SUPERMERCADOS PERUANOS" in output and "San Borja" in output
    assert "CAL. MORELLI NRO. 181 INT. P-2" in output and "SUNAT, padrón del 2026-11-28" in output
    assert "Registrar como cliente: nuevo 20100070970" in output
    assert "COMPAÑÍA PEÑA NÚÑEZ SOCIEDAD ANONIMA CERRADA" in output  # accents ignored in the query
    assert "El RUC 20999999999 no figura en el padrón de SUNAT del 2026-11-28." in output

    registered = await drive_bytes(loaded, ["nuevo 20100070970", "", "", "", "", "", "s", "", "", "", "", "", *REST])
    assert "Nombre, Distrito y Dirección propuestos" in registered
    card = await loaded.get(TESTER, 1)
    assert card.doc_number == "20100070970" and card.name.startswith("SUPERMERCADOS PERUANOS")
    shown = await drive_bytes(loaded, ["ver 20100070970"])
    assert "Estado / Condición (SUNAT)" in shown and "ACTIVO · HABIDO" in shown


async def test_sunat_pages_a_name_search(service: ClientService, tmp_path: Path) -> None:
    lines = [f"20{i:08d}1|EMPRESA ANDINA {i:02d} S.A.|ACTIVO|HABIDO|150101|-|-|-|-|-|-|-|-|-|-|" for i in range(12)]
    await padron.import_file(service.db, write_txt(tmp_path / "padron.txt", [*LINES, *lines]))
    output = await drive_bytes(service, ["sunat Empresa Andína", "siguiente", "siguiente", "anterior"])
    first, second = output.split("«siguiente» para avanzar", 1)
    assert "EMPRESA ANDINA 09 S.A." in first and "EMPRESA ANDINA 10 S.A." not in first
    assert "EMPRESA ANDINA 11 S.A." in second
    assert "No hay más páginas en esa dirección." in second
    assert second.count("EMPRESA ANDINA 00 S.A.") == 1  # «anterior» shows the first page again


async def test_sunat_without_a_padron_says_how_to_load_it(service: ClientService) -> None:
    output = await drive_bytes(service, ["sunat 20100070970"])
    assert "Aún no se cargó el padrón de SUNAT: use «clientes-bot padron import ARCHIVO»." in output
