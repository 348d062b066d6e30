"""Edit modals: pick a section, then one modal per section pre-filled with the current values.

The version the form was rendered from travels in ``private_metadata``; the core refuses a stale one
(``Conflict``) and :func:`conflict_modal` then shows the values someone else saved.
Single-section forms use block ids without index (``address.email``), matching the core's paths.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot import record_id
from bot.slack import ids
from bot.slack.blocks.card import card_blocks
from bot.slack.blocks.inputs import section_inputs
from bot.slack.blocks.kit import Block, context, header, modal, option, plain, plain_context, plain_section, section
from bot.slack.blocks.sunat import dispatching_ruc
from bot.slack.escape import mrkdwn
from bot.slack.modal_state import ModalState
from commands.forms import ADDRESS, CLIENT, SECTION_BY_KEY, SERVER, Kind
from commands.presenter import card_sections
from commands.texts import texts
from commands.views import ClientCard

PICK_TITLE = "Editar cliente"
PICK_BLOCK = "editar.seccion"
NOTE_BLOCK = "editar.nota"  # what SUNAT's padrón says of the RUC typed in Datos del cliente
NEW = "new"


def _subtitle(card: ClientCard) -> Block:
    return plain_context(f"{card.name} · {card.document} · #{card.id}")


def section_choices(card: ClientCard) -> list[dict]:
    """What can be edited: the three client-row sections, each address and server, or add one."""
    choices = [option(SECTION_BY_KEY["client"].title, "client")]
    for number, address in enumerate(card.addresses, start=1):
        choices.append(option(f"{ADDRESS.title} {number}: {address.line or address.place}", f"address:{address.id}"))
    choices.append(option(ADDRESS.add_label or "Agregar dirección", f"address:{NEW}"))
    choices.append(option(SECTION_BY_KEY["contact"].title, "contact"))
    choices.append(option(SECTION_BY_KEY["integrations"].title, "integrations"))
    for number, server in enumerate(card.servers, start=1):
        choices.append(option(f"{SERVER.title} {number}: {server.title}", f"server:{server.id}"))
    choices.append(option(SERVER.add_label or "Agregar servidor", f"server:{NEW}"))
    return choices[:100]


def pick_modal(card: ClientCard, state: ModalState) -> dict:
    blocks: list[Block] = [
        _subtitle(card),
        {
            "type": "input",
            "block_id": PICK_BLOCK,
            "label": plain("Sección"),
            "element": {
                "type": "static_select",
                "action_id": ids.PICK_SECTION,
                "options": section_choices(card),
                "initial_option": section_choices(card)[0],
            },
        },
    ]
    return modal(PICK_TITLE, blocks, callback_id=ids.VIEW_EDIT_PICK, private_metadata=state.dump(), submit="Continuar")


def parse_choice(value: str) -> tuple[str, int | None]:
    """'address:5' → ('address', 5); 'address:new' → ('address', None); 'contact' → ('contact', None)."""
    kind, _, item = value.partition(":")
    return kind, record_id.parse(item)


def _title(state: ModalState) -> str:
    if state.section == "address":
        return "Editar dirección" if state.item_id else (ADDRESS.add_label or "Agregar dirección")
    if state.section == "server":
        return "Editar servidor" if state.item_id else (SERVER.add_label or "Agregar servidor")
    return SECTION_BY_KEY[state.section].title


def section_modal(
    card: ClientCard, state: ModalState, typed: Mapping[str, str] | None = None, *, note: str | None = None
) -> dict:
    """The form of ``state.section`` (and ``state.item_id``) filled with ``card``'s values, or with
    what is ``typed`` so far when it is drawn again (País changed, a RUC typed); ``note`` (plain text:
    what SUNAT's padrón says of that RUC) goes under the subtitle. Datos del cliente's Número dispatches
    on enter, as in the create form (handlers.sunat)."""
    spec = SECTION_BY_KEY[state.section]
    if state.section == "address":
        address = card.address(state.item_id) if state.item_id else None
        values = address.values() if address else {}
    elif state.section == "server":
        server = card.server(state.item_id) if state.item_id else None
        values = server.values() if server else {}
    else:
        values = card.section_values(state.section)
    if typed is not None:
        values = dict(typed)
    editing = state.target().editing
    blocks = [_subtitle(card)]
    if note:
        blocks.append({**plain_context(note), "block_id": NOTE_BLOCK})
    blocks += section_inputs(spec, values, editing=editing)
    if editing and any(not f.required and f.kind != Kind.PASSWORD for f in spec.fields):
        blocks.append(plain_context(texts().clear_form))
    view = modal(_title(state), blocks, callback_id=ids.VIEW_EDIT, private_metadata=state.dump(), submit="Guardar")
    return dispatching_ruc(view) if state.section == CLIENT.key else view


def conflict_modal(current: ClientCard, state: ModalState, message: str) -> dict:
    """Shown instead of saving when the client changed meanwhile: the explanation and current values."""
    kinds = {state.section}
    parts = [
        p for p in card_sections(current) if p.kind in kinds and (state.item_id is None or p.item_id == state.item_id)
    ]
    blocks: list[Block] = [plain_section(f":warning: {message}"), header("Valores actuales")]
    for part in parts or card_sections(current):
        rows = "\n".join(f"*{mrkdwn(label)}:* {mrkdwn(value)}" for label, value in part.rows)
        blocks.append(section(f"*{mrkdwn(part.title)}*\n{rows}"))
    blocks.append(context("Vuelva a abrir la edición para partir de estos valores."))
    return modal("Cambios no guardados", blocks, callback_id=ids.VIEW_DONE, private_metadata=state.dump())


def saved_modal(card: ClientCard, title: str = "Cliente guardado") -> dict:
    """What the form turns into after a save: the read-only card (the full one is posted to the user)."""
    return modal(title, card_blocks(card, with_buttons=False), callback_id=ids.VIEW_DONE)
