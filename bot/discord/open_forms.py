"""Open section modals kept in the database, so a form outlives the process that opened it.

discord.py keeps an open modal in the memory of the process that showed it, and Discord sends back
only its custom_id. Without more, a submit reaching another process (after a restart, or after a
standby took the gateway over: `standby`) was answered "El formulario caducó" and the typed values were
lost. `remember` stores what the submit needs (the target, the opener, whether it was re-opened) under
the form id, just before the modal opens; `revive` rebuilds the modal from it when a submit arrives for a
custom_id this process does not hold, and puts it where discord.py looks, so the submit then takes the
normal path (the opener check, the handler). Rows expire with the modal (`OPEN_FOR`); they outlive
the first submit, so a second copy of it is understood too (the core answers it "saved").
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import re
from datetime import timedelta
from typing import Any, Protocol, cast

import discord

from bot.discord import ids
from bot.discord.form_target import FormTarget
from bot.discord.ui.section_modal import OPEN_FOR, SectionModal
from bot.runtime import Core
from storage import open_forms

log = logging.getLogger(__name__)

TTL = timedelta(seconds=OPEN_FOR)
STORE_WAIT = 0.5  # seconds the opening waits for the form to be stored (a write takes milliseconds)
_FORM = re.compile(re.escape(ids.FORM_PREFIX) + r"(?P<id>[0-9a-f]{32})")
_KEY = "discord:"  # rows of other platforms' forms could share the table


class _WithCore(Protocol):
    core: Core  # `ClientesBot.core`


def _core(client: discord.Client) -> Core:
    return cast(_WithCore, client).core


async def remember(interaction: discord.Interaction, modal: SectionModal) -> None:
    """Stores a modal about to be opened, waiting at most `STORE_WAIT` seconds: opening it is the
    interaction's first answer, due within Discord's 3 s. A slower write finishes in the background;
    a failed one only costs the form's survival of a restart (it is open in this process's memory all
    the same): logged, never shown."""
    state: dict[str, Any] = {"target": dataclasses.asdict(modal.target), "reopened": modal.reopened}
    db = _core(interaction.client).db
    task = asyncio.ensure_future(open_forms.remember(db, _KEY + modal.form_id, str(modal.owner), state, TTL))
    task.add_done_callback(lambda done: _report(done, modal.custom_id))
    await asyncio.wait({task}, timeout=STORE_WAIT)


def _report(task: asyncio.Future[None], custom_id: str) -> None:
    if not task.cancelled() and (error := task.exception()) is not None:
        log.warning("form %s not stored (it will not survive a restart): %s", custom_id, type(error).__name__)


async def revive(client: discord.Client, custom_id: str) -> bool:
    """Puts the stored modal of `custom_id` back in discord.py's store; False when there is none (never
    opened, expired, or the database cannot say: then the submit is answered as expired)."""
    match = _FORM.fullmatch(custom_id)
    if match is None:
        return False
    try:
        row = await open_forms.recall(_core(client).db, _KEY + match["id"])
        if row is None:
            return False
        target = FormTarget(**row.state["target"])
        modal = SectionModal(target, owner=int(row.owner), form_id=match["id"], reopened=bool(row.state["reopened"]))
    except Exception as exc:  # an outage, or a row this version cannot read: the submit "expired"
        log.warning("form %s could not be restored: %s", custom_id, type(exc).__name__)
        return False
    state: Any = client._connection  # discord.py's own `send_modal` stores a modal exactly so (private)
    state.store_view(modal)
    return True
