"""A client's Discord channel: created (or linked) by the real outbox worker through `DiscordProvisioner`,
against the fake Discord, after a person named it in the card's "Datos Servidor" form.

No real sleeps: a rescheduled job is made due by moving its `next_attempt_at`, as time passing would.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta
from typing import Any

import discord
import pytest
from sqlalchemy import select, update

from bot.config import Settings
from bot.discord.client import ClientesBot
from bot.discord.messenger import DiscordMessenger
from bot.discord.provisioner import DiscordProvisioner
from bot.runtime import Core
from commands.access import Actor
from commands.forms import INTEGRATIONS, SERVER
from commands.outbox import OutboxWorker
from storage.models import OutboxJob, utcnow
from tests.fakes.fake_discord import (
    BOT_USER_ID,
    CLIENTS_CATEGORY_ID,
    EVERYONE_ROLE_ID,
    GUILD_ID,
    ONBOARDING_CHANNEL_ID,
    OTHER_USER_ID,
    TEAM_ROLE_ID,
    FakeDiscord,
)

from .conftest import DiscordUI, find, make_settings

CONSOLE = Actor("console", "test")
VIEW = discord.Permissions(view_channel=True).value
CREATE = rf"^/guilds/{GUILD_ID}/channels$"
ANNOUNCE = rf"^/channels/{ONBOARDING_CHANNEL_ID}/messages$"


@pytest.fixture
def settings() -> Settings:
    return make_settings(
        discord_clients_category_id=str(CLIENTS_CATEGORY_ID),
        discord_onboarding_role_id=str(TEAM_ROLE_ID),
        onboarding_discord_channel_id=str(ONBOARDING_CHANNEL_ID),
    )


@pytest.fixture
def worker(core: Core, bot: ClientesBot, settings: Settings) -> OutboxWorker:
    outbox = OutboxWorker(core.db, {})
    outbox.add(DiscordProvisioner(bot, settings))
    return outbox


# ------------------------------------------------------------------ helpers
def fields_of(message: dict) -> dict[str, str]:
    [embed] = message["embeds"]
    return {f["name"]: f["value"].replace("\\", "") for f in embed["fields"]}


async def client_naming_channel(ui: DiscordUI, channel: str = "Cliente ACME", user: str = "bruno.diaz") -> dict:
    """/clientes nuevo, then "Datos Servidor" with the Discord channel (and user); the card shown."""
    modal, _ = await ui.command("nuevo")
    _, payload = await ui.submit(modal, {"doc_type": ["6"], "doc_number": "20100070970", "name": "ACME S.A.C."})
    modal, _ = await ui.click(ui.message(payload), label=INTEGRATIONS.title)
    _, payload = await ui.submit(modal, {"discord_channel": channel, "discord_user": user})
    return ui.message(payload)


async def card_now(ui: DiscordUI) -> dict:
    _, payload = await ui.command("ver", {"cliente": "20100070970"})
    return ui.message(payload)


async def make_due(core: Core) -> None:
    async with core.db.session() as session, session.begin():
        await session.execute(update(OutboxJob).values(next_attempt_at=utcnow() - timedelta(seconds=1)))


async def jobs(core: Core) -> list[OutboxJob]:
    async with core.db.session() as session:
        return list((await session.execute(select(OutboxJob).order_by(OutboxJob.id))).scalars().all())


def overwrites(channel: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {int(o["id"]): o for o in channel["permission_overwrites"]}


def posts_to(fake: FakeDiscord, channel_id: int | str) -> list[dict[str, Any]]:
    """Bodies of the messages the bot posted to that channel (successful requests only)."""
    return [r.json for r in fake.requests_to("POST", rf"^/channels/{channel_id}/messages$", ok_only=True)]


# ------------------------------------------------------------------ tests
async def test_channel_is_created_private_and_announced(
    discord_ui: DiscordUI, fake: FakeDiscord, core: Core, worker: OutboxWorker
) -> None:
    card = await client_naming_channel(discord_ui)
    assert "#cliente-acme (pendiente)" in fields_of(card)[INTEGRATIONS.title]
    assert find(card, label="Canales")

    assert await worker.run_once() == 1

    [create] = fake.requests_to("POST", CREATE, ok_only=True)
    body = create.json
    assert body["name"] == "cliente-acme" and body["type"] == 0
    assert int(body["parent_id"]) == CLIENTS_CATEGORY_ID
    assert body["topic"] == "Cliente: ACME S.A.C. · RUC 20100070970 · Ficha: /clientes ver #1"  # back to the card
    channel = fake.channel_named("cliente-acme")
    assert channel is not None and channel["parent_id"] == str(CLIENTS_CATEGORY_ID)
    rules = overwrites(channel)
    assert int(rules[EVERYONE_ROLE_ID]["deny"]) & VIEW and rules[EVERYONE_ROLE_ID]["type"] == 0
    assert int(rules[TEAM_ROLE_ID]["allow"]) & VIEW and rules[TEAM_ROLE_ID]["type"] == 0  # a role overwrite
    assert int(rules[OTHER_USER_ID]["allow"]) & VIEW and rules[OTHER_USER_ID]["type"] == 1  # bruno.diaz
    assert int(rules[BOT_USER_ID]["allow"]) & VIEW and rules[BOT_USER_ID]["type"] == 1

    [welcome] = posts_to(fake, channel["id"])
    assert welcome["allowed_mentions"] == {"parse": []}
    assert f"<@{OTHER_USER_ID}>" in welcome["content"]
    [embed] = welcome["embeds"]
    assert embed["title"] == "ACME S.A.C." and not any(SERVER.title in f["name"] for f in embed["fields"])
    shown = {f["name"]: f["value"].replace("\\", "") for f in embed["fields"]}
    assert "#cliente-acme (listo)" in shown[INTEGRATIONS.title]
    [announcement] = posts_to(fake, ONBOARDING_CHANNEL_ID)
    assert announcement["allowed_mentions"] == {"parse": []}
    assert f"<#{channel['id']}>" in announcement["content"] and "ACME S.A.C." in announcement["content"]

    [job] = await jobs(core)
    assert job.status == "done"
    assert (await core.service.get(CONSOLE, 1)).discord_channel_id == channel["id"]
    card = await card_now(discord_ui)
    assert f"<#{channel['id']}> (listo)" in fields_of(card)[INTEGRATIONS.title]
    with pytest.raises(AssertionError):
        find(card, label="Canales")  # nothing left to retry


async def test_client_with_secrets_onboarding_card_shows_no_server(
    discord_ui: DiscordUI, fake: FakeDiscord, worker: OutboxWorker
) -> None:
    card = await client_naming_channel(discord_ui)
    modal, _ = await discord_ui.click(card, label=SERVER.add_label)
    await discord_ui.submit(modal, {"host": "erp.acme.pe", "username": "root", "password": "s3cr3t!"})

    await worker.run_once()

    channel = fake.channel_named("cliente-acme")
    assert channel is not None
    [welcome] = posts_to(fake, channel["id"])
    assert "s3cr3t" not in str(welcome) and "erp.acme.pe" not in str(welcome)
    assert "s3cr3t" not in str(posts_to(fake, ONBOARDING_CHANNEL_ID))


async def test_existing_channel_of_that_name_is_linked_not_duplicated(
    discord_ui: DiscordUI, fake: FakeDiscord, core: Core, worker: OutboxWorker
) -> None:
    existing = fake._add_channel({"type": 0, "name": "cliente-acme", "parent_id": CLIENTS_CATEGORY_ID, "position": 5})
    await client_naming_channel(discord_ui, channel="#Cliente  ACME")

    await worker.run_once()

    assert fake.requests_to("POST", CREATE) == []
    assert [c["name"] for c in fake.channels.values()].count("cliente-acme") == 1
    assert (await core.service.get(CONSOLE, 1)).discord_channel_id == existing["id"]
    [grant] = fake.requests_to("PUT", rf"^/channels/{existing['id']}/permissions/{OTHER_USER_ID}$", ok_only=True)
    assert grant.json["type"] == 1 and int(grant.json["allow"]) & VIEW  # the client's user is let in
    assert len(posts_to(fake, existing["id"])) == 1
    assert f"<#{existing['id']}> (listo)" in fields_of(await card_now(discord_ui))[INTEGRATIONS.title]


async def test_unknown_discord_user_still_creates_the_channel(
    discord_ui: DiscordUI, fake: FakeDiscord, core: Core, worker: OutboxWorker
) -> None:
    await client_naming_channel(discord_ui, user="nadie.aqui")

    await worker.run_once()

    channel = fake.channel_named("cliente-acme")
    assert channel is not None
    assert set(overwrites(channel)) == {EVERYONE_ROLE_ID, TEAM_ROLE_ID, BOT_USER_ID}
    [welcome] = posts_to(fake, channel["id"])
    assert "No se encontró al usuario de Discord «nadie.aqui»" in welcome["content"]
    [job] = await jobs(core)
    assert job.status == "done"


async def test_missing_permission_is_shown_and_canales_command_retries(
    discord_ui: DiscordUI, fake: FakeDiscord, core: Core, worker: OutboxWorker
) -> None:
    await client_naming_channel(discord_ui)
    fake.fail_next("POST", CREATE, status=403)  # 50013 Missing Permissions

    await worker.run_once()

    [job] = await jobs(core)
    assert job.status == "failed"
    assert fake.channel_named("cliente-acme") is None and posts_to(fake, ONBOARDING_CHANNEL_ID) == []
    card = await card_now(discord_ui)
    row = fields_of(card)[INTEGRATIONS.title]
    assert "#cliente-acme (error: el bot no tiene el permiso Gestionar canales" in row
    assert "SaaS Clientes" in row

    answer, payload = await discord_ui.command("canales", {"cliente": "20100070970"})
    assert answer.ephemeral
    reply = discord_ui.message(payload)
    # no worker wired to this service: no promise of seconds
    assert (
        "Discord: \\#cliente-acme (pendiente) — se intentará en cuanto el bot esté conectado a Discord"
        in (reply["content"])
    )
    assert [j.status for j in await jobs(core)] == ["failed", "pending"]
    core.service.on_outbox = worker.notify  # as `clientes-bot run` wires it: this worker serves Discord
    _, payload = await discord_ui.command("canales", {"cliente": "20100070970"})
    assert (
        "Discord: \\#cliente-acme (pendiente) — se intentará en unos segundos" in discord_ui.message(payload)["content"]
    )

    assert await worker.run_once() == 1
    assert fake.channel_named("cliente-acme") is not None
    assert (
        f"<#{fake.channel_named('cliente-acme')['id']}> (listo)"
        in fields_of(await card_now(discord_ui))[INTEGRATIONS.title]
    )


async def test_canales_button_on_the_card_retries(
    discord_ui: DiscordUI, fake: FakeDiscord, core: Core, worker: OutboxWorker
) -> None:
    await client_naming_channel(discord_ui)
    fake.fail_next("POST", CREATE, status=403, code=50001, message="Missing Access")
    await worker.run_once()
    card = await card_now(discord_ui)

    answer, payload = await discord_ui.click(card, label="Canales")

    assert answer.type == 4 and answer.ephemeral
    reply = discord_ui.message(payload)
    assert "Canales de «ACME S.A.C.»" in reply["content"]
    assert "#cliente-acme (pendiente)" in fields_of(reply)[INTEGRATIONS.title]
    await worker.run_once()
    assert (await core.service.get(CONSOLE, 1)).discord_channel_id == fake.channel_named("cliente-acme")["id"]
    answer, payload = await discord_ui.command("canales", {"cliente": "ACME"})
    assert "Discord: \\#cliente-acme (listo)" in discord_ui.message(payload)["content"]


async def test_short_rate_limit_is_waited_out_by_discord_py(
    discord_ui: DiscordUI, fake: FakeDiscord, core: Core, worker: OutboxWorker
) -> None:
    await client_naming_channel(discord_ui)
    fake.fail_next("POST", CREATE, status=429, retry_after=0.05)

    await worker.run_once()

    assert len(fake.requests_to("POST", CREATE)) == 2  # the 429, then the retry
    assert [j.status for j in await jobs(core)] == ["done"]


async def test_long_rate_limit_reschedules_the_job(
    discord_ui: DiscordUI, fake: FakeDiscord, core: Core, worker: OutboxWorker
) -> None:
    await client_naming_channel(discord_ui)
    fake.fail_next("POST", CREATE, status=429, retry_after=90)
    before = utcnow()

    await worker.run_once()

    [job] = await jobs(core)
    assert job.status == "pending" and "429" in (job.last_error or "")
    assert job.next_attempt_at.replace(tzinfo=before.tzinfo) >= before + timedelta(seconds=89)
    assert "(pendiente)" in fields_of(await card_now(discord_ui))[INTEGRATIONS.title]
    assert await worker.run_once() == 0  # not due yet
    await make_due(core)
    assert await worker.run_once() == 1
    assert fake.channel_named("cliente-acme") is not None
    assert [j.status for j in await jobs(core)] == ["done"]


async def test_retry_after_failed_announcement_posts_nothing_twice(
    discord_ui: DiscordUI, fake: FakeDiscord, core: Core, worker: OutboxWorker
) -> None:
    await client_naming_channel(discord_ui)
    fake.fail_next("POST", ANNOUNCE, status=429, retry_after=60)

    await worker.run_once()

    [job] = await jobs(core)
    assert job.status == "pending"
    channel = fake.channel_named("cliente-acme")
    assert channel is not None and len(posts_to(fake, channel["id"])) == 1
    assert posts_to(fake, ONBOARDING_CHANNEL_ID) == []

    await make_due(core)
    await worker.run_once()

    assert len(fake.requests_to("POST", CREATE)) == 1
    assert [c["name"] for c in fake.channels.values()].count("cliente-acme") == 1
    assert len(posts_to(fake, channel["id"])) == 1  # the card was already there
    assert len(posts_to(fake, ONBOARDING_CHANNEL_ID)) == 1
    assert [j.status for j in await jobs(core)] == ["done"]

    # one more run of the same job (e.g. the link was lost): still one channel, one card, one announcement
    async with core.db.session() as session, session.begin():
        await session.execute(update(OutboxJob).values(status="pending"))
    await make_due(core)
    await worker.run_once()
    assert len(fake.requests_to("POST", CREATE)) == 1
    assert len(posts_to(fake, channel["id"])) == 1 and len(posts_to(fake, ONBOARDING_CHANNEL_ID)) == 1


async def test_one_server_error_is_retried_by_discord_py(
    discord_ui: DiscordUI, fake: FakeDiscord, core: Core, worker: OutboxWorker
) -> None:
    """A single 500 costs about a second (discord.py's own retry); the job still ends done."""
    await client_naming_channel(discord_ui)
    fake.fail_next("POST", CREATE, status=500)

    await worker.run_once()

    assert [j.status for j in await jobs(core)] == ["done"]
    assert [c["name"] for c in fake.channels.values()].count("cliente-acme") == 1


async def test_unknown_category_fails_naming_the_setting(
    discord_ui: DiscordUI, fake: FakeDiscord, core: Core, bot: ClientesBot
) -> None:
    await client_naming_channel(discord_ui)
    worker = OutboxWorker(core.db, {})
    worker.add(DiscordProvisioner(bot, make_settings(discord_clients_category_id="1310000000000009999")))

    await worker.run_once()

    [job] = await jobs(core)
    assert job.status == "failed" and "DISCORD_CLIENTS_CATEGORY_ID=1310000000000009999 no existe" in job.last_error
    assert "DISCORD_CLIENTS_CATEGORY_ID" in fields_of(await card_now(discord_ui))[INTEGRATIONS.title]


async def test_no_guild_configured_fails_naming_the_settings(
    discord_ui: DiscordUI, core: Core, bot: ClientesBot
) -> None:
    await client_naming_channel(discord_ui)
    worker = OutboxWorker(core.db, {})
    worker.add(DiscordProvisioner(bot, Settings(_env_file=None, discord_bot_token="x")))  # type: ignore[call-arg]

    await worker.run_once()

    [job] = await jobs(core)
    assert job.status == "failed"
    assert "DISCORD_CLIENTS_CATEGORY_ID" in job.last_error and "DISCORD_GUILD_IDS" in job.last_error


async def test_without_category_the_channel_goes_to_the_first_guild(
    discord_ui: DiscordUI, fake: FakeDiscord, core: Core, bot: ClientesBot
) -> None:
    await client_naming_channel(discord_ui, user="")
    worker = OutboxWorker(core.db, {})
    worker.add(DiscordProvisioner(bot, make_settings()))

    await worker.run_once()

    [create] = fake.requests_to("POST", CREATE, ok_only=True)
    assert "parent_id" not in create.json or create.json["parent_id"] is None
    assert set(overwrites(fake.channel_named("cliente-acme"))) == {EVERYONE_ROLE_ID, BOT_USER_ID}
    assert fake.requests_to("GET", r"/members/search") == []
    assert [j.status for j in await jobs(core)] == ["done"]


async def test_an_api_message_is_posted_once_the_channel_exists(
    discord_ui: DiscordUI, fake: FakeDiscord, core: Core, bot: ClientesBot, worker: OutboxWorker
) -> None:
    """HTTP API → outbox → `DiscordMessenger`: queued before the channel exists, posted right after it."""
    api = Actor("api", "onboarding")
    await client_naming_channel(discord_ui)
    card = await core.service.find(api, "20100070970")
    await core.service.post_message(api, card.id, "Hola @everyone: su servidor <@&1> está listo")
    worker.add_messenger(DiscordMessenger(bot))
    assert await worker.run_once() == 2  # the channel is created, then the message is posted in it
    channel_id = (await core.service.get(api, card.id)).discord_channel_id
    posted = [r.json for r in fake.requests_to("POST", rf"^/channels/{channel_id}/messages$", ok_only=True)]
    [message] = [m for m in posted if m.get("content", "").startswith("Hola")]
    assert message["content"] == "Hola @everyone: su servidor <@&1> está listo"
    assert message["allowed_mentions"] == {"parse": []}


STAFF_ONLY = [{"id": str(EVERYONE_ROLE_ID), "type": 0, "allow": "0", "deny": str(VIEW)}]


async def test_a_same_named_channel_outside_the_category_is_never_linked(
    discord_ui: DiscordUI, fake: FakeDiscord, core: Core, worker: OutboxWorker
) -> None:
    """An editor naming a private staff channel must not let the client's user into it."""
    staff = fake._add_channel({"type": 0, "name": "cliente-acme", "permission_overwrites": STAFF_ONLY})
    await client_naming_channel(discord_ui)

    await worker.run_once()

    assert fake.requests_to("PUT", rf"^/channels/{staff['id']}/permissions/") == []  # untouched
    assert fake.channels[int(staff["id"])]["permission_overwrites"] == STAFF_ONLY
    assert posts_to(fake, staff["id"]) == [] and fake.requests_to("POST", CREATE) == []
    [job] = await jobs(core)
    assert job.status == "failed"
    assert (await core.service.get(CONSOLE, 1)).discord_channel_id is None
    row = fields_of(await card_now(discord_ui))[INTEGRATIONS.title]
    assert "ya existe un canal #cliente-acme fuera de la categoría de clientes; elija otro nombre" in row


async def test_only_the_same_named_channel_inside_the_category_is_linked(
    discord_ui: DiscordUI, fake: FakeDiscord, core: Core, worker: OutboxWorker
) -> None:
    staff = fake._add_channel({"type": 0, "name": "cliente-acme", "permission_overwrites": STAFF_ONLY})
    ours = fake._add_channel({"type": 0, "name": "cliente-acme", "parent_id": CLIENTS_CATEGORY_ID})
    await client_naming_channel(discord_ui)

    await worker.run_once()

    assert (await core.service.get(CONSOLE, 1)).discord_channel_id == ours["id"]
    assert fake.requests_to("PUT", rf"^/channels/{ours['id']}/permissions/{OTHER_USER_ID}$", ok_only=True)
    assert fake.requests_to("PUT", rf"^/channels/{staff['id']}/permissions/") == []
    assert posts_to(fake, staff["id"]) == []


async def test_without_category_only_the_bots_own_channel_is_linked(
    discord_ui: DiscordUI, fake: FakeDiscord, core: Core, bot: ClientesBot
) -> None:
    """No DISCORD_CLIENTS_CATEGORY_ID: a stranger's channel of that name is refused; the one the bot
    made for this client (its topic) is linked again, so a retried job never makes a second one."""
    staff = fake._add_channel({"type": 0, "name": "cliente-acme", "permission_overwrites": STAFF_ONLY})
    await client_naming_channel(discord_ui)
    worker = OutboxWorker(core.db, {})
    worker.add(DiscordProvisioner(bot, make_settings()))

    await worker.run_once()

    assert fake.requests_to("PUT", rf"^/channels/{staff['id']}/permissions/") == []
    assert posts_to(fake, staff["id"]) == [] and fake.requests_to("POST", CREATE) == []
    [job] = await jobs(core)
    assert job.status == "failed" and "ya existe un canal #cliente-acme que el bot no creó" in job.last_error

    fake.channels[int(staff["id"])]["topic"] = (
        "Cliente: ACME S.A.C. · RUC 20100070970 · Ficha: /clientes ver #1"  # the bot's own topic
    )

    await discord_ui.command("canales", {"cliente": "20100070970"})
    await worker.run_once()
    assert (await core.service.get(CONSOLE, 1)).discord_channel_id == staff["id"]
    assert fake.requests_to("POST", CREATE) == []


CLIENT_POSTS = rf"^/channels/(?!{ONBOARDING_CHANNEL_ID}/)\d+/messages$"


async def run_until_held(worker: OutboxWorker, hold: Any) -> None:
    """Runs the worker until the fake holds the answer it waits for, then stops it like a shutdown."""
    task = asyncio.create_task(worker.run_once())
    await asyncio.wait_for(hold.reached.wait(), 10)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def test_a_card_posted_before_the_worker_stopped_is_found_in_the_job_not_posted_again(
    discord_ui: DiscordUI, fake: FakeDiscord, core: Core, worker: OutboxWorker, bot: ClientesBot, settings: Settings
) -> None:
    """The same mechanism as Slack's: the intent (with the nonce sent) is in the job; the next worker
    looks for the card before posting, and posts only the announcement."""
    await client_naming_channel(discord_ui)
    hold = fake.hold_next("POST", CLIENT_POSTS)

    await run_until_held(worker, hold)

    channel = fake.channel_named("cliente-acme")
    assert channel is not None and len(posts_to(fake, channel["id"])) == 1
    [job] = await jobs(core)
    assert (job.status, job.attempts, set(job.payload["intents"])) == ("pending", 0, {"card"})
    nonce = posts_to(fake, channel["id"])[0]["nonce"]
    assert job.payload["intents"]["card"] == nonce and posts_to(fake, channel["id"])[0]["enforce_nonce"] is True

    again = OutboxWorker(core.db, {})
    again.add(DiscordProvisioner(bot, settings))
    assert await again.run_once() == 1

    assert len(fake.channel_messages(int(channel["id"]))) == 1 and len(posts_to(fake, channel["id"])) == 1
    assert len(posts_to(fake, ONBOARDING_CHANNEL_ID)) == 1
    assert len(fake.requests_to("POST", CREATE)) == 1
    [job] = await jobs(core)
    assert job.status == "done" and job.payload["progress"]["created"] == str(channel["id"])


async def test_without_history_the_nonce_keeps_the_card_single(
    discord_ui: DiscordUI, fake: FakeDiscord, core: Core, worker: OutboxWorker
) -> None:
    """History unreadable (403): the post is made again with the same nonce, and Discord returns the
    earlier message instead of a second one."""
    await client_naming_channel(discord_ui)
    hold = fake.hold_next("POST", CLIENT_POSTS)
    await run_until_held(worker, hold)
    fake.fail_next("GET", r"^/channels/\d+/messages$", status=403, code=50001, message="Missing Access")

    assert await worker.run_once() == 1

    channel = fake.channel_named("cliente-acme")
    assert channel is not None
    assert len(posts_to(fake, channel["id"])) == 2  # asked twice...
    assert len(fake.channel_messages(int(channel["id"]))) == 1  # ...created once
    assert [j.status for j in await jobs(core)] == ["done"]


async def test_an_api_message_posted_before_the_worker_stopped_is_not_posted_again(
    discord_ui: DiscordUI, fake: FakeDiscord, core: Core, worker: OutboxWorker, bot: ClientesBot
) -> None:
    """Discord's own dedupe: the job's key went out as the nonce, and goes out again on the retry."""
    worker.add_messenger(DiscordMessenger(bot))
    await client_naming_channel(discord_ui)
    await worker.run_once()
    channel = fake.channel_named("cliente-acme")
    assert channel is not None
    await core.service.post_message(CONSOLE, 1, "Su servidor está listo", ["discord"])
    hold = fake.hold_next("POST", rf"^/channels/{channel['id']}/messages$")

    await run_until_held(worker, hold)
    assert await worker.run_once() == 1

    assert len(posts_to(fake, channel["id"])) == 3  # the card, and the message asked twice...
    contents = [m["content"] for m in fake.channel_messages(int(channel["id"]))]
    assert contents.count("Su servidor está listo") == 1  # ...created once
    assert [j.status for j in await jobs(core)] == ["done", "done"]
