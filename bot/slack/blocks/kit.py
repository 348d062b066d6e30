"""Small Block Kit builders shared by every surface; limits from Slack's reference are applied here."""

from __future__ import annotations

from typing import Any

from bot.slack.escape import truncate, truncate_mrkdwn

Block = dict[str, Any]

MODAL_TITLE_MAX = 24  # title, submit and close texts
BUTTON_TEXT_MAX = 75
OPTION_TEXT_MAX = 75
SECTION_TEXT_MAX = 3000
SECTION_FIELD_MAX = 2000  # each text of a section's ``fields``
HEADER_TEXT_MAX = 150
MESSAGE_BLOCKS_MAX = 50
MODAL_BLOCKS_MAX = 100


def plain(text: str, limit: int = SECTION_TEXT_MAX) -> dict[str, Any]:
    """A plain_text object: Slack never parses mentions or links in it."""
    return {"type": "plain_text", "text": truncate(text, limit), "emoji": True}


def md(text: str, limit: int = SECTION_TEXT_MAX) -> dict[str, Any]:
    """A mrkdwn object; callers pass text already escaped with :func:`bot.slack.escape.mrkdwn` (the cut
    to ``limit`` keeps its entities whole)."""
    return {"type": "mrkdwn", "text": truncate_mrkdwn(text, limit)}


def header(text: str) -> Block:
    return {"type": "header", "text": plain(text, HEADER_TEXT_MAX)}


def section(text: str, *, accessory: dict[str, Any] | None = None, block_id: str | None = None) -> Block:
    """A mrkdwn section; ``text`` must already be escaped."""
    block: Block = {"type": "section", "text": md(text)}
    if accessory is not None:
        block["accessory"] = accessory
    if block_id:
        block["block_id"] = block_id
    return block


def plain_section(text: str, *, accessory: dict[str, Any] | None = None) -> Block:
    """A section whose text Slack shows verbatim (used for secrets and free text).

    Every sentence that quotes what a user typed (a client's name in an error, a question, a notice)
    goes here: mrkdwn has no escape for ``*bold*``, ``_italic_``, ``~strike~`` or a backtick, so a name
    like ``*URGENTE*`` would format; plain_text is never parsed (no links, mentions or formatting)."""
    block: Block = {"type": "section", "text": plain(text)}
    if accessory is not None:
        block["accessory"] = accessory
    return block


def context(text: str) -> Block:
    """A small grey mrkdwn line; ``text`` must already be escaped."""
    return {"type": "context", "elements": [md(text)]}


def plain_context(text: str) -> Block:
    """A small grey line shown verbatim (for sentences quoting user text; see :func:`plain_section`)."""
    return {"type": "context", "elements": [plain(text)]}


def divider() -> Block:
    return {"type": "divider"}


def button(
    text: str,
    action_id: str,
    value: str = "",
    *,
    style: str | None = None,
    confirm: dict[str, Any] | None = None,
) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "button",
        "text": plain(text, BUTTON_TEXT_MAX),
        "action_id": action_id,
    }
    if value:
        element["value"] = value
    if style:
        element["style"] = style
    if confirm:
        element["confirm"] = confirm
    return element


def actions(*elements: dict[str, Any], block_id: str | None = None) -> Block:
    block: Block = {"type": "actions", "elements": list(elements)}
    if block_id:
        block["block_id"] = block_id
    return block


CONFIRM_TEXT_MAX = 300


def confirm_dialog(title: str, text: str, yes: str, no: str = "Cancelar") -> dict[str, Any]:
    """A ``confirm`` object: Slack asks before sending the click. ``text`` is plain (not escaped): Slack
    documents the dialog's text as a plain_text object, and it quotes the client's name."""
    return {
        "title": plain(title, 100),
        "text": plain(text, CONFIRM_TEXT_MAX),
        "confirm": plain(yes, 30),
        "deny": plain(no, 30),
        "style": "danger",
    }


def option(text: str, value: str) -> dict[str, Any]:
    return {"text": plain(text, OPTION_TEXT_MAX), "value": value}


def modal(
    title: str,
    blocks: list[Block],
    *,
    callback_id: str,
    private_metadata: str = "",
    submit: str | None = None,
    close: str = "Cerrar",
) -> dict[str, Any]:
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": callback_id,
        "title": plain(title, MODAL_TITLE_MAX),
        "close": plain(close, MODAL_TITLE_MAX),
        "blocks": blocks[:MODAL_BLOCKS_MAX],
        "private_metadata": private_metadata,
    }
    if submit:
        view["submit"] = plain(submit, MODAL_TITLE_MAX)
    return view
