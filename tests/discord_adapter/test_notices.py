"""Change notices on Discord, end to end: a change made through interactions (slash command, button,
modal) is posted by the real outbox worker (DiscordProvisioner + DiscordMessenger on discord.py) in the
client's channel and the audit channel of the fake Discord, which validates every body against
Discord's OpenAPI spec: once, old → new, no password, `allowed_mentions: {"parse": []}`.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from bot.config import Settings
from bot.discord.client import ClientesBot
from bot.discord.messenger import DiscordMessenger
from bot.discord.provisioner import DiscordProvisioner
from bot.runtime import Core
from commands.forms import CONTACT
from commands.notices import NOTICE
from commands.outbox import OutboxWorker
from storage.models import OutboxJob, utcnow
from tests.fakes.fake_discord import CLIENTS_CATEGORY_ID, GENERAL_CHANNEL_ID, FakeDiscord

from .conftest import DiscordUI, make_settings
from .test_channels import card_now, client_naming_channel

AUDIT = GENERAL_CHANNEL_ID


@pytest.fixture
def settings() -> Settings:
    return make_settings(discord_clients_category_id=str(CLIENTS_CATEGORY_ID), audit_discord_channel_id=str(AUDIT))


@pytest.fixture
def worker(core: Core, bot: ClientesBot, settings: Settings) -> OutboxWorker:
    outbox = OutboxWorker(core.db, {})
    outbox.add(DiscordProvisioner(bot, settings))
    outbox.add_messenger(DiscordMessenger(bot))
    return outbox


async def run_due(core: Core, worker: OutboxWorker) -> None:
    async with core.db.session() as session, session.begin():
        await session.execute(update(OutboxJob).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    await worker.run_once()


async def notice_jobs(core: Core) -> list[OutboxJob]:
    async with core.db.session() as session:
        stmt = select(OutboxJob).where(OutboxJob.kind == NOTICE).order_by(OutboxJob.id)
        return list((await session.execute(stmt)).scalars().all())


def posts_to(fake: FakeDiscord, channel_id: int | str) -> list[dict[str, Any]]:
    return [r.json for r in fake.requests_to("POST", rf"^/channels/{channel_id}/messages$", ok_only=True)]


async def edit_contact(ui: DiscordUI, values: dict[str, str]) -> None:
    modal, _ = await ui.click(await card_now(ui), label=CONTACT.title)
    await ui.submit(modal, values)


async def test_an_edit_posts_one_notice_in_the_channel_and_one_in_audit(
    discord_ui: DiscordUI, fake: FakeDiscord, core: Core, worker: OutboxWorker
) -> None:
    await client_naming_channel(discord_ui)
    await run_due(core, worker)
    channel = fake.channel_named("cliente-acme")
    assert channel is not None
    audit_before = len(posts_to(fake, AUDIT))
    channel_before = len(posts_to(fake, channel["id"]))

    await edit_contact(discord_ui, {"contact_phone": "987 654 321"})
    await run_due(core, worker)
    await edit_contact(discord_ui, {"contact_phone": "912 345 678", "contact_name": "@everyone <@&1> **Ana**"})
    fake.fail_next("POST", rf"^/channels/{channel['id']}/messages$", status=500)
    await run_due(core, worker)
    await run_due(core, worker)
    await run_due(core, worker)

    in_channel = posts_to(fake, channel["id"])[channel_before:]
    in_audit = posts_to(fake, AUDIT)[audit_before:]
    assert len(in_channel) == 2 and len(in_audit) == 2  # one notice per edit, the 500 retried once
    for body in (in_channel[-1], in_audit[-1]):
        assert body["allowed_mentions"] == {"parse": []}
        assert "editó Otros Datos" in body["content"]
        shown = body["content"].replace("\\", "")  # Discord shows an escaped character as typed
        assert "Teléfono: 987 654 321 → 912 345 678" in shown
        assert "@everyone" not in body["content"] and "<@&1>" not in body["content"]  # escaped: no ping
    assert len(fake.requests_to("POST", rf"^/channels/{channel['id']}/messages$")) == channel_before + 3
    assert {j.status for j in await notice_jobs(core)} == {"done"}


async def test_a_password_change_never_reaches_the_payload_or_the_channel(
    discord_ui: DiscordUI, fake: FakeDiscord, core: Core, worker: OutboxWorker
) -> None:
    await client_naming_channel(discord_ui)
    await run_due(core, worker)
    card = await core.service.find(core_actor(), "20100070970")
    await core.service.add_server(core_actor(), card.id, {"host": "erp.acme.pe", "password": "s3cr3t-1"})
    await run_due(core, worker)
    server_id = (await core.service.get(core_actor(), card.id)).servers[0].id
    await core.service.edit_server(
        core_actor(), card.id, server_id, {"host": "erp.acme.pe", "password": "s3cr3t-2"}, None
    )
    for job in await notice_jobs(core):
        assert "s3cr3t" not in json.dumps(job.payload)
    await run_due(core, worker)
    last = posts_to(fake, AUDIT)[-1]
    assert "editó un servidor" in last["content"] and "Contraseña: cambió (no se muestra)" in last["content"]
    assert all("s3cr3t" not in json.dumps(r.json) for r in fake.requests_to("POST", r"/messages$"))


def core_actor() -> Any:
    from commands.access import Actor

    return Actor("console", "ana", "Ana")


async def test_list_and_card_link_the_channel_once_it_exists(
    discord_ui: DiscordUI, fake: FakeDiscord, core: Core, worker: OutboxWorker
) -> None:
    """Linked channels: `<#id>` in the list and on the card once the channel exists (the name before),
    and its topic points back to the card command."""
    await client_naming_channel(discord_ui)
    _, payload = await discord_ui.command("lista")
    [embed] = discord_ui.message(payload)["embeds"]
    assert "#cliente-acme" in embed["fields"][0]["value"].replace("\\", "") and "<#" not in str(embed)
    await run_due(core, worker)
    channel = fake.channel_named("cliente-acme")
    assert channel is not None

    _, payload = await discord_ui.command("lista")
    [embed] = discord_ui.message(payload)["embeds"]
    assert f"**Canal:** <#{channel['id']}>" in embed["fields"][0]["value"]
    [card] = (await card_now(discord_ui))["embeds"]
    assert f"<#{channel['id']}> (listo)" in str(card["fields"])
    assert channel["topic"] == "Cliente: ACME S.A.C. · RUC 20100070970 · Ficha: /clientes ver #1"
