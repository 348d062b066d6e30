"""Editing: the section picker modal, then one section modal; saved before the ack.

The version the section form was rendered from is in ``private_metadata``; a stale one makes the core
raise ``Conflict`` and the modal turns into the values someone else saved (nothing is overwritten).
Adding an address or server also sends that version, so a redelivered submission cannot add it twice.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import ids
from bot.slack.blocks.card import card_blocks, fallback_text
from bot.slack.blocks.common import modal, section
from bot.slack.blocks.edit_modal import PICK_BLOCK, conflict_modal, parse_choice, saved_modal, section_modal
from bot.slack.errors_map import errors_for_view, first_input
from bot.slack.escape import mrkdwn
from bot.slack.handlers.common import Reply, actor_of
from bot.slack.metadata import ModalState
from bot.slack.state import section_raw, view_values
from commands.access import Actor
from commands.errors import Conflict, CoreError, FieldErrors
from commands.forms import CLIENT_ROW_SECTIONS
from commands.service import ClientService
from commands.views import ClientCard


def message_modal(text: str) -> dict:
    return modal("Clientes", [section(f":warning: {mrkdwn(text)}")], callback_id=ids.VIEW_DONE)


async def save(service: ClientService, actor: Actor, state: ModalState, raw: dict[str, str]) -> ClientCard:
    """The core call for the section being edited."""
    client_id, version = int(state.client_id or 0), state.version
    if state.section in CLIENT_ROW_SECTIONS:
        return await service.edit_section(actor, client_id, state.section, raw, version)
    if state.section == "address":
        if state.item_id:
            return await service.edit_address(actor, client_id, state.item_id, raw, version)
        return await service.add_address(actor, client_id, raw, version)
    if state.section == "server":
        if state.item_id:
            return await service.edit_server(actor, client_id, state.item_id, raw, version)
        return await service.add_server(actor, client_id, raw, version)
    raise ValueError(f"unknown section {state.section!r}")


def register(app: AsyncApp, service: ClientService) -> None:
    @app.view(ids.VIEW_EDIT_PICK)
    async def pick(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        actor = actor_of(body)
        state = ModalState.load(view.get("private_metadata"))
        kind, item_id = parse_choice(view_values(view).get(PICK_BLOCK, ""))
        try:
            card = await service.get(actor, int(state.client_id or 0))
        except CoreError as exc:
            await ack(response_action="update", view=message_modal(str(exc)))
            return
        chosen = ModalState(
            channel=state.channel, client_id=card.id, version=card.version, section=kind, item_id=item_id
        )
        await ack(response_action="update", view=section_modal(card, chosen))

    @app.view(ids.VIEW_EDIT)
    async def submit(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient) -> None:
        actor = actor_of(body)
        state = ModalState.load(view.get("private_metadata"))
        raw = section_raw(view_values(view), state.section)
        try:
            card = await save(service, actor, state, raw)
        except FieldErrors as exc:
            await ack(response_action="errors", errors=errors_for_view(exc.errors, view))
            return
        except Conflict as exc:
            await ack(response_action="update", view=conflict_modal(exc.current, state, str(exc)))
            return
        except CoreError as exc:
            block = first_input(view)
            if block:
                await ack(response_action="errors", errors={block: str(exc)[:300]})
            else:
                await ack(response_action="update", view=message_modal(str(exc)))
            return
        await ack(response_action="update", view=saved_modal(card, "Cambios guardados"))
        await Reply(client, actor.user_id, state.channel).send(fallback_text(card), card_blocks(card))

    @app.view(ids.VIEW_DONE)
    async def done(ack: AsyncAck) -> None:
        await ack()
