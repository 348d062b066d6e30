"""Key rotation: re-encrypts every stored secret with the newest key (`clientes-bot keys rotate`).

All or nothing: every token is checked first, in the same transaction, and if any cannot be read the
rotation changes nothing and names what it could not read. Re-encrypting only the readable ones
would let the operator retire the old key and lose the others for good.
"""

from __future__ import annotations

from sqlalchemy import delete, select

from storage.crypto import SecretBox, SecretKeyError
from storage.db import Database
from storage.keycheck import draft_tokens, live_drafts, scan
from storage.models import FormDraft, Server, utcnow


class UnreadableSecrets(SecretKeyError):
    """The rotation found secrets no configured key opens; `labels` name them (never the password)."""

    def __init__(self, labels: list[str], checked: int) -> None:
        self.labels = labels
        super().__init__(
            f"No se cambió nada: {len(labels)} de {checked} contraseña(s) guardadas no se pueden descifrar con "
            "ninguna clave de CLIENTES_SECRET_KEYS. Agregue la clave con la que se cifraron (detrás de la "
            "nueva) y vuelva a ejecutar `clientes-bot keys rotate`."
        )


async def rotate_secrets(db: Database, box: SecretBox) -> int:
    """Re-encrypts every stored password with the newest key, all in one transaction; returns how many
    server passwords it re-encrypted. Expired form drafts are deleted rather than rotated: nobody can
    continue them, and an old-key token left behind would outlive the key."""
    async with db.session() as session, session.begin():
        report = await scan(session, box)
        if report.unreadable:
            raise UnreadableSecrets(report.unreadable, report.checked)
        servers = (await session.execute(select(Server).where(Server.password_token.is_not(None)))).scalars().all()
        for server in servers:
            server.password_token = box.rotate(server.password_token or "")
        await session.execute(delete(FormDraft).where(FormDraft.expires_at < utcnow()))
        for draft in await live_drafts(session):
            if any(draft_tokens(draft.data)):
                draft.data = {
                    **draft.data,
                    "servers": [
                        {**s, "password_token": box.rotate(s["password_token"])}
                        if isinstance(s, dict) and s.get("password_token")
                        else s
                        for s in draft.data["servers"]
                    ],
                }
        return len(servers)
