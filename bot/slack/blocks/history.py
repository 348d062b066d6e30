"""A client's history as a message: one section per change (when, who, from where, what, fields
old → new), newest first, with Anterior / Siguiente carrying ``<client id>:<cursor>``."""

from __future__ import annotations

from bot.slack import ids
from bot.slack.blocks.kit import SECTION_TEXT_MAX, Block, actions, button, context, header, section
from bot.slack.escape import mrkdwn, truncate_mrkdwn
from commands.texts import texts
from commands.views import ChangeView, HistoryPage


def change_text(change: ChangeView) -> str:
    """'*2026-11-30 09:15 (America/Lima)* · *Ana* editó Otros Datos (desde Slack)' and the fields."""
    head = (
        f"*{mrkdwn(change.at)}* · *{mrkdwn(change.who)}* {mrkdwn(change.action)} "
        f"({mrkdwn(texts().history_from(change.platform))})"
    )
    lines = [head]
    for field in change.changes:
        lines.append(f"• {mrkdwn(field.label)}: {mrkdwn(field.shown)}")
    return truncate_mrkdwn("\n".join(lines), SECTION_TEXT_MAX)


def history_blocks(page: HistoryPage) -> list[Block]:
    blocks: list[Block] = [header(texts().history_title(page.name)), context(mrkdwn(page.document))]
    if not page.entries:
        blocks.append(section(mrkdwn(texts().no_history(page.name))))
        return blocks
    blocks.append(context(mrkdwn(texts().history_caption(page.page_number, page.shown))))
    blocks.extend(section(change_text(change)) for change in page.entries)
    nav = []
    if page.prev_cursor:
        nav.append(button("◀ Anterior", ids.HISTORY_PREV, f"{page.client_id}:{page.prev_cursor}"))
    if page.next_cursor:
        nav.append(button("Siguiente ▶", ids.HISTORY_NEXT, f"{page.client_id}:{page.next_cursor}"))
    nav.append(button("Ver ficha", ids.CLIENT_VIEW, str(page.client_id)))
    blocks.append(actions(*nav, block_id="historial.paginas"))
    return blocks


def history_text(page: HistoryPage) -> str:
    return mrkdwn(texts().history_title(page.name))
