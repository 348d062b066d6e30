"""The card's "Direcciones y servidores…" select: Marcar como principal, Eliminar (with confirmation and
Cancelar) for addresses and servers, optimistic locking, paging of many items, restarts, permissions."""

from __future__ import annotations

import pytest

from bot.config import Settings
from bot.discord.client import ClientesBot
from bot.runtime import Core
from commands.access import Actor
from tests.fakes.discord_payloads import admin_member, login_without_gateway
from tests.fakes.fake_discord import ADMIN_ROLE_ID

from .conftest import DiscordUI, find, make_settings, option_values, walk

SEED = Actor("console", "seed")
ITEMS = "cb:it:"


@pytest.fixture
def settings() -> Settings:
    return make_settings(clientes_editors=str(ADMIN_ROLE_ID))  # only the admin role may change clients


async def acme(core: Core, addresses: int = 2, servers: int = 1) -> int:
    card = await core.service.create(
        SEED,
        {"doc_type": "6", "doc_number": "20100070970", "name": "ACME S.A.C."},
        addresses=[{"country": "PE", "ubigeo": "150131", "line": f"Av. Número {n + 1}"} for n in range(addresses)],
        servers=[{"host": f"erp{n + 1}.acme.pe", "password": "x"} for n in range(servers)],
    )
    return card.id


def field_names(message: dict) -> list[str]:
    return [f["name"] for f in message["embeds"][0]["fields"]]


def item_labels(message: dict) -> list[str]:
    return list(option_values(find(message, prefix=ITEMS)))


async def open_card(ui: DiscordUI, cid: int) -> dict:
    _, payload = await ui.command("ver", {"cliente": f"#{cid}"}, invoker=admin_member())
    return ui.message(payload)


async def test_card_offers_mark_main_and_remove_per_item(discord_ui: DiscordUI, core: Core) -> None:
    cid = await acme(core)
    card = await open_card(discord_ui, cid)
    select = find(card, prefix=ITEMS)
    assert select["custom_id"] == f"cb:it:{cid}:1:0" and select["placeholder"] == "Direcciones y servidores…"
    assert item_labels(card) == [
        "Marcar como principal: Dirección 2 — Av. Número 2",  # only addresses that are not the main one
        "Eliminar Dirección 1 — Av. Número 1",
        "Eliminar Dirección 2 — Av. Número 2",
        "Eliminar Datos del servidor 1 — erp1.acme.pe",
    ]
    assert len(card["components"]) == 4  # buttons, buttons, the select, Historial: within Discord's 5 rows


async def test_card_without_addresses_or_servers_has_no_item_select(discord_ui: DiscordUI, core: Core) -> None:
    cid = await acme(core, addresses=0, servers=0)
    card = await open_card(discord_ui, cid)
    assert not [c for c in walk(card["components"]) if str(c.get("custom_id", "")).startswith(ITEMS)]


async def test_mark_as_main_updates_the_card_in_place(discord_ui: DiscordUI, core: Core) -> None:
    cid = await acme(core)
    card = await open_card(discord_ui, cid)
    done, payload = await discord_ui.pick(
        card, ITEMS, ["Marcar como principal: Dirección 2 — Av. Número 2"], invoker=admin_member()
    )
    assert done.type == 7  # the card message itself was edited
    assert done.content == "Dirección principal cambiada."
    card = discord_ui.message(payload)
    assert field_names(card)[1:3] == ["Dirección 1 (principal)", "Dirección 2"]  # the main one comes first
    assert "Av. Número 2" in card["embeds"][0]["fields"][1]["value"]
    assert card["embeds"][0]["footer"]["text"] == f"#{cid} · versión 2"
    assert find(card, prefix=ITEMS)["custom_id"] == f"cb:it:{cid}:2:0"  # the new version travels on
    assert "Marcar como principal: Dirección 2 — Av. Número 1" in item_labels(card)
    saved = await core.service.get(SEED, cid)
    assert {a.line: a.is_main for a in saved.addresses} == {"Av. Número 1": False, "Av. Número 2": True}


async def test_remove_address_asks_then_removes(discord_ui: DiscordUI, core: Core) -> None:
    cid = await acme(core)
    card = await open_card(discord_ui, cid)
    asked, payload = await discord_ui.pick(card, ITEMS, ["Eliminar Dirección 1 — Av. Número 1"], invoker=admin_member())
    assert asked.type == 7  # the question stands in place of the card
    question = discord_ui.message(payload)
    assert question["flags"] & 64  # still the asker's ephemeral message
    assert question["content"].startswith("¿Eliminar **Dirección 1 (principal)** de «ACME S.A.C.» (RUC 20100070970)?")
    assert "Av. Número 1" in question["embeds"][0]["description"]
    confirm = find(question, label="Sí, eliminar")
    assert confirm["style"] == 4 and confirm["custom_id"].startswith(f"cb:rm:a:{cid}:1:")
    assert find(question, label="Cancelar")
    assert len((await core.service.get(SEED, cid)).addresses) == 2  # nothing removed before confirming

    done, payload = await discord_ui.click(question, label="Sí, eliminar", invoker=admin_member())
    assert done.type == 7 and done.content == "Dirección eliminada."
    card = discord_ui.message(payload)
    assert [n for n in field_names(card) if n.startswith("Dirección")] == ["Dirección 1 (principal)"]
    assert "Av. Número 2" in card["embeds"][0]["fields"][1]["value"]  # the other one became the main one
    saved = await core.service.get(SEED, cid)
    assert [(a.line, a.is_main) for a in saved.addresses] == [("Av. Número 2", True)]


async def test_remove_server_confirmed(discord_ui: DiscordUI, core: Core) -> None:
    cid = await acme(core, servers=2)
    card = await open_card(discord_ui, cid)
    _, payload = await discord_ui.pick(
        card, ITEMS, ["Eliminar Datos del servidor 2 — erp2.acme.pe"], invoker=admin_member()
    )
    done, payload = await discord_ui.click(discord_ui.message(payload), label="Sí, eliminar", invoker=admin_member())
    assert done.content == "Servidor eliminado."
    assert "Datos del servidor 2" not in field_names(discord_ui.message(payload))
    assert [s.host for s in (await core.service.get(SEED, cid)).servers] == ["erp1.acme.pe"]


async def test_cancel_puts_the_card_back(discord_ui: DiscordUI, core: Core) -> None:
    cid = await acme(core)
    card = await open_card(discord_ui, cid)
    _, payload = await discord_ui.pick(
        card, ITEMS, ["Eliminar Datos del servidor 1 — erp1.acme.pe"], invoker=admin_member()
    )
    kept, payload = await discord_ui.click(discord_ui.message(payload), label="Cancelar", invoker=admin_member())
    assert kept.type == 7 and kept.content == "No se eliminó nada."
    assert "Datos del servidor 1" in field_names(discord_ui.message(payload))
    assert find(discord_ui.message(payload), prefix=ITEMS)
    assert len((await core.service.get(SEED, cid)).servers) == 1


async def test_stale_card_mark_main_is_refused_with_current_values(discord_ui: DiscordUI, core: Core) -> None:
    cid = await acme(core)
    card = await open_card(discord_ui, cid)
    await core.service.edit_section(SEED, cid, "contact", {"contact_name": "Otra Persona"}, 1)  # someone else

    refused, payload = await discord_ui.pick(
        card, ITEMS, ["Marcar como principal: Dirección 2 — Av. Número 2"], invoker=admin_member()
    )
    assert refused.type == 7 and "modificado por otra persona" in refused.content
    current = discord_ui.message(payload)
    assert "Otra Persona" in str(current["embeds"][0]["fields"])
    assert current["embeds"][0]["footer"]["text"] == f"#{cid} · versión 2"
    saved = await core.service.get(SEED, cid)
    assert {a.line: a.is_main for a in saved.addresses} == {"Av. Número 1": True, "Av. Número 2": False}


async def test_stale_removal_is_refused_and_nothing_is_removed(discord_ui: DiscordUI, core: Core) -> None:
    cid = await acme(core)
    card = await open_card(discord_ui, cid)
    _, payload = await discord_ui.pick(card, ITEMS, ["Eliminar Dirección 2 — Av. Número 2"], invoker=admin_member())
    question = discord_ui.message(payload)
    await core.service.edit_section(SEED, cid, "contact", {"contact_name": "Otra Persona"}, 1)  # meanwhile

    refused, payload = await discord_ui.click(question, label="Sí, eliminar", invoker=admin_member())
    assert refused.type == 7 and "modificado por otra persona" in refused.content
    assert "Otra Persona" in str(discord_ui.message(payload)["embeds"][0]["fields"])
    assert len((await core.service.get(SEED, cid)).addresses) == 2


async def test_removal_without_permission_keeps_the_card(discord_ui: DiscordUI, core: Core) -> None:
    cid = await acme(core)
    card = await open_card(discord_ui, cid)
    refused, _ = await discord_ui.pick(card, ITEMS, ["Eliminar Dirección 2 — Av. Número 2"])  # not an editor
    # refused before asking, in a new message (type 4): the card is not replaced by the question
    assert refused.type == 4 and refused.ephemeral and "permiso" in refused.content
    # the question an editor was shown, clicked by someone who may not edit: still refused
    _, payload = await discord_ui.pick(card, ITEMS, ["Eliminar Dirección 2 — Av. Número 2"], invoker=admin_member())
    refused, _ = await discord_ui.click(discord_ui.message(payload), label="Sí, eliminar")
    assert refused.type == 4 and refused.ephemeral and "permiso" in refused.content
    assert len((await core.service.get(SEED, cid)).addresses) == 2


async def test_item_actions_survive_a_restart(discord_ui: DiscordUI, core: Core) -> None:
    cid = await acme(core)
    card = await open_card(discord_ui, cid)
    _, payload = await discord_ui.pick(card, ITEMS, ["Eliminar Dirección 2 — Av. Número 2"], invoker=admin_member())
    question = discord_ui.message(payload)
    await discord_ui.bot.close()

    restarted = ClientesBot(core)  # a new process: nothing of the old one in memory
    await login_without_gateway(restarted)
    try:
        discord_ui.bot = restarted
        done, _ = await discord_ui.click(question, label="Sí, eliminar", invoker=admin_member())
        assert done.content == "Dirección eliminada."
    finally:
        await restarted.close()
    assert len((await core.service.get(SEED, cid)).addresses) == 1


async def test_many_addresses_and_servers_are_paged(discord_ui: DiscordUI, core: Core) -> None:
    cid = await acme(core, addresses=20, servers=20)  # 19 + 20 + 20 = 59 actions
    card = await open_card(discord_ui, cid)
    assert len(card["components"]) <= 5
    select = find(card, prefix=ITEMS)
    labels = item_labels(card)
    assert len(labels) == 25 and labels[-1] == "Más opciones (2/3)…" and select["placeholder"].endswith("(1/3)")
    assert all(len(label) <= 100 for label in labels)

    more, payload = await discord_ui.pick(card, ITEMS, ["Más opciones (2/3)…"], invoker=admin_member())
    assert more.type == 7
    card = discord_ui.message(payload)
    assert find(card, prefix=ITEMS)["custom_id"] == f"cb:it:{cid}:1:1"
    assert "Eliminar Datos del servidor 20 — erp20.acme.pe" not in item_labels(card)
    _, payload = await discord_ui.pick(card, ITEMS, ["Más opciones (3/3)…"], invoker=admin_member())
    card = discord_ui.message(payload)
    assert item_labels(card)[-1] == "Más opciones (1/3)…"  # wraps around
    _, payload = await discord_ui.pick(
        card, ITEMS, ["Eliminar Datos del servidor 20 — erp20.acme.pe"], invoker=admin_member()
    )
    done, _ = await discord_ui.click(discord_ui.message(payload), label="Sí, eliminar", invoker=admin_member())
    assert done.content == "Servidor eliminado."
    assert len((await core.service.get(SEED, cid)).servers) == 19
