"""Register a client from a message, and continue with pre-filled values.

`texts().register_from_message` is a message context command (Apps → it, on any message): it opens
the create form ("Datos del cliente") with the document the message holds (`values_from_message`).
Discord delivers the message's content in this interaction without the privileged Message Content
intent (it is one of the intent's documented exceptions), so the bot still asks for none. What belongs
to later sections (e-mail, landline, contact phone, web address) waits server-side (`commands.prefill`)
for whoever ran the command: once the client is saved, the card offers `texts().complete_from_message`
(`pending.offer_after_save`), and each click opens the next section pre-filled — Otros Datos, then the
address: straight to the Dirección form when the values name the district, else through the
Departamento → Provincia → Distrito picker, whose Dirección form then opens pre-filled
(`pending.address_values`). Nothing is saved until the user submits each form.

Any source kept through `commands.prefill` (SUNAT's padrón next) gets the same button and steps:
`continue_clicked` only reads the source from the button.
"""

from __future__ import annotations

import asyncio
import logging

import discord
from discord import app_commands

from bot.discord.actor import actor_of
from bot.discord.escape import clip
from bot.discord.form_target import FormTarget
from bot.discord.handlers.context import may_edit, service_of
from bot.discord.handlers.forms import open_form, show_modal
from bot.discord.replies import Reply, TooSlow, before_deadline, error_reply, send
from bot.discord.ui.prefill_button import PrefillButton
from bot.discord.ui.section_modal import SectionModal
from bot.discord.ui.ubigeo_picker import picker_reply, start_state
from commands import ubigeo
from commands.errors import CoreError
from commands.message_prefill import labels_found, values_from_message
from commands.prefill import CREATE_SECTION, gone_sentence, split
from commands.texts import texts

log = logging.getLogger(__name__)

SOURCE = "message"
NOTE_MAX = 100  # a Label's description


def _note(here: dict[str, str], later: dict[str, str]) -> str:
    """What the create form says about the message, under its first field (a modal has no room for
    a text block: "Datos del cliente" already holds Discord's maximum of 5 inputs)."""
    if here:
        labels = labels_found({f"{CREATE_SECTION}.{key}": value for key, value in here.items()})
        return clip(texts().form_from_message(labels), NOTE_MAX)
    if later:
        return clip(texts().later_from_message(labels_found(later)), NOTE_MAX)
    return clip(texts().nothing_in_message, NOTE_MAX)


def _embed_text(embeds: list[discord.Embed]) -> list[str]:
    parts: list[str] = []
    for embed in embeds:
        parts += [embed.title or "", embed.description or ""]
        parts += [f"{field.name}: {field.value}" for field in embed.fields]
    return parts


def message_text(message: discord.Message) -> str:
    """Everything the message says: its text, its embeds (a webhook's contact form posts its fields
    there) and, for a forwarded message (whose own content is empty), the forwarded text and embeds."""
    parts = [message.content or "", *_embed_text(message.embeds)]
    for snapshot in message.message_snapshots:
        parts += [snapshot.content or "", *_embed_text(snapshot.embeds)]
    return "\n".join(part for part in parts if part)


@app_commands.guild_only()
async def register_from_message(interaction: discord.Interaction, message: discord.Message) -> None:
    """The context command's callback; the tree's `interaction_check` (the guild gate) ran first."""
    if not await may_edit(interaction):
        return
    here, later = split(values_from_message(message_text(message)))
    modal = SectionModal(FormTarget("create"), here, owner=interaction.user.id)
    if later:
        store, actor = service_of(interaction).prefill, actor_of(interaction)
        try:
            await before_deadline(interaction, store.keep(actor, SOURCE, later, form_id=modal.form_id))
        except (CoreError, TooSlow) as exc:  # the form still opens with what it shows itself
            log.warning("values of message %s not kept: %s", message.id, type(exc).__name__)
            later = {}
    first = next(iter(modal.inputs.values()))
    first.description = _note(here, later)
    await show_modal(interaction, modal)


def message_command() -> app_commands.ContextMenu:
    """`texts().register_from_message`, localised in English by `translator.CATALOG_EN`."""
    return app_commands.ContextMenu(name=texts().register_from_message, callback=register_from_message)


async def continue_clicked(interaction: discord.Interaction, button: PrefillButton) -> None:
    """The next section that has waiting values, opened pre-filled with them (nothing saved yet)."""
    if not await may_edit(interaction):
        return
    service, actor = service_of(interaction), actor_of(interaction)
    try:
        card, pending = await before_deadline(
            interaction,
            asyncio.gather(
                service.get(actor, button.client_id),
                service.prefill.get(actor, button.client_id, button.source),
            ),
        )
    except (CoreError, TooSlow) as exc:
        await send(interaction, error_reply(exc))
        return
    section = pending.next_section() if pending is not None else None
    if pending is None or section is None:  # used, expired, or not this user's
        await send(interaction, Reply(content=gone_sentence(button.source)))
        return
    values = pending.section_values(section)
    if section == "address":
        code = pending.district()
        if code is None or ubigeo.get(code) is None:  # the picker first; its Dirección form finds the values
            await send(interaction, picker_reply(start_state(card.id, card.version)))
            return
        values.pop("ubigeo", None)
        await open_form(interaction, FormTarget("address", card.id, card.version, None, code), values)
        return
    current = {key: value for key, value in card.section_values(section).items() if value not in (None, "")}
    await open_form(interaction, FormTarget(section, card.id, card.version), {**current, **values})
