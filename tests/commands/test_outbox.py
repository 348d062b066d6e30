"""The outbox worker against a real database, with scripted platform answers at the provisioner boundary.

The real Slack and Discord provisioners are tested end to end in their adapters' suites; here the
platform is a script (create, rate-limit, refuse) so every branch of the worker's bookkeeping shows.
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from commands import outbox
from commands.access import Actor
from commands.channels import ProvisionFailed, ProvisionRequest, ProvisionResult, RetryLater
from commands.errors import FieldErrors, NotFound
from commands.outbox import OutboxSettings, OutboxWorker, backoff, new_worker_id
from commands.service import ClientService
from storage.db import Database
from storage.models import OutboxJob, as_utc, utcnow

RUC = {"doc_type": "6", "doc_number": "20100070970", "name": "Empresa SAC"}


class ScriptedPlatform:
    """Answers each provision with the next scripted outcome (a result or an exception)."""

    def __init__(self, platform: str, *outcomes: ProvisionResult | Exception) -> None:
        self.platform = platform
        self.outcomes = list(outcomes)
        self.requests: list[ProvisionRequest] = []

    async def provision(self, request: ProvisionRequest) -> ProvisionResult:
        self.requests.append(request)
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


async def make_due(service: ClientService) -> None:
    """Skips the backoff wait, as time passing would."""
    async with service.db.session() as session, session.begin():
        await session.execute(update(OutboxJob).values(next_attempt_at=utcnow() - timedelta(seconds=1)))


async def jobs(service: ClientService) -> list[OutboxJob]:
    async with service.db.session() as session:
        return list((await session.execute(select(OutboxJob).order_by(OutboxJob.id))).scalars().all())


async def test_channels_are_created_linked_and_shown(service: ClientService, ana: Actor) -> None:
    slack = ScriptedPlatform("slack", ProvisionResult("C0ACME", created=True))
    discord = ScriptedPlatform("discord", ProvisionResult("900", created=False))
    woken: list[bool] = []
    worker = OutboxWorker(service.db, {"slack": slack, "discord": discord})
    service.on_outbox = lambda: woken.append(True)
    card = await service.create(ana, RUC, integrations={"slack_channel": "acme", "discord_channel": "acme"})
    assert woken == [True]
    assert [c.text for c in card.channels] == ["#acme (pendiente)", "#acme (pendiente)"]
    assert await worker.run_once() == 2
    assert slack.requests[0].channel_name == "acme" and slack.requests[0].card.name == "Empresa SAC"
    after = await service.get(ana, card.id)
    assert (after.slack_channel_id, after.discord_channel_id) == ("C0ACME", "900")
    assert [c.text for c in after.channels] == ["#acme (listo)", "#acme (listo)"]
    assert after.version == card.version  # linking a channel does not invalidate open forms
    assert await worker.run_once() == 0


async def test_rate_limits_back_off_then_succeed(service: ClientService, ana: Actor) -> None:
    slack = ScriptedPlatform("slack", RetryLater("ratelimited", retry_after=30), ProvisionResult("C1", True))
    worker = OutboxWorker(service.db, {"slack": slack})
    card = await service.create(ana, RUC, integrations={"slack_channel": "acme"})
    before = utcnow()
    assert await worker.run_once() == 1
    (job,) = await jobs(service)
    assert job.status == "pending" and job.last_error == "ratelimited" and job.attempts == 1
    assert job.next_attempt_at.replace(tzinfo=before.tzinfo) >= before + timedelta(seconds=29)
    assert await worker.run_once() == 0  # not due yet
    await make_due(service)
    assert await worker.run_once() == 1
    assert (await service.get(ana, card.id)).slack_channel_id == "C1"


async def test_a_refusal_is_reported_on_the_card_and_canales_retries(service: ClientService, ana: Actor) -> None:
    refused = ProvisionFailed("falta el permiso «channels:manage»")
    slack = ScriptedPlatform("slack", refused, ProvisionResult("C9", True))
    worker = OutboxWorker(service.db, {"slack": slack})
    card = await service.create(ana, RUC, integrations={"slack_channel": "acme"})
    await worker.run_once()
    shown = await service.get(ana, card.id)
    assert shown.channels[0].text == "#acme (error: falta el permiso «channels:manage»)"
    retried = await service.retry_channels(ana, card.id)
    assert retried.channels[0].state == "pendiente"
    again = await service.retry_channels(ana, card.id)  # already queued: not queued twice
    assert len(await jobs(service)) == 2 and again.channels[0].state == "pendiente"
    await worker.run_once()
    assert (await service.get(ana, card.id)).channels[0].text == "#acme (listo)"


async def test_gives_up_after_max_attempts(service: ClientService, ana: Actor) -> None:
    slack = ScriptedPlatform("slack", *(RetryLater("500") for _ in range(3)))
    worker = OutboxWorker(service.db, {"slack": slack}, OutboxSettings(max_attempts=3))
    card = await service.create(ana, RUC, integrations={"slack_channel": "acme"})
    for _ in range(3):
        await make_due(service)
        await worker.run_once()
    (job,) = await jobs(service)
    assert job.status == "failed" and job.last_error == "500 (tras 3 intentos)"
    assert (await service.get(ana, card.id)).channels[0].state == "error"


async def test_renamed_or_deleted_clients_cancel_old_jobs(service: ClientService, ana: Actor) -> None:
    slack = ScriptedPlatform("slack", ProvisionResult("CNEW", True))
    worker = OutboxWorker(service.db, {"slack": slack})
    card = await service.create(ana, RUC, integrations={"slack_channel": "viejo"})
    await service.edit_section(ana, card.id, "integrations", {"slack_channel": "nuevo"}, card.version)
    await worker.run_once()
    assert [(j.payload["name"], j.status) for j in await jobs(service)] == [("viejo", "superseded"), ("nuevo", "done")]
    assert [r.channel_name for r in slack.requests] == ["nuevo"]
    other = await service.create(ana, {**RUC, "doc_number": "20131312955"}, integrations={"slack_channel": "x"})
    await service.delete(ana, other.id)
    await worker.run_once()
    assert (await jobs(service))[-1].status == "cancelled"


async def test_unexpected_errors_and_timeouts_are_retried(service: ClientService, ana: Actor) -> None:
    slack = ScriptedPlatform("slack", RuntimeError("boom"))
    worker = OutboxWorker(service.db, {"slack": slack})
    await service.create(ana, RUC, integrations={"slack_channel": "acme"})
    await worker.run_once()
    (job,) = await jobs(service)
    assert job.status == "pending" and job.last_error == "error inesperado; se reintentará"


async def test_only_the_platforms_served_are_claimed(service: ClientService, ana: Actor) -> None:
    worker = OutboxWorker(service.db, {"slack": ScriptedPlatform("slack", ProvisionResult("C", True))})
    await service.create(ana, RUC, integrations={"discord_channel": "acme"})
    assert await worker.run_once() == 0
    assert (await jobs(service))[0].status == "pending"


async def test_a_claimed_job_is_not_claimed_twice(service: ClientService, ana: Actor) -> None:
    first = OutboxWorker(service.db, {"slack": ScriptedPlatform("slack")})
    second = OutboxWorker(service.db, {"slack": ScriptedPlatform("slack")})
    await service.create(ana, RUC, integrations={"slack_channel": "acme"})
    claim = await first._claim_one()
    assert claim is not None and claim.attempts == 1
    assert await second._claim_one() is None  # leased to the first worker
    (job,) = await jobs(service)
    assert job.status == "running" and job.attempts == 1


async def test_a_worker_whose_lease_ran_out_cannot_overwrite_the_new_owner(service: ClientService, ana: Actor) -> None:
    slow = OutboxWorker(service.db, {"slack": ScriptedPlatform("slack")})
    fast = OutboxWorker(service.db, {"slack": ScriptedPlatform("slack", ProvisionResult("C2", True))})
    card = await service.create(ana, RUC, integrations={"slack_channel": "acme"})
    stale = await slow._claim_one()
    assert stale is not None
    await make_due(service)  # the lease ran out: as if `slow` hung for longer than it
    assert await fast.run_once() == 1
    await slow._retry(stale, "late failure", None)  # the first worker finally answers
    await slow._finish(stale, "failed", "late failure")
    (job,) = await jobs(service)
    assert (job.status, job.last_error, job.attempts) == ("done", None, 2)
    assert (await service.get(ana, card.id)).slack_channel_id == "C2"


async def test_a_waiting_message_never_runs_out_of_attempts(service: ClientService, ana: Actor) -> None:
    worker = OutboxWorker(service.db, {}, OutboxSettings(max_attempts=2))
    worker.add_messenger(ScriptedMessenger("slack"))
    card = await service.create(ana, RUC, integrations={"slack_channel": "acme"})
    await service.post_message(Actor("api", "flow"), card.id, "hola")
    for _ in range(5):
        await make_due(service)
        await worker.run_once()
    message = next(j for j in await jobs(service) if j.kind == "post_message")
    assert (message.status, message.attempts) == ("pending", 0)
    assert message.last_error == "el canal de slack del cliente aún no existe"


@pytest.mark.parametrize(
    ("attempts", "retry_after", "expected"), [(1, None, 5), (3, None, 20), (20, None, 1800), (1, 60, 60)]
)
def test_backoff(attempts: int, retry_after: float | None, expected: float) -> None:
    assert backoff(attempts, OutboxSettings(), retry_after) == expected


class ScriptedMessenger:
    def __init__(self, platform: str, *outcomes: Exception | None) -> None:
        self.platform = platform
        self.outcomes = list(outcomes)
        self.posted: list[tuple[str, str]] = []

    async def post(self, channel_id: str, text: str, key: str) -> str:
        outcome = self.outcomes.pop(0) if self.outcomes else None
        if outcome is not None:
            raise outcome
        self.posted.append((channel_id, text))
        return str(len(self.posted))

    async def find(self, channel_id: str, key: str) -> str | None:
        return None


async def test_messages_wait_for_the_channel_then_are_delivered(service: ClientService, ana: Actor) -> None:
    api = Actor("api", "onboarding")
    slack = ScriptedPlatform("slack", ProvisionResult("C0ACME", True))
    messenger = ScriptedMessenger("slack", RetryLater("ratelimited", retry_after=1))
    worker = OutboxWorker(service.db, {})
    worker.add_messenger(messenger)
    card = await service.create(ana, RUC, integrations={"slack_channel": "acme"})
    (job_id,) = await service.post_message(api, card.id, "  Bienvenidos: su servidor está listo.  ")
    assert await worker.run_once() == 1  # the channel does not exist yet: retried later
    worker.add(slack)
    await make_due(service)
    await worker.run_once()  # provisions the channel, then the message hits a rate limit
    await make_due(service)
    await worker.run_once()
    assert messenger.posted == [("C0ACME", "Bienvenidos: su servidor está listo.")]
    assert [j.status for j in await jobs(service) if j.id == job_id] == ["done"]


async def test_message_validation_and_targets(service: ClientService, ana: Actor) -> None:
    api = Actor("api", "onboarding")
    card = await service.create(ana, RUC, integrations={"discord_channel": "acme"})
    with pytest.raises(FieldErrors, match="Mensaje: debe tener de 1 a 3000 caracteres"):
        await service.post_message(api, card.id, "   ")
    with pytest.raises(NotFound, match="no tiene canal de slack"):
        await service.post_message(api, card.id, "hola", ["slack"])
    assert len(await service.post_message(api, card.id, "hola")) == 1


class PostsOnce:
    """A platform that posts a welcome, remembers it in the job's progress, then fails the next step once."""

    platform = "slack"

    def __init__(self) -> None:
        self.posts = 0
        self.failed = False

    async def provision(self, request: ProvisionRequest) -> ProvisionResult:
        if not request.done("welcome"):
            self.posts += 1
            await request.remember("welcome")
        if not self.failed:
            self.failed = True
            raise RetryLater("5xx after the welcome")
        return ProvisionResult("C1", True)


async def test_progress_survives_a_restart(service: ClientService, ana: Actor) -> None:
    first = PostsOnce()
    await service.create(ana, RUC, integrations={"slack_channel": "acme"})
    await OutboxWorker(service.db, {"slack": first}).run_once()
    (job,) = await jobs(service)
    assert job.payload["progress"] == {"welcome": "ok"} and job.status == "pending"
    await make_due(service)
    restarted = PostsOnce()
    restarted.failed = True  # the passing problem is gone
    await OutboxWorker(service.db, {"slack": restarted}).run_once()
    assert (first.posts, restarted.posts) == (1, 0)
    assert (await jobs(service))[0].status == "done"


# ------------------------------------------------------------------ leases, takeover, shutdown
def dead_pid() -> int:
    """A pid that just ended on this host (reaped), as a worker killed with -9 leaves behind."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def owner_on_this_host(pid: int) -> str:
    host = new_worker_id().rsplit(":", 2)[0]
    return f"{host}:{pid}:deadbeef"


async def claim_as(service: ClientService, owner: str, *, lease: timedelta = timedelta(seconds=30)) -> None:
    """The job as a worker that claimed it leaves it: running, one attempt, its lease still live."""
    async with service.db.session() as session, session.begin():
        await session.execute(
            update(OutboxJob).values(status="running", attempts=1, claimed_by=owner, next_attempt_at=utcnow() + lease)
        )


class Blocking:
    """A platform whose provision waits until released (a slow Slack); records each start."""

    platform = "slack"

    def __init__(self) -> None:
        self.started = asyncio.Event()
        self.release = asyncio.Event()
        self.calls = 0

    async def provision(self, request: ProvisionRequest) -> ProvisionResult:
        self.calls += 1
        self.started.set()
        await self.release.wait()
        return ProvisionResult("C1", True)


async def test_a_dead_workers_job_is_taken_over_at_once_not_after_its_lease(service: ClientService, ana: Actor) -> None:
    await service.create(ana, RUC, integrations={"slack_channel": "acme"})
    await claim_as(service, owner_on_this_host(dead_pid()))
    slack = ScriptedPlatform("slack", ProvisionResult("C1", True))

    assert await OutboxWorker(service.db, {"slack": slack}).run_once() == 1

    (job,) = await jobs(service)
    assert (job.status, job.attempts, job.claimed_by) == ("done", 2, None)


async def test_a_live_workers_job_is_left_alone_until_its_lease_runs_out(service: ClientService, ana: Actor) -> None:
    await service.create(ana, RUC, integrations={"slack_channel": "acme"})
    worker = OutboxWorker(service.db, {"slack": ScriptedPlatform("slack", ProvisionResult("C1", True))})
    for owner in (owner_on_this_host(os.getppid()), "otro-host:1:abcd"):  # alive here; on a host we cannot see
        await claim_as(service, owner)
        assert await worker.run_once() == 0
    await make_due(service)  # the lease ran out: nobody renewed it
    assert await worker.run_once() == 1


async def test_the_lease_is_renewed_while_the_job_runs(service: ClientService, ana: Actor) -> None:
    await service.create(ana, RUC, integrations={"slack_channel": "acme"})
    slack = Blocking()
    worker = OutboxWorker(service.db, {"slack": slack}, OutboxSettings(lease=timedelta(seconds=0.6)))
    running = asyncio.create_task(worker.run_once())
    await asyncio.wait_for(slack.started.wait(), 5)
    (claimed,) = await jobs(service)
    first = claimed.next_attempt_at

    async def renewed() -> bool:
        (job,) = await jobs(service)
        return job.next_attempt_at > first

    deadline = asyncio.get_running_loop().time() + 5
    while not await renewed():
        assert asyncio.get_running_loop().time() < deadline, "the lease was never renewed"
        await asyncio.sleep(0.05)
    assert not await OutboxWorker(service.db, {"slack": ScriptedPlatform("slack")})._claim_one()
    slack.release.set()
    assert await running == 1
    assert (await jobs(service))[0].status == "done"


async def test_a_worker_that_lost_its_job_stops_it_and_writes_nothing(service: ClientService, ana: Actor) -> None:
    await service.create(ana, RUC, integrations={"slack_channel": "acme"})
    slack = Blocking()
    worker = OutboxWorker(service.db, {"slack": slack}, OutboxSettings(lease=timedelta(seconds=0.3)))
    running = asyncio.create_task(worker.run_once())
    await asyncio.wait_for(slack.started.wait(), 5)
    await claim_as(service, "otro-host:7:abcd")  # e.g. a database pause outlived the lease

    assert await asyncio.wait_for(running, 5) == 1  # the heartbeat saw it and stopped the job

    (job,) = await jobs(service)
    assert (job.status, job.claimed_by, job.done_at) == ("running", "otro-host:7:abcd", None)


async def test_shutdown_hands_the_job_back_due_now_without_using_an_attempt(service: ClientService, ana: Actor) -> None:
    await service.create(ana, RUC, integrations={"slack_channel": "acme"})
    slack = Blocking()
    worker = OutboxWorker(service.db, {"slack": slack})
    task = asyncio.create_task(worker.run())
    await asyncio.wait_for(slack.started.wait(), 5)

    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    (job,) = await jobs(service)
    assert (job.status, job.attempts, job.claimed_by) == ("pending", 0, None)
    assert as_utc(job.next_attempt_at) <= utcnow()
    assert await OutboxWorker(service.db, {"slack": ScriptedPlatform("slack", ProvisionResult("C", True))}).run_once()


async def test_canales_hands_back_a_gone_workers_job_and_says_when_truthfully(
    service: ClientService, ana: Actor
) -> None:
    card = await service.create(ana, RUC, integrations={"slack_channel": "acme"})
    await claim_as(service, "otro-host:7:abcd")
    shown = await service.retry_channels(ana, card.id)
    assert shown.channels[0].when == "en curso ahora"  # a live lease: someone is on it

    await claim_as(service, owner_on_this_host(dead_pid()))  # that worker was killed
    shown = await service.retry_channels(ana, card.id)
    (job,) = await jobs(service)
    assert (job.status, job.claimed_by) == ("pending", None)
    assert shown.channels[0].when == "se intentará en cuanto el bot esté conectado a Slack"  # no worker here

    worker = OutboxWorker(service.db, {"slack": ScriptedPlatform("slack", ProvisionResult("C1", True))})
    service.on_outbox = worker.notify  # as `clientes-bot run` wires it
    assert (await service.get(ana, card.id)).channels[0].when == "se intentará en unos segundos"

    async with service.db.session() as session, session.begin():  # backing off after a rate limit
        await session.execute(update(OutboxJob).values(next_attempt_at=utcnow() + timedelta(minutes=10)))
    when = (await service.get(ana, card.id)).channels[0].when or ""
    # In the team's zone (BOT_TIMEZONE, America/Lima by default: UTC-5 all year), never bare UTC.
    lima = (utcnow() + timedelta(minutes=10) - timedelta(hours=5)).strftime("%H:%M")
    assert re.fullmatch(r"próximo intento a las \d\d:\d\d \(America/Lima\) \(en 10 min\)", when), when
    assert when.split()[4] in (lima, (utcnow() + timedelta(minutes=9) - timedelta(hours=5)).strftime("%H:%M"))


async def test_a_job_given_up_does_not_say_it_will_be_retried(service: ClientService, ana: Actor) -> None:
    slack = ScriptedPlatform("slack", RetryLater("Slack tuvo un error interno; se reintentará"))
    worker = OutboxWorker(service.db, {"slack": slack}, OutboxSettings(max_attempts=1))
    card = await service.create(ana, RUC, integrations={"slack_channel": "acme"})
    await worker.run_once()
    assert (await service.get(ana, card.id)).channels[0].text == (
        "#acme (error: Slack tuvo un error interno (tras 1 intentos))"
    )


def test_times_shown_follow_bot_timezone() -> None:
    """Every time the bot shows is in BOT_TIMEZONE (America/Lima by default), never bare UTC; `keys
    check` labels a form in progress in the zone it is handed."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from commands import clock
    from storage.keycheck import draft_label

    noon_utc = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    assert clock.stamp(noon_utc) == "2026-11-30 07:00 (America/Lima)"
    assert clock.stamp(noon_utc.replace(tzinfo=None)) == "2026-11-30 07:00 (America/Lima)"  # SQLite's naive UTC
    label = draft_label("slack:U0ANA", "create", noon_utc, ZoneInfo("America/Lima"))
    assert label == "formulario en curso de slack:U0ANA (create, caduca 2026-11-30 07:00 (America/Lima))"
    try:
        clock.configure("Europe/Madrid")
        assert clock.stamp(noon_utc) == "2026-11-30 13:00 (Europe/Madrid)"
    finally:
        clock.configure(clock.DEFAULT_ZONE)


async def test_a_job_whose_every_attempt_was_interrupted_is_given_up_not_retried_forever(
    service: ClientService, ana: Actor
) -> None:
    slack = ScriptedPlatform("slack", ProvisionResult("C1", True))
    worker = OutboxWorker(service.db, {"slack": slack}, OutboxSettings(max_attempts=3))
    service.on_outbox = worker.notify
    card = await service.create(ana, RUC, integrations={"slack_channel": "acme"})
    async with service.db.session() as session, session.begin():  # its third worker died mid-attempt
        await session.execute(
            update(OutboxJob).values(
                status="running", attempts=3, claimed_by="otro-host:7:abcd", next_attempt_at=utcnow() - timedelta(1)
            )
        )
    assert (await service.get(ana, card.id)).channels[0].when == (
        "el último intento se interrumpió; quedará en error (use canales para reintentar)"
    )
    assert await worker.run_once() == 0 and slack.requests == []  # given up, not run a fourth time
    (job,) = await jobs(service)
    assert job.status == "failed" and job.claimed_by is None
    shown = (await service.get(ana, card.id)).channels[0]
    assert (shown.state, shown.when) == ("error", None)
    assert shown.text == f"#acme (error: {outbox.INTERRUPTED} (tras 3 intentos))"

    assert (await service.retry_channels(ana, card.id)).channels[0].when == "se intentará en unos segundos"
    assert await worker.run_once() == 1 and [r.channel_name for r in slack.requests] == ["acme"]


async def test_a_time_is_promised_only_by_a_process_that_serves_the_platform(
    service: ClientService, ana: Actor
) -> None:
    card = await service.create(ana, RUC, integrations={"slack_channel": "acme"})
    async with service.db.session() as session, session.begin():  # backing off after a rate limit
        await session.execute(update(OutboxJob).values(next_attempt_at=utcnow() + timedelta(minutes=10)))
    when = (await service.get(ana, card.id)).channels[0].when or ""  # the console: no Slack worker here
    assert re.fullmatch(
        r"próximo intento a las \d\d:\d\d \(America/Lima\) \(en 10 min\), si el bot está conectado a Slack", when
    )


async def test_a_cancel_that_lands_as_the_worker_is_woken_still_stops_it(db: Database) -> None:
    """Shutdown cancels the worker; if a save's wake-up arrives in the same turn of the loop, the cancel
    must still end it (Python 3.11's `asyncio.wait_for` returned the wake-up instead, swallowing the
    cancel, and the worker polled on while the process waited for it forever)."""
    worker = OutboxWorker(db, {})
    running = asyncio.create_task(worker.run())
    for _ in range(5):  # until it waits for a wake-up (nothing to do: no platform configured)
        await asyncio.sleep(0)
    worker.notify()
    running.cancel()
    done, _ = await asyncio.wait({running}, timeout=5)
    assert done and running.cancelled()
