"""A database the bot cannot open or migrate: a Spanish reason naming DATABASE_URL, exit code 3, never a
traceback and never "try again in a few seconds" for something retrying cannot fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from storage import migrate
from storage.crypto import generate_key
from storage.db import Database
from tests.cli_runner import Result, cli_env, no_traceback, run_cli, run_process


def clientes_bot(tmp_path: Path, url: str, *args: str, process: bool = False) -> Result:
    env = cli_env(DATABASE_URL=url, CLIENTES_SECRET_KEYS=generate_key())
    if process:
        return run_process(["-m", "bot", *args], env=env, cwd=tmp_path, timeout=60)
    return run_cli(args, env=env, cwd=tmp_path)


def spanish_exit_3(result: Result, reason: str) -> None:
    assert result.code == 3, result.stderr
    assert reason in " ".join(result.stderr.split())
    no_traceback(result)


def test_a_file_that_is_not_sqlite(tmp_path: Path) -> None:
    (tmp_path / "notas.db").write_text("esto no es una base de datos\n" * 100)
    result = clientes_bot(tmp_path, f"sqlite:///{tmp_path}/notas.db", "console")
    spanish_exit_3(result, "No se pudo abrir la base de datos de DATABASE_URL: el archivo no es una base de datos")


def test_a_server_that_refuses_connections(tmp_path: Path) -> None:
    """A real process (the `db upgrade` family's smoke test)."""
    result = clientes_bot(tmp_path, "postgresql://clientes@127.0.0.1:9/clientes", "db", "upgrade", process=True)
    spanish_exit_3(result, "el servidor no acepta conexiones en ese host y puerto")


async def test_a_database_migrated_by_a_newer_version_is_refused_unchanged(tmp_path: Path, db: Database) -> None:
    async with db.engine.begin() as conn:
        await conn.execute(text("UPDATE alembic_version SET version_num = '0099_from_the_future'"))
    url = db.url.render_as_string(hide_password=False)
    try:
        for command in (["db", "upgrade"], ["console"], ["keys", "rotate"]):
            result = clientes_bot(tmp_path, url, *command)
            spanish_exit_3(result, "La base de datos está en la versión «0099_from_the_future», que esta versión")
        assert await migrate.current_revision(db) == "0099_from_the_future"
    finally:  # leave the shared PostgreSQL database usable for the next test
        async with db.engine.begin() as conn:
            await conn.execute(
                text("UPDATE alembic_version SET version_num = :head"), {"head": migrate.head_revision()}
            )


async def test_a_postgres_database_that_does_not_exist(tmp_path: Path, db: Database) -> None:
    if db.is_sqlite:
        pytest.skip("PostgreSQL only (DATABASE_URL=postgresql://…)")
    url = db.url.set(database="clientes_no_existe").render_as_string(hide_password=False)
    result = clientes_bot(tmp_path, url, "console")
    spanish_exit_3(result, "la base de datos indicada no existe en el servidor")
