"""`/clientes lista [texto]` and its Anterior / Siguiente: the buttons carry the cursor and the search
(`ids.LIST_PAGE`; a search too long for a custom_id is kept in a FormDraft)."""

from __future__ import annotations

import discord

from bot.discord import ids
from bot.discord.actor import actor_of
from bot.discord.embeds import list_embed
from bot.discord.handlers.context import service_of
from bot.discord.replies import Reply, answer
from bot.discord.ui.base import view_of
from bot.discord.ui.client_picker import PickClient
from bot.discord.ui.delete_buttons import UndoDelete
from bot.discord.ui.list_pager import PageButton


async def _list_reply(interaction: discord.Interaction, ref: str, cursor: str | None, *, replace: bool) -> Reply:
    service, actor = service_of(interaction), actor_of(interaction)
    query = ref[2:]
    if ref.startswith("d:"):
        query = str((await service.load_draft(actor, query)).data.get("q", ""))
    page = await service.list_page(actor, query, cursor)
    if ref.startswith("q:") and not ids.query_fits(page.query):
        ref = ids.query_ref(page.query, await service.save_draft(actor, "discord:list", {"q": page.query}))
    elif ref.startswith("q:"):
        ref = ids.query_ref(page.query)
    if page.trash:  # each deleted client with its Restaurar, five to a row under the pages
        view = view_of(*(UndoDelete(r.id, f"Restaurar {r.ref}", row=2 + n // 5) for n, r in enumerate(page.rows)))
    else:
        view = view_of(PickClient("ver", page.rows)) if page.rows else view_of()
    prev_id = int(page.prev_cursor[2:]) if page.prev_cursor else None
    next_id = int(page.next_cursor[2:]) if page.next_cursor else None
    if prev_id or next_id:
        view.add_item(PageButton("p", prev_id, ref))
        view.add_item(PageButton("n", next_id, ref))
    return Reply(embeds=[list_embed(page)], view=view, replace=replace)


async def list_command(interaction: discord.Interaction, text: str) -> None:
    await answer(interaction, _list_reply(interaction, ids.query_ref(text), None, replace=False))


async def page_clicked(interaction: discord.Interaction, button: PageButton) -> None:
    await answer(interaction, _list_reply(interaction, button.ref, button.cursor, replace=True), replace=True)
