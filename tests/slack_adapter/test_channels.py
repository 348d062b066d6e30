"""Client channels on Slack, end to end: a client saved through the real Bolt app names a channel, the
real :class:`OutboxWorker` runs the real :class:`SlackProvisioner` on a Web API client built like the
app's (``build_client``: same base URL, same 429 retries) against the fake Slack, and the tests read
what the fake received and what the client's card says afterwards.

Backoff waits are skipped by making jobs due in the database (as time passing would); 429 retries of
slack_sdk sleep ``Retry-After`` (0 here) plus a random jitter, patched to 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from bot.slack import ids
from bot.slack.app import build_client
from bot.slack.messenger import SlackMessenger
from bot.slack.provisioner import SlackProvisioner
from bot.slack.runner import build
from commands.channels import new_key
from commands.outbox import OutboxWorker
from commands.views import ClientCard
from storage.models import OutboxJob, utcnow
from tests.fakes.fake_slack import BOT_USER_ID, DEFAULT_USER_ID, OTHER_USER_ID, FakeSlack, SlackError

from .conftest import Slack
from .helpers import ALICE, CLIENT_ANSWERS, RUC, all_text

CHANNEL = "super-mercados-peru"  # what "#Súper Mercados Perú" becomes on Slack
NEWS = "C0NUEVOS"  # ONBOARDING_SLACK_CHANNEL
CAROL = "U0CAROL"
ANSWERS = {
    **CLIENT_ANSWERS,
    "integrations.slack_channel": "#Súper Mercados Perú",
    "server.0.host": "erp.spsa.pe",
    "server.0.ip": "203.0.113.10",
    "server.0.username": "root",
    "server.0.password": "s3cr3t",
}


@pytest.fixture(autouse=True)
def no_jitter(monkeypatch: pytest.MonkeyPatch) -> None:
    """slack_sdk's 429 handler sleeps Retry-After + random(); with Retry-After 0 that is no sleep."""
    monkeypatch.setattr(random, "random", lambda: 0.0)


@pytest.fixture
def slack(make_slack: Callable[..., Slack], fake: FakeSlack) -> Slack:
    fake.add_user(CAROL, "carol")
    fake.add_channel("clientes-nuevos", channel_id=NEWS)
    return make_slack(
        slack_onboarding_users=f"{OTHER_USER_ID},{CAROL},{BOT_USER_ID}",  # the bot: cant_invite_self, skipped
        onboarding_slack_channel=NEWS,
    )


def worker_for(slack: Slack) -> OutboxWorker:
    worker = OutboxWorker(slack.core.db, {})
    worker.add(SlackProvisioner(build_client(slack.core.settings), slack.core.settings))
    return worker


async def create(slack: Slack, **answers: Any) -> ClientCard:
    """Saves a client through the real modal (signed view_submission); returns its card."""
    view = await slack.open_modal("nuevo")
    ack = await slack.submit(view, {**ANSWERS, **answers})
    assert ack["response_action"] == "update", ack
    return await slack.service.find(ALICE, RUC)


async def jobs(slack: Slack) -> list[OutboxJob]:
    async with slack.core.db.session() as session:
        return list((await session.execute(select(OutboxJob).order_by(OutboxJob.id))).scalars().all())


async def make_due(slack: Slack) -> None:
    """Skips the backoff wait, as time passing would."""
    async with slack.core.db.session() as session, session.begin():
        await session.execute(update(OutboxJob).values(next_attempt_at=utcnow() - timedelta(seconds=1)))


def posts_to(fake: FakeSlack, channel: str) -> list[Any]:
    return [c for c in fake.calls_to("chat.postMessage") if c.params.get("channel") == channel and c.ok]


def slack_channel_text(card: ClientCard) -> str:
    status = card.channel("slack")
    assert status is not None
    return status.text


async def test_a_new_client_gets_its_channel_topic_team_card_and_announcement(slack: Slack) -> None:
    fake = slack.fake
    card = await create(slack)
    assert slack_channel_text(card) == f"#{CHANNEL} (pendiente)"

    assert await worker_for(slack).run_once() == 1

    channel = fake.channel_named(CHANNEL)
    assert channel is not None and not channel.is_private
    assert channel.topic == f"Cliente: Supermercados Peruanos S.A. · RUC 20100070970 · Ficha: /clientes ver #{card.id}"
    assert {BOT_USER_ID, OTHER_USER_ID, CAROL} <= channel.members
    (invite,) = fake.calls_to("conversations.invite")
    assert invite.params["channel"] == channel.id
    (welcome,) = posts_to(fake, channel.id)
    text = all_text(welcome.params["blocks"])
    assert "Supermercados Peruanos S.A." in text and "Plaza Vea" in text and f"#{CHANNEL} (listo)" in text
    assert "erp.spsa.pe" not in text and "203.0.113.10" not in text and "s3cr3t" not in text
    assert not [b for b in welcome.params["blocks"] if b["type"] == "actions"]
    (news,) = posts_to(fake, NEWS)
    assert f"<#{channel.id}>" in news.params["text"] and "Supermercados Peruanos S.A." in news.params["text"]

    after = await slack.service.get(ALICE, card.id)
    assert after.slack_channel_id == channel.id and slack_channel_text(after) == f"#{CHANNEL} (listo)"
    assert [j.status for j in await jobs(slack)] == ["done"]
    reply = await slack.command(f"ver {RUC}")
    assert f"<#{channel.id}> (listo)" in all_text(reply["blocks"])  # a real link on Slack once it exists
    assert "Reintentar canales" not in all_text(reply["blocks"])


async def test_a_taken_name_links_the_existing_channel_without_touching_its_topic(slack: Slack) -> None:
    fake = slack.fake
    for n in range(5):  # the channel is on the third page of conversations.list
        fake.add_channel(f"otro-{n}")
    existing = fake.add_channel(CHANNEL, members=[DEFAULT_USER_ID], bot_is_member=False)
    existing.topic = "Soporte SPSA (no tocar)"
    card = await create(slack)
    worker = worker_for(slack)
    worker.provisioners["slack"].list_page = 3  # type: ignore[attr-defined]  # several pages

    assert await worker.run_once() == 1

    assert [c.name for c in fake.channels.values()].count(CHANNEL) == 1
    assert existing.topic == "Soporte SPSA (no tocar)" and not fake.calls_to("conversations.setTopic")
    assert len(fake.calls_to("conversations.list")) == 3
    assert fake.last("conversations.join").params["channel"] == existing.id
    assert {BOT_USER_ID, OTHER_USER_ID, CAROL} <= existing.members
    assert len(posts_to(fake, existing.id)) == 1
    assert "canal vinculado" in posts_to(fake, NEWS)[0].params["text"]
    after = await slack.service.get(ALICE, card.id)
    assert after.slack_channel_id == existing.id and slack_channel_text(after) == f"#{CHANNEL} (listo)"


async def test_an_archived_channel_of_that_name_is_reported_in_spanish(slack: Slack) -> None:
    slack.fake.add_channel(CHANNEL, is_archived=True)
    card = await create(slack)
    await worker_for(slack).run_once()
    text = slack_channel_text(await slack.service.get(ALICE, card.id))
    assert text.startswith(f"#{CHANNEL} (error: el canal #{CHANNEL} existe en Slack pero está archivado")
    assert not slack.fake.calls_to("chat.postMessage")


async def test_rate_limited_beyond_the_client_retries_stays_pending_then_succeeds(slack: Slack) -> None:
    fake = slack.fake
    card = await create(slack)
    fake.fail_next("conversations.create", status=429, retry_after=0, times=2)  # absorbed by the 2 retries
    fake.fail_next("conversations.create", status=429, retry_after=60)
    worker = worker_for(slack)
    before = utcnow()

    assert await worker.run_once() == 1

    assert len(fake.calls_to("conversations.create")) == 3 and fake.channel_named(CHANNEL) is None
    (job,) = await jobs(slack)
    assert job.status == "pending" and job.attempts == 1 and "ratelimited" in (job.last_error or "")
    assert job.next_attempt_at.replace(tzinfo=before.tzinfo) >= before + timedelta(seconds=59)
    assert slack_channel_text(await slack.service.get(ALICE, card.id)) == f"#{CHANNEL} (pendiente)"
    assert await worker.run_once() == 0  # Slack's Retry-After is honoured

    await make_due(slack)
    assert await worker.run_once() == 1
    assert fake.channel_named(CHANNEL) is not None
    assert slack_channel_text(await slack.service.get(ALICE, card.id)) == f"#{CHANNEL} (listo)"


async def test_server_errors_are_retried(slack: Slack) -> None:
    card = await create(slack)
    slack.fake.fail_next("conversations.create", status=503)
    worker = worker_for(slack)
    await worker.run_once()
    (job,) = await jobs(slack)
    assert job.status == "pending" and "503" in (job.last_error or "")
    await make_due(slack)
    await worker.run_once()
    assert (await slack.service.get(ALICE, card.id)).slack_channel_id == slack.fake.channel_named(CHANNEL).id


async def test_missing_scope_shows_on_the_card_and_canales_retries_it(slack: Slack) -> None:
    fake = slack.fake
    card = await create(slack)
    fake.fail_next("conversations.create", error="missing_scope", needed="channels:manage")
    worker = worker_for(slack)

    await worker.run_once()

    (job,) = await jobs(slack)
    assert job.status == "failed" and fake.channel_named(CHANNEL) is None
    reply = await slack.command(f"ver {RUC}")
    shown = all_text(reply["blocks"])
    assert f"#{CHANNEL} (error: falta el permiso channels:manage de la app de Slack" in shown
    assert "reinstálela" in shown
    assert any(
        e["action_id"] == ids.CLIENT_CHANNELS for b in reply["blocks"] if b["type"] == "actions" for e in b["elements"]
    )

    again = await slack.command(f"canales {RUC}")  # the scope was added and the app reinstalled

    note = all_text(again["blocks"])  # no worker in this process: no promise of seconds
    assert f"Canales: Slack #{CHANNEL} (pendiente) — se intentará en cuanto el bot esté conectado a Slack." in note
    slack.service.on_outbox = worker.notify  # wired as `clientes-bot run` does: this worker serves Slack
    note = all_text((await slack.command(f"canales {RUC}"))["blocks"])
    assert f"Canales: Slack #{CHANNEL} (pendiente) — se intentará en unos segundos." in note
    assert [j.status for j in await jobs(slack)] == ["failed", "pending"]
    assert await worker.run_once() == 1
    channel = fake.channel_named(CHANNEL)
    assert channel is not None and len(posts_to(fake, channel.id)) == 1
    assert slack_channel_text(await slack.service.get(ALICE, card.id)) == f"#{CHANNEL} (listo)"


async def test_the_card_button_retries_the_channels(slack: Slack) -> None:
    card = await create(slack)
    slack.fake.fail_next("conversations.create", error="restricted_action")
    worker = worker_for(slack)
    await worker.run_once()
    shown = await slack.command(f"ver {RUC}")
    assert "pida a un administrador de Slack" in all_text(shown["blocks"])

    clicked = await slack.click(shown["blocks"], ids.CLIENT_CHANNELS)

    assert clicked["replace_original"] is True
    assert f"Slack #{CHANNEL} (pendiente)" in all_text(clicked["blocks"])
    await worker.run_once()
    assert slack_channel_text(await slack.service.get(ALICE, card.id)) == f"#{CHANNEL} (listo)"


async def test_a_retry_after_the_card_was_posted_does_not_post_it_twice(
    slack: Slack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The announcement (the last step) fails with a passing error after the card was posted in the
    client's channel: the job is retried — by a restarted bot — which links the channel this job created
    (still "created", so the topic stays ours), posts only the missing announcement, and the card stays
    single."""
    fake = slack.fake
    card = await create(slack)
    post = fake._methods["chat.postMessage"]  # the fake's own handler, failing once for the onboarding channel
    failed: list[str] = []

    def flaky(params: dict[str, Any]) -> dict[str, Any]:
        if params.get("channel") == NEWS and not failed:
            failed.append(NEWS)
            raise SlackError("service_unavailable")
        return post(params)

    monkeypatch.setitem(fake._methods, "chat.postMessage", flaky)
    worker = worker_for(slack)

    await worker.run_once()

    channel = fake.channel_named(CHANNEL)
    assert channel is not None and len(posts_to(fake, channel.id)) == 1 and not posts_to(fake, NEWS)
    (job,) = await jobs(slack)
    assert job.status == "pending" and job.last_error == "Slack no está disponible por ahora; se reintentará"
    assert (await slack.service.get(ALICE, card.id)).slack_channel_id is None

    await make_due(slack)
    await worker_for(slack).run_once()  # a new process: what was posted is known from the stored job

    assert len(posts_to(fake, channel.id)) == 1 and len(posts_to(fake, NEWS)) == 1
    assert "canal nuevo" in posts_to(fake, NEWS)[0].params["text"]
    assert [c.name for c in fake.channels.values()].count(CHANNEL) == 1
    assert len(fake.calls_to("conversations.setTopic")) == 1
    assert (await slack.service.get(ALICE, card.id)).slack_channel_id == channel.id


async def test_canales_without_channels_and_unknown_onboarding_channel(make_slack: Callable[..., Slack]) -> None:
    """`canales` on a client with no channel explains how to add one; a wrong ONBOARDING_SLACK_CHANNEL
    does not keep the client's channel from being ready."""
    slack = make_slack(onboarding_slack_channel="C0NOEXISTE")
    await create(slack, **{"integrations.slack_channel": ""})
    reply = await slack.command(f"canales {RUC}")
    assert "no tiene canal de Slack ni de Discord" in all_text(reply["blocks"])

    edit_card = await slack.service.find(ALICE, RUC)
    await slack.service.edit_section(ALICE, edit_card.id, "integrations", {"slack_channel": "acme"}, edit_card.version)
    await worker_for(slack).run_once()
    assert slack_channel_text(await slack.service.get(ALICE, edit_card.id)) == "#acme (listo)"
    assert not [c for c in slack.fake.calls_to("chat.postMessage") if c.params.get("channel") == "C0NOEXISTE" and c.ok]


async def test_invite_problems_do_not_stop_the_channel(slack: Slack) -> None:
    card = await create(slack)
    slack.fake.fail_next("conversations.invite", error="user_is_restricted")
    await worker_for(slack).run_once()
    assert slack_channel_text(await slack.service.get(ALICE, card.id)) == f"#{CHANNEL} (listo)"
    assert len(posts_to(slack.fake, slack.fake.channel_named(CHANNEL).id)) == 1


async def test_run_slack_registers_the_provisioner_and_messenger_on_the_app_client(slack: Slack) -> None:
    """The runner's worker gets Slack's provisioner and messenger, on the very client the app uses; an
    onboarding flow's message (queued like the HTTP API does) then reaches the client's channel escaped."""
    worker = OutboxWorker(slack.core.db, {})
    app = build(slack.core, worker)
    assert worker.provisioners["slack"].client is app.client  # type: ignore[attr-defined]
    card = await create(slack)
    await worker.run_once()
    channel = slack.fake.channel_named(CHANNEL)
    assert channel is not None

    await slack.service.post_message(ALICE, card.id, "Bienvenidos <!channel> & equipo", ["slack"])
    await worker.run_once()

    last = posts_to(slack.fake, channel.id)[-1]
    assert last.params["text"] == "Bienvenidos &lt;!channel&gt; &amp; equipo"
    assert [j.status for j in await jobs(slack)] == ["done", "done"]


@pytest.mark.parametrize("flag", ["is_ext_shared", "is_org_shared"])
async def test_a_linked_channel_shared_outside_gets_a_note_not_the_card(slack: Slack, flag: str, caplog) -> None:
    fake = slack.fake
    existing = fake.add_channel(CHANNEL, members=[DEFAULT_USER_ID], **{flag: True})
    card = await create(slack)

    assert await worker_for(slack).run_once() == 1

    (note,) = posts_to(fake, existing.id)
    text = note.params["text"] + all_text(note.params["blocks"])
    assert "Este canal quedó vinculado al cliente Supermercados Peruanos S.A." in text
    for private in ("Plaza Vea", "SP-01", "erp.spsa.pe", "s3cr3t", "Datos del cliente"):
        assert private not in text
    assert f"#{CHANNEL} está compartido fuera del espacio de trabajo" in caplog.text
    assert "canal vinculado" in posts_to(fake, NEWS)[0].params["text"]  # the internal announcement stays
    after = await slack.service.get(ALICE, card.id)
    assert after.slack_channel_id == existing.id and slack_channel_text(after) == f"#{CHANNEL} (listo)"


async def run_until_held(worker: OutboxWorker, hold: Any) -> None:
    """Runs the worker until the fake holds the answer it is waiting for, then stops it like a shutdown
    (the effect happened at Slack; the worker never heard back)."""
    task = asyncio.create_task(worker.run_once())
    await asyncio.wait_for(hold.reached.wait(), 10)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def test_a_card_posted_before_the_worker_stopped_is_found_not_posted_again(slack: Slack) -> None:
    """Slack posted the card but the worker stopped before the answer came back: the job is handed back
    (pending, due now, the attempt not counted) with the post's intent stored; the next worker finds
    the message by the key in its metadata and posts only the announcement."""
    fake = slack.fake
    card = await create(slack)
    hold = fake.hold_next("chat.postMessage")

    await run_until_held(worker_for(slack), hold)

    channel = fake.channel_named(CHANNEL)
    assert channel is not None and len(posts_to(fake, channel.id)) == 1
    (job,) = await jobs(slack)
    assert (job.status, job.attempts, job.claimed_by) == ("pending", 0, None)
    assert job.next_attempt_at.replace(tzinfo=None) <= utcnow().replace(tzinfo=None)
    assert set(job.payload["intents"]) == {"card"} and "card" not in job.payload["progress"]

    assert await worker_for(slack).run_once() == 1

    assert len(posts_to(fake, channel.id)) == 1 and len(posts_to(fake, NEWS)) == 1
    (history,) = fake.calls_to("conversations.history")
    assert history.params["channel"] == channel.id
    assert "canal nuevo" in posts_to(fake, NEWS)[0].params["text"]  # still this job's own channel
    assert (await slack.service.get(ALICE, card.id)).slack_channel_id == channel.id
    (job,) = await jobs(slack)
    assert job.status == "done" and job.payload["progress"]["card"] == posts_to(fake, channel.id)[0].response["ts"]


async def test_a_channel_created_before_the_worker_stopped_counts_as_created(slack: Slack) -> None:
    fake = slack.fake
    await create(slack)
    hold = fake.hold_next("conversations.create")

    await run_until_held(worker_for(slack), hold)
    assert await worker_for(slack).run_once() == 1

    channel = fake.channel_named(CHANNEL)
    assert channel is not None and [c.name for c in fake.channels.values()].count(CHANNEL) == 1
    assert channel.topic.startswith("Cliente: ")  # created by this job: the topic is set
    assert len(posts_to(fake, channel.id)) == 1 and "canal nuevo" in posts_to(fake, NEWS)[0].params["text"]


async def test_without_history_access_an_unconfirmed_card_is_posted_again_with_a_warning(
    slack: Slack, caplog: pytest.LogCaptureFixture
) -> None:
    """The documented fallback when the app lacks channels:history: at least once, and it says so."""
    fake = slack.fake
    await create(slack)
    hold = fake.hold_next("chat.postMessage")
    await run_until_held(worker_for(slack), hold)
    fake.fail_next("conversations.history", error="missing_scope", needed="channels:history")

    assert await worker_for(slack).run_once() == 1

    channel = fake.channel_named(CHANNEL)
    assert channel is not None and len(posts_to(fake, channel.id)) == 2
    assert "cannot check whether 'card' was already done" in caplog.text
    assert [j.status for j in await jobs(slack)] == ["done"]


async def test_an_api_message_posted_before_the_worker_stopped_is_not_posted_again(slack: Slack) -> None:
    fake = slack.fake
    card = await create(slack)
    await worker_for(slack).run_once()
    channel = fake.channel_named(CHANNEL)
    assert channel is not None
    await slack.service.post_message(ALICE, card.id, "Su servidor está listo", ["slack"])
    hold = fake.hold_next("chat.postMessage")

    def with_messenger() -> OutboxWorker:
        worker = worker_for(slack)
        worker.add_messenger(SlackMessenger(build_client(slack.core.settings)))
        return worker

    await run_until_held(with_messenger(), hold)
    assert await with_messenger().run_once() == 1

    texts = [c.params["text"] for c in posts_to(fake, channel.id)]
    assert texts.count("Su servidor está listo") == 1
    assert [j.status for j in await jobs(slack)] == ["done", "done"]


async def test_an_unconfirmed_creation_never_claims_an_older_channel_of_that_name(slack: Slack) -> None:
    """An attempt meant to create the channel and died; the channel of that name the retry finds is an
    older one of the bot (another client's): linked, its topic kept — not counted as this job's."""
    fake = slack.fake
    older = fake.add_channel(CHANNEL)
    older.topic, older.created = "Cliente: Otro S.A.C.", int(time.time()) - 3600
    await create(slack)
    async with slack.core.db.session() as session, session.begin():
        await session.execute(update(OutboxJob).values(payload={"name": CHANNEL, "intents": {"created": new_key()}}))

    assert await worker_for(slack).run_once() == 1

    assert older.topic == "Cliente: Otro S.A.C." and not fake.calls_to("conversations.setTopic")
    assert "canal vinculado" in posts_to(fake, NEWS)[0].params["text"]
