"""What every handler starts from: the core's service for this interaction, and whether the user may
act — asked before a form, a destructive question or a secret is offered."""

from __future__ import annotations

from typing import Protocol, cast

import discord

from bot.discord.actor import actor_of
from bot.discord.replies import error_reply, send
from bot.runtime import Core
from commands.access import Permission
from commands.errors import Forbidden
from commands.service import ClientService


class _WithCore(Protocol):
    core: Core  # `ClientesBot.core`


def service_of(interaction: discord.Interaction) -> ClientService:
    """The service of the `ClientesBot` that received the interaction (`core.service`)."""
    return cast(_WithCore, interaction.client).core.service


async def may_edit(interaction: discord.Interaction) -> bool:
    """Whether the user may create/edit clients; if not, answers with the core's Forbidden sentence.

    Asked before opening any form (or the address picker leading to one), so a viewer is told at once
    instead of after typing a whole form that the core would refuse on submit. It only reads the
    in-memory policy — no database — so the modal can still be the first answer within 3 s."""
    try:
        service_of(interaction).policy.require(actor_of(interaction), Permission.EDIT)
    except Forbidden as exc:
        await send(interaction, error_reply(exc))
        return False
    return True


def require(interaction: discord.Interaction, permission: Permission) -> None:
    """Refuses (``Forbidden``, sent by `answer` as a new ephemeral message) before a destructive or
    secret prompt is offered, so the card stays as it was; the core checks the action itself again."""
    service_of(interaction).policy.require(actor_of(interaction), permission)
