"""`/clientes historial` and the card's Historial on Slack, end to end (signed requests, Bolt, fake
Slack): newest first, five changes a page with Anterior / Siguiente, who, from where, old → new, times
in America/Lima, passwords never shown, and only for those who may edit."""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.slack import ids
from commands.access import Actor
from tests.fakes.fake_slack import OTHER_USER_ID

from .conftest import Slack
from .helpers import ALICE, all_text, make_client

DNI = "12345678"
LIMA_TIME = re.compile(r"\*\d{4}-\d\d-\d\d \d\d:\d\d \(America/Lima\)\*")


async def client_with_changes(slack: Slack) -> int:
    """A client created, then changed six times (seven entries), one a server password."""
    card = await slack.service.create(ALICE, {"doc_type": "1", "doc_number": DNI, "name": "Ana Ruiz"})
    for phone in ("987 654 321", "912 345 678", "913 000 111"):
        await slack.service.edit_section(ALICE, card.id, "contact", {"contact_phone": phone}, None)
    await slack.service.add_server(ALICE, card.id, {"host": "erp.ana.pe", "password": "pw-uno-secreto"})
    server = (await slack.service.get(ALICE, card.id)).servers[0]
    await slack.service.edit_server(
        ALICE, card.id, server.id, {"host": "erp.ana.pe", "password": "pw-dos-secreto"}, None
    )
    await slack.service.edit_section(ALICE, card.id, "integrations", {"gitlab_user": "ana.ruiz"}, None)
    return card.id


async def test_historial_pages_newest_first_and_redacts(slack: Slack) -> None:
    await client_with_changes(slack)
    reply = await slack.command(f"historial {DNI}")
    text = all_text(reply["blocks"])
    assert "Historial de Ana Ruiz" in text
    sections = [b["text"]["text"] for b in reply["blocks"] if b["type"] == "section"]
    assert len(sections) == 5
    assert "editó Datos Servidor" in sections[0] and ": — → ana.ruiz" in sections[0]
    assert "editó un servidor" in sections[1] and "Contraseña: cambió (no se muestra)" in sections[1]
    assert "agregó un servidor" in sections[2]
    assert "Teléfono: 912 345 678 → 913 000 111" in sections[3]
    assert all(LIMA_TIME.search(s) for s in sections), sections
    assert all("(desde Slack)" in s and "*alice*" in s for s in sections)
    assert "pw-uno" not in str(reply) and "pw-dos" not in str(reply)
    assert "Página 1" in text and "5 cambio(s)" in text

    older = await slack.click(reply["blocks"], ids.HISTORY_NEXT)
    older_sections = [b["text"]["text"] for b in older["blocks"] if b["type"] == "section"]
    assert len(older_sections) == 2
    assert "Teléfono: — → 987 654 321" in older_sections[0]
    assert "registró el cliente" in older_sections[1] and "Nombre: — → Ana Ruiz" in older_sections[1]
    assert "Página 2" in all_text(older["blocks"]) and "7 cambio(s)" in all_text(older["blocks"])

    back = await slack.click(older["blocks"], ids.HISTORY_PREV)
    assert [b["text"]["text"] for b in back["blocks"] if b["type"] == "section"] == sections


async def test_the_cards_historial_button(slack: Slack) -> None:
    await client_with_changes(slack)
    card = await slack.command(f"ver {DNI}")
    page = await slack.click(card["blocks"], ids.CLIENT_HISTORY)
    assert "Historial de Ana Ruiz" in all_text(page["blocks"])
    assert sum(b["type"] == "section" for b in page["blocks"]) == 5


async def test_historial_follows_the_access_lists(make_slack: Callable[..., Slack]) -> None:
    """With an editors list, a viewer who is not an editor may see the card, not its history."""
    slack = make_slack(clientes_editors="U0ALICE", clientes_viewers=OTHER_USER_ID)
    await slack.service.create(Actor("console", "ops"), {"doc_type": "1", "doc_number": DNI, "name": "Ana Ruiz"})
    refused = await slack.command(f"historial {DNI}", user_id=OTHER_USER_ID)
    assert "No tiene permiso para ver el historial de clientes." in str(refused)
    allowed = await slack.command(f"historial {DNI}")
    assert "registró el cliente" in all_text(allowed["blocks"]) and "(desde la consola)" in all_text(allowed["blocks"])


async def test_an_ambiguous_historial_offers_the_matches_then_shows_the_history(slack: Slack) -> None:
    for n in (1, 2):
        await make_client(slack.service, n)
    reply = await slack.command("historial Cliente")
    assert "Varios clientes coinciden" in all_text(reply["blocks"])
    picks = [b["accessory"]["value"] for b in reply["blocks"] if "accessory" in b]
    assert all(p.startswith("historial:") for p in picks) and len(picks) == 2
    shown = await slack.click(reply["blocks"], ids.CLIENT_PICK)
    assert "Historial de Cliente 0" in all_text(shown["blocks"]) and "registró el cliente" in all_text(shown["blocks"])
