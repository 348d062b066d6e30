"""`historial` and `lista eliminados` on the console, through its input stream on a real database."""

from __future__ import annotations

import re
from pathlib import Path

from commands.access import Actor
from commands.service import ClientService
from tests.cli_runner import cli_env, run_process
from tests.console_adapter.scripted import drive_bytes

ANA = Actor("slack", "U0ANA", "Ana")


async def test_historial_pages_with_siguiente_and_redacts(service: ClientService) -> None:
    card = await service.create(ANA, {"doc_type": "1", "doc_number": "12345678", "name": "Ana Ruiz"})
    for phone in ("987 654 321", "912 345 678", "913 000 111", "914 000 222", "915 000 333"):
        await service.edit_section(ANA, card.id, "contact", {"contact_phone": phone}, None)
    await service.add_server(ANA, card.id, {"host": "erp.ana.pe", "password": "pw-secreto-1"})
    output = await drive_bytes(service, ["historial 12345678", "siguiente"])
    assert "Historial de Ana Ruiz" in output
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d \(America/Lima\) · Ana agregó un servidor \(desde Slack\)", output)
    assert "Contraseña: cambió (no se muestra)" in output and "pw-secreto" not in output
    assert "Teléfono: 914 000 222 → 915 000 333" in output
    first, second = output.split("Página 1 ·")  # each page ends with its caption
    assert "Página 2 ·" in second
    assert "registró el cliente" not in first and "registró el cliente" in second
    assert "Teléfono: — → 987 654 321" in second


async def test_lista_eliminados_shows_who_and_when_and_restaurar_works(service: ClientService) -> None:
    card = await service.create(ANA, {"doc_type": "1", "doc_number": "12345678", "name": "Ana Ruiz"})
    await service.delete(ANA, card.id)
    output = await drive_bytes(service, ["lista papelera", f"restaurar #{card.id}", "lista eliminados"])
    assert "Papelera: clientes eliminados" in output and "Ana Ruiz" in output
    assert re.search(r"Eliminado por Ana el \d{4}-\d\d-\d\d \d\d:\d\d \(America/Lima\)", output), output
    assert "Cliente «Ana Ruiz» restaurado." in output
    assert output.rstrip().endswith("No hay clientes eliminados.") or "No hay clientes eliminados." in output


def test_bot_timezone_reaches_every_time_the_console_shows(tmp_path: Path) -> None:
    """`clientes-bot run` with BOT_TIMEZONE: the card's «actualizado» and the history's times are in that
    zone; a zone the IANA database does not know stops the bot with a Spanish message naming it."""
    result = run_process(
        ["-m", "bot", "run"],
        env=cli_env(DATABASE_URL=None, BOT_TIMEZONE="Europe/Madrid"),
        cwd=tmp_path,
        input="nuevo\n1\n12345678\nJosé Núñez\n\n\nn\n\n\n\n\n\n\n\nn\nver 12345678\nhistorial 12345678\n",
    )
    assert result.code == 0, result.stderr
    assert re.search(r"actualizado \d{4}-\d\d-\d\d \d\d:\d\d \(Europe/Madrid\)", result.stdout), result.stdout
    assert re.search(r"\(Europe/Madrid\) · \S+ registró el cliente \(desde la consola\)", result.stdout)
    assert "UTC" not in result.stdout

    refused = run_process(["-m", "bot", "run"], env=cli_env(DATABASE_URL=None, BOT_TIMEZONE="Lima"), cwd=tmp_path)
    assert refused.code == 2
    assert "BOT_TIMEZONE: «Lima» no es una zona horaria conocida" in refused.stderr
