"""`clientes-bot export --format csv|xlsx` and `clientes-bot import FILE.csv|FILE.xlsx` as the operator runs
them: files created 0600, the row-numbered Spanish report, a Spanish refusal of an unknown format."""

from __future__ import annotations

import io
import stat
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.cli_runner import cli_env, no_traceback, run_cli

SHEET = (
    "Tipo Doc. Identidad,Número,Nombre,Teléfono,Columna rara\r\n"
    "DNI,12345678,José Núñez,987654321,x\r\n"
    "RUC,20100070970,,,\r\n"
)


def _cli(tmp_path: Path, *args: str):  # type: ignore[no-untyped-def]
    return run_cli(args, env=cli_env(DATABASE_URL=None), cwd=tmp_path)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_import_a_spreadsheet_then_export_it(tmp_path: Path, fmt: str) -> None:
    source = tmp_path / "clientes.csv"
    source.write_text(SHEET, encoding="utf-8")
    imported = _cli(tmp_path, "import", str(source))
    assert imported.code == 1, imported.stderr  # one row skipped
    assert "Columnas no reconocidas (se ignoran): Columna rara" in imported.stderr
    assert "fila 3: Nombre: es obligatorio." in imported.stderr
    assert "1 cliente(s) creados, 0 ya importados antes, 1 omitidos." in imported.stderr
    exported = _cli(tmp_path, "export", "--format", fmt, "-o", f"salida.{fmt}")
    assert exported.code == 0, exported.stderr
    target = tmp_path / f"salida.{fmt}"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    if fmt == "xlsx":
        rows = [[c.value for c in r] for r in load_workbook(io.BytesIO(target.read_bytes())).worksheets[0]]
    else:
        rows = [line.split(",") for line in target.read_text(encoding="utf-8-sig").splitlines()]
    assert rows[1][:3] == ["DNI", "12345678", "José Núñez"] and len(rows) == 2
    again = _cli(tmp_path, "import", str(source))  # the same file again creates nothing new
    assert "0 cliente(s) creados, 1 ya importados antes, 1 omitidos." in again.stderr
    no_traceback(again)


def test_export_format_from_the_extension_and_unknown_formats(tmp_path: Path) -> None:
    assert _cli(tmp_path, "export", "-o", "x.xlsx").code == 0
    assert (tmp_path / "x.xlsx").read_bytes().startswith(b"PK")
    refused = _cli(tmp_path, "export", "--format", "ods")
    assert refused.code == 2 and "Formato «ods» desconocido: use json, csv o xlsx." in refused.stderr
    no_traceback(refused)
