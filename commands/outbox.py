"""The outbox worker: carries out platform side effects (creating a client's channels) after the save.

A client is saved first and its channel jobs are written in the same transaction, so a Slack or
Discord outage never loses a client or a pending channel; the worker retries with backoff (or the
platform's Retry-After) and a job that cannot succeed ends as `failed` with a Spanish reason that the
client's card shows. Jobs are claimed with `FOR UPDATE SKIP LOCKED` on PostgreSQL and a conditional
UPDATE everywhere, so several bot processes never run the same job twice.

A crash is recovered in seconds: a claimed job carries a short lease (30 s, OUTBOX_LEASE_SECONDS)
that the worker renews while the job runs (a heartbeat every third of it, OUTBOX_HEARTBEAT_SECONDS), so
a dead worker's job becomes claimable within one lease; and each claim records the worker
("host:pid:nonce"), so a process restarted on the same host sees at once that its predecessor's pid is
gone and takes its jobs over without waiting. A worker that is cancelled (SIGTERM, shutdown) hands its
job back as pending and due now, without using up an attempt. Every write about a job is conditional
on still owning it (id, attempts and worker).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.exc import SQLAlchemyError

from commands import card_views, clock, history, notices
from commands.channels import (
    ChannelMessenger,
    ChannelProvisioner,
    JobSteps,
    LostClaim,
    ProvisionFailed,
    ProvisionRequest,
    RetryLater,
    WaitForChannel,
)
from commands.forms import CHANNEL_FIELDS
from commands.texts import texts
from storage.db import Database
from storage.models import AuditEntry, Client, OutboxJob, as_utc, utcnow

log = logging.getLogger(__name__)
T = TypeVar("T")

PROVISION = "provision_channel"
POST_MESSAGE = "post_message"
CANDIDATES = 5  # rows looked at per claim; another worker may win some of them
WAIT_FOR_CHANNEL = 60.0  # seconds between checks while a message waits for its channel
SOON = 5.0  # seconds: a job due within them counts as due now
RELEASE_TIMEOUT = 5.0  # seconds a shutdown waits to hand a job back before leaving it to its lease
MAX_ATTEMPTS = 8
INTERRUPTED = "cada intento se interrumpió sin terminar (¿el proceso del bot se detuvo en medio?)"


@dataclass(frozen=True)
class Claim:
    """A job this worker holds, and the attempt number that proves it still does."""

    job_id: int
    attempts: int


def new_worker_id() -> str:
    """'host:pid:nonce': the host and pid say whether the owner still runs; the nonce tells apart the
    workers of one process (tests) and a pid reused after a restart."""
    return f"{socket.gethostname()[:120]}:{os.getpid()}:{secrets.token_hex(4)}"


def _split_owner(owner: str) -> tuple[str, int] | None:
    host, _, rest = owner.rpartition(":")
    host, _, pid = host.rpartition(":")
    return (host, int(pid)) if host and pid.isdigit() and rest else None


def process_gone(pid: int) -> bool:
    """Whether no process `pid` exists on this host (kill -9, a crash). A pid we may not signal is alive."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except (PermissionError, OSError):
        return False
    return False


def owner_gone(owner: str | None) -> bool:
    """Whether a job's worker was a process on this host that no longer runs (a crash, kill -9)."""
    parsed = _split_owner(owner or "")
    me = _split_owner(new_worker_id())
    return bool(parsed and me and parsed[0] == me[0] and parsed[1] != me[1] and process_gone(parsed[1]))


def next_step(
    job: OutboxJob | None, live: Collection[str], now: datetime | None = None, max_attempts: int = MAX_ATTEMPTS
) -> str | None:
    """When the channel's job will next be worked on, in Spanish, promising only what will happen.

    `live`: the platforms a worker of this process serves now. A due job (or one whose worker is gone)
    is picked up within a poll by such a worker; without one we cannot know when a bot will be up, so
    a time is only a promise when this process serves the platform (else: "si el bot está conectado").
    An interrupted last attempt is not retried but given up (a job that kills its worker must not kill
    them all).
    """
    if job is None or job.status not in ("pending", "running"):
        return None
    now = now or utcnow()
    due = as_utc(job.next_attempt_at) or now
    soon = (
        "se intentará en unos segundos"
        if job.platform in live
        else f"se intentará en cuanto el bot esté conectado a {texts().platform(job.platform)}"
    )
    if job.status == "running":
        if due > now and not owner_gone(job.claimed_by):
            return "en curso ahora"
        if job.attempts >= max_attempts:  # the next worker gives it up (see `_give_up_interrupted`)
            return "el último intento se interrumpió; quedará en error (use canales para reintentar)"
        return f"el intento anterior se interrumpió; {soon}"
    if due <= now + timedelta(seconds=SOON):
        return soon
    minutes = max(1, round((due - now).total_seconds() / 60))
    when = f"próximo intento a las {clock.hour(due)} (en {minutes} min)"
    return when if job.platform in live else f"{when}, si el bot está conectado a {texts().platform(job.platform)}"


@dataclass(frozen=True)
class Backlog:
    depth: int  # jobs pending or running
    oldest_due: float  # seconds the oldest due job (of the platforms served) has waited; 0 when none


@dataclass(frozen=True)
class OutboxSettings:
    batch: int = 10
    #: How long a claim lasts without a heartbeat: what a crash on another host costs at most.
    lease: timedelta = timedelta(seconds=30)
    max_attempts: int = MAX_ATTEMPTS
    first_backoff: float = 5.0  # seconds; doubles per attempt
    max_backoff: float = 1800.0
    job_timeout: float = 120.0
    poll_interval: float = 2.0
    #: Seconds between lease renewals; None: three per lease, so one slow database answer is not fatal.
    heartbeat_seconds: float | None = None

    @property
    def heartbeat(self) -> float:
        return self.heartbeat_seconds or self.lease.total_seconds() / 3


def backoff(attempts: int, settings: OutboxSettings, retry_after: float | None = None) -> float:
    """5 s, 10 s, 20 s … capped at 30 min; never sooner than the platform asked."""
    delay = min(settings.first_backoff * 2 ** max(attempts - 1, 0), settings.max_backoff)
    return max(delay, retry_after or 0.0)


class OutboxWorker:
    def __init__(
        self,
        db: Database,
        provisioners: Mapping[str, ChannelProvisioner],
        settings: OutboxSettings | None = None,
        audit_channels: notices.AuditChannels | None = None,
    ) -> None:
        self.db = db
        self.provisioners = dict(provisioners)
        # Where a channel that could not be created is reported (besides the client's other channel).
        self.audit_channels = audit_channels or notices.AuditChannels()
        self.messengers: dict[str, ChannelMessenger] = {}
        self.settings = settings or OutboxSettings()
        self.worker_id = new_worker_id()
        self._wake = asyncio.Event()
        #: Told (platform, reason) of every attempt that did not succeed: the process's metrics.
        self.on_failure: Callable[[str, str], None] | None = None

    def add(self, provisioner: ChannelProvisioner) -> None:
        """An adapter that came up registers its platform; its pending jobs become due for this worker."""
        self.provisioners[provisioner.platform] = provisioner
        self.notify()

    def add_messenger(self, messenger: ChannelMessenger) -> None:
        """Lets onboarding flows' messages (HTTP API) reach this platform's client channels."""
        self.messengers[messenger.platform] = messenger
        self.notify()

    def notify(self) -> None:
        """New jobs were committed: run now instead of at the next poll."""
        self._wake.set()

    def served(self) -> frozenset[str]:
        """Platforms whose channel jobs this worker runs now (an adapter that came up registered them)."""
        return frozenset(self.provisioners)

    async def backlog(self) -> Backlog:
        """How many jobs wait (every platform), and for how long the oldest due one this worker would run
        has waited: readiness and metrics; a worker that keeps up never lets it grow past a poll."""
        now = utcnow()
        due = and_(OutboxJob.status.in_(("pending", "running")), OutboxJob.next_attempt_at <= now)
        served = or_(
            and_(OutboxJob.kind == PROVISION, OutboxJob.platform.in_(self.provisioners)),
            and_(OutboxJob.kind == POST_MESSAGE, OutboxJob.platform.in_(self.messengers)),
        )
        async with self.db.session() as session:
            depth = await session.scalar(select(func.count()).where(OutboxJob.status.in_(("pending", "running"))))
            oldest = await session.scalar(select(func.min(OutboxJob.next_attempt_at)).where(due, served))
        waited = (now - (as_utc(oldest) or now)).total_seconds()
        return Backlog(int(depth or 0), max(waited, 0.0))

    def _failed(self, platform: str, reason: str) -> None:
        if self.on_failure is not None:
            self.on_failure(platform, reason)

    async def run(self) -> None:
        """Until cancelled: process due jobs, then wait for a notification or the poll interval.

        Nothing stops it but cancellation: a database outage (SQLAlchemy's errors, or asyncpg's raw
        OSError) or any other surprise is logged and retried after the poll interval.
        """
        while True:
            try:
                processed = await self.run_once()
            except asyncio.CancelledError:
                raise
            except (SQLAlchemyError, OSError, TimeoutError) as exc:
                log.warning("outbox: database unavailable (%s); retrying", type(exc).__name__)
                processed = 0
            except Exception:
                log.exception("outbox: unexpected error; retrying")
                processed = 0
            if processed:
                continue
            # asyncio.timeout, not wait_for: Python 3.11's wait_for swallows a cancel that lands as the
            # event is set (it returns instead of raising), and this loop then ran on and kept a
            # shutdown waiting for it forever.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.settings.poll_interval):
                    await self._wake.wait()
            self._wake.clear()

    async def run_once(self) -> int:
        """Runs the due jobs of the platforms this process serves, claiming each right before running it
        (a batch claimed up front could outlive its lease and be run twice); returns how many ran."""
        if not self.provisioners and not self.messengers:
            return 0
        orphans = await self._orphans()
        processed = 0
        while processed < self.settings.batch:
            claim = await self._claim_one(orphans)
            if claim is None:
                break
            await self._run(claim)
            processed += 1
        return processed

    async def _orphans(self) -> list[str]:
        """Workers holding running jobs that were processes on this host and are gone: their jobs are
        taken over now rather than when their lease runs out."""
        me = _split_owner(self.worker_id)
        if me is None:
            return []
        async with self.db.session() as session:
            stmt = (
                select(OutboxJob.claimed_by)
                .where(OutboxJob.status == "running", OutboxJob.claimed_by.startswith(f"{me[0]}:", autoescape=True))
                .distinct()
            )
            owners = [o for o in (await session.execute(stmt)).scalars().all() if o]
        gone = []
        for owner in owners:
            parsed = _split_owner(owner)
            if parsed is not None and parsed[1] != me[1] and process_gone(parsed[1]):
                gone.append(owner)
        return gone

    async def _claim_one(self, orphans: list[str] | None = None) -> Claim | None:
        now = utcnow()
        served = or_(
            and_(OutboxJob.kind == PROVISION, OutboxJob.platform.in_(self.provisioners)),
            and_(OutboxJob.kind.in_((POST_MESSAGE, notices.NOTICE)), OutboxJob.platform.in_(self.messengers)),
        )
        # Due: pending and its time has come, or running with a lease nobody renewed (its worker is gone).
        claimable: ColumnElement[bool] = and_(
            OutboxJob.status.in_(("pending", "running")), OutboxJob.next_attempt_at <= now
        )
        if orphans:
            claimable = or_(claimable, and_(OutboxJob.status == "running", OutboxJob.claimed_by.in_(orphans)))
        async with self.db.session() as session, session.begin():
            stmt = (
                select(OutboxJob.id, OutboxJob.attempts, OutboxJob.status)
                .where(claimable, served)
                .order_by(OutboxJob.next_attempt_at, OutboxJob.id)
                .limit(CANDIDATES)
                .with_for_update(skip_locked=True)
            )
            for job_id, attempts, status in (await session.execute(stmt)).all():
                if status == "running" and attempts >= self.settings.max_attempts:
                    await self._give_up_interrupted(session, job_id, attempts)
                    continue
                won = await session.execute(
                    update(OutboxJob)
                    .where(
                        OutboxJob.id == job_id,
                        OutboxJob.attempts == attempts,
                        OutboxJob.status.in_(("pending", "running")),
                    )
                    .values(
                        status="running",
                        attempts=attempts + 1,
                        next_attempt_at=now + self.settings.lease,
                        claimed_by=self.worker_id,
                    )
                )
                if won.rowcount == 1:  # type: ignore[attr-defined]
                    return Claim(job_id, attempts + 1)
        return None

    async def _give_up_interrupted(self, session: Any, job_id: int, attempts: int) -> None:
        """A job whose every attempt died with its worker (it may be what kills it): failed, with the
        reason on the card, instead of killing one worker after another forever. `canales` queues it again."""
        await session.execute(
            update(OutboxJob)
            .where(OutboxJob.id == job_id, OutboxJob.attempts == attempts, OutboxJob.status == "running")
            .values(
                status="failed",
                last_error=f"{INTERRUPTED} (tras {attempts} intentos)",
                done_at=utcnow(),
                claimed_by=None,
            )
        )
        log.warning("outbox: job %s given up: its %s attempts were all interrupted", job_id, attempts)

    async def _run(self, claim: Claim) -> None:
        async with self.db.session() as session:
            job = await session.get(OutboxJob, claim.job_id)
            if job is None:
                return
            client = await session.get(Client, job.client_id) if job.client_id else None
            work = self._prepare(job, client, claim)
            platform = job.platform
        if isinstance(work, str):
            await self._finish(claim, work, None)
            return
        running = asyncio.ensure_future(_within(work(), self.settings.job_timeout))
        heartbeat = asyncio.create_task(self._heartbeat(claim, running))
        try:
            await running
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if task is not None and task.cancelling():  # shutdown: hand the job back, untouched
                release = asyncio.ensure_future(self._release(claim))
                while not release.done():
                    with contextlib.suppress(asyncio.CancelledError):  # a second cancel waits for it too
                        await asyncio.shield(release)
                raise
            log.warning("outbox: job %s was taken over by another worker; this attempt stops", claim.job_id)
            self._failed(platform, "taken_over")
        except LostClaim:
            log.warning("outbox: job %s was taken over by another worker; this attempt stops", claim.job_id)
            self._failed(platform, "taken_over")
        except WaitForChannel as exc:
            await self._retry(claim, exc.reason, WAIT_FOR_CHANNEL, count=False)
        except RetryLater as exc:
            self._failed(platform, "retry_later")
            await self._retry(claim, exc.reason, exc.retry_after)
            await self._note_failure(claim)
        except ProvisionFailed as exc:
            log.warning("outbox: job %s failed for good: %s", claim.job_id, exc)
            self._failed(platform, "refused")
            await self._finish(claim, "failed", str(exc))
            await self._note_failure(claim)
        except TimeoutError:
            self._failed(platform, "timeout")
            await self._retry(claim, "la plataforma no respondió a tiempo", None)
            await self._note_failure(claim)
        except Exception as exc:  # an unexpected error may be passing: retry, bounded by max_attempts
            log.exception("outbox: job %s raised %s", claim.job_id, type(exc).__name__)
            self._failed(platform, "unexpected")
            await self._retry(claim, "error inesperado; se reintentará", None)
            await self._note_failure(claim)
        else:
            await self._finish(claim, "done", None)
        finally:
            heartbeat.cancel()
            running.cancel()
            await asyncio.gather(heartbeat, running, return_exceptions=True)

    async def _heartbeat(self, claim: Claim, running: asyncio.Future[None]) -> None:
        """Renews the lease while the job runs; stops the job when another worker owns it now."""
        while True:
            await asyncio.sleep(self.settings.heartbeat)
            try:
                async with self.db.session() as session, session.begin():
                    renewed = await session.execute(
                        update(OutboxJob)
                        .where(self._owned(claim))
                        .values(next_attempt_at=utcnow() + self.settings.lease)
                    )
            except (SQLAlchemyError, OSError, TimeoutError) as exc:
                log.warning("outbox: could not renew the lease of job %s (%s)", claim.job_id, type(exc).__name__)
                continue
            if renewed.rowcount != 1:  # type: ignore[attr-defined]
                running.cancel()
                return

    async def _release(self, claim: Claim) -> None:
        """Back to pending and due now, the attempt not counted: the next worker runs it at once."""
        try:
            async with asyncio.timeout(RELEASE_TIMEOUT):
                async with self.db.session() as session, session.begin():
                    await session.execute(
                        update(OutboxJob)
                        .where(self._owned(claim))
                        .values(
                            status="pending", attempts=claim.attempts - 1, next_attempt_at=utcnow(), claimed_by=None
                        )
                    )
            log.info("outbox: job %s handed back on shutdown", claim.job_id)
        except (SQLAlchemyError, OSError, TimeoutError) as exc:
            log.warning(
                "outbox: could not hand back job %s (%s); its lease will run out", claim.job_id, type(exc).__name__
            )

    def _prepare(self, job: OutboxJob, client: Client | None, claim: Claim) -> Callable[[], Awaitable[None]] | str:
        """The platform call to make, or the final status when there is nothing left to do."""
        if job.kind == notices.NOTICE:  # a deleted client's notice ("eliminó el cliente") is still told
            return self._notice(job, client, claim)
        if client is None or client.deleted_at is not None:
            return "cancelled"
        field = CHANNEL_FIELDS.get(job.platform)
        if field is None:
            return "cancelled"
        if job.kind == POST_MESSAGE:
            channel_id = getattr(client, f"{field}_id")
            if not channel_id:
                reason = f"el canal de {job.platform} del cliente aún no existe"

                async def not_yet() -> None:
                    raise WaitForChannel(reason)

                return not_yet
            messenger = self.messengers[job.platform]
            text = str(job.payload.get("text") or "")
            steps = self._steps(job, claim, f"{job.platform} {channel_id}")

            async def post() -> None:
                await steps.once(
                    "message",
                    lambda key: messenger.post(channel_id, text, key),
                    lambda key: messenger.find(channel_id, key),
                )

            return post
        if job.kind != PROVISION:
            return "cancelled"
        name = str(job.payload.get("name") or "")
        if getattr(client, field) != name:
            return "superseded"  # the client names another channel now; that job does the work
        steps = self._steps(job, claim, "")
        request = ProvisionRequest(
            job.platform, name, card_views.card(client), steps.progress, steps.save, steps.intents
        )
        provisioner = self.provisioners[job.platform]

        async def provision() -> None:
            result = await provisioner.provision(request)
            await self._link(request, result.channel_id)

        return provision

    def _notice(self, job: OutboxJob, client: Client | None, claim: Claim) -> Callable[[], Awaitable[None]] | str:
        """Posts a change notice once (the job's key travels with it, as with any message)."""
        notice = history.notice_from(job.payload)
        messenger = self.messengers.get(job.platform)
        field = CHANNEL_FIELDS.get(job.platform)
        if notice is None or messenger is None or field is None:
            return "cancelled"
        client_channel = job.payload.get("target") != notices.AUDIT_CHANNEL
        if not client_channel:
            channel_id = str(job.payload.get("channel") or "")
        else:  # the client's own channel: gone if it was renamed or the client is gone
            channel_id = str(getattr(client, f"{field}_id") or "") if client is not None else ""
        if not channel_id:
            return "cancelled"
        steps = self._steps(job, claim, f"{job.platform} {channel_id}")

        async def post() -> None:
            await steps.once(
                "notice",
                lambda key: messenger.post_notice(channel_id, notice, key, client_channel=client_channel),
                lambda key: messenger.find(channel_id, key),
            )

        return post

    async def _note_failure(self, claim: Claim) -> None:
        """A channel that will not be created is a change worth telling: it goes in the client's trail
        and, as a notice, to the client's other channel and the audit channels."""
        async with self.db.session() as session, session.begin():
            job = await session.get(OutboxJob, claim.job_id)
            if job is None or job.kind != PROVISION or job.status != "failed" or job.attempts != claim.attempts:
                return
            client = await session.get(Client, job.client_id) if job.client_id else None
            if client is None or client.deleted_at is not None:
                return
            entry = AuditEntry(
                platform=job.platform,
                user_id=history.BOT_USER,
                user_name=None,
                action="channel_failed",
                client_id=client.id,
                changes={"channel": [None, f"#{job.payload.get('name') or ''}"], "error": [None, job.last_error]},
            )
            session.add(entry)
            await session.flush()
            await notices.enqueue(session, self.audit_channels, client, entry)
        self.notify()

    def _steps(self, job: OutboxJob, claim: Claim, label: str) -> JobSteps:
        """The job's stored record of its steps, saved back while this worker still owns the job."""

        async def save(progress: dict[str, str], intents: dict[str, str]) -> None:
            await self._save_progress(claim, progress, intents)

        return JobSteps(dict(job.payload.get("progress") or {}), dict(job.payload.get("intents") or {}), save, label)

    def _owned(self, claim: Claim) -> ColumnElement[bool]:
        """Still this worker's: a job whose lease ran out may have been claimed again meanwhile."""
        return and_(
            OutboxJob.id == claim.job_id,
            OutboxJob.status == "running",
            OutboxJob.attempts == claim.attempts,
            OutboxJob.claimed_by == self.worker_id,
        )

    async def _save_progress(self, claim: Claim, steps: dict[str, str], intents: dict[str, str]) -> None:
        """Stored at once, in its own transaction: a crash right after a post must not forget it, and an
        intent must be on disk before the call it announces. Not ours any more: stop (LostClaim)."""
        async with self.db.session() as session, session.begin():
            job = (
                await session.execute(select(OutboxJob).where(self._owned(claim)).with_for_update())
            ).scalar_one_or_none()
            if job is None:
                raise LostClaim(f"job {claim.job_id}")
            job.payload = {**job.payload, "progress": steps, "intents": intents}

    async def _link(self, request: ProvisionRequest, channel_id: str) -> None:
        """Links the channel to the client without bumping its version (open forms stay valid)."""
        field = CHANNEL_FIELDS[request.platform]
        async with self.db.session() as session, session.begin():
            await session.execute(
                update(Client)
                .where(Client.id == request.card.id, getattr(Client, field) == request.channel_name)
                .values({f"{field}_id": channel_id})
                .execution_options(synchronize_session=False)
            )
        log.info("outbox: %s channel #%s ready for client %s", request.platform, request.channel_name, request.card.id)

    async def _retry(self, claim: Claim, reason: str, retry_after: float | None, *, count: bool = True) -> None:
        """Back to pending after a delay; `count=False` (waiting for a channel) does not use up attempts."""
        values: dict[str, Any] = {"status": "pending", "last_error": reason, "claimed_by": None}
        if count and claim.attempts >= self.settings.max_attempts:
            values = {
                "status": "failed",  # no "se reintentará" on a job that will not be retried
                "last_error": f"{reason.removesuffix('; se reintentará')} (tras {claim.attempts} intentos)",
                "done_at": utcnow(),
                "claimed_by": None,
            }
        else:
            delay = backoff(claim.attempts, self.settings, retry_after) if count else (retry_after or 0.0)
            values["next_attempt_at"] = utcnow() + timedelta(seconds=delay)
            if not count:
                values["attempts"] = claim.attempts - 1
        async with self.db.session() as session, session.begin():
            await session.execute(update(OutboxJob).where(self._owned(claim)).values(values))

    async def _finish(self, claim: Claim, status: str, error: str | None) -> None:
        async with self.db.session() as session, session.begin():
            await session.execute(
                update(OutboxJob)
                .where(self._owned(claim))
                .values(status=status, last_error=error, done_at=utcnow(), claimed_by=None)
            )


async def _within(work: Awaitable[T], seconds: float) -> T:
    """`work`, or TimeoutError after `seconds`; a cancel from outside always ends it (see `run`)."""
    async with asyncio.timeout(seconds):
        return await work
