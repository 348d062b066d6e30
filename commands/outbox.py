"""The outbox worker: carries out platform side effects (creating a client's channels) after the save.

A client is saved first and its channel jobs are written in the same transaction, so a Slack or
Discord outage never loses a client or a pending channel; the worker retries with backoff (or the
platform's Retry-After) and a job that cannot succeed ends as `failed` with a Spanish reason that the
client's card shows. Jobs are claimed with `FOR UPDATE SKIP LOCKED` on PostgreSQL and a conditional
UPDATE everywhere, so several bot processes never run the same job twice; a claimed job carries a
lease, so a process that dies mid-job leaves it to be picked up again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import SQLAlchemyError

from commands import cards
from commands.channels import ChannelMessenger, ChannelProvisioner, ProvisionFailed, ProvisionRequest, RetryLater
from storage.db import Database
from storage.models import Client, OutboxJob, utcnow

log = logging.getLogger(__name__)

PROVISION = "provision_channel"
POST_MESSAGE = "post_message"
_CHANNEL_FIELD = {"slack": "slack_channel", "discord": "discord_channel"}


@dataclass(frozen=True)
class OutboxSettings:
    batch: int = 10
    lease: timedelta = timedelta(minutes=5)
    max_attempts: int = 8
    first_backoff: float = 5.0  # seconds; doubles per attempt
    max_backoff: float = 1800.0
    job_timeout: float = 120.0
    poll_interval: float = 2.0


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
    ) -> None:
        self.db = db
        self.provisioners = dict(provisioners)
        self.messengers: dict[str, ChannelMessenger] = {}
        self.settings = settings or OutboxSettings()
        self._wake = asyncio.Event()

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

    async def run(self) -> None:
        """Until cancelled: process due jobs, then wait for a notification or the poll interval."""
        while True:
            try:
                processed = await self.run_once()
            except SQLAlchemyError as exc:  # the database is down: keep the jobs, try again later
                log.warning("outbox: database unavailable (%s)", type(exc).__name__)
                processed = 0
            if processed:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.settings.poll_interval)
            self._wake.clear()

    async def run_once(self) -> int:
        """Claims and runs the due jobs of the platforms this process serves; returns how many ran."""
        if not self.provisioners and not self.messengers:
            return 0
        jobs = await self._claim()
        for job_id in jobs:
            await self._run(job_id)
        return len(jobs)

    async def _claim(self) -> Sequence[int]:
        now = utcnow()
        served = or_(
            and_(OutboxJob.kind == PROVISION, OutboxJob.platform.in_(self.provisioners)),
            and_(OutboxJob.kind == POST_MESSAGE, OutboxJob.platform.in_(self.messengers)),
        )
        async with self.db.session() as session, session.begin():
            stmt = (
                select(OutboxJob.id, OutboxJob.attempts)
                .where(OutboxJob.status.in_(("pending", "running")), OutboxJob.next_attempt_at <= now, served)
                .order_by(OutboxJob.next_attempt_at, OutboxJob.id)
                .limit(self.settings.batch)
                .with_for_update(skip_locked=True)
            )
            claimed = []
            for job_id, attempts in (await session.execute(stmt)).all():
                won = await session.execute(
                    update(OutboxJob)
                    .where(OutboxJob.id == job_id, OutboxJob.attempts == attempts)
                    .values(status="running", attempts=attempts + 1, next_attempt_at=now + self.settings.lease)
                )
                if won.rowcount == 1:  # type: ignore[attr-defined]
                    claimed.append(job_id)
            return claimed

    async def _run(self, job_id: int) -> None:
        async with self.db.session() as session:
            job = await session.get(OutboxJob, job_id)
            if job is None:
                return
            client = await session.get(Client, job.client_id) if job.client_id else None
            work = self._prepare(job, client)
        if isinstance(work, str):
            await self._finish(job_id, work, None)
            return
        try:
            await asyncio.wait_for(work(), self.settings.job_timeout)
        except RetryLater as exc:
            await self._retry(job_id, exc.reason, exc.retry_after)
        except ProvisionFailed as exc:
            log.warning("outbox: job %s failed for good: %s", job_id, exc)
            await self._finish(job_id, "failed", str(exc))
        except TimeoutError:
            await self._retry(job_id, "la plataforma no respondió a tiempo", None)
        except Exception as exc:  # an unexpected error may be passing: retry, bounded by max_attempts
            log.exception("outbox: job %s raised %s", job_id, type(exc).__name__)
            await self._retry(job_id, "error inesperado; se reintentará", None)
        else:
            await self._finish(job_id, "done", None)

    def _prepare(self, job: OutboxJob, client: Client | None) -> Callable[[], Awaitable[None]] | str:
        """The platform call to make, or the final status when there is nothing left to do."""
        if client is None or client.deleted_at is not None:
            return "cancelled"
        field = _CHANNEL_FIELD.get(job.platform)
        if field is None:
            return "cancelled"
        if job.kind == POST_MESSAGE:
            channel_id = getattr(client, f"{field}_id")
            if not channel_id:
                reason = f"el canal de {job.platform} del cliente aún no existe"

                async def not_yet() -> None:
                    raise RetryLater(reason)

                return not_yet
            messenger = self.messengers[job.platform]
            text = str(job.payload.get("text") or "")
            return lambda: messenger.post(channel_id, text)
        if job.kind != PROVISION:
            return "cancelled"
        name = str(job.payload.get("name") or "")
        if getattr(client, field) != name:
            return "superseded"  # the client names another channel now; that job does the work
        job_id = job.id
        progress = dict(job.payload.get("progress") or {})

        async def save_progress(steps: dict[str, str]) -> None:
            await self._save_progress(job_id, steps)

        request = ProvisionRequest(job.platform, name, cards.card(client), progress, save_progress)
        provisioner = self.provisioners[job.platform]

        async def provision() -> None:
            result = await provisioner.provision(request)
            await self._link(request, result.channel_id)

        return provision

    async def _save_progress(self, job_id: int, steps: dict[str, str]) -> None:
        """Stored at once, in its own transaction: a crash right after a post must not forget it."""
        async with self.db.session() as session, session.begin():
            job = await session.get(OutboxJob, job_id)
            if job is not None:
                job.payload = {**job.payload, "progress": steps}

    async def _link(self, request: ProvisionRequest, channel_id: str) -> None:
        """Links the channel to the client without bumping its version (open forms stay valid)."""
        field = _CHANNEL_FIELD[request.platform]
        async with self.db.session() as session, session.begin():
            await session.execute(
                update(Client)
                .where(Client.id == request.card.id, getattr(Client, field) == request.channel_name)
                .values({f"{field}_id": channel_id})
                .execution_options(synchronize_session=False)
            )
        log.info("outbox: %s channel #%s ready for client %s", request.platform, request.channel_name, request.card.id)

    async def _retry(self, job_id: int, reason: str, retry_after: float | None) -> None:
        async with self.db.session() as session, session.begin():
            job = await session.get(OutboxJob, job_id)
            if job is None:
                return
            if job.attempts >= self.settings.max_attempts:
                job.status = "failed"
                job.last_error = f"{reason} (tras {job.attempts} intentos)"
                return
            job.status = "pending"
            job.last_error = reason
            job.next_attempt_at = utcnow() + timedelta(seconds=backoff(job.attempts, self.settings, retry_after))

    async def _finish(self, job_id: int, status: str, error: str | None) -> None:
        async with self.db.session() as session, session.begin():
            await session.execute(
                update(OutboxJob)
                .where(OutboxJob.id == job_id)
                .values(status=status, last_error=error, done_at=utcnow())
            )
