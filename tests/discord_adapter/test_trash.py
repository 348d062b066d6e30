"""`/clientes lista eliminados` on Discord, end to end against the fake Discord: the deleted clients,
who deleted each and when, paged, and a Restaurar button per client that brings it back."""

from __future__ import annotations

import re

from commands.access import Actor

from .conftest import DiscordUI, find

ANA = Actor("slack", "U0ANA", "Ana")


async def make(ui: DiscordUI, n: int) -> int:
    service = ui.bot.core.service
    card = await service.create(ANA, {"doc_type": "1", "doc_number": f"{10000000 + n}", "name": f"Cliente {n:02d}"})
    await service.delete(ANA, card.id)
    return card.id


async def test_trash_restaurar_and_pages(discord_ui: DiscordUI) -> None:
    ids = [await make(discord_ui, n) for n in range(12)]
    _, payload = await discord_ui.command("lista", {"texto": "papelera"})
    message = discord_ui.message(payload)
    [embed] = message["embeds"]
    assert embed["title"] == "Papelera: clientes eliminados" and embed["footer"]["text"].startswith("Página 1 de 2")
    assert len(embed["fields"]) == 10
    first = embed["fields"][0]["value"].replace("\\", "")
    assert re.match(r"Eliminado por Ana el \d{4}-\d\d-\d\d \d\d:\d\d \(America/Lima\)", first), first
    assert len(message["components"]) == 3  # pages, then two rows of five Restaurar

    _, payload = await discord_ui.click(message, label="Siguiente")
    older = discord_ui.message(payload)
    assert len(older["embeds"][0]["fields"]) == 2
    _, payload = await discord_ui.click(older, label=f"Restaurar #{ids[0]}")
    restored = discord_ui.message(payload)
    assert "restaurado" in (restored.get("content") or "") and restored["embeds"][0]["title"] == "Cliente 00"
    assert not (await discord_ui.bot.core.service.get(ANA, ids[0])).deleted
    _, payload = await discord_ui.command("lista", {"texto": "eliminados"})
    assert discord_ui.message(payload)["embeds"][0]["footer"]["text"].endswith("11 cliente(s)")
    assert find(discord_ui.message(payload), label=f"Restaurar #{ids[11]}")
