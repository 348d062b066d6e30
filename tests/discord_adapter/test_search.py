"""`/clientes lista texto:` from Discord (interactions, discord.py): each field people remember, a
channel typed as shown or picked as a mention, and `orden:nombre` kept by Anterior/Siguiente."""

from __future__ import annotations

import pytest

from bot.runtime import Core
from commands.access import Actor
from tests.search_data import DISCORD_CHANNEL_ID, FINDS, link_channels, seed

from .conftest import DiscordUI

LISTED = {"nandu": "Inversiones Ñandú S.A.C.", "beta": "Comercial Beta", "zeta": "Álamo Zeta"}


def names(message: dict) -> list[str]:
    return [f["name"].split(". ", 1)[1] for f in message["embeds"][0].get("fields", [])]


async def listing(discord_ui: DiscordUI, typed: str) -> dict:
    _, payload = await discord_ui.command("lista", {"texto": typed})
    return discord_ui.message(payload)


@pytest.mark.parametrize(("typed", "who"), FINDS[::3])  # a sample here; every field runs through Slack
async def test_lista_finds_fields(discord_ui: DiscordUI, core: Core, typed: str, who: str) -> None:
    await seed(core.service)
    assert names(await listing(discord_ui, typed)) == [LISTED[who]], typed


async def test_lista_with_the_channel_as_shown_or_as_a_mention(discord_ui: DiscordUI, core: Core) -> None:
    cards = await seed(core.service)
    assert names(await listing(discord_ui, "#nandu-ops")) == [LISTED["nandu"]]
    await link_channels(core.service, cards["nandu"].id)
    assert names(await listing(discord_ui, f"<#{DISCORD_CHANNEL_ID}>")) == [LISTED["nandu"]]


async def test_lista_orden_nombre_pages_in_name_order(discord_ui: DiscordUI, core: Core) -> None:
    seeder = Actor("console", "seed")
    for n in range(12):
        name = f"{'ÑBZA'[n % 4]}empresa {n:02d}"
        await core.service.create(seeder, {"doc_type": "1", "doc_number": f"{20000000 + n}", "name": name})
    page = await listing(discord_ui, "orden:nombre")
    expected = sorted((f"{'ÑBZA'[n % 4]}empresa {n:02d}" for n in range(12)), key=lambda s: s.replace("Ñ", "N"))
    assert names(page) == expected[:10]
    _, payload = await discord_ui.click(page, label="Siguiente")
    page = discord_ui.message(payload)
    assert names(page) == expected[10:] and page["embeds"][0]["footer"]["text"] == "Página 2 de 2 · 12 cliente(s)"
    _, payload = await discord_ui.click(page, label="Anterior")
    assert names(discord_ui.message(payload)) == expected[:10]
