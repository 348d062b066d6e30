"""`clientes-bot import FILE` with a file that cannot be a list of clients: a Spanish message and exit
code 2, never a traceback (the records themselves are validated by the core, row by row)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_runner import cli_env, no_traceback, run_cli

CASES = {
    "profundo.json": (b"[" * 200_000, "anida listas u objetos demasiado hondo"),
    "latin1.json": ('[{"name": "Pe\u00f1a"}]'.encode("latin-1"), "no está en UTF-8"),
    "numero.json": (b"[" + b"9" * 5000 + b"]", "contiene un número demasiado largo"),
    "roto.json": (b'[{"name": ', "no es JSON válido: línea 1"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_unreadable_import_file_is_a_spanish_message(tmp_path: Path, name: str) -> None:
    content, expected = CASES[name]
    (tmp_path / name).write_bytes(content)
    result = run_cli(["import", name], env=cli_env(DATABASE_URL=None), cwd=tmp_path)
    assert result.code == 2, result.stderr
    assert expected in result.stderr
    no_traceback(result)
