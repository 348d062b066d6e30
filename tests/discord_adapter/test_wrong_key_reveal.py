"""Ver contraseña when the configured keys cannot open the stored password: the Spanish key message in
the ephemeral answer to the interaction (fake Discord), never "error inesperado"."""

from __future__ import annotations

import pytest

from bot.config import Settings
from bot.discord.escape import md
from bot.runtime import Core
from commands.access import Actor
from commands.service import ClientService
from storage.crypto import UNREADABLE_MESSAGE, SecretBox, generate_key
from tests.fakes.discord_payloads import admin_member
from tests.fakes.fake_discord import ADMIN_ROLE_ID

from .conftest import DiscordUI, make_settings

SEED = Actor("console", "seed")
PASSWORD = "cifrada-con-otra-clave"


@pytest.fixture
def settings() -> Settings:
    return make_settings(clientes_secret_viewers=str(ADMIN_ROLE_ID))


@pytest.fixture
async def under_another_key(core: Core) -> int:
    other = ClientService(core.db, SecretBox([generate_key()]), core.service.policy)
    card = await other.create(
        SEED,
        {"doc_type": "6", "doc_number": "20100070970", "name": "ACME S.A.C."},
        servers=[{"host": "erp.acme.pe", "username": "root", "password": PASSWORD}],
    )
    return card.id


async def test_reveal_under_a_wrong_key_says_which_variable_to_fix(
    discord_ui: DiscordUI, core: Core, under_another_key: int
) -> None:
    _, payload = await discord_ui.command("ver", {"cliente": f"#{under_another_key}"})
    answer, _ = await discord_ui.click(discord_ui.message(payload), label="Ver contraseña", invoker=admin_member())

    assert answer.type == 4 and answer.ephemeral
    assert answer.content == md(UNREADABLE_MESSAGE)  # escaped as every sentence is: Discord shows it as typed
    assert r"CLIENTES\_SECRET\_KEYS" in answer.content and PASSWORD not in str(answer.data)
    assert [e.action for e in await core.service.history(SEED, under_another_key)] == ["create"]
