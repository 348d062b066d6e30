"""Short replies: errors, outcomes with undo, ambiguous matches to pick from, revealed passwords."""

from __future__ import annotations

from bot.slack import ids
from bot.slack.blocks.card import card_blocks, delete_client_dialog, section_fields
from bot.slack.blocks.kit import Block, actions, button, confirm_dialog, context, plain_context, plain_section
from bot.slack.item_action import ItemAction
from commands.errors import Conflict
from commands.presenter import CardSection, card_sections, choice_label
from commands.texts import texts
from commands.views import ClientCard, ClientSummary, Notice

CHOICE_VERBS = {
    "ver": "Ver",
    "editar": "Editar",
    "eliminar": "Eliminar",
    "restaurar": "Restaurar",
    "canales": "Canales",
}


def error_blocks(message: str) -> list[Block]:
    """The core's sentence as plain text: it may quote a client's name or what was typed."""
    return [plain_section(f":warning: {message}")]


def notice_blocks(notice: Notice) -> list[Block]:
    blocks: list[Block] = [plain_section(f":wastebasket: {notice.text}")]
    blocks += [plain_context(line) for line in notice.details]
    if notice.undo and notice.client_id is not None:
        undo = button("Deshacer", ids.CLIENT_RESTORE, str(notice.client_id))
        blocks.append(actions(undo, block_id=f"deshacer.{notice.client_id}"))
    return blocks


def choices_blocks(message: str, choices: list[ClientSummary], command: str) -> list[Block]:
    """One row per match with a button that runs ``command`` on it (value ``command:id``)."""
    verb = CHOICE_VERBS.get(command, "Ver")
    blocks: list[Block] = [plain_section(message)]
    for row in choices[:45]:
        pick = button(verb, ids.CLIENT_PICK, f"{command}:{row.id}")
        blocks.append(plain_section(choice_label(row), accessory=pick))
    return blocks


def delete_prompt_blocks(card: ClientCard) -> list[Block]:
    """``/clientes eliminar X`` shows who would be deleted and a button that asks again."""
    return [
        plain_section(texts().delete_client_question(card.name, card.document)),
        actions(
            button(
                "Eliminar",
                ids.CLIENT_DELETE,
                f"{card.id}:{card.version}",
                style="danger",
                confirm=delete_client_dialog(card),
            ),
            block_id=f"eliminar.{card.id}",
        ),
    ]


def password_blocks(server_title: str, password: str) -> list[Block]:
    """Plain text: no mrkdwn parsing, so any character of the password shows as typed."""
    return [
        plain_section(f"Contraseña de {server_title}: {password}"),
        context("Solo usted ve este mensaje. Bórrelo cuando ya no lo necesite."),
    ]


def conflict_blocks(conflict: Conflict) -> list[Block]:
    """The core's Conflict message above the card as it is now (its buttons carry the new version)."""
    return card_blocks(conflict.current, lead=[plain_section(f":warning: {conflict}")])


def item_part(card: ClientCard, kind: str, item_id: int) -> CardSection | None:
    """The card section (presenter) of one address or server, None once it is gone."""
    return next((p for p in card_sections(card) if p.kind == kind and p.item_id == item_id), None)


def remove_prompt_blocks(card: ClientCard, part: CardSection, item: ItemAction) -> list[Block]:
    """Replaces the card while asking: what would be removed, a danger button (Slack asks once more) and
    Cancelar, which brings the card back. Both carry the version of the card the user chose from.
    The question is plain text: it quotes the client's name."""
    question = texts().delete_item_question(part.title, card.name, card.document)
    remove = button(
        "Eliminar",
        ids.ITEM_REMOVE,
        item.but("remove").dump(),
        style="danger",
        confirm=confirm_dialog(texts().delete_client_title, question, "Eliminar"),
    )
    keep = button("Cancelar", ids.ITEM_KEEP, item.but("edit").dump())
    return [
        plain_section(f":warning: {question}"),
        {"type": "section", "fields": section_fields(part)},
        actions(remove, keep, block_id=f"confirmar.{item.kind}.{item.item_id}"),
    ]
