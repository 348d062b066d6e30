"""The SQLite database and its -wal/-shm files are private (0600) like the key file, whatever the
umask of the process that creates them; so is an export written with -o."""

from __future__ import annotations

import os
import stat
import sys
import textwrap
from pathlib import Path

import pytest

from tests.cli_runner import REPO, Result, cli_env, run_cli, run_process

if sys.platform == "win32":  # pragma: no cover - POSIX modes only
    pytest.skip("POSIX file modes", allow_module_level=True)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def run(tmp_path: Path, *args: str, stdin: str = "") -> Result:
    """A process with umask 000: without our care every file it creates would be world-readable."""
    env = cli_env(DATABASE_URL=None, PYTHONPATH=str(REPO))
    return run_process(args, env=env, cwd=tmp_path, input=stdin, preexec_fn=lambda: os.umask(0))  # child only


def test_database_wal_and_shm_are_created_0600_under_a_permissive_umask(tmp_path: Path) -> None:
    script = textwrap.dedent(
        """
        import asyncio, os
        from storage import migrate
        from storage.db import Database
        from sqlalchemy import text

        async def main():
            db = Database("sqlite:///./data/clientes.db")
            await migrate.upgrade(db)
            async with db.engine.begin() as conn:  # held open: -wal and -shm exist meanwhile
                await conn.execute(text("INSERT INTO audit_entries (at, platform, user_id, action, changes) "
                                        "VALUES (CURRENT_TIMESTAMP, 'console', 'x', 'probe', '{}')"))
                for name in sorted(os.listdir("data")):
                    print(name, oct(os.stat(os.path.join("data", name)).st_mode & 0o777))
            await db.dispose()

        asyncio.run(main())
        """
    )
    result = run(tmp_path, "-c", script)
    assert result.code == 0, result.stderr
    modes = dict(line.split() for line in result.stdout.splitlines())
    assert modes == {"clientes.db": "0o600", "clientes.db-shm": "0o600", "clientes.db-wal": "0o600"}
    assert mode(tmp_path / "data") == 0o700


def test_first_run_makes_every_file_private(tmp_path: Path) -> None:
    result = run(tmp_path, "-m", "bot", "console", stdin="nuevo\n1\n12345678\nJosé Núñez\n" + "\n" * 12 + "lista\n")
    assert result.code == 0, result.stderr
    data = tmp_path / "data"
    assert mode(data) == 0o700
    assert {p.name: mode(p) for p in data.iterdir()} == {"clientes.db": 0o600, "secret.key": 0o600}


def test_an_existing_database_keeps_its_owners_mode(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    database = tmp_path / "data" / "clientes.db"
    database.touch()
    database.chmod(0o640)
    result = run(tmp_path, "-m", "bot", "db", "upgrade")
    assert result.code == 0, result.stderr
    assert mode(database) == 0o640


def test_export_file_is_created_0600(tmp_path: Path) -> None:
    result = run(tmp_path, "-m", "bot", "export", "-o", "respaldo.json")
    assert result.code == 0, result.stderr
    assert (tmp_path / "respaldo.json").read_text() == "[]\n"
    assert mode(tmp_path / "respaldo.json") == 0o600
    missing = run_cli(["export", "-o", "no/existe/respaldo.json"], env=cli_env(DATABASE_URL=None), cwd=tmp_path)
    assert missing.code == 2
    assert "No se pudo escribir «no/existe/respaldo.json»: la carpeta no existe." in missing.stderr


def test_an_existing_loose_database_is_reported_at_start(tmp_path: Path) -> None:
    """No umask involved (the test loosens the mode itself), so the CLI runs in-process."""
    env = cli_env(DATABASE_URL=None)
    first = run_cli(["console"], env=env, cwd=tmp_path)
    assert first.code == 0, first.stderr
    (tmp_path / "data" / "clientes.db").chmod(0o644)
    again = run_cli(["console"], env=env, cwd=tmp_path)
    assert again.code == 0, again.stderr
    out = " ".join(again.stderr.split())
    assert "data/clientes.db tiene permisos 0644: otros usuarios del sistema pueden leerlo." in out
    assert "chmod 600 data/clientes.db" in out and "secret.key tiene permisos" not in out
    assert mode(tmp_path / "data" / "clientes.db") == 0o644  # reported, not changed behind the owner's back
