"""The guild gate: only the servers in DISCORD_GUILD_IDS (and never a DM) reach any handler — slash
commands, autocompletes, restart-proof buttons and selects, and modal submits alike."""

from __future__ import annotations

import logging

import pytest

from bot.discord.client import GLOBAL_WARNING, ClientesBot
from bot.discord.guild_gate import FROM_DM, OTHER_GUILD
from bot.runtime import Core, policy_from
from commands.access import Actor
from commands.forms import CONTACT
from commands.service import ClientService
from commands.texts import texts
from storage.crypto import SecretBox
from storage.db import Database
from tests.fakes.discord_payloads import autocomplete, deliver, login_without_gateway, slash_command
from tests.fakes.fake_discord import APPLICATION_ID, GUILD_ID, FakeDiscord

from .conftest import DiscordUI, make_settings

SEED = Actor("console", "seed")
STRANGER_GUILD = 1310000000000009100
CLIENT_FIELDS = {"doc_type": ["6"], "doc_number": "20100070970", "name": "ACME S.A.C.", "internal_code": ""}


async def acme(core: Core) -> int:
    card = await core.service.create(SEED, {"doc_type": "6", "doc_number": "20100070970", "name": "ACME S.A.C."})
    return card.id


async def total(core: Core) -> int:
    return (await core.service.list_page(SEED)).total


def refused(answer, text: str) -> None:
    assert answer.type == 4 and answer.ephemeral and answer.content == text, answer.data
    assert not answer.data.get("embeds") and not answer.components


async def test_registration_marks_clientes_guild_only(fake: FakeDiscord, bot: ClientesBot) -> None:
    [put] = fake.requests_to("PUT", rf"^/applications/{APPLICATION_ID}/guilds/{GUILD_ID}/commands$", ok_only=True)
    [group] = put.json
    assert group["contexts"] == [0] and group["dm_permission"] is False  # Discord hides it in DMs


async def test_slash_commands_from_a_dm_or_another_server_are_refused(discord_ui: DiscordUI, core: Core) -> None:
    cid = await acme(core)
    answer, _ = await discord_ui.command("ver", {"cliente": f"#{cid}"}, guild_id=None)
    refused(answer, FROM_DM)
    answer, _ = await discord_ui.command("ver", {"cliente": f"#{cid}"}, guild_id=STRANGER_GUILD)
    refused(answer, OTHER_GUILD)
    answer, _ = await discord_ui.command("nuevo", guild_id=STRANGER_GUILD)
    refused(answer, OTHER_GUILD)  # no form opened either

    answer, _ = await discord_ui.command("ver", {"cliente": f"#{cid}"})  # the team's server: served
    assert answer.data["embeds"][0]["title"].startswith("ACME")


async def test_autocomplete_from_another_server_gets_no_choices(
    discord_ui: DiscordUI, fake: FakeDiscord, core: Core
) -> None:
    await acme(core)
    ours = autocomplete("clientes", "ver", value="acme")
    await deliver(discord_ui.bot, ours, fake=fake)
    assert len(fake.interaction_callbacks(int(ours["id"]))[0].choices) == 1
    for envelope in ({"guild_id": STRANGER_GUILD}, {"guild_id": None}):
        theirs = autocomplete("clientes", "ver", value="acme", **envelope)
        await deliver(discord_ui.bot, theirs, fake=fake)
        [answer] = fake.interaction_callbacks(int(theirs["id"]))
        assert answer.type == 8 and answer.choices == []


async def test_buttons_selects_and_modals_from_another_server_are_refused(
    discord_ui: DiscordUI, fake: FakeDiscord, core: Core
) -> None:
    cid = await acme(core)
    _, payload = await discord_ui.command("ver", {"cliente": f"#{cid}"})
    card = discord_ui.message(payload)

    answer, _ = await discord_ui.click(card, label="Eliminar", guild_id=STRANGER_GUILD)  # a DynamicItem button
    refused(answer, OTHER_GUILD)
    answer, _ = await discord_ui.click(card, label=CONTACT.title, guild_id=None)  # would open a modal
    refused(answer, FROM_DM)

    _, payload = await discord_ui.command("editar", {"cliente": f"#{cid}"})
    answer, _ = await discord_ui.pick(discord_ui.message(payload), "cb:ed:", ["Otros Datos"], guild_id=STRANGER_GUILD)
    refused(answer, OTHER_GUILD)

    modal, _ = await discord_ui.command("nuevo")  # opened in the team's server, submitted from elsewhere
    before = await total(core)
    answer, _ = await discord_ui.submit(modal, {**CLIENT_FIELDS, "doc_number": "20600000001"}, guild_id=None)
    refused(answer, FROM_DM)
    assert await total(core) == before  # nothing was created


async def test_without_guild_ids_every_server_is_served_but_dms_are_not(
    fake: FakeDiscord, db: Database, box: SecretBox, caplog: pytest.LogCaptureFixture
) -> None:
    settings = make_settings(discord_guild_ids="")
    core = Core(settings, db, box, ClientService(db, box, policy_from(settings)))
    with caplog.at_level(logging.WARNING, logger="bot.discord.client"):
        bot = ClientesBot(core)
        await login_without_gateway(bot)
    try:
        assert GLOBAL_WARNING in caplog.messages
        assert "Public Bot" in GLOBAL_WARNING and "DISCORD_GUILD_IDS" in GLOBAL_WARNING
        ui = DiscordUI(fake, bot)
        payload = slash_command("clientes", "ayuda", guild_id=STRANGER_GUILD)
        await deliver(bot, payload, fake=fake)
        [answer] = fake.interaction_callbacks(int(payload["id"]))
        assert answer.type == 4 and "/clientes" in answer.content and answer.content != OTHER_GUILD
        answer, _ = await ui.command("ayuda", guild_id=None)
        refused(answer, FROM_DM)
    finally:
        await bot.close()


async def test_a_form_submitted_after_a_restart_says_it_expired(
    discord_ui: DiscordUI, fake: FakeDiscord, core: Core
) -> None:
    """A modal lives in discord.py's memory only (OPEN_FOR, and never across a restart): a clear message
    instead of Discord's "interaction failed", and nothing saved."""
    modal, _ = await discord_ui.command("nuevo")
    restarted = ClientesBot(core)
    await login_without_gateway(restarted)
    try:
        answer, _ = await DiscordUI(fake, restarted).submit(modal, CLIENT_FIELDS)
    finally:
        await restarted.close()
    refused(answer, texts().form_expired)
    assert await total(core) == 0
