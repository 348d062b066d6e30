"""A person who may view but not edit is told so before any form opens (not after typing it)."""

from __future__ import annotations

import pytest

from bot.config import Settings
from bot.runtime import Core
from commands.access import Actor, Permission
from commands.errors import Forbidden
from commands.forms import ADDRESS, CONTACT, INTEGRATIONS, SERVER
from tests.fakes.discord_payloads import admin_member
from tests.fakes.fake_discord import ADMIN_ROLE_ID

from .conftest import DiscordUI, find, make_settings, option_values

SEED = Actor("console", "seed")


@pytest.fixture
def settings() -> Settings:
    return make_settings(clientes_editors=str(ADMIN_ROLE_ID))  # ana (team role) may view, not edit


def denied(core: Core) -> str:
    with pytest.raises(Forbidden) as refused:
        core.service.policy.require(Actor("discord", "viewer"), Permission.EDIT)
    return str(refused.value)


def is_forbidden(answer, core: Core) -> None:
    assert answer.type == 4 and answer.ephemeral, f"expected a message, got callback type {answer.type}"
    assert answer.content == denied(core) and not answer.components


async def test_viewer_gets_forbidden_instead_of_any_form(discord_ui: DiscordUI, core: Core) -> None:
    card = await core.service.create(
        SEED,
        {"doc_type": "6", "doc_number": "20100070970", "name": "ACME S.A.C."},
        addresses=[{"country": "PE", "ubigeo": "150131", "line": "Av. Uno 1"}],
        servers=[{"host": "erp.acme.pe"}],
    )
    answer, _ = await discord_ui.command("nuevo")
    is_forbidden(answer, core)

    _, payload = await discord_ui.command("ver", {"cliente": f"#{card.id}"})  # viewing is allowed
    shown = discord_ui.message(payload)
    for label in (CONTACT.title, INTEGRATIONS.title, SERVER.add_label, ADDRESS.add_label):
        answer, _ = await discord_ui.click(shown, label=label)
        is_forbidden(answer, core)

    answer, _ = await discord_ui.command("editar", {"cliente": f"#{card.id}"})  # the menu itself is refused
    is_forbidden(answer, core)
    answer, _ = await discord_ui.click(shown, label="Editar")
    is_forbidden(answer, core)

    # a menu an editor opened, used by the viewer (all of the menu leads to forms)
    _, payload = await discord_ui.command("editar", {"cliente": f"#{card.id}"}, invoker=admin_member())
    menu = discord_ui.message(payload)
    sections = list(option_values(find(menu, prefix="cb:ed:")))
    assert len(sections) == 5  # Datos del cliente, Otros Datos, Datos Servidor, the address, the server
    for section in sections:  # the address one would open the picker, the others a modal
        answer, _ = await discord_ui.pick(menu, "cb:ed:", [section])
        is_forbidden(answer, core)

    # an editor still gets the form straight away
    answer, _ = await discord_ui.click(shown, label=CONTACT.title, invoker=admin_member())
    assert answer.type == 9
