"""Data migrations, run from the revision before them on a database that holds the data they fix."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from commands.access import Actor
from commands.service import ClientService
from storage import migrate
from storage.crypto import SecretBox
from storage.db import Database


async def test_import_keys_derived_from_passwords_are_forgotten(tmp_path: Path, box: SecretBox, ana: Actor) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}")
    try:
        await migrate.upgrade(db, "0004")
        service = ClientService(db, box)
        imported = await service.create(
            ana, {"doc_type": "6", "doc_number": "20100070970", "name": "Importada"}, origin_key="import:" + "a" * 40
        )
        typed = await service.create(
            ana, {"doc_type": "1", "doc_number": "12345678", "name": "Tecleada"}, origin_key="slack:V0FORM"
        )

        await migrate.upgrade(db)

        async with db.engine.connect() as conn:
            keys = dict((await conn.execute(text("SELECT id, origin_key FROM clients"))).all())
        assert keys == {imported.id: None, typed.id: "slack:V0FORM"}
    finally:
        await db.dispose()
