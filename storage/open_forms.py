"""The ``open_forms`` table: a form shown to a user, until its submit arrives or it expires.

Whichever process receives the submit reads the form's state here (a restart or a Discord failover
in between loses nothing). A row is kept until it expires, not deleted at the first submit, so a
second copy of the same submit is understood too (and the core's idempotency answers it "saved").
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite

from storage.db import Database
from storage.models import OpenForm, as_utc, utcnow


async def remember(db: Database, form_id: str, owner: str, state: dict[str, Any], ttl: timedelta) -> None:
    """Stores (or refreshes) one open form; expired ones are swept on the way."""
    now = utcnow()
    insert = sqlite.insert if db.is_sqlite else postgresql.insert
    values = {"owner": owner, "state": state, "expires_at": now + ttl}
    upsert = (
        insert(OpenForm).values(id=form_id, **values).on_conflict_do_update(index_elements=[OpenForm.id], set_=values)
    )
    async with db.session() as session, session.begin():
        await session.execute(delete(OpenForm).where(OpenForm.expires_at < now))
        await session.execute(upsert)  # a form re-opened under the same id ("Corregir") is refreshed


async def recall(db: Database, form_id: str, *, now: datetime | None = None) -> OpenForm | None:
    """The form, unless it is unknown or expired."""
    async with db.session() as session:
        form = await session.get(OpenForm, form_id)
    expires = as_utc(form.expires_at) if form is not None else None
    if form is None or expires is None or expires < (now or utcnow()):
        return None
    return form
