"""Change notices: every change to a client is told, briefly, in its own channels and the team's
audit channel, through the outbox (a platform outage delays a notice, never loses or doubles it).

Built from the audit entry written in the same transaction, so a notice says exactly what the trail
records (passwords only as "changed"). Several changes by one person to one client within a few
seconds travel as one notice: a job still waiting is extended instead of queueing another.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from commands import history
from commands.forms import CHANNEL_FIELDS, doc_type_short
from commands.views import ChangeNotice, ChangeView
from storage.models import AuditEntry, Client, OutboxJob, utcnow

NOTICE = "change_notice"  # the outbox job kind
#: A notice waits this long before it is posted, so a burst of edits (a form saved section by
#: section) becomes one notice.
MERGE_WINDOW = timedelta(seconds=3)
NOTIFIED = frozenset(
    {
        "create",
        "edit_client",
        "edit_contact",
        "edit_integrations",
        "add_address",
        "edit_address",
        "set_main_address",
        "remove_address",
        "add_server",
        "edit_server",
        "remove_server",
        "delete",
        "restore",
        "channel_failed",
    }
)
CLIENT_CHANNEL = "client"
AUDIT_CHANNEL = "audit"
#: Changes whose values a client's channel never reads: servers (host, IP, user) stay out of anything
#: posted where the client may read it, like the card posted there; the team's audit channel has them.
TEAM_ONLY = frozenset({"add_server", "edit_server", "remove_server"})


@dataclass(frozen=True)
class AuditChannels:
    """The team's audit channel on each platform (AUDIT_SLACK_CHANNEL, AUDIT_DISCORD_CHANNEL_ID)."""

    slack: str | None = None
    discord: str | None = None

    def of(self, platform: str) -> str | None:
        return {"slack": self.slack, "discord": self.discord}.get(platform)


def _targets(client: Client, audit: AuditChannels) -> list[tuple[str, str, str | None]]:
    """(platform, target, audit channel id): the client's channels that exist, and the audit channels."""
    targets: list[tuple[str, str, str | None]] = []
    for platform, field in CHANNEL_FIELDS.items():
        if getattr(client, f"{field}_id"):
            targets.append((platform, CLIENT_CHANNEL, None))
        channel = audit.of(platform)
        if channel:
            targets.append((platform, AUDIT_CHANNEL, channel))
    return targets


async def enqueue(session: AsyncSession, audit: AuditChannels, client: Client, entry: AuditEntry) -> None:
    """Queues the notice of `entry` (flushed, so it has its id and time) for every channel that hears it."""
    if entry.action not in NOTIFIED:
        return
    targets = _targets(client, audit)
    if not targets:
        return
    change = history.describe(entry)
    if entry.action == "create":
        change = dataclasses.replace(change, changes=())  # short: the card is one command away
    actor = f"{entry.platform}:{entry.user_id}"
    now = utcnow()
    document = f"{doc_type_short(client.doc_type)} {client.doc_number}"
    for platform, target, channel in targets:
        told = change
        if target == CLIENT_CHANNEL and entry.action in TEAM_ONLY:
            told = dataclasses.replace(change, changes=())
        if await _merged(session, client.id, platform, target, actor, told):
            continue
        notice = ChangeNotice(client.id, client.name, document, (told,))
        session.add(
            OutboxJob(
                kind=NOTICE,
                platform=platform,
                client_id=client.id,
                next_attempt_at=now + MERGE_WINDOW,
                payload={
                    "target": target,
                    "channel": channel,
                    "actor": actor,
                    "notice": history.notice_payload(notice),
                },
            )
        )
    session.info["outbox"] = True


async def _merged(
    session: AsyncSession,
    client_id: int,
    platform: str,
    target: str,
    actor: str,
    change: ChangeView,
) -> bool:
    """Adds `change` to a notice by the same person for the same channel still waiting; False if none.

    The update only matches a job no worker has claimed (attempt 0, pending), so a notice being posted
    is never changed under the worker's feet: then a new one is queued."""
    stmt = (
        select(OutboxJob)
        .where(
            OutboxJob.kind == NOTICE,
            OutboxJob.client_id == client_id,
            OutboxJob.platform == platform,
            OutboxJob.status == "pending",
            OutboxJob.attempts == 0,
        )
        .order_by(OutboxJob.id.desc())
        .limit(5)
    )
    for job in (await session.execute(stmt)).scalars().all():
        payload = dict(job.payload)
        if payload.get("target") != target or payload.get("actor") != actor:
            continue
        notice = history.notice_from(payload)
        if notice is None:
            continue
        merged = dataclasses.replace(notice, changes=(*notice.changes, change))
        payload["notice"] = history.notice_payload(merged)
        done = await session.execute(
            update(OutboxJob)
            .where(OutboxJob.id == job.id, OutboxJob.status == "pending", OutboxJob.attempts == 0)
            .values(payload=payload)
            .execution_options(synchronize_session=False)
        )
        if done.rowcount == 1:  # type: ignore[attr-defined]
            await session.refresh(job)
            return True
    return False
