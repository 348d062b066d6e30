"""The shape every message button shares: ack at once, then find who clicked (with their usergroups),
answer them privately, and show core errors in Spanish; the work itself is a small coroutine."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot import record_id
from bot.slack.handlers.actors import Actors
from bot.slack.handlers.replies import Reply, card_response_url, channel_of, guarded
from commands.access import Actor
from commands.errors import NotFound


@dataclass(frozen=True)
class Click:
    actor: Actor
    reply: Reply
    body: dict[str, Any]
    action: dict[str, Any]
    client: AsyncWebClient

    @property
    def value(self) -> str:
        """A button's value, or the chosen option's of an overflow or select."""
        if "selected_option" in self.action:
            return str((self.action.get("selected_option") or {}).get("value") or "")
        return str(self.action.get("value") or "")

    @property
    def trigger_id(self) -> str:
        return str(self.body.get("trigger_id") or "")

    @property
    def card_url(self) -> str:
        """The response_url of the card clicked on ('' elsewhere): a modal's save replaces that card."""
        return card_response_url(self.body, self.action)

    def client_id(self) -> int:
        """The client id the value starts with ("12", "12:5" with the card's version, "12:3" server)."""
        return number(self.value.partition(":")[0])


def number(text: str) -> int:
    """An id from a value we rendered; ``NotFound`` (shown in Spanish) for anything else."""
    value = record_id.parse(text)
    if value is None:
        raise NotFound("El botón no indica un cliente válido.")
    return value


Work = Callable[[Click], Awaitable[None]]


def on_click(
    app: AsyncApp, actors: Actors, action_id: str, work: Work, *, command: Callable[[Click], str] | None = None
) -> None:
    """Registers ``work`` for ``action_id``; ``command`` names the verb offered if a search is ambiguous."""

    @app.action(action_id)
    async def listener(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        actor = await actors.of(body, client)
        reply = Reply(client, actor.user_id, channel_of(body), respond, trigger_id=str(body.get("trigger_id") or ""))
        click = Click(actor, reply, body, action, client)
        await guarded(click.reply, lambda: work(click), command=command(click) if command else "ver")
