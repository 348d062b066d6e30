"""What SUNAT's padrón says (`/clientes sunat`), as an ephemeral message: each taxpayer's fields, its
warning when not ACTIVO/HABIDO, `texts().padron_register`, and Anterior / Siguiente for a name search.
Also Número of the create form and of the edit of Datos del cliente, which dispatches on enter so a RUC
can fill or check the form (handlers.sunat)."""

from __future__ import annotations

from typing import Any

from bot.slack import ids
from bot.slack.blocks.kit import Block, actions, button, context, header, md, section
from bot.slack.escape import mrkdwn
from commands import padron, sunat
from commands.sunat import SunatAnswer
from commands.texts import texts

PAGE_VALUE_MAX = 2000  # Slack: a button value holds up to 2000 characters
# A filled input gets this suffix on its action_id (or loses it): Slack keeps what an input holds across
# views.update while its block_id and action_id stay the same, so a value the form proposes would not show.
REFILL = "~sunat"


def page_value(page: int, query: str) -> str:
    return f"{page}:{query}"[:PAGE_VALUE_MAX]


def parse_page_value(value: str) -> tuple[int, str]:
    page, _, query = value.partition(":")
    return (int(page) if page.isdigit() else 0), query


def answer_text(answer: SunatAnswer) -> str:
    return mrkdwn(texts().padron_answer_title(answer.query, answer.fecha.isoformat()))


def answer_blocks(answer: SunatAnswer) -> list[Block]:
    blocks: list[Block] = [header(texts().padron_answer_title(answer.query, answer.fecha.isoformat())[:150])]
    if not answer.items:
        blocks.append(section(mrkdwn(answer.empty_sentence())))
        return blocks
    for taxpayer in answer.items:
        fields = [md(f"*{mrkdwn(label)}*\n{mrkdwn(value)}") for label, value in sunat.rows(taxpayer)]
        blocks.append({"type": "section", "fields": fields[:10], "block_id": f"sunat.{taxpayer.ruc}"})
        warned = padron.warning(taxpayer)
        if warned:
            blocks.append(context(f":warning: {mrkdwn(warned)}"))
        register = button(texts().padron_register, ids.SUNAT_REGISTER, taxpayer.ruc, style="primary")
        blocks.append(actions(register, block_id=f"sunat.{taxpayer.ruc}.acciones"))
    nav = []
    if answer.page > 0:
        nav.append(button("◀ Anterior", ids.SUNAT_PAGE_PREV, page_value(answer.page - 1, answer.query)))
    if answer.has_more:
        nav.append(button("Siguiente ▶", ids.SUNAT_PAGE_NEXT, page_value(answer.page + 1, answer.query)))
    if nav:
        blocks.append(actions(*nav, block_id="sunat.paginas"))
    return blocks


def dispatching_ruc(view: dict[str, Any]) -> dict[str, Any]:
    """A form (create, or the edit of Datos del cliente) with Número dispatching on enter (Slack sends a
    block_actions with what was typed)."""
    for block in view.get("blocks", []):
        if block.get("block_id") == ids.RUC_TYPED["block_id"]:
            block["dispatch_action"] = True
            block["element"]["dispatch_action_config"] = {"trigger_actions_on": ["on_enter_pressed"]}
    return view


def refilled(view: dict[str, Any], block_ids: set[str]) -> dict[str, Any]:
    """Gives the inputs in `block_ids` a new action_id, so Slack shows their new initial value."""
    for block in view.get("blocks", []):
        if block.get("block_id") in block_ids and "element" in block:
            element = block["element"]
            action_id = str(element.get("action_id") or "")
            element["action_id"] = action_id[: -len(REFILL)] if action_id.endswith(REFILL) else action_id + REFILL
    return view
