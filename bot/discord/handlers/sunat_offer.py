"""SUNAT's padrón after Discord's create form, or the edit of Datos del cliente, is saved (see
`handlers.sunat`): kept apart from it so that `forms` can call it without a cycle, as `pending` is."""

from __future__ import annotations

import logging

import discord

from bot.discord.actor import actor_of
from bot.discord.escape import md
from bot.discord.handlers.context import service_of
from bot.discord.replies import Reply
from commands import padron, sunat
from commands.errors import CoreError
from commands.forms import RUC
from commands.prefill import Pending
from commands.views import ClientCard
from storage.textfold import fold

log = logging.getLogger(__name__)


async def keep_after_create(interaction: discord.Interaction, card: ClientCard, reply: Reply) -> Reply:
    """After Datos del cliente of a new RUC client is saved: what the padrón proposes waits for
    `texts().complete_from_sunat` (the button itself is added by `pending.offer_after_save`), and the reply
    says the warning when the taxpayer is not ACTIVO/HABIDO. A padrón that cannot be read is skipped."""
    if card.doc_type != RUC:
        return reply
    service, actor = service_of(interaction), actor_of(interaction)
    try:
        taxpayer = await sunat.lookup(service.db, RUC, card.doc_number)
        if taxpayer is None:
            return reply
        values = {"client.name": taxpayer.name} if fold(taxpayer.name) != fold(card.name) else {}
        # the district says Perú: the Dirección form of a known district sets País itself
        values.update(
            (path, v) for path, v in sunat.proposal(taxpayer).items() if path in ("address.0.ubigeo", "address.0.line")
        )
        await service.prefill.keep(actor, sunat.SOURCE, values, client_id=card.id)
    except CoreError as exc:
        log.warning("padrón values for client %s not kept: %s", card.id, type(exc).__name__)
        return reply
    return _warned(reply, padron.warning(taxpayer))


def _warned(reply: Reply, warned: str | None, said: str = "") -> Reply:
    """`reply` headed by the warning (when the taxpayer is not ACTIVO/HABIDO) and by what SUNAT says."""
    head = "\n".join(part for part in (f"⚠ **{md(warned)}**" if warned else "", md(said) if said else "") if part)
    if not head:
        return reply
    content = f"{head}\n{reply.content}" if reply.content else head
    return Reply(content, reply.embeds, reply.view, reply.ephemeral, reply.replace, reply.unsent)


async def offer_after_edit(
    interaction: discord.Interaction, card: ClientCard, reply: Reply, left: list[Pending] | None
) -> tuple[Reply, list[Pending] | None]:
    """After Datos del cliente of an existing client is saved with a RUC the padrón lists: when the
    padrón's name differs from the one saved, it waits (beside what SUNAT still offered for the client)
    for `texts().complete_from_sunat`, whose form opens with it — nothing is saved until that form is
    submitted — and the reply says what SUNAT says; the warning is said for a taxpayer not ACTIVO/HABIDO.
    Returns the reply and what now waits for the client (`left` when nothing changed). A RUC the padrón
    lacks, or a padrón that cannot be read, leaves both as they are."""
    if card.doc_type != RUC:
        return reply, left
    service, actor = service_of(interaction), actor_of(interaction)
    try:
        taxpayer = await sunat.lookup(service.db, RUC, card.doc_number)
        if taxpayer is None:
            return reply, left
        # Saved already: the Nombre shown is the saved one, so the offer only says whether it differs.
        offer = sunat.edit_offer(taxpayer, card.doc_type, card.doc_number, card.name, card.name)
        if offer.differs:
            kept = await service.prefill.get(actor, card.id, sunat.SOURCE)
            values = {**(kept.values if kept else {}), "client.name": taxpayer.name}
            await service.prefill.keep(actor, sunat.SOURCE, values, client_id=card.id)
            left = await service.prefill.find(actor, card.id)
    except CoreError as exc:
        log.warning("padrón name for client %s not offered: %s", card.id, type(exc).__name__)
        return reply, left
    return _warned(reply, offer.warning, offer.said() if offer.differs else ""), left
