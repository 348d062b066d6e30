"""The client card as a message: every section the presenter lists, passwords masked, and buttons.

Buttons carry the client id (and server id) in their value. "Compartir en el canal" posts a copy
without the action buttons and without server sections (host, IP and user stay in ephemeral replies).
"""

from __future__ import annotations

from bot.slack import ids
from bot.slack.blocks.common import (
    MESSAGE_BLOCKS_MAX,
    Block,
    actions,
    button,
    confirm_dialog,
    context,
    header,
    md,
)
from bot.slack.escape import mrkdwn
from commands.forms import ADDRESS, SERVER
from commands.presenter import CardSection, card_sections
from commands.views import ClientCard

SECTION_FIELDS_MAX = 10


def fallback_text(card: ClientCard) -> str:
    """Notification text (Slack reads it as mrkdwn, so it is escaped)."""
    return mrkdwn(f"Cliente {card.name} ({card.document})")


def _section_block(card: ClientCard, part: CardSection, *, with_buttons: bool) -> Block:
    fields = [md(f"*{mrkdwn(label)}*\n{mrkdwn(value)}") for label, value in part.rows][:SECTION_FIELDS_MAX]
    block: Block = {"type": "section", "text": md(f"*{mrkdwn(part.title)}*"), "fields": fields}
    if with_buttons and part.kind == "server" and part.item_id is not None:
        server = card.server(part.item_id)
        if server is not None and server.has_password:
            block["accessory"] = button("Ver contraseña", ids.CLIENT_REVEAL, f"{card.id}:{server.id}")
    return block


def card_blocks(card: ClientCard, *, with_buttons: bool = True, shared_by: str | None = None) -> list[Block]:
    """Blocks of the card; ``with_buttons=False`` is the read-only copy (modal or shared message)."""
    blocks: list[Block] = [
        header(card.name),
        context(mrkdwn(f"{card.document} · #{card.id} · versión {card.version}")),
    ]
    parts = [p for p in card_sections(card) if with_buttons or shared_by is None or p.kind != "server"]
    room = MESSAGE_BLOCKS_MAX - len(blocks) - 2
    for part in parts[:room]:
        blocks.append(_section_block(card, part, with_buttons=with_buttons))
    if len(parts) > room:
        blocks.append(context(mrkdwn(f"(+{len(parts) - room} secciones más)")))
    if shared_by:
        blocks.append(context(f"Compartido por <@{mrkdwn(shared_by)}>"))
    if with_buttons:
        blocks.append(card_actions(card))
    return blocks


def card_actions(card: ClientCard) -> Block:
    cid = str(card.id)
    return actions(
        button("Editar", ids.CLIENT_EDIT, cid, style="primary"),
        button(ADDRESS.add_label or "Agregar dirección", ids.CLIENT_ADD_ADDRESS, cid),
        button(SERVER.add_label or "Agregar servidor", ids.CLIENT_ADD_SERVER, cid),
        button("Compartir en el canal", ids.CLIENT_SHARE, cid),
        button(
            "Eliminar",
            ids.CLIENT_DELETE,
            cid,
            style="danger",
            confirm=confirm_dialog(
                "¿Eliminar cliente?",
                mrkdwn(f"Se eliminará «{card.name}» ({card.document}). Podrá deshacerlo con Deshacer o restaurar."),
                "Eliminar",
            ),
        ),
        block_id=f"ficha.{card.id}",
    )
