"""Section modals end to end: open (pre-filled), submit to the core, map its answer back.

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

from bot.discord.actor import actor_of
from bot.discord.escape import md
from bot.discord.form_target import OTHER_COUNTRY, FormTarget
from bot.discord.replies import SAVED_UNSENT, Reply, TooSlow, answer, before_deadline, error_reply, send
from bot.discord.ui.base import parse_id, view_of
from bot.discord.ui.fix_button import FixButton
from bot.discord.ui.section_modal import SectionModal
from bot.discord.ui.ubigeo_picker import picker_reply, start_state
from commands.access import Permission
from commands.errors import Conflict, CoreError, FieldErrors, Forbidden
from commands.service import ClientService
from commands.views import ClientCard

log = logging.getLogger(__name__)

FORM_REFUSED = (
    "Discord no aceptó abrir el formulario; no se guardó nada. Intente de nuevo y, si persiste, avise al equipo."
)


def service_of(interaction: discord.Interaction) -> ClientService:
    return interaction.client.core.service  # type: ignore[attr-defined]


async def may_edit(interaction: discord.Interaction) -> bool:
    """Whether the user may create/edit clients; if not, answers with the core's Forbidden sentence.

    Asked before opening any form (or the address picker leading to one), so a viewer is told at once
    instead of after typing a whole form that the core would refuse on submit. It only reads the
    in-memory policy — no database — so the modal can still be the first answer within 3 s."""
    try:
        service_of(interaction).policy.require(actor_of(interaction), Permission.EDIT)
    except Forbidden as exc:
        await send(interaction, error_reply(exc))
        return False
    return True


async def open_form(interaction: discord.Interaction, target: FormTarget, values: dict[str, Any] | None = None) -> None:
    if await may_edit(interaction):
        await show_modal(interaction, SectionModal(target, values, owner=interaction.user.id))


async def show_modal(interaction: discord.Interaction, modal: SectionModal) -> None:
    """Opens `modal`; when Discord refuses it (a 400 for a value or limit it does not accept), the user
    is told so in Spanish instead of being left with "interaction failed"."""
    try:
        await interaction.response.send_modal(modal)
    except discord.HTTPException as exc:
        log.warning("Discord refused to open form %s: %s %s", modal.custom_id, exc.status, exc.code)
        modal.stop()  # never opened: nothing will submit it
        await send(interaction, Reply(content=FORM_REFUSED))


async def open_edit(interaction: discord.Interaction, client_id: int, what: str) -> None:
    """Opens the edit form of a section ("client", "contact", "integrations", "s<id>"), pre-filled
    with the current values and carrying their version; "a<id>" opens the picker on its distrito."""
    if not await may_edit(interaction):
        return
    try:
        card = await before_deadline(interaction, service_of(interaction).get(actor_of(interaction), client_id))
        if what in ("client", "contact", "integrations"):
            target = FormTarget(what, card.id, card.version)
            await open_form(interaction, target, dict(card.section_values(what)))
        elif what.startswith("s") and (server := card.server(parse_id(what[1:]) or 0)) is not None:
            await open_form(interaction, FormTarget("server", card.id, card.version, server.id), server.values())
        elif what.startswith("a") and (address := card.address(parse_id(what[1:]) or 0)) is not None:
            reply = picker_reply(start_state(card.id, card.version, address.id, address.ubigeo))
            await send(interaction, reply)
        else:
            await send(interaction, Reply(content="Esa sección ya no existe; abra la ficha de nuevo."))
    except (CoreError, TooSlow) as exc:
        await send(interaction, error_reply(exc))


async def open_address(
    interaction: discord.Interaction, client_id: int, version: int, address_id: int | None, code: str
) -> None:
    """ "Continuar" / "Otro país" of the picker: the Dirección modal for the picked distrito."""
    values: dict[str, Any] = {}
    if address_id is not None:
        try:
            card = await before_deadline(interaction, service_of(interaction).get(actor_of(interaction), client_id))
        except (CoreError, TooSlow) as exc:
            await send(interaction, error_reply(exc))
            return
        address = card.address(address_id)
        if address is not None:
            values, version = dict(address.values()), card.version
            if code == OTHER_COUNTRY and values.get("country") == "PE":
                values["country"] = None
    await open_form(interaction, FormTarget("address", client_id, version, address_id, code), values)


async def reopen(interaction: discord.Interaction, draft_id: str) -> None:
    """ "Corregir": the refused form again, with what was typed."""
    if not await may_edit(interaction):
        return
    try:
        draft = await before_deadline(interaction, service_of(interaction).load_draft(actor_of(interaction), draft_id))
    except (CoreError, TooSlow) as exc:
        await send(interaction, error_reply(exc))
        return
    target, values = FormTarget.from_draft(draft.data)
    modal = SectionModal(target, values, owner=interaction.user.id, form_id=draft_id)  # draft: the opener's own
    await show_modal(interaction, modal)  # may_edit: above


async def submit(
    interaction: discord.Interaction, target: FormTarget, values: dict[str, str], *, form_id: str, reopened: bool
) -> None:
    await answer(interaction, _save(interaction, target, values, form_id, reopened))


async def _store(interaction: discord.Interaction, target: FormTarget, raw: dict[str, Any], form_id: str) -> ClientCard:
    service, actor = service_of(interaction), actor_of(interaction)
    cid, version, item = target.client_id or 0, target.version, target.item_id
    if target.kind == "create":
        return await service.create(actor, raw, origin_key=f"discord:{form_id}")
    if target.kind in ("client", "contact", "integrations"):
        return await service.edit_section(actor, cid, target.kind, raw, version)
    if target.kind == "address":
        if target.ubigeo == OTHER_COUNTRY:
            raw["ubigeo"] = ""
        else:
            raw["ubigeo"], raw["country"] = target.ubigeo, "PE"
        if item is None:
            return await service.add_address(actor, cid, raw, version)
        return await service.edit_address(actor, cid, item, raw, version)
    if item is None:
        return await service.add_server(actor, cid, raw, version)
    return await service.edit_server(actor, cid, item, raw, version)


async def _save(
    interaction: discord.Interaction, target: FormTarget, values: dict[str, str], form_id: str, reopened: bool
) -> Reply:
    from bot.discord.flows import card_reply, conflict_reply

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
    if target.kind == "create":
        headline = f"Cliente «{md(card.name)}» registrado. Complete las demás secciones con los botones."
    else:
        headline = f"Se guardó «{target.title()}»."
    return card_reply(card, headline, unsent=SAVED_UNSENT)
