"""Section modals end to end, for creating and for editing: open (pre-filled), submit to the core,
map its answer back, and "Corregir".

The adapter never validates: it sends what was typed and shows the core's `FieldErrors`, keeping the
typed values in a FormDraft so "Corregir" re-opens the same form. Opening a modal must be the first
response (a deferred interaction cannot open one), so the one read a modal needs first (the current
values, or the draft) is bounded by `before_deadline`: when the database is slow the user gets a
"pulse de nuevo" message in time instead of Discord's "The application did not respond".
"""

from __future__ import annotations

import logging
from typing import Any

import discord

from bot.discord import open_forms
from bot.discord.actor import actor_of
from bot.discord.escape import md
from bot.discord.form_target import FormTarget
from bot.discord.handlers import pending, sunat_offer
from bot.discord.handlers.context import may_edit, service_of
from bot.discord.handlers.ops import card_reply, conflict_reply
from bot.discord.ids import OTHER_COUNTRY
from bot.discord.replies import PLATFORM, Reply, TooSlow, answer, before_deadline, error_reply, saved_unsent, send
from bot.discord.ui.base import view_of
from bot.discord.ui.fix_button import FixButton
from bot.discord.ui.section_modal import SectionModal
from commands.errors import Conflict, CoreError, FieldErrors
from commands.texts import texts
from commands.views import ClientCard

log = logging.getLogger(__name__)


async def open_form(interaction: discord.Interaction, target: FormTarget, values: dict[str, Any] | None = None) -> None:
    if await may_edit(interaction):
        if target.kind == "address" and target.item_id is None and not values and target.client_id:
            values = await pending.address_values(interaction, target.client_id)  # e.g. a message's e-mail
        await show_modal(interaction, SectionModal(target, values, owner=interaction.user.id))


async def show_modal(interaction: discord.Interaction, modal: SectionModal) -> None:
    """Opens `modal`; when Discord refuses it (a 400 for a value or limit it does not accept), the user
    is told so in Spanish instead of being left with "interaction failed". Stored first, so its submit
    is understood by any process (`open_forms`)."""
    await open_forms.remember(interaction, modal)
    try:
        await interaction.response.send_modal(modal)
    except discord.HTTPException as exc:
        log.warning("Discord refused to open form %s: %s %s", modal.custom_id, exc.status, exc.code)
        modal.stop()  # never opened: nothing will submit it
        await send(interaction, Reply(content=texts().form_refused(texts().platform(PLATFORM))))


async def fix_clicked(interaction: discord.Interaction, button: FixButton) -> None:
    """ "Corregir": the refused form again, with what was typed."""
    if not await may_edit(interaction):
        return
    draft_id = button.draft_id
    try:
        draft = await before_deadline(interaction, service_of(interaction).load_draft(actor_of(interaction), draft_id))
    except (CoreError, TooSlow) as exc:
        await send(interaction, error_reply(exc))
        return
    target, values = FormTarget.from_draft(draft.data)
    modal = SectionModal(target, values, owner=interaction.user.id, form_id=draft_id)  # draft: the opener's own
    await show_modal(interaction, modal)  # may_edit: above


async def submitted(interaction: discord.Interaction, modal: SectionModal) -> None:
    """A section modal's submit (only its opener's: `SectionModal.interaction_check`)."""
    save = _save(interaction, modal.target, modal.values(), modal.form_id, modal.reopened)
    await answer(interaction, save)


async def _store(interaction: discord.Interaction, target: FormTarget, raw: dict[str, Any], form_id: str) -> ClientCard:
    """A new client, or the section through `ClientService.save` (which picks the use case and answers
    a re-sent form as saved). The form id keys both, so a redelivered submit saves nothing twice."""
    service, actor, key = service_of(interaction), actor_of(interaction), f"discord:{form_id}"
    if target.creates:
        return await service.create(actor, raw, origin_key=key)
    if target.kind == "address":  # the district comes from the picker, not from the form
        if target.ubigeo == OTHER_COUNTRY:
            raw["ubigeo"] = ""
        else:
            raw["ubigeo"], raw["country"] = target.ubigeo, "PE"
    return await service.save(actor, target.core(), raw, submission_key=key)


async def _save(
    interaction: discord.Interaction, target: FormTarget, values: dict[str, str], form_id: str, reopened: bool
) -> Reply:
    service = service_of(interaction)
    try:
        card = await _store(interaction, target, dict(values), form_id)
    except FieldErrors as exc:
        draft_id = await service.save_draft(
            actor_of(interaction),
            f"discord:{target.kind}",
            target.draft(values),
            draft_id=form_id,
            client_id=target.client_id,
            client_version=target.version,
        )
        lines = "\n".join(f"• {md(error.text)}" for error in exc.errors)
        return Reply(content=f"No se guardó «{target.title()}». Corrija:\n{lines}", view=view_of(FixButton(draft_id)))
    except Conflict as exc:
        return conflict_reply(exc)
    if reopened:
        await service.discard_draft(form_id)
    headline = texts().created(md(card.name)) if target.creates else texts().section_saved(target.title())
    reply = card_reply(card, headline, unsent=saved_unsent())
    if target.creates:  # SUNAT's padrón: its values wait for `texts().complete_from_sunat`, its warning is said
        reply = await sunat_offer.keep_after_create(interaction, card, reply)
    if target.kind != "client":
        return await pending.offer_after_save(interaction, target, card, form_id, reply)  # "Completar con …"
    # Datos del cliente edited: once its own waiting values are used, the padrón's name (when it differs
    # from the one saved) waits for `texts().complete_from_sunat` in turn
    left = await pending.settle(interaction, target, card, form_id)
    reply, left = await sunat_offer.offer_after_edit(interaction, card, reply, left)
    return pending.with_offer(reply, card, left) if left is not None else reply
