"""Change notices on Slack, end to end: a change saved through the real Bolt app (signed requests) is
posted by the real outbox worker (SlackProvisioner + SlackMessenger on the app's Web API client) in the
client's channel and the audit channel of the fake Slack: once, old → new, never a password, pinging
nobody, retried after a 500.

Notices wait a few seconds to merge a burst of edits; tests make jobs due in the database, as time
passing would.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from bot.slack.app import build_client
from bot.slack.messenger import SlackMessenger
from bot.slack.provisioner import SlackProvisioner
from commands.notices import NOTICE
from commands.outbox import OutboxWorker
from storage.models import OutboxJob, utcnow
from tests.fakes.fake_slack import DEFAULT_USER_ID, FakeSlack

from .conftest import Slack
from .helpers import ALICE, CLIENT_ANSWERS, RUC
from .test_edit_and_delete import open_section

AUDIT = "C0AUDIT"
CHANNEL = "super-mercados-peru"
ANSWERS = {
    **CLIENT_ANSWERS,
    "contact.contact_phone": "987 654 321",
    "integrations.slack_channel": "#Súper Mercados Perú",
    "server.0.host": "erp.spsa.pe",
    "server.0.username": "root",
    "server.0.password": "s3cr3t-viejo",
}


@pytest.fixture(autouse=True)
def no_jitter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(random, "random", lambda: 0.0)


@pytest.fixture
def slack(make_slack: Callable[..., Slack], fake: FakeSlack) -> Slack:
    fake.add_channel("auditoria", channel_id=AUDIT)
    return make_slack(audit_slack_channel=AUDIT)


def worker_for(slack: Slack) -> OutboxWorker:
    client = build_client(slack.core.settings)
    worker = OutboxWorker(slack.core.db, {}, audit_channels=slack.service.audit_channels)  # as the launcher does
    worker.add(SlackProvisioner(client, slack.core.settings))
    worker.add_messenger(SlackMessenger(client))
    return worker


async def make_due(slack: Slack) -> None:
    async with slack.core.db.session() as session, session.begin():
        await session.execute(update(OutboxJob).values(next_attempt_at=utcnow() - timedelta(seconds=1)))


async def run_due(slack: Slack, worker: OutboxWorker) -> None:
    await make_due(slack)
    await worker.run_once()


async def notice_jobs(slack: Slack) -> list[OutboxJob]:
    async with slack.core.db.session() as session:
        stmt = select(OutboxJob).where(OutboxJob.kind == NOTICE).order_by(OutboxJob.id)
        return list((await session.execute(stmt)).scalars().all())


def posts_to(fake: FakeSlack, channel: str) -> list[Any]:
    return [c for c in fake.calls_to("chat.postMessage") if c.params.get("channel") == channel and c.ok]


async def provisioned(slack: Slack, worker: OutboxWorker) -> str:
    """A client created through the modal, its channel made; the channel id (the create notice posted)."""
    view = await slack.open_modal("nuevo")
    assert (await slack.submit(view, ANSWERS))["response_action"] == "update"
    await run_due(slack, worker)
    channel = slack.fake.channel_named(CHANNEL)
    assert channel is not None
    return channel.id


async def test_an_edit_posts_one_notice_in_the_channel_and_one_in_audit_old_to_new(slack: Slack) -> None:
    fake, worker = slack.fake, worker_for(slack)
    channel = await provisioned(slack, worker)
    (created,) = posts_to(fake, AUDIT)  # the channel did not exist yet when the client was created
    assert "registró el cliente" in created.params["text"] and "Supermercados Peruanos S.A." in created.params["text"]
    before = len(posts_to(fake, channel))  # the welcome card

    form = await open_section(slack, f"editar {RUC}", "contact")
    assert (await slack.submit(form, {"contact.contact_phone": "912 345 678"})).get("response_action") == "update"
    await run_due(slack, worker)
    await run_due(slack, worker)  # nothing more to do: posted once

    in_channel = posts_to(fake, channel)[before:]
    in_audit = posts_to(fake, AUDIT)[1:]
    assert len(in_channel) == 1 and len(in_audit) == 1
    for post in (in_channel[0], in_audit[0]):
        text = post.params["text"]
        assert "editó Otros Datos" in text and "Supermercados Peruanos S.A." in text
        assert "Teléfono: 987 654 321 → 912 345 678" in text
        assert "link_names" not in post.params
    assert [j.status for j in await notice_jobs(slack)] == ["done"] * 3


async def test_a_password_change_says_only_that_it_changed(slack: Slack) -> None:
    fake, worker = slack.fake, worker_for(slack)
    await provisioned(slack, worker)
    form = await open_section(slack, f"editar {RUC}", "server:")
    assert (await slack.submit(form, {"server.password": "n3w-s3cr3t"}))["response_action"] == "update"
    for job in await notice_jobs(slack):
        assert "s3cr3t" not in json.dumps(job.payload)
    await run_due(slack, worker)
    (notice,) = posts_to(fake, AUDIT)[1:]
    text = notice.params["text"]
    assert "editó un servidor" in text and "Contraseña: cambió (no se muestra)" in text
    assert "s3cr3t" not in text
    assert all("s3cr3t" not in str(c.params) for c in fake.calls_to("chat.postMessage"))


async def test_a_500_on_the_notice_is_retried_and_posted_once(slack: Slack) -> None:
    fake, worker = slack.fake, worker_for(slack)
    channel = await provisioned(slack, worker)
    before = len(posts_to(fake, channel))
    await slack.service.edit_section(
        ALICE, (await slack.service.find(ALICE, RUC)).id, "contact", {"contact_phone": "912 345 678"}, None
    )
    fake.fail_next("chat.postMessage", status=500, times=1)
    await run_due(slack, worker)
    jobs = await notice_jobs(slack)
    assert sorted(j.status for j in jobs[1:]) == ["done", "pending"]  # one of the two posts met the 500
    failed = next(j for j in jobs if j.status == "pending")
    assert failed.attempts == 1 and failed.last_error
    await run_due(slack, worker)
    await run_due(slack, worker)
    assert len(posts_to(fake, channel)) == before + 1
    assert len(posts_to(fake, AUDIT)) == 2
    assert [j.status for j in await notice_jobs(slack)] == ["done"] * 3


async def test_mentions_in_values_never_ping(slack: Slack) -> None:
    fake, worker = slack.fake, worker_for(slack)
    await provisioned(slack, worker)
    form = await open_section(slack, f"editar {RUC}", "contact")
    await slack.submit(form, {"contact.contact_name": "<!here> <@U0ALICE> @channel"})
    await run_due(slack, worker)
    (notice,) = posts_to(fake, AUDIT)[1:]
    text = notice.params["text"]
    assert "&lt;!here&gt; &lt;@U0ALICE&gt; @channel" in text and "<!here>" not in text and "<@U0ALICE>" not in text
    assert "link_names" not in notice.params


async def test_edits_in_a_burst_by_one_person_become_one_notice(slack: Slack) -> None:
    fake, worker = slack.fake, worker_for(slack)
    channel = await provisioned(slack, worker)
    before = len(posts_to(fake, channel))
    card = await slack.service.find(ALICE, RUC)
    await slack.service.edit_section(ALICE, card.id, "contact", {"contact_phone": "912 345 678"}, None)
    await slack.service.add_address(ALICE, card.id, {"country": "PE", "ubigeo": "150122", "line": "Av. Larco 123"})
    await run_due(slack, worker)
    (notice,) = posts_to(fake, channel)[before:]
    text = notice.params["text"]
    assert "editó Otros Datos" in text and "agregó una dirección" in text and "Av. Larco 123" in text
    assert "Miraflores — Lima, Lima" in text


async def test_delete_and_restore_are_noticed(slack: Slack) -> None:
    fake, worker = slack.fake, worker_for(slack)
    channel = await provisioned(slack, worker)
    before = len(posts_to(fake, channel))
    card = await slack.service.find(ALICE, RUC)
    await slack.service.delete(ALICE, card.id)
    await run_due(slack, worker)
    await slack.service.restore(ALICE, card.id)
    await run_due(slack, worker)
    texts = [p.params["text"] for p in posts_to(fake, channel)[before:]]
    assert len(texts) == 2 and "eliminó el cliente" in texts[0] and "restauró el cliente" in texts[1]


async def test_a_channel_that_cannot_be_created_is_noticed_and_in_the_history(slack: Slack) -> None:
    fake, worker = slack.fake, worker_for(slack)
    fake.fail_next("conversations.create", error="missing_scope", needed="channels:manage")
    view = await slack.open_modal("nuevo")
    await slack.submit(view, ANSWERS)
    await run_due(slack, worker)  # the channel fails for good, the create notice is posted
    await run_due(slack, worker)  # the failure's notice
    texts = [p.params["text"] for p in posts_to(fake, AUDIT)]
    assert len(texts) == 2 and "registró el cliente" in texts[0]
    assert "*El bot* no pudo crear el canal" in texts[1] and f"#{CHANNEL}" in texts[1]
    assert "channels:manage" in texts[1]  # the reason, as the card shows it
    card = await slack.service.find(ALICE, RUC)
    assert [e.action for e in await slack.service.history(ALICE, card.id)] == ["channel_failed", "create"]


async def test_server_details_stay_out_of_the_clients_channel(slack: Slack) -> None:
    """Like the card posted there (no server sections), a notice in the client's channel names the
    change but not host, IP or user; the team's audit channel gets them."""
    fake, worker = slack.fake, worker_for(slack)
    channel = await provisioned(slack, worker)
    before = len(posts_to(fake, channel))
    card = await slack.service.find(ALICE, RUC)
    await slack.service.add_server(ALICE, card.id, {"host": "db.spsa.pe", "ip": "203.0.113.20", "username": "pg"})
    await run_due(slack, worker)
    (in_channel,) = posts_to(fake, channel)[before:]
    assert "agregó un servidor" in in_channel.params["text"]
    assert "db.spsa.pe" not in in_channel.params["text"] and "203.0.113.20" not in in_channel.params["text"]
    audit = posts_to(fake, AUDIT)[-1].params["text"]
    assert "agregó un servidor" in audit and "Host: — → db.spsa.pe" in audit and "IP: — → 203.0.113.20" in audit


@pytest.mark.parametrize("flag", ["is_ext_shared", "is_org_shared"])
async def test_a_client_channel_shared_outside_hears_what_changed_not_the_values(slack: Slack, flag: str) -> None:
    """Where the card is never posted (a channel shared outside the workspace), a notice says who changed
    what, without the values; the audit channel has them."""
    fake, worker = slack.fake, worker_for(slack)
    existing = fake.add_channel(CHANNEL, members=[DEFAULT_USER_ID], **{flag: True})
    view = await slack.open_modal("nuevo")
    await slack.submit(view, ANSWERS)
    await run_due(slack, worker)
    before = len(posts_to(fake, existing.id))
    card = await slack.service.find(ALICE, RUC)
    await slack.service.edit_section(ALICE, card.id, "contact", {"contact_phone": "912 345 678"}, None)
    await run_due(slack, worker)
    (notice,) = posts_to(fake, existing.id)[before:]
    assert "editó Otros Datos" in notice.params["text"] and "912" not in notice.params["text"]
    assert "912 345 678" in posts_to(fake, AUDIT)[-1].params["text"]
