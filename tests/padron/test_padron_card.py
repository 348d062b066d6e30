"""The card of a RUC client shows what SUNAT's padrón says (Estado/Condición and the load), on every
adapter through the core's card view; nothing when no padrón is loaded or the RUC is not in it."""

from __future__ import annotations

from pathlib import Path

from commands import padron, presenter
from commands.access import Actor
from commands.service import ClientService
from tests.padron.sample import write_txt

SPSA = {"doc_type": "6", "doc_number": "20100070970", "name": "SPSA"}
QUISPE = {"doc_type": "6", "doc_number": "10456789019", "name": "Rosa Quispe"}


def _rows(card: object) -> dict[str, str]:
    return dict(presenter.card_sections(card)[0].rows)  # type: ignore[arg-type]


async def test_card_shows_estado_condicion_and_the_load(service: ClientService, ana: Actor, tmp_path: Path) -> None:
    before = await service.create(ana, SPSA)
    assert before.padron is None and "Fuente" not in _rows(before)  # no padrón loaded: no line

    await padron.import_file(service.db, write_txt(tmp_path / "padron.txt"))
    card = await service.get(ana, before.id)
    assert _rows(card)["Estado / Condición (SUNAT)"] == "ACTIVO · HABIDO"
    assert _rows(card)["Fuente"] == "SUNAT, padrón del 2026-11-28"

    quispe = await service.create(ana, QUISPE)
    assert _rows(quispe)["Estado / Condición (SUNAT)"] == "⚠ SUNAT: BAJA DE OFICIO · NO HABIDO"


async def test_a_ruc_the_padron_lacks_and_a_dni_show_no_line(
    service: ClientService, ana: Actor, tmp_path: Path
) -> None:
    await padron.import_file(service.db, write_txt(tmp_path / "padron.txt"))
    absent = await service.create(ana, {"doc_type": "6", "doc_number": "20512333797", "name": "Otra"})
    dni = await service.create(ana, {"doc_type": "1", "doc_number": "45678901", "name": "Luis"})
    assert absent.padron is None and dni.padron is None
