"""Actions shared by the slash command and by components: show a card, the edit menu, the delete
question, restore, retry the client's channels, choose and reveal a password. Each takes an
already-resolved client, so "which client" is decided once by the caller (as in Slack's `ops`)."""

from __future__ import annotations

import discord

from bot.discord.actor import actor_of
from bot.discord.embeds import card_embed, history_embed
from bot.discord.escape import md
from bot.discord.handlers.context import require, service_of
from bot.discord.replies import Reply, saved_unsent
from bot.discord.ui.base import view_of
from bot.discord.ui.card_view import card_view
from bot.discord.ui.delete_buttons import ConfirmDelete
from bot.discord.ui.history_pager import HistoryButton
from bot.discord.ui.password_select import PasswordSelect
from bot.discord.ui.section_select import SectionSelect
from commands.access import Permission
from commands.errors import Conflict
from commands.texts import texts
from commands.views import ClientCard


def card_reply(
    card: ClientCard,
    headline: str | None = None,
    *,
    replace: bool = False,
    item_page: int = 0,
    unsent: str | None = None,
) -> Reply:
    """The card with its components; `replace` puts it in place of the message that was clicked;
    `unsent` (see `Reply`) when the card reports a change already committed."""
    view = card_view(card, item_page)
    return Reply(content=headline, embeds=[card_embed(card)], view=view, replace=replace, unsent=unsent)


def conflict_reply(exc: Conflict, *, replace: bool = False) -> Reply:
    """Nothing was overwritten: say so and show what the other person saved, with fresh buttons."""
    return card_reply(exc.current, exc.render(md), replace=replace)


async def for_action(interaction: discord.Interaction, action: str, card: ClientCard) -> Reply:
    """What `/clientes <action> <cliente>` (or picking that client) does with the resolved client."""
    if action == "editar":
        require(interaction, Permission.EDIT)
        return edit_menu(card)
    if action == "eliminar":
        require(interaction, Permission.DELETE)
        return confirm_delete(card)
    if action == "restaurar":
        return await restore(interaction, card.id)
    if action == "canales":
        return await channels(interaction, card.id)
    if action == "historial":
        return await history(interaction, card.id)
    return card_reply(card)


async def history(
    interaction: discord.Interaction, client_id: int, cursor: str | None = None, *, replace: bool = False
) -> Reply:
    """A page of the client's history, with Anterior / Siguiente while there are more."""
    page = await service_of(interaction).history_page(actor_of(interaction), client_id, cursor)
    view = view_of()
    prev_id = int(page.prev_cursor[2:]) if page.prev_cursor else None
    next_id = int(page.next_cursor[2:]) if page.next_cursor else None
    if prev_id or next_id:
        view.add_item(HistoryButton(client_id, "p", prev_id))
        view.add_item(HistoryButton(client_id, "n", next_id))
    return Reply(embeds=[history_embed(page)], view=view, replace=replace)


async def channels(interaction: discord.Interaction, client_id: int) -> Reply:
    """Queues again the channels that are not ready, then shows where each one stands."""
    card = await service_of(interaction).retry_channels(actor_of(interaction), client_id)
    return card_reply(card, channels_text(card))


def channels_text(card: ClientCard) -> str:
    if not card.channels:
        return texts().no_channels(md(card.name))
    lines = [f"Canales de «{md(card.name)}»:"]
    for c in card.channels:
        line = f"• {texts().platform(c.platform)}: {md(c.text)}"
        if c.when:  # what happens next, as the core knows it: "en unos segundos" only with a worker there
            line += f" — {md(c.when)}"
        if c.state == "pendiente" and c.detail:
            line += f" — último intento: {md(c.detail)}"
        lines.append(line)
    return "\n".join(lines)


def edit_menu(card: ClientCard) -> Reply:
    return Reply(content=f"Editar «{md(card.name)}»: elija la sección.", view=view_of(SectionSelect(card.id, card)))


def confirm_delete(card: ClientCard) -> Reply:
    text = texts().delete_client_question(md(card.name), md(card.document))
    return Reply(content=text, view=view_of(ConfirmDelete(card.id, card.version)))


async def password_choice(interaction: discord.Interaction, card: ClientCard) -> Reply:
    servers = [s for s in card.servers if s.has_password]
    if not servers:
        return Reply(content="Este cliente no tiene contraseñas guardadas.")
    if len(servers) == 1:
        return await reveal(interaction, card, servers[0].id)
    return Reply(content="¿De qué servidor?", view=view_of(PasswordSelect(card.id, card)))


async def reveal(interaction: discord.Interaction, card: ClientCard, server_id: int) -> Reply:
    password = await service_of(interaction).reveal_password(actor_of(interaction), card.id, server_id)
    server = card.server(server_id)
    title = md(server.title if server else server_id)
    return Reply(content=f"Contraseña de **{title}** («{md(card.name)}»): ||{md(password)}||\nSolo usted la ve.")


async def restore(interaction: discord.Interaction, client_id: int, *, replace: bool = False) -> Reply:
    card = await service_of(interaction).restore(actor_of(interaction), client_id)
    reply = card_reply(card, texts().restored(md(card.name)), unsent=saved_unsent())
    reply.replace = replace
    return reply
