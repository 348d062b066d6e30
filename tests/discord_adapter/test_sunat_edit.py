"""SUNAT's padrón after Discord's edit of Datos del cliente, through interactions over the fake gateway:
saved with a RUC the padrón lists whose name differs from the saved one, the answer says what SUNAT says
and offers «Completar con SUNAT», whose form opens pre-filled with the padrón's name (nothing saved until
it is submitted); BAJA/NO HABIDO is warned about first; a RUC the padrón lacks, or the same name, offers
nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.runtime import Core
from commands import padron
from commands.access import Actor
from commands.forms import CLIENT
from tests.padron.sample import LINES, write_txt

from .conftest import DiscordUI
from .test_from_message import buttons, shown

SEED = Actor("console", "seed")
COMPLETE = "Completar con SUNAT"
SPSA = "SUPERMERCADOS PERUANOS SOCIEDAD ANONIMA 'O ' S.P.S.A."


@pytest.fixture
async def loaded(core: Core, tmp_path: Path) -> Core:
    await padron.import_file(core.service.db, write_txt(tmp_path / "padron.txt", LINES))
    return core


async def edit_client(
    ui: DiscordUI, core: Core, saved: dict[str, str], typed: dict[str, Any]
) -> tuple[int, dict[str, Any]]:
    """A client saved as `saved`, then its Datos del cliente edited on Discord with `typed`."""
    card = await core.service.create(SEED, {**saved, "trade_name": "Tienda"})
    _, payload = await ui.command("editar", {"cliente": saved["doc_number"]})
    modal, _ = await ui.pick(ui.message(payload), "cb:ed:", [CLIENT.title])
    assert modal.type == 9 and modal.data["title"] == CLIENT.title
    answer, payload = await ui.submit(modal, typed)
    assert answer.type == 4, answer
    return card.id, ui.message(payload)


async def test_a_differing_name_is_offered_and_saved_only_when_submitted(discord_ui: DiscordUI, loaded: Core) -> None:
    ui = discord_ui
    saved = {"doc_type": "6", "doc_number": "20512333797", "name": "Mi Empresa S.A."}
    client_id, card = await edit_client(ui, loaded, saved, {"doc_number": "20100070970"})
    content = card["content"]
    assert "Se guardó «Datos del cliente»." in content
    assert f"Según SUNAT, padrón del 2026-11-28: {SPSA} (ACTIVO · HABIDO)." in content
    assert "SUNAT propone: Nombre." in content and COMPLETE in buttons(card)
    assert "SUNAT: " not in content  # ACTIVO/HABIDO: no warning
    client = await loaded.service.get(SEED, client_id)
    assert (client.doc_number, client.name) == ("20100070970", "Mi Empresa S.A.")  # the name is never replaced

    modal, _ = await ui.click(card, label=COMPLETE)
    assert modal.type == 9 and modal.data["title"] == CLIENT.title
    values = shown(modal)
    assert values["name"] == SPSA and values["doc_number"] == "20100070970" and values["trade_name"] == "Tienda"
    assert (await loaded.service.get(SEED, client_id)).name == "Mi Empresa S.A."  # opened, not saved
    _, payload = await ui.submit(modal)
    card = ui.message(payload)
    assert (await loaded.service.get(SEED, client_id)).name == SPSA
    assert COMPLETE not in buttons(card) and "Según SUNAT" not in card["content"]  # the same name now


async def test_the_user_may_change_the_offered_name(discord_ui: DiscordUI, loaded: Core) -> None:
    saved = {"doc_type": "6", "doc_number": "20100070970", "name": "Supermercados Peruanos"}
    client_id, card = await edit_client(discord_ui, loaded, saved, {"internal_code": "SP-1"})  # RUC kept
    assert COMPLETE in buttons(card)
    modal, _ = await discord_ui.click(card, label=COMPLETE)
    assert shown(modal)["name"] == SPSA and shown(modal)["internal_code"] == "SP-1"
    await discord_ui.submit(modal, {"name": "Plaza Vea S.A."})
    assert (await loaded.service.get(SEED, client_id)).name == "Plaza Vea S.A."


async def test_baja_no_habido_is_warned_first(discord_ui: DiscordUI, loaded: Core) -> None:
    saved = {"doc_type": "1", "doc_number": "45678901", "name": "Rosa Quispe"}
    client_id, card = await edit_client(discord_ui, loaded, saved, {"doc_type": ["6"], "doc_number": "10456789019"})
    assert card["content"].startswith("⚠ **SUNAT: BAJA DE OFICIO · NO HABIDO**")
    assert "QUISPE MAMANI ROSA (BAJA DE OFICIO · NO HABIDO)" in card["content"] and COMPLETE in buttons(card)
    assert (await loaded.service.get(SEED, client_id)).doc_number == "10456789019"  # warned, never refused


async def test_a_ruc_the_padron_lacks_offers_nothing(discord_ui: DiscordUI, loaded: Core) -> None:
    saved = {"doc_type": "6", "doc_number": "20100070970", "name": "Supermercados Peruanos"}
    _, card = await edit_client(discord_ui, loaded, saved, {"doc_number": "20512333797"})
    assert COMPLETE not in buttons(card) and "SUNAT" not in card["content"]
    assert card["content"].startswith("Se guardó «Datos del cliente».")


async def test_the_padrons_own_name_offers_nothing(discord_ui: DiscordUI, loaded: Core) -> None:
    saved = {
        "doc_type": "6",
        "doc_number": "20512333797",
        "name": "Supermercados Peruanos Sociedad Anónima 'O ' S.P.S.A.",
    }
    _, card = await edit_client(discord_ui, loaded, saved, {"doc_number": "20100070970"})
    assert COMPLETE not in buttons(card) and "SUNAT" not in card["content"]
