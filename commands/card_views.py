"""Builds the neutral views adapters render (card, list row, channel states) from stored rows."""

from __future__ import annotations

from collections.abc import Sequence

from commands import clock
from commands.access import Actor
from commands.forms import CHANNEL_FIELDS, doc_type_short
from commands.views import AddressView, ChannelStatus, ClientCard, ClientSummary, ServerView
from storage.models import Client, OutboxJob, as_utc
from storage.repository import Listed


def _stamp(value: object) -> str:
    return clock.stamp(as_utc(value))  # type: ignore[arg-type]


def channel_statuses(client: Client, jobs: Sequence[OutboxJob] = ()) -> tuple[ChannelStatus, ...]:
    """Each named channel's state, from the client row and its newest provisioning job per platform."""
    statuses = []
    for platform, field in CHANNEL_FIELDS.items():
        name = getattr(client, field)
        if not name:
            continue
        job = next((j for j in jobs if j.platform == platform and j.payload.get("name") == name), None)
        if job is not None and job.status == "failed":
            statuses.append(ChannelStatus(platform, name, "error", job.last_error))
        elif getattr(client, f"{field}_id") and (job is None or job.status == "done"):
            statuses.append(ChannelStatus(platform, name, "listo", channel_id=getattr(client, f"{field}_id")))
        else:
            statuses.append(ChannelStatus(platform, name, "pendiente", job.last_error if job else None))
    return tuple(statuses)


def card(client: Client, jobs: Sequence[OutboxJob] = ()) -> ClientCard:
    return ClientCard(
        id=client.id,
        version=client.version,
        doc_type=client.doc_type,
        doc_number=client.doc_number,
        name=client.name,
        internal_code=client.internal_code,
        trade_name=client.trade_name,
        contact_name=client.contact_name,
        contact_phone=client.contact_phone,
        website=client.website,
        gitlab_user=client.gitlab_user,
        discord_user=client.discord_user,
        slack_channel=client.slack_channel,
        discord_channel=client.discord_channel,
        slack_channel_id=client.slack_channel_id,
        discord_channel_id=client.discord_channel_id,
        addresses=tuple(
            AddressView(a.id, a.is_main, a.country, a.ubigeo, a.line, a.phone, a.email)
            for a in sorted(client.addresses, key=lambda a: (not a.is_main, a.id))
        ),
        servers=tuple(ServerView(s.id, s.host, s.ip, s.username, bool(s.password_token)) for s in client.servers),
        created_by=client.created_by,
        updated_by=client.updated_by,
        created_at=_stamp(client.created_at),
        updated_at=_stamp(client.updated_at),
        deleted=client.deleted_at is not None,
        channels=channel_statuses(client, jobs),
    )


def channel_for(client: Client | Listed, platform: str) -> str | None:
    """The manual's "Canal" column: the client's channel on the platform asking."""
    if platform == "discord":
        name = client.discord_channel
    elif platform == "slack":
        name = client.slack_channel
    else:
        name = client.slack_channel or client.discord_channel
    return f"#{name}" if name else None


def summary(client: Client | Listed, actor: Actor) -> ClientSummary:
    main = next((a for a in client.addresses if a.is_main), None)
    return ClientSummary(
        id=client.id,
        name=client.name,
        document=f"{doc_type_short(client.doc_type)} {client.doc_number}",
        channel=channel_for(client, actor.platform),
        contact_phone=client.contact_phone,
        phone=main.phone if main else None,
        email=main.email if main else None,
        deleted=client.deleted_at is not None,
        channel_id=channel_id_for(client, actor.platform),
    )


def channel_id_for(client: Client | Listed, platform: str) -> str | None:
    """The id of the client's channel on `platform` once it exists (the list links it there)."""
    field = CHANNEL_FIELDS.get(platform)
    return getattr(client, f"{field}_id") if field and getattr(client, field) else None
