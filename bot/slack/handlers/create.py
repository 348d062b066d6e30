"""``nuevo``: the create modal, its "Agregar dirección/servidor" buttons and its submission.

The submission is validated and saved BEFORE the ack (field errors can only travel in the ack and a
save takes milliseconds); the ack turns the modal into the saved card; the card is then posted to the
user. ``origin_key`` is the view id, so a redelivered or double-clicked submission returns the client
the first one created instead of creating another.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import ids
from bot.slack.blocks.card import card_blocks, fallback_text
from bot.slack.blocks.create_modal import can_add_address, can_add_server, create_modal, note_of
from bot.slack.blocks.edit_modal import saved_modal
from bot.slack.errors_map import errors_for_view
from bot.slack.handlers import ops
from bot.slack.handlers.actors import Actors
from bot.slack.handlers.replies import Reply, ack_problem, log, slack_error
from bot.slack.modal_state import ModalState
from bot.slack.view_values import section_raw, view_values
from commands.errors import CoreError, FieldErrors
from commands.forms import ADDRESS, CLIENT, CONTACT, INTEGRATIONS, SERVER, Section
from commands.service import ClientService
from commands.texts import texts


def _filled(section: Section, raw: dict[str, str]) -> bool:
    """Whether the user typed anything in a group (a pre-selected default such as Perú does not count)."""
    return any(text.strip() and text != (section.field(key).default or "") for key, text in raw.items())


def _groups(section: Section, values: dict[str, str], count: int) -> tuple[list[dict[str, str]], dict]:
    """The groups the user filled and, for error mapping, (section, sent index) → form index."""
    sent: list[dict[str, str]] = []
    index_map: dict[tuple[str, int], int] = {}
    for index in range(count):
        raw = section_raw(values, section.key, index)
        if _filled(section, raw):
            index_map[(section.key, len(sent))] = index
            sent.append(raw)
    return sent, index_map


def register(app: AsyncApp, service: ClientService, actors: Actors) -> None:
    async def add_group(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, *, server: bool) -> None:
        await ack()
        view = body["view"]
        state = ModalState.load(view.get("private_metadata"))
        if server and can_add_server(state):
            state.servers += 1
        elif not server and can_add_address(state):
            state.addresses += 1
        try:
            await client.views_update(
                view_id=view["id"],
                hash=view.get("hash"),
                view=create_modal(state, view_values(view), note=note_of(view)),
            )
        except SlackClientError as exc:  # a stale hash means the user already moved on; nothing to save here
            log.warning("Slack: views.update del formulario falló: %s", slack_error(exc))

    @app.action(ids.CREATE_ADD_ADDRESS)
    async def add_address(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await add_group(ack, body, client, server=False)

    @app.action(ids.CREATE_ADD_SERVER)
    async def add_server(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await add_group(ack, body, client, server=True)

    @app.view(ids.VIEW_CREATE)
    async def submit(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient) -> None:
        actor = await actors.of(body, client)  # before the ack: the save is, and it needs the groups
        state = ModalState.load(view.get("private_metadata"))
        values = view_values(view)
        addresses, address_map = _groups(ADDRESS, values, state.addresses)
        servers, server_map = _groups(SERVER, values, state.servers)
        try:
            card = await service.create(
                actor,
                section_raw(values, CLIENT.key),
                addresses=addresses,
                contact=section_raw(values, CONTACT.key),
                integrations=section_raw(values, INTEGRATIONS.key),
                servers=servers,
                origin_key=f"slack:{body.get('team', {}).get('id', '')}:{view['id']}",
            )
        except FieldErrors as exc:
            errors = errors_for_view(exc.errors, view, index_map={**address_map, **server_map})
            await ack(response_action="errors", errors=errors)
            return
        except CoreError as exc:  # Forbidden, StorageUnavailable: keep the form open with the reason
            await ack_problem(ack, view, str(exc))
            return
        except Exception:  # answer within Slack's 3 s anyway; the create form always has inputs
            log.exception("Slack: error inesperado al crear un cliente")
            await ack_problem(ack, view, texts().unexpected)
            return
        await ack(response_action="update", view=saved_modal(card))
        reply = Reply(client, actor.user_id, state.channel)
        await reply.send(fallback_text(card), card_blocks(card, may_delete=ops.may_delete(service, actor)))
