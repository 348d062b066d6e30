"""Key rotation: re-encrypts every stored secret with the newest key (`clientes-bot keys rotate`)."""

from __future__ import annotations

from sqlalchemy import select

from storage.crypto import SecretBox
from storage.db import Database
from storage.models import FormDraft, Server


async def rotate_secrets(db: Database, box: SecretBox) -> int:
    """Re-encrypts every stored password with the newest key, all in one transaction."""
    async with db.session() as session, session.begin():
        servers = (await session.execute(select(Server).where(Server.password_token.is_not(None)))).scalars().all()
        for server in servers:
            server.password_token = box.rotate(server.password_token or "")
        drafts = (await session.execute(select(FormDraft))).scalars().all()
        for draft in drafts:
            if draft.data.get("servers"):
                draft.data = {
                    **draft.data,
                    "servers": [
                        {**s, "password_token": box.rotate(s["password_token"])} if s.get("password_token") else s
                        for s in draft.data["servers"]
                    ],
                }
        return len(servers)
