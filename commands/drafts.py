"""Half-filled multi-step forms, kept server-side for 24 h.

Slack's `private_metadata` (3,000 chars) and Discord's `custom_id` (100 chars) are too small for a
form, so only a draft's id travels with the platform; any bot process can continue any draft.
Passwords typed into a draft are encrypted like stored ones.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping
from contextlib import AbstractAsyncContextManager
from datetime import timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from commands.access import Actor
from commands.errors import DraftExpired
from commands.secrets_errors import open_secret
from storage.crypto import SecretBox
from storage.models import FormDraft, as_utc, utcnow

DRAFT_TTL = timedelta(hours=24)
# Draft ids come back in Discord custom_ids, which a client can forge: anything but the ids we hand out
# (uuid4 hex, 32 characters) is a draft that does not exist, never a NUL or an over-long key sent to
# the database (a DBAPIError on PostgreSQL).
_DRAFT_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")


def _valid_id(draft_id: object) -> bool:
    return isinstance(draft_id, str) and _DRAFT_ID.fullmatch(draft_id) is not None


class Drafts:
    """The service's drafts: its transaction (`tx`, outages in Spanish) and its secret box."""

    def __init__(self, tx: Callable[[], AbstractAsyncContextManager[AsyncSession]], box: SecretBox) -> None:
        self._tx = tx
        self.box = box

    async def save(
        self,
        actor: Actor,
        kind: str,
        data: Mapping[str, Any],
        *,
        draft_id: str | None = None,
        client_id: int | None = None,
        client_version: int | None = None,
    ) -> str:
        """Stores a half-filled form; its short id is what travels in private_metadata/custom_id.

        Passwords typed into a draft are encrypted like stored ones.
        """
        now = utcnow()
        if draft_id is not None and not _valid_id(draft_id):
            draft_id = None
        stored = dict(data)
        if stored.get("servers"):
            stored["servers"] = [self._seal(s) for s in stored["servers"]]
        async with self._tx() as session:
            await session.execute(delete(FormDraft).where(FormDraft.expires_at < now))
            draft = await session.get(FormDraft, draft_id) if draft_id else None
            if draft is None or draft.owner != actor.ref:
                # Someone else's id (or none) starts a new draft: never overwrite another user's form.
                fresh = draft_id if draft is None and draft_id else uuid.uuid4().hex
                draft = FormDraft(id=fresh, owner=actor.ref, kind=kind)
                session.add(draft)
            draft.kind = kind
            draft.data = stored
            draft.client_id = client_id
            draft.client_version = client_version
            draft.expires_at = now + DRAFT_TTL
            return draft.id

    def _seal(self, server: Mapping[str, Any]) -> dict[str, Any]:
        sealed = dict(server)
        if sealed.get("password"):
            sealed["password_token"] = self.box.encrypt(sealed.pop("password"))
        sealed.pop("password", None)
        return sealed

    def _unseal(self, server: Mapping[str, Any]) -> dict[str, Any]:
        plain = dict(server)
        token = plain.pop("password_token", None)
        plain["password"] = open_secret(self.box, token) if token else None
        return plain

    async def load(self, actor: Actor, draft_id: str) -> FormDraft:
        if not _valid_id(draft_id):
            raise DraftExpired()
        async with self._tx() as session:
            draft = await session.get(FormDraft, draft_id)
            expires = as_utc(draft.expires_at) if draft else None
            if draft is None or draft.owner != actor.ref or expires is None or expires < utcnow():
                raise DraftExpired()
            data = dict(draft.data)
            if data.get("servers"):
                data["servers"] = [self._unseal(s) for s in data["servers"]]
            draft.data = data
            session.expunge(draft)
            return draft

    async def discard(self, draft_id: str) -> None:
        if not _valid_id(draft_id):
            return
        async with self._tx() as session:
            await session.execute(delete(FormDraft).where(FormDraft.id == draft_id))
