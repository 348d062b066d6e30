"""Card and list embeds, laid out from `commands.presenter` (which decides *what* is shown).

Discord limits respected here: ≤ 25 fields, field name ≤ 256, value ≤ 1024, title ≤ 256 and the
whole embed ≤ 6000 characters (a client with many addresses is cut with a note, never refused).
"""

from __future__ import annotations

import discord

from bot.discord.escape import clip, md
from commands.presenter import LIST_COLUMNS, CardSection, card_sections, list_row
from commands.views import ClientCard, ClientPage

CARD_COLOUR = discord.Colour.blurple()
EMBED_TOTAL = 6000
MAX_FIELDS = 25


def _section_value(section: CardSection) -> str:
    lines = [f"**{md(label)}:** {md(value)}" for label, value in section.rows]
    return clip("\n".join(lines), 1024)


def card_embed(card: ClientCard, *, shared: bool = False) -> discord.Embed:
    """Every section of the card, passwords masked; `shared` also leaves server sections out."""
    embed = discord.Embed(title=clip(md(card.name), 256), description=md(card.document), colour=CARD_COLOUR)
    used = len(embed.title or "") + len(embed.description or "") + 200  # footer and margin
    sections = [s for s in card_sections(card) if not (shared and s.kind == "server")]
    for shown, section in enumerate(sections):
        name, value = clip(md(section.title), 256), _section_value(section)
        if shown == MAX_FIELDS - 1 or used + len(name) + len(value) > EMBED_TOTAL:
            embed.add_field(name="…", value=f"{len(sections) - shown} sección(es) más no caben aquí.", inline=False)
            break
        embed.add_field(name=name, value=value, inline=False)
        used += len(name) + len(value)
    embed.set_footer(text=f"#{card.id} · versión {card.version}" + (" · eliminado" if card.deleted else ""))
    return embed


def list_embed(page: ClientPage) -> discord.Embed:
    """The manual's list columns, one field per client (10 per page)."""
    title = "Clientes" + (f" — «{clip(page.query, 80)}»" if page.query else "")
    embed = discord.Embed(title=md(title), colour=CARD_COLOUR)
    if not page.rows:
        embed.description = "No hay clientes" + (" que coincidan con la búsqueda." if page.query else " registrados.")
    for number, row in enumerate(page.rows, start=page.first_index + 1):
        values = dict(zip(LIST_COLUMNS, list_row(row), strict=True))
        name = f"{number}. {values.pop('Nombre')}"
        text = " · ".join(f"**{column}:** {md(value)}" for column, value in values.items())
        embed.add_field(name=clip(md(name), 256), value=clip(text, 1024), inline=False)
    embed.set_footer(text=f"Página {page.page_number} de {page.page_count} · {page.total} cliente(s)")
    return embed
