"""Forms belong to who opened them (issue 12 #15): a submit carrying someone else's form id saves
nothing and leaves the form to its owner; a "Corregir" after a too-long value opens (pre-fills are cut
to the input's limit); and when Discord refuses to open a form the user is told so in Spanish."""

from __future__ import annotations

import pytest

from bot.config import Settings
from bot.discord.ui.section_modal import NOT_YOURS
from bot.runtime import Core
from commands.access import Actor
from commands.forms import CLIENT
from commands.texts import texts
from tests.fakes.discord_payloads import admin_member, member
from tests.fakes.fake_discord import ADMIN_ROLE_ID, OTHER_USER_ID, USER_ID, FakeDiscord

from .conftest import DiscordUI, find, make_settings

SEED = Actor("console", "seed")
ACME = {"doc_type": ["6"], "doc_number": "20100070970", "name": "ACME S.A.C."}
BRUNO = member(OTHER_USER_ID, "bruno.diaz", global_name="Bruno Díaz")


async def test_another_editor_cannot_submit_my_form(discord_ui: DiscordUI, core: Core) -> None:
    modal, _ = await discord_ui.command("nuevo")  # opened by ana
    stolen, _ = await discord_ui.submit(modal, ACME, invoker=BRUNO)
    assert stolen.type == 4 and stolen.ephemeral and stolen.content == NOT_YOURS
    assert not (await core.service.list_page(SEED, "", None)).rows  # nothing saved under bruno

    mine, _ = await discord_ui.submit(modal, ACME)  # the form is still ana's to send
    assert mine.type == 4 and "registrado" in mine.content
    card = await core.service.find(SEED, "20100070970")
    assert card.created_by == f"discord:{USER_ID}"


class TestAViewer:
    @pytest.fixture
    def settings(self) -> Settings:
        return make_settings(clientes_editors=str(ADMIN_ROLE_ID))  # the admin edits; ana may only view

    async def test_cannot_use_up_an_editors_form(self, discord_ui: DiscordUI, core: Core) -> None:
        admin = admin_member() | {"user": BRUNO["user"]}
        modal, _ = await discord_ui.command("nuevo", invoker=admin)
        refused, _ = await discord_ui.submit(modal, ACME)  # ana, a viewer, with the admin's form id
        assert refused.type == 4 and refused.ephemeral and refused.content == NOT_YOURS

        saved, _ = await discord_ui.submit(modal, ACME, invoker=admin)
        assert saved.type == 4 and "registrado" in saved.content
        assert (await core.service.find(SEED, "20100070970")).created_by == f"discord:{OTHER_USER_ID}"


async def test_corregir_after_a_too_long_value_opens_the_form(discord_ui: DiscordUI, core: Core) -> None:
    """A submit longer than the input allows (an old client, or a forged one) is refused by the core;
    "Corregir" pre-fills at most the input's max_length, which Discord accepts."""
    limit = CLIENT.field("name").max_length
    modal, _ = await discord_ui.command("nuevo")
    refused, payload = await discord_ui.submit(modal, {**ACME, "name": "N" * (limit + 45)})
    assert refused.type == 4 and "No se guardó" in refused.content

    reopened, _ = await discord_ui.click(discord_ui.message(payload), label="Corregir")
    assert reopened.type == 9, reopened.data
    [name] = [c["component"] for c in reopened.components if c["component"].get("custom_id") == "name"]
    assert name["value"] == "N" * limit and name["max_length"] == limit

    saved, _ = await discord_ui.submit(reopened, {"name": "ACME S.A.C."})
    assert "registrado" in saved.content


async def test_a_form_discord_refuses_gets_a_spanish_answer(
    discord_ui: DiscordUI, fake: FakeDiscord, core: Core
) -> None:
    card = await core.service.create(SEED, {"doc_type": "6", "doc_number": "20100070970", "name": "ACME S.A.C."})
    _, payload = await discord_ui.command("ver", {"cliente": f"#{card.id}"})
    fake.fail_next("POST", r"/callback$", status=400, code=50035, message="Invalid Form Body")
    answer, _ = await discord_ui.click(discord_ui.message(payload), label="Otros Datos")
    assert answer.type == 4 and answer.ephemeral and answer.content == texts().form_refused("Discord")
    assert find(discord_ui.message(payload), label="Otros Datos")  # the card is still there to try again
