"""`clientes-bot import FILE` with a file that cannot be a list of clients: a Spanish message and exit
code 2, never a traceback (the records themselves are validated by the core, row by row)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

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
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "CLIENTES_"))}
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "bot", "import", name], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2, result.stderr
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
