"""The client card as a message: every section the presenter lists, passwords masked, and buttons.

Buttons carry the client id in their value. Each address and server section has an overflow menu
(a section holds one accessory; an overflow offers 2–5 options): Editar, Marcar como principal
(addresses that are not the main one), Ver contraseña (servers with one) and Eliminar; each option's
value is an :class:`~bot.slack.item_action.ItemAction` carrying the card's version. Eliminar is
confirmed on a follow-up message (an overflow's ``confirm`` would ask for every option alike).
"Compartir en el canal" posts a copy without the action buttons and without server sections (host,
IP and user stay in ephemeral replies).
"""

from __future__ import annotations

from bot.slack import ids
from bot.slack.blocks.kit import (
    MESSAGE_BLOCKS_MAX,
    SECTION_FIELD_MAX,
    Block,
    actions,
    button,
    confirm_dialog,
    context,
    header,
    md,
    option,
)
from bot.slack.escape import channel_link, mrkdwn
from bot.slack.item_action import ItemAction
from commands.forms import ADDRESS, INTEGRATIONS, SERVER
from commands.presenter import CardSection, card_sections
from commands.texts import texts
from commands.views import ClientCard

SECTION_FIELDS_MAX = 10
OVERFLOW_OPTIONS_MAX = 5  # Slack: 2 to 5 options
CHANNELS_BUTTON = "Reintentar canales"


def delete_client_dialog(card: ClientCard) -> dict:
    """Slack's own "are you sure?" on every Eliminar button of a client (plain text: it quotes the name)."""
    return confirm_dialog(texts().delete_client_title, texts().delete_client_dialog(card.name), "Eliminar")


def fallback_text(card: ClientCard) -> str:
    """Notification text (Slack reads it as mrkdwn, so it is escaped)."""
    return mrkdwn(f"Cliente {card.name} ({card.document})")


def _section_block(card: ClientCard, part: CardSection, *, with_buttons: bool) -> Block:
    links = channel_links(card) if part.kind == "integrations" else {}
    block: Block = {"type": "section", "text": md(f"*{mrkdwn(part.title)}*"), "fields": section_fields(part, links)}
    if with_buttons and part.kind in ("address", "server") and part.item_id is not None:
        block["block_id"] = f"{ids.CARD_BLOCK}.{card.id}.{part.kind}.{part.item_id}"
        block["accessory"] = item_menu(card, part.kind, part.item_id)
    return block


def item_menu(card: ClientCard, kind: str, item_id: int) -> dict:
    """The overflow of one address or server: what can be done to it, from this version of the card."""
    here = ItemAction("edit", kind, card.id, item_id, card.version)
    choices = [option("Editar", here.dump())]
    if kind == "address":
        address = card.address(item_id)
        if address is not None and not address.is_main:
            choices.append(option("Marcar como principal", here.but("main").dump()))
    else:
        server = card.server(item_id)
        if server is not None and server.has_password:
            choices.insert(0, option("Ver contraseña", here.but("reveal").dump()))
    choices.append(option("Eliminar", here.but("remove").dump()))
    return {"type": "overflow", "action_id": ids.CARD_ITEM, "options": choices[:OVERFLOW_OPTIONS_MAX]}


def section_fields(part: CardSection, links: dict[str, str] | None = None) -> list[dict]:
    """A card section's (label, value) rows as escaped mrkdwn fields (Slack shows them in two columns;
    each field text is limited to 2000 characters, not the 3000 of a section's text). ``links``: rows
    (by label) shown as a channel link instead."""
    rows = part.rows[:SECTION_FIELDS_MAX]
    shown = links or {}
    return [md(f"*{mrkdwn(label)}*\n{shown.get(label) or mrkdwn(value)}", SECTION_FIELD_MAX) for label, value in rows]


def channel_links(card: ClientCard) -> dict[str, str]:
    """The Slack channel row as a real link once the channel exists ("<#C123> (listo)"); Discord's
    channel keeps its name: it is not a Slack channel."""
    status = card.channel("slack")
    link = channel_link(status.channel_id) if status is not None else None
    if status is None or link is None:
        return {}
    return {INTEGRATIONS.field("slack_channel").label: f"{link} ({mrkdwn(status.state)})"}


def card_blocks(
    card: ClientCard,
    *,
    with_buttons: bool = True,
    shared_by: str | None = None,
    lead: list[Block] | None = None,
    public: bool = False,
    may_delete: bool = True,
) -> list[Block]:
    """Blocks of the card; ``with_buttons=False`` is the read-only copy (modal or shared message).

    ``may_delete=False`` (the reader may not delete) leaves out Eliminar: its confirm dialog is Slack's
    own, shown before any request reaches us, so the permission can only be checked by not offering it.

    A copy everyone in a channel sees (``shared_by``, or ``public`` for the onboarding card the bot
    posts in a client's channel) leaves out the server sections.

    ``lead`` (a note or a warning) goes first; sections beyond the 50-block message limit become a
    "+N secciones más" line, and the room for it, the lead and the footer is always kept.
    """
    blocks: list[Block] = [
        *(lead or []),
        header(card.name),
        context(mrkdwn(f"{card.document} · #{card.id} · versión {card.version}")),
    ]
    in_channel = not with_buttons and (shared_by is not None or public)
    parts = [p for p in card_sections(card) if not (in_channel and p.kind == "server")]
    footer = int(bool(shared_by)) + int(with_buttons)
    room = MESSAGE_BLOCKS_MAX - len(blocks) - footer - 1  # 1: the "+N secciones más" line
    for part in parts[:room]:
        blocks.append(_section_block(card, part, with_buttons=with_buttons))
    if len(parts) > room:
        blocks.append(context(mrkdwn(f"(+{len(parts) - room} secciones más)")))
    if shared_by:
        blocks.append(context(f"Compartido por <@{mrkdwn(shared_by)}>"))
    if with_buttons:
        blocks.append(card_actions(card, may_delete=may_delete))
    return blocks


def card_actions(card: ClientCard, *, may_delete: bool = True) -> Block:
    """Editar, Agregar…, Compartir, Eliminar; "Reintentar canales" while a named channel is not ready."""
    cid = str(card.id)
    channels = (
        [button(CHANNELS_BUTTON, ids.CLIENT_CHANNELS, cid)] if any(c.state != "listo" for c in card.channels) else []
    )
    delete = button(
        "Eliminar", ids.CLIENT_DELETE, f"{card.id}:{card.version}", style="danger", confirm=delete_client_dialog(card)
    )
    return actions(
        button("Editar", ids.CLIENT_EDIT, cid, style="primary"),
        button(ADDRESS.add_label or "Agregar dirección", ids.CLIENT_ADD_ADDRESS, cid),
        button(SERVER.add_label or "Agregar servidor", ids.CLIENT_ADD_SERVER, cid),
        button("Compartir en el canal", ids.CLIENT_SHARE, cid),
        button("Historial", ids.CLIENT_HISTORY, cid),
        *channels,
        *([delete] if may_delete else []),
        block_id=f"{ids.CARD_BLOCK}.{card.id}",
    )
