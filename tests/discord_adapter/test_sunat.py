"""SUNAT's padrón on Discord, through interactions over the fake gateway: after Datos del cliente of a
RUC the padrón lists is saved, «Completar con SUNAT» offers the padrón's name (only when it differs from
what was typed) and then the Dirección form with the district known, pre-filled; BAJA/NO HABIDO is
warned about in the reply; an absent RUC offers nothing; `/clientes sunat` by RUC and by name, paged,
«Registrar como cliente»; the card's padrón line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.runtime import Core
from commands import padron
from commands.access import Actor
from commands.forms import ADDRESS, CLIENT
from commands.texts import texts
from tests.fakes.discord_payloads import member
from tests.fakes.discord_state import snowflake
from tests.padron.sample import LINES, write_txt

from .conftest import DiscordUI
from .test_from_message import buttons, shown

SEED = Actor("console", "seed")
COMPLETE = "Completar con SUNAT"
SPSA = "SUPERMERCADOS PERUANOS SOCIEDAD ANONIMA 'O ' S.P.S.A."
MORELLI = "CAL. MORELLI NRO. 181 INT. P-2"
ANDINAS = [f"20{i:08d}1|EMPRESA ANDINA {i:02d} S.A.|ACTIVO|HABIDO|150101|-|-|-|-|-|-|-|-|-|-|" for i in range(12)]


@pytest.fixture
async def loaded(core: Core, tmp_path: Path) -> Core:
    await padron.import_file(core.service.db, write_txt(tmp_path / "padron.txt", [*LINES, *ANDINAS]))
    return core


def embed_text(message: dict[str, Any]) -> str:
    parts = []
    for embed in message.get("embeds") or []:
        parts += [embed.get("title") or "", embed.get("description") or ""]
        parts += [f"{f['name']}\n{f['value']}" for f in embed.get("fields") or []]
    return "\n".join(parts)


async def create(ui: DiscordUI, number: str, name: str) -> dict[str, Any]:
    modal, _ = await ui.command("nuevo")
    answer, payload = await ui.submit(modal, {"doc_type": ["6"], "doc_number": number, "name": name})
    assert answer.type == 4
    return ui.message(payload)


async def test_completar_con_sunat_offers_the_name_then_the_address(discord_ui: DiscordUI, loaded: Core) -> None:
    ui = discord_ui
    card = await create(ui, "20100070970", "Supermercados Peruanos")
    assert COMPLETE in buttons(card)
    assert "SUNAT propone: Nombre, Distrito, Dirección." in card["content"]
    assert "ACTIVO · HABIDO" in embed_text(card) and "SUNAT, padrón del 2026-11-28" in embed_text(card)

    # the padrón's name differs from what was typed: Datos del cliente first, pre-filled with it
    modal, _ = await ui.click(card, label=COMPLETE)
    assert modal.type == 9 and modal.data["title"] == CLIENT.title
    assert shown(modal)["name"] == SPSA and shown(modal)["doc_number"] == "20100070970"
    _, payload = await ui.submit(modal)
    card = ui.message(payload)
    [client] = (await loaded.service.list_page(SEED)).rows
    assert (await loaded.service.get(SEED, client.id)).name == SPSA

    # then the address: the district is known, so the Dirección form opens at once, pre-filled
    modal, _ = await ui.click(card, label=COMPLETE)
    assert modal.type == 9 and modal.data["title"].startswith(ADDRESS.add_label or ADDRESS.title)
    assert shown(modal)["line"] == MORELLI
    _, payload = await ui.submit(modal, {"line": "Av. Aviación 2405"})  # the user may change it
    card = ui.message(payload)
    assert COMPLETE not in buttons(card)
    [address] = (await loaded.service.get(SEED, client.id)).addresses
    assert (address.ubigeo, address.line) == ("150130", "Av. Aviación 2405")


async def test_the_same_name_is_not_offered_again(discord_ui: DiscordUI, loaded: Core) -> None:
    card = await create(discord_ui, "20100070970", "Supermercados Peruanos Sociedad Anónima 'O ' S.P.S.A.")
    assert "SUNAT propone: Distrito, Dirección." in card["content"]
    modal, _ = await discord_ui.click(card, label=COMPLETE)
    assert modal.data["title"].startswith(ADDRESS.add_label or ADDRESS.title)


async def test_baja_no_habido_is_warned_in_the_reply(discord_ui: DiscordUI, loaded: Core) -> None:
    card = await create(discord_ui, "10456789019", "QUISPE MAMANI ROSA")
    assert card["content"].startswith("⚠ **SUNAT: BAJA DE OFICIO · NO HABIDO**")
    assert "registrado" in card["content"] and COMPLETE in buttons(card)  # warned, never refused


async def test_a_ruc_the_padron_lacks_offers_nothing(discord_ui: DiscordUI, loaded: Core) -> None:
    card = await create(discord_ui, "20512333797", "Otra S.A.")
    assert COMPLETE not in buttons(card) and "SUNAT" not in card["content"]


async def test_sunat_by_ruc_and_register_as_client(discord_ui: DiscordUI, loaded: Core) -> None:
    ui = discord_ui
    _, payload = await ui.command("sunat", {"consulta": "20100070970"})
    answer = ui.message(payload)
    text = embed_text(answer)
    assert SPSA in text and MORELLI in text and "San Borja" in text and "SUNAT, padrón del 2026-11-28" in text
    modal, _ = await ui.click(answer, label="Registrar como cliente")
    assert modal.type == 9 and modal.data["title"] == CLIENT.title
    values = shown(modal)
    assert values["doc_type"] == ["6"] and values["doc_number"] == "20100070970" and values["name"] == SPSA
    assert "padrón de SUNAT del 2026-11-28" in modal.components[0]["description"]
    _, payload = await ui.submit(modal)
    card = ui.message(payload)
    assert "SUNAT propone: Distrito, Dirección." in card["content"]  # the rest, through «Completar con SUNAT»

    _, payload = await ui.command("sunat", {"consulta": "10456789019"})
    assert "SUNAT: BAJA DE OFICIO · NO HABIDO" in embed_text(ui.message(payload))
    _, payload = await ui.command("sunat", {"consulta": "20512333797"})
    assert "no figura en el padrón de SUNAT del 2026-11-28" in embed_text(ui.message(payload))


async def test_sunat_by_name_ignores_accents_and_pages(discord_ui: DiscordUI, loaded: Core) -> None:
    ui = discord_ui
    _, payload = await ui.command("sunat", {"consulta": "compania peña"})
    assert "COMPAÑÍA PEÑA NÚÑEZ SOCIEDAD ANONIMA CERRADA" in embed_text(ui.message(payload))
    _, payload = await ui.command("sunat", {"consulta": "Empresa Andína"})
    first = ui.message(payload)
    assert "EMPRESA ANDINA 09 S.A." in embed_text(first) and "ANDINA 10" not in embed_text(first)
    assert "Registrar como cliente · 20000000011" in buttons(first) and "Anterior" not in buttons(first)
    edited, payload = await ui.click(first, label="Siguiente")
    assert edited.type == 7  # the same message, turned
    second = ui.message(payload)
    assert "EMPRESA ANDINA 11 S.A." in embed_text(second) and "ANDINA 00" not in embed_text(second)
    _, payload = await ui.click(second, label="Anterior")
    assert "EMPRESA ANDINA 00 S.A." in embed_text(ui.message(payload))


async def test_sunat_without_a_padron_says_how_to_load_it(discord_ui: DiscordUI) -> None:
    _, payload = await discord_ui.command("sunat", {"consulta": "20100070970"})
    assert "clientes-bot padron import ARCHIVO" in discord_ui.message(payload)["content"]


async def test_a_used_or_foreign_completar_con_sunat_opens_nothing(discord_ui: DiscordUI, loaded: Core) -> None:
    card = await create(discord_ui, "20100070970", "Supermercados Peruanos Sociedad Anónima 'O ' S.P.S.A.")
    bruno = member(snowflake(), "bruno.diaz", global_name="Bruno Díaz")
    answer, _ = await discord_ui.click(card, label=COMPLETE, invoker=bruno)  # not his values
    assert answer.type == 4 and answer.content == texts().padron_prefill_gone
    modal, _ = await discord_ui.click(card, label=COMPLETE)
    await discord_ui.submit(modal)
    answer, _ = await discord_ui.click(card, label=COMPLETE)  # the old card's button, once used
    assert answer.type == 4 and "padrón de SUNAT ya se usaron" in answer.content
