"""SUNAT's padrón on Discord: `/clientes sunat <ruc o nombre>`, `texts().padron_register`, and
`texts().complete_from_sunat` after a RUC client is created.

Discord's create form ("Datos del cliente") opens before anything is typed and holds 5 inputs, so the
padrón can only be offered once it is saved: `sunat_offer.keep_after_create` (called by `forms._save`)
keeps what the padrón knows of the new client's RUC through `commands.prefill` (source "sunat") — the
first address's Distrito and Dirección, and Nombre only when the padrón's differs from what was typed
(accents, case and spacing aside) — so the saved card offers `texts().complete_from_sunat`: the Datos del
cliente form with the padrón's name first (when it differs), then the Dirección form directly (the
district is known). A taxpayer not ACTIVO/HABIDO is warned about in that reply, never refused.

`texts().padron_register` opens the create form with RUC, Número and Nombre from the padrón; the
address follows the same way once it is saved.
"""

from __future__ import annotations

from typing import Any

import discord
from discord import ui

from bot.discord.escape import clip, md
from bot.discord.form_target import FormTarget
from bot.discord.handlers.context import may_edit, service_of
from bot.discord.handlers.forms import show_modal
from bot.discord.replies import Reply, TooSlow, answer, before_deadline, error_reply, send
from bot.discord.ui.base import view_of
from bot.discord.ui.section_modal import SectionModal
from bot.discord.ui.sunat_buttons import PER_ROW, SunatPage, SunatRegister
from commands import padron, sunat
from commands.errors import CoreError
from commands.forms import RUC
from commands.sunat import SunatAnswer
from commands.texts import texts

QUERY_MAX = 80  # the option's length: a page button carries the query in its custom_id
FIELD_VALUE = 1024
NOTE_MAX = 100  # a Label's description


def answer_embed(found: SunatAnswer) -> discord.Embed:
    title = clip(md(texts().padron_answer_title(found.query, found.fecha.isoformat())), 256)
    embed = discord.Embed(title=title, colour=discord.Colour.dark_gold())
    if not found.items:
        embed.description = md(found.empty_sentence())
    for taxpayer in found.items:
        lines = [f"**{md(label)}:** {md(value)}" for label, value in sunat.rows(taxpayer)[1:]]
        warned = padron.warning(taxpayer)
        if warned:
            lines.insert(0, f"⚠ **{md(warned)}**")
        embed.add_field(name=clip(md(taxpayer.name), 256), value=clip("\n".join(lines), FIELD_VALUE), inline=False)
    return embed


async def _reply(interaction: discord.Interaction, query: str, page: int, *, replace: bool) -> Reply:
    found = await sunat.find(service_of(interaction).db, query, page)
    items: list[ui.Item[Any]] = [
        SunatRegister(t.ruc, n, alone=len(found.items) == 1) for n, t in enumerate(found.items[: 2 * PER_ROW])
    ]
    if found.page > 0:
        items.append(SunatPage("p", found.page - 1, found.query))
    if found.has_more:
        items.append(SunatPage("n", found.page + 1, found.query))
    return Reply(embeds=[answer_embed(found)], view=view_of(*items), replace=replace)


async def sunat_command(interaction: discord.Interaction, query: str) -> None:
    await answer(interaction, _reply(interaction, query, 0, replace=False))


async def page_clicked(interaction: discord.Interaction, button: SunatPage) -> None:
    await answer(interaction, _reply(interaction, button.query, button.page, replace=True), replace=True)


async def register_clicked(interaction: discord.Interaction, button: SunatRegister) -> None:
    """The create form with the padrón's RUC and name (the modal must be the first answer: the one read
    is bounded); the address is offered once it is saved (`sunat_offer`)."""
    if not await may_edit(interaction):
        return
    try:
        taxpayer = await before_deadline(interaction, sunat.lookup(service_of(interaction).db, RUC, button.ruc))
    except (CoreError, TooSlow) as exc:
        await send(interaction, error_reply(exc))
        return
    if taxpayer is None:  # a newer load no longer lists it
        await send(interaction, Reply(content=md(texts().padron_ruc_absent(button.ruc, "cargado"))))
        return
    here = {"doc_type": RUC, "doc_number": taxpayer.ruc, "name": taxpayer.name}
    modal = SectionModal(FormTarget("create"), here, owner=interaction.user.id)
    first = next(iter(modal.inputs.values()))
    first.description = clip(texts().padron_form_note(taxpayer.fecha.isoformat()), NOTE_MAX)
    await show_modal(interaction, modal)
