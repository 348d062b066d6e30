"""Editing: the section picker modal, then one section modal; saved before the ack.

The version the section form was rendered from is in ``private_metadata``; a stale one makes the core
raise ``Conflict`` and the modal turns into the values someone else saved (nothing is overwritten).
A form opened from a card carries that card's response_url: the saved card (or, on a Conflict, the
current one) replaces it instead of adding a second ephemeral message.
Adding an address or server also sends that version, so a redelivered submission cannot add it twice.
A re-sent edit that the first submission already saved is recognised by the core (the view id is the
submission key) and answered as saved instead of as a Conflict.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import ids
from bot.slack.blocks.card import card_blocks, fallback_text
from bot.slack.blocks.edit_modal import PICK_BLOCK, conflict_modal, parse_choice, saved_modal, section_modal
from bot.slack.blocks.notices import conflict_blocks
from bot.slack.errors_map import errors_for_view
from bot.slack.handlers import ops
from bot.slack.handlers.actors import Actors
from bot.slack.handlers.replies import Reply, ack_problem, log, message_modal, responder
from bot.slack.modal_state import ModalState
from bot.slack.view_values import section_raw, view_values
from commands.errors import Conflict, CoreError, FieldErrors
from commands.service import ClientService
from commands.texts import texts
from commands.views import ClientCard


def register(app: AsyncApp, service: ClientService, actors: Actors) -> None:
    @app.view(ids.VIEW_EDIT_PICK)
    async def pick(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient) -> None:
        actor = await actors.of(body, client)
        state = ModalState.load(view.get("private_metadata"))
        kind, item_id = parse_choice(view_values(view).get(PICK_BLOCK, ""))
        try:
            card = await service.get(actor, int(state.client_id or 0))
        except CoreError as exc:
            await ack(response_action="update", view=message_modal(str(exc)))
            return
        chosen = ModalState(
            channel=state.channel,
            client_id=card.id,
            version=card.version,
            section=kind,
            item_id=item_id,
            response_url=state.response_url,
        )
        await ack(response_action="update", view=section_modal(card, chosen))

    @app.view(ids.VIEW_EDIT)
    async def submit(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient) -> None:
        actor = await actors.of(body, client)  # before the ack: the save is, and it needs the groups
        state = ModalState.load(view.get("private_metadata"))
        reply = Reply(client, actor.user_id, state.channel, responder(state.response_url))
        raw = section_raw(view_values(view), state.section)

        async def saved(card: ClientCard) -> None:
            await ack(response_action="update", view=saved_modal(card, texts().changes_saved))
            blocks = card_blocks(card, may_delete=ops.may_delete(service, actor))
            await reply.send(fallback_text(card), blocks, replace=bool(state.response_url))

        try:
            card = await service.save(actor, state.target(), raw, submission_key=f"slack:{view.get('id', '')}")
        except FieldErrors as exc:
            await ack(response_action="errors", errors=errors_for_view(exc.errors, view))
            return
        except Conflict as exc:
            await ack(response_action="update", view=conflict_modal(exc.current, state, str(exc)))
            if state.response_url:  # the card the form came from is stale too: show the current one
                await reply.send(fallback_text(exc.current), conflict_blocks(exc), replace=True)
            return
        except CoreError as exc:
            await ack_problem(ack, view, str(exc))
            return
        except Exception:
            log.exception("Slack: error inesperado al guardar %s", state.section)
            await ack_problem(ack, view, texts().unexpected)
            return
        await saved(card)

    @app.view(ids.VIEW_DONE)
    async def done(ack: AsyncAck) -> None:
        await ack()
