"""País chosen in an address form: the form is drawn again, with Distrito only while País is Perú.

Departamento, Provincia and Distrito (ubigeo INEI) mean nothing abroad, so an address outside Peru
is not asked for them. The País select dispatches its choice (``dispatch_action``); this listener
re-renders the same form from what is typed so far (same block and action ids: Slack keeps every
input) and swaps it in with ``views.update``. The form's version stays the one it was opened with.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import ids
from bot.slack.blocks.create_modal import create_modal, note_of
from bot.slack.blocks.edit_modal import section_modal
from bot.slack.handlers.actors import Actors
from bot.slack.handlers.replies import log, slack_error
from bot.slack.modal_state import ModalState
from bot.slack.view_values import section_raw, view_values
from commands.errors import CoreError
from commands.service import ClientService


def register(app: AsyncApp, service: ClientService, actors: Actors) -> None:
    @app.action(ids.OPT_COUNTRY)
    async def country_chosen(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        view = body.get("view") or {}
        state = ModalState.load(view.get("private_metadata"))
        values = view_values(view)
        if view.get("callback_id") == ids.VIEW_CREATE:
            redrawn = create_modal(state, values, note=note_of(view))
        elif view.get("callback_id") == ids.VIEW_EDIT and state.section == "address":
            try:
                card = await service.get(await actors.of(body, client), int(state.client_id or 0))
            except CoreError:
                return  # the submission answers it (gone, forbidden): nothing to redraw
            redrawn = section_modal(card, state, section_raw(values, "address"))
        else:
            return
        try:
            await client.views_update(view_id=view.get("id"), hash=view.get("hash"), view=redrawn)
        except SlackClientError as exc:  # a stale hash: the user already moved on
            log.warning("Slack: views.update tras elegir País falló: %s", slack_error(exc))
