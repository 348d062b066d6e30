"""The "Nuevo cliente" modal: the manual's four tabs in one view, plus address and server groups.

Block ids are field paths with the group index (``address.1.email``, ``server.0.ip``) so the core's
errors land on the right input and so that ``views.update`` after "Agregar dirección" keeps what the
user typed (Slack preserves input state when block_id and action_id are unchanged). Address and
server groups are optional as a whole: an untouched group is not sent to the core.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.slack import ids
from bot.slack.blocks.inputs import section_inputs
from bot.slack.blocks.kit import (
    MODAL_BLOCKS_MAX,
    Block,
    actions,
    button,
    context,
    divider,
    header,
    modal,
    plain_context,
)
from bot.slack.blocks.sunat import dispatching_ruc
from bot.slack.modal_state import ModalState
from bot.slack.view_values import section_raw
from commands.forms import ADDRESS, CLIENT, CONTACT, INTEGRATIONS, SERVER

TITLE = "Nuevo cliente"
SUBMIT = "Guardar"
FOOTNOTE = (
    "Solo *Datos del cliente* es obligatorio; las direcciones y servidores que deje vacíos no se guardan. "
    "Puede completarlos después desde la ficha."
)

_FIXED_BLOCKS = 1 + len(CLIENT.fields) + 2 + len(CONTACT.fields) + 1 + len(INTEGRATIONS.fields) + 2 + 1
_ADDRESS_BLOCKS = 1 + len(ADDRESS.fields)
_SERVER_BLOCKS = 1 + len(SERVER.fields)


def block_count(addresses: int, servers: int) -> int:
    """Blocks the modal will hold with this many groups (Slack allows 100)."""
    return _FIXED_BLOCKS + addresses * _ADDRESS_BLOCKS + servers * _SERVER_BLOCKS


def can_add_address(state: ModalState) -> bool:
    return block_count(state.addresses + 1, state.servers) <= MODAL_BLOCKS_MAX


def can_add_server(state: ModalState) -> bool:
    return block_count(state.addresses, state.servers + 1) <= MODAL_BLOCKS_MAX


def _group_title(title: str, index: int, count: int) -> str:
    return title if count == 1 else f"{title} {index + 1}"


NOTE_BLOCK = "nuevo.nota"


def note_of(view: Mapping[str, Any]) -> str | None:
    """The note heading a create form being redrawn (what a message or SUNAT's padrón filled in, and
    its warning), so that «Agregar dirección» or a País choice does not take it away."""
    first: Mapping[str, Any] = next(iter(view.get("blocks") or []), {})
    if first.get("block_id") != NOTE_BLOCK:
        return None
    return str((first.get("elements") or [{}])[0].get("text") or "") or None


def create_modal(state: ModalState, values: Mapping[str, str] | None = None, *, note: str | None = None) -> dict:
    """The create form with ``state.addresses`` address groups and ``state.servers`` server groups;
    ``note`` (plain text, e.g. what was pre-filled from a message) heads it."""
    values = values or {}
    blocks: list[Block] = [{**plain_context(note), "block_id": NOTE_BLOCK}] if note else []
    blocks += [header(CLIENT.title), *section_inputs(CLIENT, section_raw(values, CLIENT.key))]
    for index in range(state.addresses):
        blocks.append(header(_group_title(ADDRESS.title, index, state.addresses)))
        blocks += section_inputs(ADDRESS, section_raw(values, ADDRESS.key, index), index=index, all_optional=True)
    if can_add_address(state) and ADDRESS.add_label:
        blocks.append(actions(button(ADDRESS.add_label, ids.CREATE_ADD_ADDRESS), block_id="nuevo.agregar_direccion"))
    blocks.append(header(CONTACT.title))
    blocks += section_inputs(CONTACT, section_raw(values, CONTACT.key))
    blocks.append(header(INTEGRATIONS.title))
    blocks += section_inputs(INTEGRATIONS, section_raw(values, INTEGRATIONS.key))
    for index in range(state.servers):
        blocks.append(header(_group_title(SERVER.title, index, state.servers)))
        blocks += section_inputs(SERVER, section_raw(values, SERVER.key, index), index=index, all_optional=True)
    if can_add_server(state) and SERVER.add_label:
        blocks.append(actions(button(SERVER.add_label, ids.CREATE_ADD_SERVER), block_id="nuevo.agregar_servidor"))
    blocks += [divider(), context(FOOTNOTE)]
    view = modal(TITLE, blocks, callback_id=ids.VIEW_CREATE, private_metadata=state.dump(), submit=SUBMIT)
    return dispatching_ruc(view)  # a RUC typed then Enter fills the form from SUNAT's padrón
