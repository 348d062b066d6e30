"""Actions shared by the slash command and by buttons: show a card, open the edit picker, delete,
restore. Each takes an already-resolved client, so "which client" is decided once by the caller."""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.blocks.card import card_blocks, fallback_text
from bot.slack.blocks.common import context
from bot.slack.blocks.create_modal import create_modal
from bot.slack.blocks.edit_modal import pick_modal, section_modal
from bot.slack.blocks.notices import delete_prompt_blocks, notice_blocks
from bot.slack.escape import mrkdwn
from bot.slack.handlers.common import Reply
from bot.slack.metadata import ModalState
from commands.access import Actor
from commands.service import ClientService
from commands.views import ClientCard


async def show_card(reply: Reply, card: ClientCard, *, note: str | None = None, replace: bool = False) -> None:
    blocks = card_blocks(card)
    if note:
        blocks.insert(0, context(mrkdwn(note)))
    await reply.send(fallback_text(card), blocks, replace=replace)


async def open_create(client: AsyncWebClient, trigger_id: str, channel: str) -> None:
    await client.views_open(trigger_id=trigger_id, view=create_modal(ModalState(channel=channel)))


async def open_edit_picker(client: AsyncWebClient, trigger_id: str, card: ClientCard, channel: str) -> None:
    state = ModalState(channel=channel, client_id=card.id, version=card.version)
    await client.views_open(trigger_id=trigger_id, view=pick_modal(card, state))


async def open_section(
    client: AsyncWebClient, trigger_id: str, card: ClientCard, channel: str, section: str, item_id: int | None = None
) -> None:
    state = ModalState(channel=channel, client_id=card.id, version=card.version, section=section, item_id=item_id)
    await client.views_open(trigger_id=trigger_id, view=section_modal(card, state))


async def ask_delete(reply: Reply, card: ClientCard) -> None:
    await reply.send(mrkdwn(f"¿Eliminar a «{card.name}»?"), delete_prompt_blocks(card))


async def delete(reply: Reply, service: ClientService, actor: Actor, client_id: int) -> None:
    notice = await service.delete(actor, client_id)
    await reply.send(mrkdwn(notice.text), notice_blocks(notice), replace=True)


async def restore(reply: Reply, service: ClientService, actor: Actor, client_id: int, *, replace: bool) -> None:
    card = await service.restore(actor, client_id)
    await show_card(reply, card, note=f"Cliente «{card.name}» restaurado.", replace=replace)
