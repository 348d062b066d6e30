"""The guild gate: only the servers in DISCORD_GUILD_IDS (and never a DM) reach any handler — slash
commands, autocompletes, restart-proof buttons and selects, and modal submits alike."""

from __future__ import annotations

import dataclasses
import logging
import uuid
from datetime import timedelta

import pytest

import storage.open_forms
from bot.discord import ids, open_forms
from bot.discord.client import GLOBAL_WARNING, ClientesBot
from bot.discord.guild_gate import FROM_DM, OTHER_GUILD
from bot.runtime import Core, policy_from
from commands.access import Actor
from commands.forms import CONTACT
from commands.service import ClientService
from commands.texts import texts
from storage.crypto import SecretBox
from storage.db import Database
from storage.models import utcnow
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
    by_name = {command["name"]: command for command in put.json}
    group = by_name["clientes"]
    assert group["contexts"] == [0] and group["dm_permission"] is False  # Discord hides it in DMs
    register = by_name["Registrar cliente"]  # the message command: guild-only too
    assert register["type"] == 3 and register["contexts"] == [0] and register["dm_permission"] is False
    assert set(by_name) == {"clientes", "Registrar cliente"}


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


async def test_a_form_submitted_after_a_restart_is_saved_and_its_second_copy_too(
    discord_ui: DiscordUI, fake: FakeDiscord, core: Core
) -> None:
    """Issue 10 #1: an open form lives in the database (`open_forms`), not only in the memory of the
    process that showed it, so a restart (or a failover) between opening and submitting loses nothing.
    A second copy of the same submit is answered "saved" again and creates nothing (issue 10 #7)."""
    modal, _ = await discord_ui.command("nuevo")
    restarted = ClientesBot(core)
    await login_without_gateway(restarted)
    try:
        first, _ = await DiscordUI(fake, restarted).submit(modal, CLIENT_FIELDS)
        second, _ = await DiscordUI(fake, restarted).submit(modal, CLIENT_FIELDS)
    finally:
        await restarted.close()
    third, _ = await discord_ui.submit(modal, CLIENT_FIELDS)  # and the process that opened it
    fourth, _ = await discord_ui.submit(modal, CLIENT_FIELDS)  # discord.py forgot it after `third`: revived
    for answer in (first, second, third, fourth):
        assert answer.content == texts().created("ACME S.A.C."), answer.data
    assert await total(core) == 1


async def test_a_form_never_opened_or_expired_says_it_expired(
    discord_ui: DiscordUI, fake: FakeDiscord, core: Core, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A submit for a form no process stored, or stored longer ago than a modal stays open, gets a clear
    message instead of Discord's "interaction failed", and nothing is saved."""
    modal, _ = await discord_ui.command("nuevo")
    forged = dataclasses.replace(modal, data={**modal.data, "custom_id": ids.form(uuid.uuid4().hex)})
    answer, _ = await discord_ui.submit(forged, CLIENT_FIELDS)
    refused(answer, texts().form_expired)

    later = utcnow() + open_forms.TTL + timedelta(seconds=1)
    monkeypatch.setattr(storage.open_forms, "utcnow", lambda: later)
    restarted = ClientesBot(core)
    await login_without_gateway(restarted)
    try:
        answer, _ = await DiscordUI(fake, restarted).submit(modal, CLIENT_FIELDS)
    finally:
        await restarted.close()
    refused(answer, texts().form_expired)
    assert await total(core) == 0
