"""SUNAT's padrón after Discord's create form is saved (see `handlers.sunat`): kept apart from it so that
`forms` can call it without a cycle, as `pending` is."""

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
    warned = padron.warning(taxpayer)
    if not warned:
        return reply
    content = f"⚠ **{md(warned)}**\n{reply.content}" if reply.content else f"⚠ **{md(warned)}**"
    return Reply(content, reply.embeds, reply.view, reply.ephemeral, reply.replace, reply.unsent)
