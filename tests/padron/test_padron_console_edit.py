"""The padrón in the console's `editar` of Datos del cliente, over its standard input: once Número is
typed, a RUC the padrón lists is said aloud (what SUNAT says; BAJA/NO HABIDO warned about in yellow first)
and, when the RUC changed, the padrón's name is Nombre's default in brackets (the current name otherwise);
Enter takes the default, anything typed wins, and a RUC the padrón lacks leaves the form as it is."""

from __future__ import annotations

from pathlib import Path

import pytest

from commands import padron
from commands.access import Actor
from commands.service import ClientService
from tests.console_adapter.scripted import drive_bytes
from tests.padron.sample import write_txt

TESTER = Actor("console", "tester")
SPSA = "SUPERMERCADOS PERUANOS SOCIEDAD ANONIMA 'O ' S.P.S.A."
CLIENT_SECTION = "1"  # the edit menu's «Datos del cliente»
REST = ["", ""]  # Código interno, Nombre Comercial: Enter keeps them


@pytest.fixture
async def loaded(service: ClientService, tmp_path: Path) -> ClientService:
    await padron.import_file(service.db, write_txt(tmp_path / "padron.txt"))
    return service


async def seeded(service: ClientService, doc_type: str, number: str, name: str) -> int:
    card = await service.create(
        TESTER, {"doc_type": doc_type, "doc_number": number, "name": name, "trade_name": "Tienda"}
    )
    return card.id


async def test_a_changed_ruc_makes_the_padrons_name_the_default(loaded: ClientService) -> None:
    client_id = await seeded(loaded, "6", "20601111111", "Mi Empresa S.A.")
    output = await drive_bytes(loaded, ["editar 20601111111", CLIENT_SECTION, "", "20100070970", "", *REST])
    assert f"Según SUNAT, padrón del 2026-11-28: {SPSA} (ACTIVO · HABIDO)." in output
    assert "Se propone ese nombre en Nombre; puede cambiarlo antes de guardar." in output
    assert f"Nombre [{SPSA}]" in output and "⚠" not in output
    card = await loaded.get(TESTER, client_id)
    assert (card.doc_number, card.name, card.trade_name) == ("20100070970", SPSA, "Tienda")


async def test_what_the_user_types_wins(loaded: ClientService) -> None:
    client_id = await seeded(loaded, "6", "20601111111", "Mi Empresa S.A.")
    await drive_bytes(loaded, ["editar 20601111111", CLIENT_SECTION, "", "20100070970", "Plaza Vea S.A.", *REST])
    assert (await loaded.get(TESTER, client_id)).name == "Plaza Vea S.A."


async def test_a_kept_ruc_keeps_the_current_name_as_default_and_says_sunats(loaded: ClientService) -> None:
    client_id = await seeded(loaded, "6", "20100070970", "Supermercados Peruanos")
    output = await drive_bytes(loaded, ["editar 20100070970", CLIENT_SECTION, "", "", "", *REST])
    assert f"Según SUNAT, padrón del 2026-11-28: {SPSA} (ACTIVO · HABIDO)." in output
    assert "El Nombre «Supermercados Peruanos» no coincide con el de SUNAT" in output
    assert "Nombre [Supermercados Peruanos]" in output and f"Nombre [{SPSA}]" not in output
    assert (await loaded.get(TESTER, client_id)).name == "Supermercados Peruanos"


async def test_baja_no_habido_is_warned_in_yellow_and_saved(loaded: ClientService) -> None:
    client_id = await seeded(loaded, "1", "45678901", "Rosa Quispe")
    output = await drive_bytes(loaded, ["editar 45678901", CLIENT_SECTION, "RUC", "10456789019", "", *REST])
    assert "⚠ SUNAT: BAJA DE OFICIO · NO HABIDO" in output
    assert output.index("⚠ SUNAT: BAJA DE OFICIO") < output.index("Según SUNAT, padrón del 2026-11-28")
    assert "Nombre [QUISPE MAMANI ROSA]" in output
    card = await loaded.get(TESTER, client_id)
    assert (card.doc_type, card.doc_number, card.name) == ("6", "10456789019", "QUISPE MAMANI ROSA")  # never refused


async def test_a_ruc_the_padron_lacks_leaves_the_form_as_it_is(loaded: ClientService) -> None:
    client_id = await seeded(loaded, "6", "20601111111", "Mi Empresa S.A.")
    output = await drive_bytes(loaded, ["editar 20601111111", CLIENT_SECTION, "", "20512333797", "", *REST])
    assert "SUNAT" not in output and "Nombre [Mi Empresa S.A.]" in output
    card = await loaded.get(TESTER, client_id)
    assert (card.doc_number, card.name) == ("20512333797", "Mi Empresa S.A.")
