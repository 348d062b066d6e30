"""`clientes-bot padron import|check` through the real typer app, on the test's database."""

from __future__ import annotations

from pathlib import Path

from commands.access import Actor
from commands.service import ClientService
from storage.crypto import generate_key
from storage.db import Database
from tests.cli_runner import Result, cli_env, no_traceback, run_cli
from tests.padron.sample import write_txt, write_zip


def clientes_bot(tmp_path: Path, db: Database, *args: str) -> Result:
    env = cli_env(DATABASE_URL=db.url.render_as_string(hide_password=False), CLIENTES_SECRET_KEYS=generate_key())
    result = run_cli(args, env=env, cwd=tmp_path)
    no_traceback(result)
    return result


def test_import_reports_skipped_lines_repeats_unknown_districts_and_the_date(tmp_path: Path, db: Database) -> None:
    write_txt(tmp_path / "padron_reducido_ruc.txt")
    result = clientes_bot(tmp_path, db, "padron", "import", "padron_reducido_ruc.txt")
    assert result.code == 0, result.stderr
    out = " ".join(result.stderr.split())
    assert "Línea 5: tiene 13 campos en lugar de 15; se omitió." in out
    assert "Línea 8: el RUC no tiene 11 dígitos; se omitió." in out
    assert "1 RUC repetido(s) en el archivo: se conservó la última línea de cada uno." in out
    assert "1 código(s) UBIGEO del padrón no están en la lista de distritos del bot: 999999." in out
    assert "Padrón del 2026-11-28 cargado desde «padron_reducido_ruc.txt»: 5 contribuyentes" in out


def test_import_zip_with_an_explicit_date(tmp_path: Path, db: Database) -> None:
    write_zip(tmp_path / "padron_reducido_ruc.zip")
    result = clientes_bot(tmp_path, db, "padron", "import", "padron_reducido_ruc.zip", "--fecha", "2026-11-30")
    assert result.code == 0, result.stderr
    assert "Padrón del 2026-11-30 cargado desde «padron_reducido_ruc.txt»" in " ".join(result.stderr.split())


def test_import_refusals_are_spanish_with_exit_2(tmp_path: Path, db: Database) -> None:
    missing = clientes_bot(tmp_path, db, "padron", "import", "no-esta.zip")
    assert missing.code == 2 and "No existe el archivo «no-esta.zip»." in missing.stderr
    write_txt(tmp_path / "p.txt")
    bad_date = clientes_bot(tmp_path, db, "padron", "import", "p.txt", "--fecha", "28/11/2026")
    assert bad_date.code == 2 and "--fecha «28/11/2026» no es una fecha AAAA-MM-DD" in bad_date.stderr
    (tmp_path / "vacio.zip").write_bytes(b"PK\x05\x06" + b"\0" * 18)  # an empty zip archive
    empty_zip = clientes_bot(tmp_path, db, "padron", "import", "vacio.zip")
    assert empty_zip.code == 2 and "no contiene ningún .txt" in empty_zip.stderr


async def test_check_lists_clients_the_padron_contradicts(
    tmp_path: Path, db: Database, service: ClientService, ana: Actor
) -> None:
    assert clientes_bot(tmp_path, db, "padron", "check").code == 2  # nothing loaded yet
    write_txt(tmp_path / "p.txt")
    assert clientes_bot(tmp_path, db, "padron", "import", "p.txt").code == 0
    nobody = clientes_bot(tmp_path, db, "padron", "check")
    assert nobody.code == 0 and "No hay clientes con RUC que comparar con el padrón del 2026-11-28." in nobody.stderr
    same = {"doc_type": "6", "doc_number": "20100047218", "name": "Banco de Crédito del Perú"}
    await service.create(ana, same)
    one = clientes_bot(tmp_path, db, "padron", "check")
    assert one.code == 0 and "Los 1 cliente(s) con RUC coinciden con el padrón del 2026-11-28." in one.stderr

    await service.create(ana, {"doc_type": "6", "doc_number": "20601234565", "name": "Compañía Peña Núñez S.A.C."})
    await service.create(ana, {"doc_type": "6", "doc_number": "10456789019", "name": "Quispe Mamani Rosa"})
    await service.create(ana, {"doc_type": "6", "doc_number": "20000000001", "name": "Fantasma S.A."})
    await service.create(ana, {"doc_type": "1", "doc_number": "12345678", "name": "Persona con DNI"})
    result = clientes_bot(tmp_path, db, "padron", "check")
    assert result.code == 1, result.stderr
    rows = {line.split("│")[1].strip(): line for line in result.stdout.splitlines() if line.count("│") > 3}
    assert set(rows) - {"Número"} == {"20601234565", "10456789019", "20000000001"}
    assert "COMPAÑÍA PEÑA NÚÑEZ SOCIEDAD ANONIMA CERRADA" in rows["20601234565"] and "nombre" in rows["20601234565"]
    assert "BAJA DE OFICIO" in rows["10456789019"] and "estado, condición" in rows["10456789019"]
    assert "no figura en el padrón" in rows["20000000001"]
    assert "3 de 4 cliente(s) con RUC difieren del padrón del 2026-11-28." in " ".join(result.stderr.split())
