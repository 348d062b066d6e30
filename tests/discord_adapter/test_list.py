"""/clientes lista: the manual's columns, 10 per page, Anterior/Siguiente that survive a restart."""

from __future__ import annotations

from bot.discord.client import ClientesBot
from bot.runtime import Core
from commands.access import Actor
from commands.presenter import LIST_COLUMNS
from tests.fakes.discord_payloads import login_without_gateway
from tests.fakes.fake_discord import FakeDiscord

from .conftest import DiscordUI, find

SEED = Actor("console", "seed")


async def seed(core: Core, count: int) -> None:
    for n in range(count):
        await core.service.create(SEED, {"doc_type": "1", "doc_number": f"{10000000 + n}", "name": f"Cliente {n:02d}"})


def names(message: dict) -> list[str]:
    return [f["name"].split(". ", 1)[1] for f in message["embeds"][0]["fields"]]


async def test_list_pages_forward_and_back(discord_ui: DiscordUI, core: Core) -> None:
    await seed(core, 23)
    answer, payload = await discord_ui.command("lista")
    assert answer.type == 4 and answer.ephemeral
    page = discord_ui.message(payload)
    embed = page["embeds"][0]
    assert len(embed["fields"]) == 10 and embed["footer"]["text"] == "Página 1 de 3 · 23 cliente(s)"
    assert names(page)[0] == "Cliente 22"  # newest first
    row = embed["fields"][0]["value"]
    for column in LIST_COLUMNS[:1] + LIST_COLUMNS[2:]:
        assert f"**{column}:**" in row
    assert find(page, label="Anterior").get("disabled")

    _, payload = await discord_ui.click(page, label="Siguiente")
    page = discord_ui.message(payload)
    assert page["embeds"][0]["footer"]["text"].startswith("Página 2 de 3")
    _, payload = await discord_ui.click(page, label="Siguiente")
    page = discord_ui.message(payload)
    assert page["embeds"][0]["footer"]["text"].startswith("Página 3 de 3") and len(names(page)) == 3
    assert find(page, label="Siguiente").get("disabled")
    _, payload = await discord_ui.click(page, label="Anterior")
    page = discord_ui.message(payload)
    assert page["embeds"][0]["footer"]["text"].startswith("Página 2 de 3")
    assert names(page) == [f"Cliente {n:02d}" for n in range(12, 2, -1)]


async def test_list_buttons_survive_a_restart(discord_ui: DiscordUI, fake: FakeDiscord, core: Core) -> None:
    await seed(core, 23)
    _, payload = await discord_ui.command("lista", {"texto": "cliente"})
    page = discord_ui.message(payload)
    await discord_ui.bot.close()

    restarted = ClientesBot(core)  # a new process: no view of the old one is in memory
    await login_without_gateway(restarted)
    try:
        discord_ui.bot = restarted
        _, payload = await discord_ui.click(page, label="Siguiente")
        page = discord_ui.message(payload)
        assert page["embeds"][0]["footer"]["text"].startswith("Página 2 de 3")
        assert "«cliente»" in page["embeds"][0]["title"]
        answer, payload = await discord_ui.pick(page, "cb:pick:ver", ["Cliente 10"])
        assert answer.type == 4 and answer.data["embeds"][0]["title"] == "Cliente 10"
    finally:
        await restarted.close()


async def test_autocomplete_offers_at_most_25_choices(discord_ui: DiscordUI, fake: FakeDiscord, core: Core) -> None:
    from tests.fakes.discord_payloads import autocomplete, deliver

    await seed(core, 30)
    await core.service.create(SEED, {"doc_type": "6", "doc_number": "20100070970", "name": "A" * 255})
    await deliver(discord_ui.bot, autocomplete("clientes", "ver", value="cliente"), fake=fake)
    await deliver(discord_ui.bot, autocomplete("clientes", "editar", value="2010007"), fake=fake)
    many, one = fake.interaction_callbacks()
    assert many.type == 8 and len(many.choices) == 25
    assert many.choices[0] == {"name": "Cliente 29 · DNI 10000029 · #30", "value": "#30"}
    [long] = one.choices
    assert len(long["name"]) == 100 and long["value"] == "#31"

    await core.service.delete(SEED, 1)
    await deliver(discord_ui.bot, autocomplete("clientes", "restaurar", value=""), fake=fake)
    assert [c["value"] for c in fake.interaction_callbacks()[-1].choices] == ["#1"]


async def test_long_search_travels_in_a_draft(discord_ui: DiscordUI, core: Core) -> None:
    prefix = "Distribuidora Comercial de Productos Alimenticios y Bebidas del Sur Andino Peruano Norte"
    for n in range(11):
        await core.service.create(SEED, {"doc_type": "1", "doc_number": f"{20000000 + n}", "name": f"{prefix} {n}"})
    _, payload = await discord_ui.command("lista", {"texto": prefix})
    page = discord_ui.message(payload)
    following = find(page, label="Siguiente")
    assert following["custom_id"].startswith("cb:ls:n:") and ":d:" in following["custom_id"]
    assert len(following["custom_id"]) <= 100
    _, payload = await discord_ui.click(page, label="Siguiente")
    page = discord_ui.message(payload)
    assert page["embeds"][0]["footer"]["text"] == "Página 2 de 2 · 11 cliente(s)"
