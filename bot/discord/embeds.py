"""Card and list embeds, laid out from `commands.presenter` (which decides *what* is shown).

Discord limits respected here: ≤ 25 fields, field name ≤ 256, value ≤ 1024, title ≤ 256, footer
≤ 2048 and the whole embed ≤ 6000 characters — counted on the *escaped* text, which can be up to twice
as long as what was typed. A client with many addresses is cut with a note, never refused; a list row
gets an equal share of the 6000.
"""

from __future__ import annotations

import discord

from bot.discord.escape import clip, md
from commands.forms import INTEGRATIONS
from commands.presenter import LIST_COLUMNS, CardSection, card_sections, list_row
from commands.texts import texts
from commands.views import ClientCard, ClientPage, HistoryPage

CARD_COLOUR = discord.Colour.blurple()
EMBED_TOTAL = 6000
MAX_FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
TITLE = 256
MARGIN = 200  # footer and the "…" note, counted before they are added
COLUMN = 120  # one list column's value at most, so a long e-mail cannot hide the others


def section_value(section: CardSection, links: dict[str, str] | None = None) -> str:
    """A card section as "**Label:** value" lines (one embed field value or description); ``links``:
    rows (by label) shown as a channel link instead."""
    shown = links or {}
    lines = [f"**{md(label)}:** {shown.get(label) or md(value)}" for label, value in section.rows]
    return clip("\n".join(lines), FIELD_VALUE)


def channel_link(channel_id: str | None) -> str | None:
    """``<#123>``: Discord shows a channel link (a channel mention never pings); None for a non-id."""
    return f"<#{channel_id}>" if channel_id and channel_id.isascii() and channel_id.isdigit() else None


def channel_links(card: ClientCard) -> dict[str, str]:
    """The Discord channel row as a real link once the channel exists; Slack's keeps its name."""
    status = card.channel("discord")
    link = channel_link(status.channel_id) if status is not None else None
    if status is None or link is None:
        return {}
    return {INTEGRATIONS.field("discord_channel").label: f"{link} ({md(status.state)})"}


def card_embed(card: ClientCard, *, shared: bool = False) -> discord.Embed:
    """Every section of the card, passwords masked; `shared` also leaves server sections out."""
    embed = discord.Embed(title=clip(md(card.name), TITLE), description=md(card.document), colour=CARD_COLOUR)
    used = len(embed.title or "") + len(embed.description or "") + MARGIN
    sections = [s for s in card_sections(card) if not (shared and s.kind == "server")]
    for shown, section in enumerate(sections):
        links = channel_links(card) if section.kind == "integrations" else None
        name, value = clip(md(section.title), FIELD_NAME), section_value(section, links)
        if shown == MAX_FIELDS - 1 or used + len(name) + len(value) > EMBED_TOTAL:
            embed.add_field(name="…", value=f"{len(sections) - shown} sección(es) más no caben aquí.", inline=False)
            break
        embed.add_field(name=name, value=value, inline=False)
        used += len(name) + len(value)
    embed.set_footer(text=f"#{card.id} · versión {card.version}" + (" · eliminado" if card.deleted else ""))
    return embed


def section_embed(card: ClientCard, section: CardSection) -> discord.Embed:
    """One section of a card (what a removal would take away)."""
    return discord.Embed(
        title=clip(f"{md(section.title)} — {md(card.name)}", TITLE),
        description=section_value(section),
        colour=discord.Colour.red(),
    )


def list_embed(page: ClientPage) -> discord.Embed:
    """The manual's list columns, one field per client (10 per page), each within its share of 6000."""
    title = "Clientes" + (f" — «{clip(md(page.query), 80)}»" if page.query else "")
    embed = discord.Embed(title=clip(md(texts().trash_title if page.trash else title), TITLE), colour=CARD_COLOUR)
    if not page.rows:
        embed.description = texts().no_clients_match if page.query else texts().no_clients_yet
        embed.description = texts().trash_empty if page.trash else embed.description
    embed.set_footer(text=page.caption)
    share = (EMBED_TOTAL - len(embed.title or "") - len(embed.footer.text or "") - MARGIN) // max(1, len(page.rows))
    for number, row in enumerate(page.rows, start=page.first_index + 1):
        cells = list_row(row)
        values = {column: clip(md(value), COLUMN) for column, value in zip(LIST_COLUMNS, cells, strict=True)}
        values[LIST_COLUMNS[0]] = channel_link(row.channel_id) or values[LIST_COLUMNS[0]]  # a real link once made
        numbered = f"{number}. " if page.position_known else ""  # past the count cap the position is unknown
        name = clip(md(f"{numbered}{cells[1]}"), min(FIELD_NAME, share // 3))
        del values["Nombre"]
        text = " · ".join(f"**{column}:** {value}" for column, value in values.items())
        if row.deleted_at:  # in the trash: who deleted it, and when
            text = f"{md(texts().trash_row(row.deleted_by or '—', row.deleted_at))}\n{text}"
        embed.add_field(name=name, value=clip(text, min(FIELD_VALUE, share - len(name))), inline=False)
    return embed


def history_embed(page: HistoryPage) -> discord.Embed:
    """A client's changes, newest first: one field per change (when · who), what and the fields old → new."""
    embed = discord.Embed(
        title=clip(md(texts().history_title(page.name)), TITLE), description=md(page.document), colour=CARD_COLOUR
    )
    if not page.entries:
        embed.description = f"{md(page.document)}\n{md(texts().no_history(page.name))}"
    embed.set_footer(text=texts().history_caption(page.page_number, page.shown))
    share = (EMBED_TOTAL - len(embed.title or "") - len(embed.description or "") - MARGIN) // max(1, len(page.entries))
    for change in page.entries:
        name = clip(md(f"{change.at} · {change.who}"), FIELD_NAME)
        lines = [f"{md(change.action)} ({md(texts().history_from(change.platform))})"]
        for item in change.changes:
            lines.append(f"• **{md(item.label)}:** {md(item.shown)}")
        embed.add_field(name=name, value=clip("\n".join(lines), min(FIELD_VALUE, share - len(name))), inline=False)
    return embed
