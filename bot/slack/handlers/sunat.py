"""SUNAT's padrón on Slack: a RUC typed in the create form fills it, one typed in the edit of Datos del
cliente is checked against it, and `/clientes sunat`.

Número dispatches on enter (``dispatch_action``, on_enter_pressed): with a RUC the padrón lists, the
form is drawn again (``views.update`` with its hash, so a form the user changed meanwhile is not
overwritten) with Nombre and the first address's Distrito and Dirección proposed — only where the user
left them empty; everything typed elsewhere is kept — and a context line naming the source, with the
warning first when the taxpayer is not ACTIVO/HABIDO. A RUC the padrón lacks leaves the form as it is.
The edit form of Datos del cliente dispatches the same way: it is drawn again with a line giving what
SUNAT says (name, Estado · Condición, the warning first) and, only when the RUC was changed, the padrón's
name proposed in Nombre (never replacing a name typed in that form; `commands.sunat.edit_offer`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import ids
from bot.slack.blocks import sunat as blocks
from bot.slack.blocks.create_modal import create_modal
from bot.slack.blocks.edit_modal import section_modal
from bot.slack.handlers import ops
from bot.slack.handlers.actors import Actors
from bot.slack.handlers.clicks import Click, on_click
from bot.slack.handlers.replies import Reply, log, slack_error
from bot.slack.modal_state import ModalState
from bot.slack.view_values import section_raw, view_values
from commands import sunat
from commands.errors import CoreError, NotFound
from commands.forms import CLIENT, RUC, asks_district
from commands.padron import Taxpayer
from commands.service import ClientService


def proposed_values(values: Mapping[str, str], taxpayer: Taxpayer) -> tuple[dict[str, str], set[str]]:
    """The form's values with the padrón's where the user left a field empty (Tipo Doc. still at its
    default counts as empty: an 11-digit Número is no DNI), and the block ids that changed. The address
    is only proposed while its País is Perú."""
    merged = dict(values)
    changed: set[str] = set()
    abroad = not asks_district(merged.get("address.0.country") or "PE")
    for path, value in sunat.proposal(taxpayer).items():
        current = merged.get(path, "").strip()
        if path == "client.doc_type":
            empty = current in ("", sunat.DOC_TYPE_DEFAULT)
        elif path.startswith("address.0."):
            empty = not abroad and path in merged and not current
        else:
            empty = not current
        if empty and current != value:
            merged[path] = value
            changed.add(path)
    return merged, changed


def register(app: AsyncApp, service: ClientService, actors: Actors) -> None:
    @app.action(ids.RUC_TYPED)
    async def ruc_typed(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        view = body.get("view") or {}
        if view.get("callback_id") == ids.VIEW_EDIT:
            await ruc_typed_in_edit(body, view, client)
            return
        if view.get("callback_id") != ids.VIEW_CREATE:
            return
        values = view_values(view)
        try:
            taxpayer = await sunat.lookup(service.db, values.get("client.doc_type"), values.get("client.doc_number"))
        except CoreError:  # the padrón cannot be read now: the form stays as the user left it
            return
        if taxpayer is None:
            return
        merged, changed = proposed_values(values, taxpayer)
        state = ModalState.load(view.get("private_metadata"))
        redrawn = blocks.refilled(create_modal(state, merged, note=sunat.note(taxpayer)), changed)
        try:
            await client.views_update(view_id=view.get("id"), hash=view.get("hash"), view=redrawn)
        except SlackClientError as exc:  # a stale hash: the user already moved on
            log.warning("Slack: views.update tras escribir el RUC falló: %s", slack_error(exc))

    async def ruc_typed_in_edit(body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient) -> None:
        """Datos del cliente of an existing client: the form is drawn again with what SUNAT says of the RUC
        and, when the RUC was changed, the padrón's name proposed in Nombre (`sunat.edit_offer`); the rest
        is kept as typed and the form keeps the version it was opened with."""
        state = ModalState.load(view.get("private_metadata"))
        if state.section != CLIENT.key:
            return
        typed = section_raw(view_values(view), CLIENT.key)
        if not sunat.names_ruc(typed.get("doc_type"), typed.get("doc_number")):
            return
        try:
            card = await service.get(await actors.of(body, client), int(state.client_id or 0))
            taxpayer = await sunat.lookup(service.db, typed.get("doc_type"), typed.get("doc_number"))
        except CoreError:  # gone, forbidden (the submission says so) or the padrón unreadable: as it is
            return
        if taxpayer is None:
            return
        offer = sunat.edit_offer(taxpayer, card.doc_type, card.doc_number, card.name, typed.get("name") or "")
        changed: set[str] = set()
        if typed.get("doc_type") != RUC:  # still at its default: an 11-digit Número the padrón lists is a RUC
            typed["doc_type"] = RUC
            changed.add("client.doc_type")
        if offer.name is not None:
            typed["name"] = offer.name
            changed.add("client.name")
        redrawn = blocks.refilled(section_modal(card, state, typed, note=offer.note()), changed)
        try:
            await client.views_update(view_id=view.get("id"), hash=view.get("hash"), view=redrawn)
        except SlackClientError as exc:  # a stale hash: the user already moved on
            log.warning("Slack: views.update tras escribir el RUC (edición) falló: %s", slack_error(exc))

    async def turn(click: Click) -> None:
        page, query = blocks.parse_page_value(click.value)
        answer = await sunat.find(service.db, query, page)
        await click.reply.send(blocks.answer_text(answer), blocks.answer_blocks(answer), replace=True)

    on_click(app, actors, ids.SUNAT_PAGE_PREV, turn)
    on_click(app, actors, ids.SUNAT_PAGE_NEXT, turn)

    async def register_client(click: Click) -> None:
        ops.require_edit(service, click.actor)
        found = await sunat.find(service.db, click.value)
        if not found.items:
            raise NotFound(found.empty_sentence())
        taxpayer = found.items[0]
        view = create_modal(
            ModalState(channel=click.reply.channel_id), sunat.proposal(taxpayer), note=sunat.note(taxpayer)
        )
        await click.client.views_open(trigger_id=click.trigger_id, view=view)

    on_click(app, actors, ids.SUNAT_REGISTER, register_client, command=lambda _click: "nuevo")


async def answer(reply: Reply, service: ClientService, query: str) -> None:
    """`/clientes sunat <ruc o nombre>`: the first page, privately."""
    found = await sunat.find(service.db, query)
    await reply.send(blocks.answer_text(found), blocks.answer_blocks(found))


UBIGEO_ACTIONS = re.compile(rf"^{re.escape(ids.OPT_UBIGEO)}({re.escape(blocks.REFILL)})?$")
