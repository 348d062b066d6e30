"""Actions shared by the slash command and by buttons: show a card, open the edit picker or a section,
delete, restore, retry the client's channels, reveal a password, change an address or server. Each
takes an already-resolved client, so "which client" is decided once by the caller."""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.blocks.card import card_blocks, fallback_text
from bot.slack.blocks.channels import channels_note
from bot.slack.blocks.create_modal import create_modal
from bot.slack.blocks.edit_modal import pick_modal, section_modal
from bot.slack.blocks.kit import plain_context
from bot.slack.blocks.notices import delete_prompt_blocks, notice_blocks, password_blocks
from bot.slack.escape import mrkdwn
from bot.slack.handlers.replies import Reply
from bot.slack.item_action import ItemAction
from bot.slack.modal_state import ModalState
from commands.access import Actor, Permission
from commands.service import ClientService
from commands.texts import texts
from commands.transfer import export_file
from commands.views import ClientCard


def _item_done(verb: str, kind: str) -> str | None:
    """Read when the message is sent, so the catalogue BOT_LOCALE selected at start is the one used."""
    catalogue = texts()
    return {
        ("main", "address"): catalogue.main_address_changed,
        ("remove", "address"): catalogue.address_removed,
        ("remove", "server"): catalogue.server_removed,
    }.get((verb, kind))


async def show_card(
    reply: Reply, card: ClientCard, *, note: str | None = None, replace: bool = False, may_delete: bool = True
) -> None:
    lead = [plain_context(note)] if note else None  # may quote the client's name
    await reply.send(fallback_text(card), card_blocks(card, lead=lead, may_delete=may_delete), replace=replace)


def may_delete(service: ClientService, actor: Actor) -> bool:
    """Whether the card shown to `actor` offers Eliminar (see ``card_blocks``)."""
    return service.policy.allows(actor, Permission.DELETE)


def require_edit(service: ClientService, actor: Actor) -> None:
    """Refuses (``Forbidden``, shown ephemerally by ``guarded``) before a create/edit form opens, so a
    viewer is not left to fill a form only to be refused on submit. The core still checks the save."""
    service.policy.require(actor, Permission.EDIT)


async def open_create(
    client: AsyncWebClient, trigger_id: str, channel: str, *, service: ClientService, actor: Actor
) -> None:
    require_edit(service, actor)
    await client.views_open(trigger_id=trigger_id, view=create_modal(ModalState(channel=channel)))


async def open_edit_picker(
    client: AsyncWebClient,
    trigger_id: str,
    card: ClientCard,
    channel: str,
    *,
    service: ClientService,
    actor: Actor,
    response_url: str = "",
) -> None:
    require_edit(service, actor)
    state = ModalState(channel=channel, client_id=card.id, version=card.version, response_url=response_url)
    await client.views_open(trigger_id=trigger_id, view=pick_modal(card, state))


async def open_section(
    client: AsyncWebClient,
    trigger_id: str,
    card: ClientCard,
    channel: str,
    section: str,
    item_id: int | None = None,
    *,
    service: ClientService,
    actor: Actor,
    response_url: str = "",
) -> None:
    """The form of one section pre-filled from ``card``; its version is the one of those values."""
    require_edit(service, actor)
    state = ModalState(
        channel=channel,
        client_id=card.id,
        version=card.version,
        section=section,
        item_id=item_id,
        response_url=response_url,
    )
    await client.views_open(trigger_id=trigger_id, view=section_modal(card, state))


async def ask_delete(reply: Reply, card: ClientCard, *, service: ClientService, actor: Actor) -> None:
    """The question with its danger button, only to someone allowed to delete (else ``Forbidden``)."""
    service.policy.require(actor, Permission.DELETE)
    await reply.send(mrkdwn(texts().delete_client_question(card.name, card.document)), delete_prompt_blocks(card))


async def delete(
    reply: Reply, service: ClientService, actor: Actor, client_id: int, version: int | None = None
) -> None:
    notice = await service.delete(actor, client_id, version)
    await reply.send(mrkdwn(notice.text), notice_blocks(notice), replace=True)


async def restore(reply: Reply, service: ClientService, actor: Actor, client_id: int, *, replace: bool) -> None:
    card = await service.restore(actor, client_id)
    note = texts().restored(card.name)
    await show_card(reply, card, note=note, replace=replace, may_delete=may_delete(service, actor))


async def retry_channels(
    reply: Reply, service: ClientService, actor: Actor, client_id: int, *, replace: bool = False
) -> None:
    """``canales``: queues again the channels that are not ready and shows where each one stands."""
    card = await service.retry_channels(actor, client_id)
    await show_card(reply, card, note=channels_note(card), replace=replace, may_delete=may_delete(service, actor))


async def reveal(reply: Reply, service: ClientService, actor: Actor, client_id: int, server_id: int) -> None:
    """Only for the user who asked, as plain text, in a new message (the card stays); never in a DM."""
    password = await service.reveal_password(actor, client_id, server_id)
    server = (await service.get(actor, client_id)).server(server_id)
    title = server.title if server else f"servidor {server_id}"
    await reply.send(mrkdwn(f"Contraseña de {title} (solo para usted)"), password_blocks(title, password), secret=True)


async def change_item(reply: Reply, service: ClientService, actor: Actor, item: ItemAction) -> None:
    """Marcar como principal / Eliminar with the card's version; the new card replaces the old one.

    The card's version makes the core refuse the change if anything changed meanwhile.
    """
    if item.verb == "main":
        new = await service.set_main_address(actor, item.client_id, item.item_id, item.version)
    elif item.kind == "address":
        new = await service.remove_address(actor, item.client_id, item.item_id, item.version)
    else:
        new = await service.remove_server(actor, item.client_id, item.item_id, item.version)
    note = _item_done(item.verb, item.kind)
    await show_card(reply, new, note=note, replace=True, may_delete=may_delete(service, actor))


async def send_export(reply: Reply, client: AsyncWebClient, service: ClientService, actor: Actor) -> None:
    """``exportar``: the register as an Excel file in the admin's direct message with the bot.

    Slack has no ephemeral files, and a file shared in the channel would show every client's data to
    everyone there; the bot's DM with the person who asked is private to them. Anyone who is not an
    admin gets the core's refusal (``Forbidden``, shown ephemerally by ``guarded``) and no file is made.
    """
    export = await export_file(service, actor)
    opened = await client.conversations_open(users=actor.user_id)
    await client.files_upload_v2(
        channel=str(opened["channel"]["id"]),
        file=export.data,
        filename=export.name,
        title=export.name,
        initial_comment=texts().export_ready(export.count),
    )
    await reply.send(mrkdwn(texts().export_sent_dm(export.count)))
