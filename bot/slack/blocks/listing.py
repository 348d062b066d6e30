"""The client list as a message: the manual's columns per row, Ver/Editar, Anterior/Siguiente; the
trash (`lista eliminados`) says who deleted each client and when, with Restaurar.

Paging buttons carry ``{"c": cursor, "q": query}`` as their value (the core's keyset cursors are short
strings), so the list needs no server-side session.
"""

from __future__ import annotations

import json

from bot.slack import ids
from bot.slack.blocks.kit import Block, actions, button, context, header, section
from bot.slack.escape import channel_link, mrkdwn
from commands.presenter import LIST_COLUMNS, list_row
from commands.texts import texts
from commands.views import ClientPage, ClientSummary

TITLE = "Clientes"


def page_value(cursor: str | None, query: str) -> str:
    return json.dumps({"c": cursor, "q": query}, separators=(",", ":"), ensure_ascii=False)


def parse_page_value(value: str | None) -> tuple[str | None, str]:
    try:
        data = json.loads(value or "{}")
    except json.JSONDecodeError:
        return None, ""
    if not isinstance(data, dict):
        return None, ""
    return (data.get("c") or None), str(data.get("q") or "")


def row_text(row: ClientSummary) -> str:
    """'*Nombre*' then the other columns as 'Label: value', all escaped."""
    cells = {label: mrkdwn(value) for label, value in zip(LIST_COLUMNS, list_row(row), strict=True)}
    link = channel_link(row.channel_id)
    if link:
        cells[LIST_COLUMNS[0]] = link  # the channel exists: a real link, as Slack shows channels
    name_label = LIST_COLUMNS[1]
    others = " · ".join(f"{mrkdwn(label)}: {value}" for label, value in cells.items() if label != name_label)
    text = f"*{cells[name_label]}*  ({mrkdwn(row.ref)})\n{others}"
    if row.deleted_at:  # in the trash: who deleted it, and when
        text += f"\n_{mrkdwn(texts().trash_row(row.deleted_by or '—', row.deleted_at))}_"
    return text


def list_blocks(page: ClientPage) -> list[Block]:
    title = f"{TITLE} — «{page.query}»" if page.query else TITLE
    blocks: list[Block] = [header(texts().trash_title if page.trash else title)]
    if not page.rows:
        empty = texts().no_clients_match if page.query else texts().no_clients_yet
        blocks.append(section(mrkdwn(texts().trash_empty if page.trash else empty)))
        return blocks
    blocks.append(context(mrkdwn(page.caption)))
    for row in page.rows:
        blocks.append(section(row_text(row), block_id=f"fila.{row.id}"))
        buttons = (
            [button("Restaurar", ids.CLIENT_RESTORE, str(row.id), style="primary")]
            if page.trash
            else [button("Ver", ids.CLIENT_VIEW, str(row.id)), button("Editar", ids.CLIENT_EDIT, str(row.id))]
        )
        blocks.append(actions(*buttons, block_id=f"fila.{row.id}.acciones"))
    nav = []
    if page.prev_cursor:
        nav.append(button("◀ Anterior", ids.LIST_PAGE_PREV, page_value(page.prev_cursor, page.query)))
    if page.next_cursor:
        nav.append(button("Siguiente ▶", ids.LIST_PAGE_NEXT, page_value(page.next_cursor, page.query)))
    if nav:
        blocks.append(actions(*nav, block_id="lista.paginas"))
    return blocks


def list_text(page: ClientPage) -> str:
    return mrkdwn(f"{TITLE} · {page.caption}")
