"""The console adapter driven through its input stream, end to end on a real database."""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import pytest
from openpyxl import load_workbook
from rich.console import Console

from bot.console.adapter import ConsoleAdapter
from commands.access import Actor
from commands.service import ClientService
from tests.cli_runner import cli_env, run_cli, run_process

NEW_CLIENT = [
    "/clientes nuevo",
    "RUC",
    "20512333798",  # bad check digit: reported at once, before Nombre is asked
    "",  # Número was refused for the RUC type: Tipo Doc. is asked again with it (Enter keeps RUC)
    "20100070970",  # ...and Número; then the form goes on
    'Supermercados "Peruanos" S.A.',
    "",
    "",
    "s",
    "",
    "miraflores lima",
    "1",
    "Av. Larco 345",
    "014445566",
    "facturas@spsa.pe",
    "s",
    "Perú",
    "040101",
    "Calle Mercaderes 120",
    "054223344",
    "aqp@spsa.pe",
    "n",
    "Ana Pérez",
    "987654321",
    "spsa.pe",
    "spsa",
    "spsa_ops",
    "Cliente SPSA",
    "cliente-spsa",
    "s",
    "erp.spsa.pe",
    "203.0.113.10",
    "root",
    "clave-Ñ-secreta",
    "n",
]


async def drive(service: ClientService, lines: list[str]) -> str:
    out = io.StringIO()
    adapter = ConsoleAdapter(
        service,
        stream=io.StringIO("\n".join(lines) + "\n"),
        console=Console(file=out, width=200, color_system=None),
        user="tester",
    )
    await adapter.run()
    return out.getvalue()


async def test_create_list_find_edit_delete_restore(service: ClientService) -> None:
    output = await drive(
        service,
        [
            *NEW_CLIENT,
            "lista",
            "ver PERUANOS",
            "editar 20100070970",
            "4",
            "",
            "",
            "-",  # Otros Datos: clear Sitio Web
            "eliminar #1",
            "s",
            "lista",
            "restaurar peruanos",
            "salir",
        ],
    )
    assert "✗ Número: el RUC 20512333798 no es válido (dígito verificador)." in output
    assert "✓ Cliente #1 registrado." in output
    assert "Miraflores" in output and "Arequipa" in output
    assert "RUC 20100070970" in output and "987 654 321" in output and "+51 987" not in output
    assert "clave-Ñ-secreta" not in output and "••••••••" in output
    assert "✓ Cambios guardados." in output
    assert "eliminado. Para deshacer: restaurar #1" in output
    assert "Aún no hay clientes." in output  # the list after the delete (was a table with "Aún no hay clientes.")
    assert '✓ Cliente «Supermercados "Peruanos" S.A.» restaurado.' in output
    card = await service.get(Actor("console", "tester"), 1)
    assert card.website is None and card.contact_name == "Ana Pérez"
    assert len(card.addresses) == 2 and len(card.servers) == 1
    assert card.created_by == "console:tester"


async def test_errors_are_spanish_and_nothing_is_stored(service: ClientService) -> None:
    output = await drive(service, ["ver nadie", "frobnicar", "editar", "lista"])
    assert "No se encontró ningún cliente con «nadie»." in output
    assert "No conozco «frobnicar»." in output and "/clientes nuevo" in output
    assert "Indique un cliente" in output
    assert "Aún no hay clientes." in output


async def test_ambiguous_name_offers_a_pick(service: ClientService) -> None:
    actor = Actor("console", "tester")
    await service.create(actor, {"doc_number": "12345678", "name": "Pérez Hermanos"})
    await service.create(actor, {"doc_number": "87654321", "name": "Pérez y Asociados"})
    output = await drive(service, ["ver perez", "2"])
    assert "Varios clientes coinciden con «perez»" in output
    assert "1) Pérez y Asociados · DNI 87654321 · #2" in output
    assert "2) Pérez Hermanos · DNI 12345678 · #1" in output
    assert "#1 Pérez Hermanos ─" in output  # the picked client's card


def test_make_run_path_from_a_fresh_directory(tmp_path: Path) -> None:
    """`clientes-bot run` with no tokens: migrates the default SQLite file, creates the key, opens the console."""
    result = run_process(
        ["-m", "bot", "run"],
        env=cli_env(DATABASE_URL=None),
        cwd=tmp_path,
        input="nuevo\n1\n12345678\nJosé Núñez\n\n\nn\n\n\n\n\n\n\n\nn\nlista\n",
    )
    assert result.code == 0, result.stderr
    assert "✓ Cliente #1 registrado." in result.stdout
    assert "José Núñez" in result.stdout
    key = tmp_path / "data" / "secret.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert (tmp_path / "data" / "clientes.db").exists()
    assert "Se generó una clave de cifrado nueva" in result.stderr


def test_shared_database_without_keys_refuses_to_start(tmp_path: Path) -> None:
    env = cli_env(DATABASE_URL=f"sqlite:///{tmp_path}/other.db")
    result = run_cli(["console"], env=env, cwd=tmp_path, input="")
    assert result.code == 2
    assert "Falta CLIENTES_SECRET_KEYS" in result.stderr
    assert not (tmp_path / "data").exists()


async def test_edit_addresses_and_servers_and_paging(service: ClientService) -> None:
    actor = Actor("console", "tester")
    for n in range(12):
        await service.create(actor, {"doc_number": f"{20000000 + n}", "name": f"Relleno {n}"})
    address = {"ubigeo": "150122", "line": "Av. Larco 345"}
    card = await service.create(
        actor,
        {"doc_type": "6", "doc_number": "20100070970", "name": "Empresa SAC"},
        addresses=[address, {"ubigeo": "040101", "line": "Calle Mercaderes 120"}],
        servers=[{"host": "erp.empresa.pe", "username": "root", "password": "vieja"}],
    )
    output = await drive(
        service,
        [
            "lista",
            "siguiente",
            "siguiente",
            "anterior",
            # Dirección: the second one → Editar: change its line
            "editar 20100070970",
            "3",
            "2",
            "1",
            "",
            "",
            "Calle Mercaderes 999",
            "",
            "",
            # Dirección: the second one → Marcar como dirección principal
            "editar 20100070970",
            "3",
            "2",
            "2",
            # Servidor: editar, blank password keeps it
            "editar 20100070970",
            "7",
            "1",
            "1",
            "",
            "",
            "admin",
            "",
            # Servidor: agregar
            "editar #13",
            "6",
            "10.0.0.9",
            "",
            "",
            "nueva",
            # Dirección: eliminar the former main one (now second: the main address is listed first)
            "editar 20100070970",
            "3",
            "2",
            "3",  # Editar, Marcar como dirección principal, Eliminar
            "s",
            "eliminar empresa",
            "n",
        ],
    )
    assert "Página 1 de 2 · 13 cliente(s)" in output and "Página 2 de 2" in output
    assert "No hay más páginas en esa dirección." in output
    assert "Cancelado." in output
    final = await service.get(actor, card.id)
    assert [(a.line, a.is_main) for a in final.addresses] == [("Calle Mercaderes 999", True)]
    assert [s.username for s in final.servers] == ["admin", None]
    assert await service.reveal_password(actor, card.id, final.servers[0].id) == "vieja"
    assert await service.reveal_password(actor, card.id, final.servers[1].id) == "nueva"
    assert "vieja" not in output and "nueva" not in output and "******" in output  # typed passwords are masked


async def test_exportar_writes_the_spreadsheet_privately(
    service: ClientService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The operator's terminal may export (it may do everything): a 0600 file in the working directory."""
    monkeypatch.chdir(tmp_path)
    output = await drive(service, [*NEW_CLIENT, "exportar", "exportar /no/existe/x.xlsx"])
    [name] = [n for n in os.listdir(tmp_path) if n.startswith("clientes-") and n.endswith(".xlsx")]
    written = tmp_path / name
    assert f"Registro exportado: 1 cliente(s) en «{name}» (sin contraseñas)." in output
    assert stat.S_IMODE(os.stat(written).st_mode) == 0o600
    assert [c.value for c in load_workbook(written).worksheets[0][2]][1] == "20100070970"
    assert "No se pudo escribir «/no/existe/x.xlsx»: No such file or directory." in output
