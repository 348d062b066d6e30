"""Which configured key opens which stored secret: the evidence behind `keys check`, `keys rotate`
and the start-up refusal of a wrong key.

A Fernet key that is well-formed but wrong is indistinguishable from the right one until it meets a
token, so every check here tries the keys on what is actually stored (server passwords, and the
passwords typed into forms still in progress). Labels name the client and the server, never the
password or its token.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any

from sqlalchemy import Row, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.crypto import SecretBox
from storage.models import Client, FormDraft, Server, as_utc, utcnow

START_SAMPLE = 25
"""Start-up tries this many of the oldest and as many of the newest tokens of each kind: a wrong key
fails on all of them, and a half-finished rotation shows at one end or the other."""


@dataclass(frozen=True)
class StoredSecret:
    label: str
    token: str


@dataclass
class KeyReport:
    """What a scan found: how many tokens each key opens, and which stored secrets none opens."""

    key_count: int
    checked: int = 0
    opened: list[int] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.opened = [0] * self.key_count

    @property
    def readable(self) -> int:
        return self.checked - len(self.unreadable)


def server_label(name: str, number: int, host: str | None, ip: str | None, deleted: bool) -> str:
    where = host or ip or "sin host"
    return f"«{name}»{' (eliminado)' if deleted else ''}: servidor {number} ({where})"


def draft_label(owner: str, kind: str, expires: datetime, zone: tzinfo = UTC) -> str:
    """`zone`: the team's (BOT_TIMEZONE), handed down by the command that prints the label."""
    when = as_utc(expires).astimezone(zone)  # type: ignore[union-attr]
    return f"formulario en curso de {owner} ({kind}, caduca {when:%Y-%m-%d %H:%M} ({getattr(zone, 'key', 'UTC')}))"


def _numbered_servers() -> Any:
    """Servers with a password, numbered per client as the card numbers them (by id)."""
    numbered = select(
        Server.id,
        Server.client_id,
        Server.host,
        Server.ip,
        Server.password_token,
        func.row_number().over(partition_by=Server.client_id, order_by=Server.id).label("number"),
    ).subquery()
    return (
        select(numbered, Client.name, Client.deleted_at)
        .join(Client, Client.id == numbered.c.client_id)
        .where(numbered.c.password_token.is_not(None))
    ), numbered


async def _server_rows(session: AsyncSession, sample: int | None) -> list[Row[Any]]:
    query, numbered = _numbered_servers()
    if sample is None:
        return list((await session.execute(query.order_by(numbered.c.id))).all())
    oldest = (await session.execute(query.order_by(numbered.c.id).limit(sample))).all()
    newest = (await session.execute(query.order_by(numbered.c.id.desc()).limit(sample))).all()
    return list({row.id: row for row in (*oldest, *newest)}.values())


def draft_tokens(data: dict[str, Any]) -> Iterator[str]:
    for server in data.get("servers") or []:
        if isinstance(server, dict) and server.get("password_token"):
            yield server["password_token"]


async def live_drafts(session: AsyncSession, sample: int | None = None) -> list[FormDraft]:
    """Drafts that can still be continued (an expired one is refused by `load_draft` anyway)."""
    query = select(FormDraft).where(FormDraft.expires_at >= utcnow()).order_by(FormDraft.expires_at.desc())
    if sample is not None:
        query = query.limit(sample)
    return list((await session.execute(query)).scalars().all())


async def stored_secrets(session: AsyncSession, sample: int | None = None, zone: tzinfo = UTC) -> list[StoredSecret]:
    """Every stored password token (or a sample of them), each with a label an operator can act on."""
    secrets = [
        StoredSecret(server_label(r.name, r.number, r.host, r.ip, r.deleted_at is not None), r.password_token)
        for r in await _server_rows(session, sample)
    ]
    for draft in await live_drafts(session, sample):
        label = draft_label(draft.owner, draft.kind, draft.expires_at, zone)
        secrets.extend(StoredSecret(label, token) for token in draft_tokens(draft.data))
    return secrets


def check_tokens(box: SecretBox, secrets: Iterable[StoredSecret]) -> KeyReport:
    report = KeyReport(box.key_count)
    for secret in secrets:
        report.checked += 1
        opener = box.opener(secret.token)
        if opener is None:
            report.unreadable.append(secret.label)
        else:
            report.opened[opener] += 1
    return report


async def scan(session: AsyncSession, box: SecretBox, sample: int | None = None, zone: tzinfo = UTC) -> KeyReport:
    return check_tokens(box, await stored_secrets(session, sample, zone))


async def has_stored_secrets(session: AsyncSession) -> bool:
    if (await session.execute(select(Server.id).where(Server.password_token.is_not(None)).limit(1))).first():
        return True
    return any(any(draft_tokens(draft.data)) for draft in await live_drafts(session))
