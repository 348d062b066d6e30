"""`/clientes historial` and the card's Historial on Discord, end to end (interactions against the fake
Discord, which validates every body against the OpenAPI spec): newest first, paged, redacted."""

from __future__ import annotations

import re

from commands.access import Actor
from tests.fakes.fake_discord import FakeDiscord

from .conftest import DiscordUI

DNI = "12345678"
OPS = Actor("console", "ops", "Ops")


async def seeded(ui: DiscordUI) -> None:
    service = ui.bot.core.service
    card = await service.create(OPS, {"doc_type": "1", "doc_number": DNI, "name": "Ana Ruiz"})
    for phone in ("987 654 321", "912 345 678", "913 000 111", "914 000 222"):
        await service.edit_section(OPS, card.id, "contact", {"contact_phone": phone}, None)
    await service.add_server(OPS, card.id, {"host": "erp.ana.pe", "password": "pw-secreto-1"})


def fields(message: dict) -> list[tuple[str, str]]:
    [embed] = message["embeds"]
    return [(f["name"].replace("\\", ""), f["value"].replace("\\", "")) for f in embed["fields"]]


async def test_historial_pages_and_redacts(discord_ui: DiscordUI, fake: FakeDiscord) -> None:
    await seeded(discord_ui)
    _, payload = await discord_ui.command("historial", {"cliente": DNI})
    first = discord_ui.message(payload)
    shown = fields(first)
    assert len(shown) == 5
    assert all(re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d \(America/Lima\) · Ops$", name) for name, _ in shown), shown
    assert "agregó un servidor" in shown[0][1] and "Contraseña:** cambió (no se muestra)" in shown[0][1]
    assert "Teléfono:** 913 000 111 → 914 000 222" in shown[1][1]
    assert "(desde la consola)" in shown[0][1]
    assert "pw-secreto" not in str(first)

    _, payload = await discord_ui.click(first, label="Siguiente")
    older = fields(discord_ui.message(payload))
    assert len(older) == 1 and "registró el cliente" in older[0][1]
    _, payload = await discord_ui.click(discord_ui.message(payload), label="Anterior")
    assert fields(discord_ui.message(payload)) == shown


async def test_the_cards_historial_button(discord_ui: DiscordUI) -> None:
    await seeded(discord_ui)
    _, payload = await discord_ui.command("ver", {"cliente": DNI})
    _, payload = await discord_ui.click(discord_ui.message(payload), label="Historial")
    assert len(fields(discord_ui.message(payload))) == 5
