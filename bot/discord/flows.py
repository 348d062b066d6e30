"""What each command and button does, in core calls and replies (no Discord layout decisions here
beyond choosing which reply to send; the pieces come from `embeds` and `ui`)."""

from __future__ import annotations

import discord

from bot.discord.actor import actor_of
from bot.discord.embeds import card_embed, list_embed
from bot.discord.escape import md
from bot.discord.form_flow import may_edit, open_edit, open_form, service_of
from bot.discord.form_target import FormTarget
from bot.discord.replies import DELETED_UNSENT, SAVED_UNSENT, Reply, answer, send
from bot.discord.ui.base import view_of
from bot.discord.ui.card_view import card_view
from bot.discord.ui.client_picker import PickClient
from bot.discord.ui.delete_buttons import ConfirmDelete, UndoDelete
from bot.discord.ui.list_pager import PageButton, fits, query_ref
from bot.discord.ui.password_select import PasswordSelect
from bot.discord.ui.section_select import SectionSelect
from bot.discord.ui.ubigeo_picker import picker_reply, start_state
from commands.access import Permission
from commands.errors import Ambiguous, Conflict
from commands.router import help_lines
from commands.views import ClientCard

PLATFORM_NAMES = {"slack": "Slack", "discord": "Discord"}


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


# ------------------------------------------------------------------ resolving <cliente>
async def _resolve(interaction: discord.Interaction, text: str, action: str) -> ClientCard | Reply:
    """The card `text` names, or a Select of the candidates when several match."""
    try:
        return await service_of(interaction).find(actor_of(interaction), text, deleted=action == "restaurar")
    except Ambiguous as exc:
        return Reply(content=exc.render(md), view=view_of(PickClient(action, exc.choices)))


def require(interaction: discord.Interaction, permission: Permission) -> None:
    """Refuses (``Forbidden``, sent by `answer` as a new ephemeral message) before a destructive or
    secret prompt is offered, so the card stays as it was; the core checks the action itself again."""
    service_of(interaction).policy.require(actor_of(interaction), permission)


async def _for_action(interaction: discord.Interaction, action: str, card: ClientCard) -> Reply:
    if action == "editar":
        require(interaction, Permission.EDIT)
        return _edit_menu(card)
    if action == "eliminar":
        require(interaction, Permission.DELETE)
        return _confirm_delete(card)
    if action == "restaurar":
        restored = await service_of(interaction).restore(actor_of(interaction), card.id)
        return card_reply(restored, f"Cliente «{md(restored.name)}» restaurado.", unsent=SAVED_UNSENT)
    if action == "canales":
        return await _channels(interaction, card.id)
    return card_reply(card)


async def _channels(interaction: discord.Interaction, client_id: int) -> Reply:
    """Queues again the channels that are not ready, then shows where each one stands."""
    card = await service_of(interaction).retry_channels(actor_of(interaction), client_id)
    return card_reply(card, channels_text(card))


def channels_text(card: ClientCard) -> str:
    if not card.channels:
        return f"«{md(card.name)}» no tiene canal de Slack ni de Discord (se indican en «Datos Servidor»)."
    lines = [f"Canales de «{md(card.name)}»:"]
    for c in card.channels:
        line = f"• {PLATFORM_NAMES.get(c.platform, c.platform)}: {md(c.text)}"
        if c.when:  # what happens next, as the core knows it: "en unos segundos" only with a worker there
            line += f" — {md(c.when)}"
        if c.state == "pendiente" and c.detail:
            line += f" — último intento: {md(c.detail)}"
        lines.append(line)
    return "\n".join(lines)


async def command(interaction: discord.Interaction, action: str, text: str) -> None:
    """`/clientes ver|editar|eliminar|restaurar|canales <cliente>`."""

    async def work() -> Reply:
        found = await _resolve(interaction, text, action)
        return found if isinstance(found, Reply) else await _for_action(interaction, action, found)

    await answer(interaction, work())


async def client_action(interaction: discord.Interaction, action: str, client_id: int) -> None:
    """A client picked in a Select (the list, or an ambiguous `<cliente>`)."""

    async def work() -> Reply:
        deleted = action == "restaurar"
        card = await service_of(interaction).get(actor_of(interaction), client_id, deleted=deleted)
        return await _for_action(interaction, action, card)

    await answer(interaction, work())


# ------------------------------------------------------------------ card buttons
def _edit_menu(card: ClientCard) -> Reply:
    return Reply(content=f"Editar «{md(card.name)}»: elija la sección.", view=view_of(SectionSelect(card.id, card)))


def _confirm_delete(card: ClientCard) -> Reply:
    text = f"¿Eliminar a «{md(card.name)}» ({md(card.document)})? Podrá deshacerlo."
    return Reply(content=text, view=view_of(ConfirmDelete(card.id, card.version)))


async def card_action(interaction: discord.Interaction, action: str, client_id: int, version: int) -> None:
    service, actor = service_of(interaction), actor_of(interaction)
    if action == "addr":
        if await may_edit(interaction):  # the picker only leads to the Dirección form
            await send(interaction, picker_reply(start_state(client_id, version)))
    elif action in ("contact", "integ"):
        await open_edit(interaction, client_id, "contact" if action == "contact" else "integrations")
    elif action == "srv":
        await open_form(interaction, FormTarget("server", client_id, version))
    elif action == "share":

        async def shared() -> Reply:
            card = await service.get(actor, client_id)
            by = md(interaction.user.display_name)
            return Reply(content=f"Ficha compartida por {by}.", embeds=[card_embed(card, shared=True)], ephemeral=False)

        await answer(interaction, shared(), ephemeral=False)
    elif action == "chan":
        await answer(interaction, _channels(interaction, client_id))
    else:

        async def work() -> Reply:
            require(interaction, {"edit": Permission.EDIT, "del": Permission.DELETE}.get(action, Permission.REVEAL))
            card = await service.get(actor, client_id)
            if action == "edit":
                return _edit_menu(card)
            if action == "del":
                return _confirm_delete(card)
            return await _password_choice(interaction, card)

        await answer(interaction, work())


async def _password_choice(interaction: discord.Interaction, card: ClientCard) -> Reply:
    servers = [s for s in card.servers if s.has_password]
    if not servers:
        return Reply(content="Este cliente no tiene contraseñas guardadas.")
    if len(servers) == 1:
        return await _reveal(interaction, card, servers[0].id)
    return Reply(content="¿De qué servidor?", view=view_of(PasswordSelect(card.id, card)))


async def _reveal(interaction: discord.Interaction, card: ClientCard, server_id: int) -> Reply:
    password = await service_of(interaction).reveal_password(actor_of(interaction), card.id, server_id)
    server = card.server(server_id)
    title = md(server.title if server else server_id)
    return Reply(content=f"Contraseña de **{title}** («{md(card.name)}»): ||{md(password)}||\nSolo usted la ve.")


async def reveal(interaction: discord.Interaction, client_id: int, server_id: int) -> None:
    async def work() -> Reply:
        card = await service_of(interaction).get(actor_of(interaction), client_id)
        return await _reveal(interaction, card, server_id)

    await answer(interaction, work())


# ------------------------------------------------------------------ delete / restore
async def delete(interaction: discord.Interaction, client_id: int, version: int) -> None:
    async def work() -> Reply:
        try:
            notice = await service_of(interaction).delete(actor_of(interaction), client_id, version)
        except Conflict as exc:
            return conflict_reply(exc, replace=True)  # the current card in place of the question
        text = f"{md(notice.text)} Puede deshacerlo con «Deshacer» o con `/clientes restaurar`."
        return Reply(content=text, view=view_of(UndoDelete(client_id)), replace=True, unsent=DELETED_UNSENT)

    await answer(interaction, work(), replace=True)


async def restore(interaction: discord.Interaction, client_id: int, *, replace: bool = False) -> None:
    async def work() -> Reply:
        card = await service_of(interaction).restore(actor_of(interaction), client_id)
        reply = card_reply(card, f"Cliente «{md(card.name)}» restaurado.", unsent=SAVED_UNSENT)
        reply.replace = replace
        return reply

    await answer(interaction, work(), replace=replace)


# ------------------------------------------------------------------ list
async def _list_reply(interaction: discord.Interaction, ref: str, cursor: str | None, *, replace: bool) -> Reply:
    service, actor = service_of(interaction), actor_of(interaction)
    query = ref[2:]
    if ref.startswith("d:"):
        query = str((await service.load_draft(actor, query)).data.get("q", ""))
    page = await service.list_page(actor, query, cursor)
    if ref.startswith("q:") and not fits(page.query):
        ref = query_ref(page.query, await service.save_draft(actor, "discord:list", {"q": page.query}))
    elif ref.startswith("q:"):
        ref = query_ref(page.query)
    view = view_of(PickClient("ver", page.rows)) if page.rows else view_of()
    prev_id = int(page.prev_cursor[2:]) if page.prev_cursor else None
    next_id = int(page.next_cursor[2:]) if page.next_cursor else None
    if prev_id or next_id:
        view.add_item(PageButton("p", prev_id, ref))
        view.add_item(PageButton("n", next_id, ref))
    return Reply(embeds=[list_embed(page)], view=view, replace=replace)


async def list_command(interaction: discord.Interaction, text: str) -> None:
    await answer(interaction, _list_reply(interaction, query_ref(text), None, replace=False))


async def list_page(interaction: discord.Interaction, ref: str, cursor: str | None) -> None:
    await answer(interaction, _list_reply(interaction, ref, cursor, replace=True), replace=True)


def help_reply() -> Reply:
    lines = "\n".join(f"• `{line.split(' — ')[0]}` — {line.split(' — ', 1)[1]}" for line in help_lines()[:-1])
    return Reply(content=f"**/clientes** — registro de clientes\n{lines}\n{help_lines()[-1]}")
