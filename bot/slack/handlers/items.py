"""The overflow menu of an address or server on a card, and the confirmation Eliminar asks for.

Every option carries the card's version (:class:`~bot.slack.item_action.ItemAction`): a change made
from a stale card is refused by the core (``Conflict``) and the card is replaced by that message and
the current values. A change replaces the card with the new one (``respond(replace_original=True)``).
Editar opens the section form pre-filled with the current values (and their version); Eliminar first
replaces the card with a question whose danger button Slack confirms once more; Cancelar brings the
card back.
"""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.slack import ids
from bot.slack.blocks.notices import item_part, remove_prompt_blocks
from bot.slack.escape import mrkdwn
from bot.slack.handlers import ops
from bot.slack.handlers.actors import Actors
from bot.slack.handlers.clicks import Click, on_click
from bot.slack.item_action import ItemAction
from commands.access import Permission
from commands.errors import Conflict
from commands.service import ClientService
from commands.texts import texts


def register(app: AsyncApp, service: ClientService, actors: Actors) -> None:
    async def chosen(click: Click) -> None:
        item = ItemAction.parse(click.value)
        if item.verb == "reveal":
            await ops.reveal(click.reply, service, click.actor, item.client_id, item.item_id)
            return
        if item.verb == "main":
            await ops.change_item(click.reply, service, click.actor, item)
            return
        # Editar and Eliminar lead to a form or a question in place of the card: refuse first, so a
        # viewer's card stays as it was (the refusal is a new ephemeral message).
        service.policy.require(click.actor, Permission.EDIT)
        card = await service.get(click.actor, item.client_id)
        part = item_part(card, item.kind, item.item_id)
        if part is None:
            raise Conflict(card)
        if item.verb == "edit":
            await ops.open_section(
                click.client,
                click.trigger_id,
                card,
                click.reply.channel_id,
                item.kind,
                item.item_id,
                service=service,
                actor=click.actor,
                response_url=click.card_url,
            )
            return
        question = mrkdwn(texts().delete_item_question(part.title, card.name, card.document))
        await click.reply.send(question, remove_prompt_blocks(card, part, item), replace=True)

    async def remove(click: Click) -> None:
        await ops.change_item(click.reply, service, click.actor, ItemAction.parse(click.value))

    async def keep(click: Click) -> None:
        card = await service.get(click.actor, ItemAction.parse(click.value).client_id)
        await ops.show_card(click.reply, card, replace=True, may_delete=ops.may_delete(service, click.actor))

    on_click(app, actors, ids.CARD_ITEM, chosen)
    on_click(app, actors, ids.ITEM_REMOVE, remove)
    on_click(app, actors, ids.ITEM_KEEP, keep)
