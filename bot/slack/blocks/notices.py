"""Short replies: errors, outcomes with undo, ambiguous matches to pick from, revealed passwords."""

from __future__ import annotations

from bot.slack import ids
from bot.slack.blocks.common import Block, actions, button, confirm_dialog, context, plain_section, section
from bot.slack.escape import mrkdwn
from commands.presenter import choice_label
from commands.views import ClientCard, ClientSummary, Notice

CHOICE_VERBS = {"ver": "Ver", "editar": "Editar", "eliminar": "Eliminar", "restaurar": "Restaurar"}


def error_blocks(message: str) -> list[Block]:
    return [section(f":warning: {mrkdwn(message)}")]


def notice_blocks(notice: Notice) -> list[Block]:
    blocks: list[Block] = [section(f":wastebasket: {mrkdwn(notice.text)}")]
    blocks += [context(mrkdwn(line)) for line in notice.details]
    if notice.undo and notice.client_id is not None:
        undo = button("Deshacer", ids.CLIENT_RESTORE, str(notice.client_id))
        blocks.append(actions(undo, block_id=f"deshacer.{notice.client_id}"))
    return blocks


def choices_blocks(message: str, choices: list[ClientSummary], command: str) -> list[Block]:
    """One row per match with a button that runs ``command`` on it (value ``command:id``)."""
    verb = CHOICE_VERBS.get(command, "Ver")
    blocks: list[Block] = [section(mrkdwn(message))]
    for row in choices[:45]:
        pick = button(verb, ids.CLIENT_PICK, f"{command}:{row.id}")
        blocks.append(section(mrkdwn(choice_label(row)), accessory=pick))
    return blocks


def delete_prompt_blocks(card: ClientCard) -> list[Block]:
    """``/clientes eliminar X`` shows who would be deleted and a button that asks again."""
    return [
        section(mrkdwn(f"¿Eliminar a «{card.name}» ({card.document}, #{card.id})?")),
        actions(
            button(
                "Eliminar",
                ids.CLIENT_DELETE,
                str(card.id),
                style="danger",
                confirm=confirm_dialog(
                    "¿Eliminar cliente?", mrkdwn(f"Se eliminará «{card.name}». Podrá deshacerlo."), "Eliminar"
                ),
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
