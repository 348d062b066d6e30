"""`/clientes lista eliminados` (alias `papelera`) on Slack, end to end: the deleted clients, who
deleted each and when (America/Lima), paged, each with Restaurar that brings it back."""

from __future__ import annotations

import re

from bot.slack import ids

from .conftest import Slack
from .helpers import ALICE, all_text, make_client

WHEN = re.compile(r"Eliminado por alice el \d{4}-\d\d-\d\d \d\d:\d\d \(America/Lima\)")


async def test_trash_lists_who_deleted_and_restaurar_brings_it_back(slack: Slack) -> None:
    kept = await make_client(slack.service, 1)
    gone = await make_client(slack.service, 2)
    await slack.service.delete(ALICE, gone.id)

    reply = await slack.command("lista eliminados")
    text = all_text(reply["blocks"])
    assert "Papelera: clientes eliminados" in text and "Cliente 02" in text and kept.name not in text
    assert WHEN.search(text), text
    assert "Página 1 de 1 · 1 cliente(s)" in text
    alias = await slack.command("lista papelera")
    assert all_text(alias["blocks"]) == text

    restored = await slack.click(reply["blocks"], ids.CLIENT_RESTORE, str(gone.id))
    assert "Cliente «Cliente 02» restaurado." in str(restored)
    assert (await slack.service.get(ALICE, gone.id)).deleted is False
    empty = await slack.command("lista eliminados")
    assert "No hay clientes eliminados." in all_text(empty["blocks"])


async def test_trash_pages(slack: Slack) -> None:
    for n in range(12):
        card = await make_client(slack.service, n)
        await slack.service.delete(ALICE, card.id)
    reply = await slack.command("lista eliminados")
    assert sum(b.get("block_id", "").endswith(".acciones") for b in reply["blocks"]) == 10
    older = await slack.click(reply["blocks"], ids.LIST_PAGE_NEXT)
    text = all_text(older["blocks"])
    assert "Papelera" in text and "Página 2 de 2 · 12 cliente(s)" in text
    assert sum(b.get("block_id", "").endswith(".acciones") for b in older["blocks"]) == 2
    assert "Restaurar" in text and "Ver" not in [
        e["text"]["text"] for b in older["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
