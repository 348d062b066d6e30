"""Data migrations, run from the revision before them on a database that holds the data they fix."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from alembic import op
from sqlalchemy import text

from commands import padron
from commands.access import Actor
from commands.service import ClientService
from storage import migrate
from storage.crypto import SecretBox
from storage.db import Database


async def test_import_keys_derived_from_passwords_are_forgotten(tmp_path: Path, box: SecretBox, ana: Actor) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}")
    try:
        await migrate.upgrade(db, "0004")
        # Written as SQL: today's models have columns (0007) that a 0004 schema does not.
        async with db.engine.begin() as conn:
            for client_id, doc_type, number, name, key in (
                (1, "6", "20100070970", "Importada", "import:" + "a" * 40),
                (2, "1", "12345678", "Tecleada", "slack:V0FORM"),
            ):
                await conn.execute(
                    text(
                        "INSERT INTO clients (id, doc_type, doc_number, name, search_text, created_at, created_by,"
                        " updated_at, updated_by, version, origin_key) VALUES (:id, :type, :number, :name, '',"
                        " CURRENT_TIMESTAMP, :who, CURRENT_TIMESTAMP, :who, 1, :key)"
                    ),
                    {"id": client_id, "type": doc_type, "number": number, "name": name, "who": ana.ref, "key": key},
                )
        imported_id, typed_id = 1, 2

        await migrate.upgrade(db)

        async with db.engine.connect() as conn:
            keys = dict((await conn.execute(text("SELECT id, origin_key FROM clients"))).all())
        assert keys == {imported_id: None, typed_id: "slack:V0FORM"}
        service = ClientService(db, box)  # and the migrated register works with today's code
        assert [r.name for r in (await service.list_page(ana, "tecleada")).rows] == ["Tecleada"]
    finally:
        await db.dispose()


async def _old_database_with_a_padron_load(db: Database) -> None:
    await migrate.upgrade(db, "0009")
    async with db.engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO padron_loads (slot, fecha, source, rows, duplicates, malformed, loaded_at) "
                "VALUES ('b', '2026-11-28', 'padron_reducido_ruc.txt', 1, 0, 0, '2026-11-28 06:00:00')"
            )
        )
        await conn.execute(
            text(
                "INSERT INTO padron_b VALUES (20601234565, 'COMPAÑÍA PEÑA NÚÑEZ S.A.C.', 'BAJA DE OFICIO', "
                "'NO HABIDO', '150122', 'AV.|JAVIER PRADO ESTE|SANTA FELICIA|URB.|6210|301|-|-|-|-|\r', :key)"
            ),
            {"key": "compania pena nunez s.a.c.".encode("latin-1")},
        )


async def test_the_padron_load_in_use_is_carried_into_the_rest_column(tmp_path: Path) -> None:
    """0011 folds estado, condición, UBIGEO and the address into `rest`: the load in use reads the same."""
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}")
    try:
        await _old_database_with_a_padron_load(db)
        await migrate.upgrade(db)

        taxpayer = await padron.lookup(db, "20601234565")
        assert taxpayer is not None
        assert (taxpayer.name, taxpayer.estado, taxpayer.condicion, taxpayer.ubigeo) == (
            "COMPAÑÍA PEÑA NÚÑEZ S.A.C.",
            "BAJA DE OFICIO",
            "NO HABIDO",
            "150122",
        )
        assert taxpayer.domicilio == "AV. JAVIER PRADO ESTE NRO. 6210 INT. 301 URB. SANTA FELICIA"
        assert [t.ruc for t in (await padron.search(db, "compañia peña")).items] == ["20601234565"]
    finally:
        await db.dispose()


async def test_a_migration_failing_half_way_leaves_the_schema_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite's CREATE/ALTER/DROP used to commit one by one: 0011 failing after renaming the slots (a full
    disk while the load in use was copied, a kill -9) left renamed tables behind and every later start
    failed on them. The upgrade is one transaction: nothing of it stays, and the next start migrates."""
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}")
    try:
        await _old_database_with_a_padron_load(db)
        real = op.execute

        def failing(sql: Any, *args: Any, **kwargs: Any) -> Any:
            if str(sql).startswith("DROP TABLE padron_b_old"):  # after the rename and the copy
                raise OSError(28, "No space left on device")
            return real(sql, *args, **kwargs)

        monkeypatch.setattr(op, "execute", failing)
        with pytest.raises(OSError):
            await migrate.upgrade(db)
        monkeypatch.setattr(op, "execute", real)

        assert await migrate.current_revision(db) == "0009"
        async with db.engine.connect() as conn:
            tables = (await conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'"))).scalars()
            assert not [name for name in tables if name.endswith("_old")]
            assert (await conn.execute(text("SELECT estado FROM padron_b"))).scalar_one() == "BAJA DE OFICIO"

        await migrate.upgrade(db)  # the next start
        assert await migrate.current_revision(db) == migrate.head_revision()
        taxpayer = await padron.lookup(db, "20601234565")
        assert taxpayer is not None and taxpayer.estado == "BAJA DE OFICIO"
    finally:
        await db.dispose()
