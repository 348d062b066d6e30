"""`clientes-bot keys check|rotate` and the start-up key check, run as the operator runs them (the real
typer app in-process with the operator's environment variables, one case as a real process), on the test
database (SQLite, or PostgreSQL with DATABASE_URL)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from commands.access import AccessPolicy, Actor
from commands.service import ClientService
from storage.crypto import SecretBox, generate_key
from storage.db import Database
from tests.cli_runner import Result, cli_env, run_cli, run_process
from tests.cli_runner import no_traceback as no_python_error

OPERATOR = Actor("console", "op")
PASSWORDS = ("clave-vieja-1", "clave-vieja-2", "clave-ajena-3")


def clientes_bot(tmp_path: Path, db: Database, keys: str | None, *args: str, stdin: str = "") -> Result:
    env = cli_env(DATABASE_URL=db.url.render_as_string(hide_password=False), CLIENTES_SECRET_KEYS=keys)
    return run_cli(args, env=env, cwd=tmp_path, input=stdin)


def no_traceback(result: Result) -> None:
    no_python_error(result)
    assert not any(pw in result.stderr + result.stdout for pw in PASSWORDS)


async def tokens(db: Database) -> list[str]:
    async with db.session() as session:
        return list((await session.execute(text("SELECT password_token FROM servers ORDER BY id"))).scalars())


@pytest.fixture
def old_key() -> str:
    return generate_key()


@pytest.fixture
def stranger_key() -> str:
    return generate_key()


@pytest.fixture
async def stored(db: Database, old_key: str, stranger_key: str) -> Database:
    """Two servers under the old key, one under a key nobody configured."""
    old = ClientService(db, SecretBox([old_key]), AccessPolicy())
    await old.create(
        OPERATOR,
        {"doc_type": "6", "doc_number": "20100070970", "name": "Vieja SAC"},
        servers=[{"host": "erp.vieja.pe", "password": PASSWORDS[0]}, {"ip": "203.0.113.7", "password": PASSWORDS[1]}],
    )
    stranger = ClientService(db, SecretBox([stranger_key]), AccessPolicy())
    await stranger.create(
        OPERATOR,
        {"doc_type": "6", "doc_number": "20131312955", "name": "Ajena SAC"},
        servers=[{"host": "erp.ajena.pe", "password": PASSWORDS[2]}],
    )
    return db


def test_keys_check_with_a_malformed_key_is_spanish_exit_2(tmp_path: Path, db: Database) -> None:
    result = clientes_bot(tmp_path, db, "notakey", "keys", "check")
    assert result.code == 2, result.stderr
    assert "CLIENTES_SECRET_KEYS contiene una clave inválida (la n.º 1" in result.stderr
    assert "notakey" not in result.stderr
    no_traceback(result)


def test_every_command_refuses_a_malformed_key_without_traceback(tmp_path: Path, db: Database) -> None:
    (tmp_path / "vacio.json").write_text("[]")
    for command in (["keys", "rotate"], ["console"], ["run"], ["import", "vacio.json"]):
        result = clientes_bot(tmp_path, db, f"{generate_key()},notakey", *command)
        assert result.code == 2, (command, result.stderr)
        assert "la n.º 2 de la lista" in result.stderr, command
        no_traceback(result)


async def test_keys_check_counts_per_key_and_lists_the_unreadable(
    tmp_path: Path, stored: Database, old_key: str
) -> None:
    new_key = generate_key()
    result = clientes_bot(tmp_path, stored, f"{new_key},{old_key}", "keys", "check")
    assert result.code == 1, result.stderr
    out = " ".join(result.stderr.split())
    assert "2 clave(s) en CLIENTES_SECRET_KEYS; 3 contraseña(s) guardadas." in out
    assert "Clave 1 (la más nueva: cifra las contraseñas nuevas): descifra 0." in out
    assert "Clave 2: descifra 2." in out
    assert "1 contraseña(s) no se pueden descifrar con ninguna clave" in out
    assert "- «Ajena SAC»: servidor 1 (erp.ajena.pe)" in out
    assert new_key not in result.stderr and old_key not in result.stderr
    no_traceback(result)


async def test_keys_check_passes_when_every_secret_opens(
    tmp_path: Path, stored: Database, old_key: str, stranger_key: str
) -> None:
    result = clientes_bot(tmp_path, stored, f"{old_key},{stranger_key}", "keys", "check")
    assert result.code == 0, result.stderr
    assert "Todas las contraseñas guardadas se pueden descifrar." in result.stderr


async def test_keys_rotate_with_an_unreadable_token_lists_it_and_changes_nothing(
    tmp_path: Path, stored: Database, old_key: str
) -> None:
    before = await tokens(stored)
    result = clientes_bot(tmp_path, stored, f"{generate_key()},{old_key}", "keys", "rotate")
    assert result.code == 1, result.stderr
    out = " ".join(result.stderr.split())
    assert "No se cambió nada: 1 de 3 contraseña(s) guardadas no se pueden descifrar" in out
    assert "- «Ajena SAC»: servidor 1 (erp.ajena.pe)" in out
    assert "«Vieja SAC»" not in out
    no_traceback(result)
    assert await tokens(stored) == before


async def test_keys_rotate_with_all_keys_reencrypts_everything(
    tmp_path: Path, stored: Database, old_key: str, stranger_key: str
) -> None:
    new_key = generate_key()
    before = await tokens(stored)
    result = clientes_bot(tmp_path, stored, f"{new_key},{old_key},{stranger_key}", "keys", "rotate")
    assert result.code == 0, result.stderr
    assert "3 contraseña(s) cifradas de nuevo" in result.stderr
    after = await tokens(stored)
    assert set(before).isdisjoint(after)
    check = clientes_bot(tmp_path, stored, new_key, "keys", "check")
    assert check.code == 0 and "Clave 1 (la más nueva: cifra las contraseñas nuevas): descifra 3." in " ".join(
        check.stderr.split()
    )


async def test_a_wrong_key_refuses_to_start_naming_the_variable(tmp_path: Path, stored: Database) -> None:
    before = await tokens(stored)
    result = clientes_bot(tmp_path, stored, generate_key(), "console", stdin="nuevo\n")
    assert result.code == 2, result.stderr
    out = " ".join(result.stderr.split())
    assert "Ninguna clave de CLIENTES_SECRET_KEYS descifra las contraseñas guardadas (se probaron 3)" in out
    no_traceback(result)
    assert await tokens(stored) == before


async def test_a_partly_readable_database_starts_with_a_counted_warning(
    tmp_path: Path, stored: Database, old_key: str
) -> None:
    result = clientes_bot(tmp_path, stored, old_key, "console", stdin="lista\n")
    assert result.code == 0, result.stderr
    assert "1 de 3 contraseñas revisadas no se pueden descifrar con CLIENTES_SECRET_KEYS" in " ".join(
        result.stderr.split()
    )
    assert "Vieja SAC" in result.stdout
    no_traceback(result)


def test_keys_check_before_the_first_run_creates_nothing(tmp_path: Path) -> None:
    """A real process (the keys family's smoke test): nothing is created in a fresh directory."""
    env = cli_env(DATABASE_URL=None)
    result = run_process(["-m", "bot", "keys", "check"], env=env, cwd=tmp_path, timeout=60)
    assert result.code == 0, result.stderr
    assert "no existe todavía" in result.stderr
    env["CLIENTES_SECRET_KEYS"] = "notakey"
    malformed = run_process(["-m", "bot", "keys", "check"], env=env, cwd=tmp_path, timeout=60)
    assert malformed.code == 2 and "clave inválida" in malformed.stderr
    no_traceback(malformed)
    assert list(tmp_path.iterdir()) == []


def test_an_empty_key_file_is_named_not_replaced(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "secret.key").write_text("")
    result = run_cli(["console"], env=cli_env(DATABASE_URL=None), cwd=tmp_path, input="")
    assert result.code == 2
    assert "El archivo de claves data/secret.key está vacío" in " ".join(result.stderr.split())
    assert (tmp_path / "data" / "secret.key").read_text() == ""
    no_traceback(result)
