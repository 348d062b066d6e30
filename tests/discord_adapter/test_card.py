"""/clientes ver: the card, Ver contraseña (allowed and refused), Compartir, ambiguous names."""

from __future__ import annotations

import pytest

from bot.config import Settings
from bot.discord.escape import md
from commands.access import Actor
from commands.views import MASK
from tests.fakes.discord_payloads import admin_member
from tests.fakes.fake_discord import ADMIN_ROLE_ID

from .conftest import DiscordUI, make_settings

SEED = Actor("console", "seed")


@pytest.fixture
def settings() -> Settings:
    return make_settings(clientes_secret_viewers=str(ADMIN_ROLE_ID))


@pytest.fixture
async def acme(core) -> int:
    card = await core.service.create(
        SEED,
        {"doc_type": "6", "doc_number": "20100070970", "name": "ACME S.A.C."},
        servers=[{"host": "erp.acme.pe", "username": "root", "password": "s3cr3t|*x"}],
    )
    return card.id


async def test_card_shows_every_section_with_password_masked(discord_ui: DiscordUI, acme: int) -> None:
    answer, _ = await discord_ui.command("ver", {"cliente": "20100070970"})
    assert answer.type == 4 and answer.ephemeral
    [embed] = answer.data["embeds"]
    assert embed["title"] == "ACME S.A.C." and embed["description"] == "RUC 20100070970"
    sections = [f["name"] for f in embed["fields"]]
    assert sections == ["Datos del cliente", "Otros Datos", "Datos Servidor", "Datos del servidor 1"]
    assert MASK in embed["fields"][-1]["value"] and "s3cr3t" not in str(answer.data)


async def test_reveal_password_to_a_secret_viewer(discord_ui: DiscordUI, acme: int) -> None:
    _, payload = await discord_ui.command("ver", {"cliente": f"#{acme}"})
    revealed, _ = await discord_ui.click(discord_ui.message(payload), label="Ver contraseña", invoker=admin_member())
    assert revealed.type == 4 and revealed.ephemeral
    assert "||s3cr3t\\|\\*x||" in revealed.content


async def test_reveal_password_forbidden(discord_ui: DiscordUI, acme: int) -> None:
    _, payload = await discord_ui.command("ver", {"cliente": f"#{acme}"})
    refused, _ = await discord_ui.click(discord_ui.message(payload), label="Ver contraseña")
    assert refused.type == 4 and refused.ephemeral
    assert refused.content == md(  # escaped like every core sentence; Discord shows it as written
        "No tiene permiso para ver contraseñas de servidores: un administrador debe incluirlo en "
        "CLIENTES_SECRET_VIEWERS (o CLIENTES_ADMINS)."
    )


async def test_share_posts_a_copy_without_servers(discord_ui: DiscordUI, acme: int) -> None:
    _, payload = await discord_ui.command("ver", {"cliente": "acme"})
    shared, _ = await discord_ui.click(discord_ui.message(payload), label="Compartir")
    assert shared.type == 4 and not shared.ephemeral
    assert "Datos del servidor 1" not in [f["name"] for f in shared.data["embeds"][0]["fields"]]


async def test_ambiguous_name_offers_a_select(discord_ui: DiscordUI, core, acme: int) -> None:
    await core.service.create(SEED, {"doc_type": "6", "doc_number": "20131312955", "name": "ACME Perú S.A."})
    answer, payload = await discord_ui.command("ver", {"cliente": "acme"})
    assert answer.ephemeral and "Varios clientes" in answer.content
    card, _ = await discord_ui.pick(discord_ui.message(payload), "cb:pick:ver", ["ACME Perú S.A."])
    assert card.data["embeds"][0]["title"] == "ACME Perú S.A."


async def test_unknown_client_is_a_spanish_message(discord_ui: DiscordUI) -> None:
    answer, _ = await discord_ui.command("ver", {"cliente": "nadie"})
    assert answer.ephemeral and answer.content == "No se encontró ningún cliente con «nadie»."


async def test_slow_answer_is_deferred_then_edited(discord_ui: DiscordUI, fake, acme: int) -> None:
    discord_ui.bot.response_budget = 0  # as if the database took longer than the budget
    answer, payload = await discord_ui.command("ver", {"cliente": f"#{acme}"})
    assert answer.type == 5 and answer.ephemeral
    [edit] = fake.original_edits(payload["token"])
    assert edit.json["embeds"][0]["title"] == "ACME S.A.C."


async def test_everyone_in_a_name_never_pings(discord_ui: DiscordUI, core) -> None:
    await core.service.create(SEED, {"doc_type": "1", "doc_number": "12345678", "name": "@everyone **gratis**"})
    answer, payload = await discord_ui.command("ver", {"cliente": "12345678"})
    title = answer.data["embeds"][0]["title"]
    assert "@everyone" not in title and "@\u200beveryone" in title and "\\*\\*gratis\\*\\*" in title
    _, payload = await discord_ui.click(discord_ui.message(payload), label="Eliminar")
    confirm = discord_ui.message(payload)
    assert "@everyone" not in confirm["content"]
    # the discord_ui fixture also checks allowed_mentions == {"parse": []} on every message sent
