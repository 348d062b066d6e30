"""Pre-filled values waiting for a client's later sections (`commands.prefill`), as the section forms
meet them: after a save, what is left is offered under the card (`offer_after_save`, `forms._save`'s
hook); the Dirección form of a new address opens with the waiting address values (`address_values`,
`forms.open_form`'s hook — the address picker's custom_ids carry no more than the client, so the
values are found by who opens it and for which client). Kept apart from `forms` so that the handlers
that open forms (`prefill`) can import both without a cycle.

Reading or updating the waiting values never undoes or hides a save: a database error there is logged
and the card is shown without the offer."""

from __future__ import annotations

import logging

import discord

from bot.discord.actor import actor_of
from bot.discord.escape import md
from bot.discord.form_target import FormTarget
from bot.discord.handlers.context import service_of
from bot.discord.replies import Reply, TooSlow, before_deadline
from bot.discord.ui.base import view_of
from bot.discord.ui.prefill_button import PrefillButton
from commands.errors import CoreError
from commands.prefill import ORDER, Pending
from commands.views import ClientCard

log = logging.getLogger(__name__)


def _uses(target: FormTarget) -> str | None:
    """The section whose waiting values a save of `target` uses (an address only when one is added)."""
    if target.kind == "address":
        return "address" if target.item_id is None else None
    return target.kind if target.kind in ORDER else None


async def offer_after_save(
    interaction: discord.Interaction, target: FormTarget, card: ClientCard, form_id: str, reply: Reply
) -> Reply:
    """`reply` (the saved card) with a button per source that still has values for a later section.
    A create moves the values kept for its form to the new client; a section save drops that section's."""
    pending = await settle(interaction, target, card, form_id)
    return with_offer(reply, card, pending) if pending is not None else reply


async def settle(
    interaction: discord.Interaction, target: FormTarget, card: ClientCard, form_id: str
) -> list[Pending] | None:
    """What still waits for the client once the save of `target` is accounted for (see
    `offer_after_save`); None when the save uses no waiting values, or they cannot be updated now."""
    store, actor = service_of(interaction).prefill, actor_of(interaction)
    section = _uses(target)
    try:
        if target.creates:
            return await store.attach(actor, form_id, card.id)
        if section is not None:
            return await store.used(actor, card.id, section)
    except CoreError as exc:
        log.warning("pre-filled values of client %s not updated: %s", card.id, type(exc).__name__)
    return None


def with_offer(reply: Reply, card: ClientCard, pending: list[Pending]) -> Reply:
    offers = [p for p in pending if p.next_section() is not None]
    if not offers or card.deleted:
        return reply
    view = reply.view or view_of()
    for p in offers:
        view.add_item(PrefillButton(p.source, card.id))
    notes = "\n".join(md(p.left_note()) for p in offers)
    content = f"{reply.content}\n{notes}" if reply.content else notes
    return Reply(content, reply.embeds, view, reply.ephemeral, reply.replace, reply.unsent)


async def address_values(interaction: discord.Interaction, client_id: int) -> dict[str, str]:
    """The first waiting address values of this user for this client ({} when none, or when they
    cannot be read in time: the form then opens empty, as it would without them)."""
    try:
        pending = await before_deadline(
            interaction, service_of(interaction).prefill.find(actor_of(interaction), client_id)
        )
    except (CoreError, TooSlow) as exc:
        log.warning("pre-filled address of client %s not read: %s", client_id, type(exc).__name__)
        return {}
    for p in pending:
        values = p.section_values("address")
        values.pop("ubigeo", None)  # the district is the picker's
        if values:
            return values
    return {}
