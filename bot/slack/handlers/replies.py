"""What every listener needs: who is asking, how to answer them privately, and how errors look.

Replies with client data are ephemeral: through ``respond()`` (the ``response_url`` of a slash command
or of a message button) or, after a modal, ``chat.postEphemeral`` in the channel the command came from,
falling back to a direct message when that channel refuses it. A secret (a revealed password) never
goes to a DM: a DM stays in the user's history and they cannot delete a bot's message. When neither
ephemeral path works, the secret is shown in a modal opened with the click's trigger_id (closing it
leaves nothing behind), or else the user is told it could not be shown. Slack API failures after the ack are
logged with the method and Slack's error code only (never tokens or client data); the save they follow
has already happened, so nothing is lost.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import aiohttp
from slack_bolt.async_app import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import ids
from bot.slack.blocks.kit import Block, modal, plain_section, section
from bot.slack.blocks.notices import choices_blocks, conflict_blocks, error_blocks
from bot.slack.errors_map import ERROR_TEXT_MAX, first_input
from bot.slack.escape import mrkdwn
from commands.access import Actor
from commands.errors import Ambiguous, Conflict, CoreError
from commands.texts import texts

log = logging.getLogger("bot.slack")

# What a Web API call or a response_url post raises when Slack (or the network) refuses it.
_TRANSPORT_ERRORS = (SlackClientError, aiohttp.ClientError, OSError, TimeoutError)

# Channels where chat.postEphemeral cannot reach the user; a DM is used instead.
_DM_FALLBACK_ERRORS = frozenset({"channel_not_found", "not_in_channel", "user_not_in_channel", "is_archived"})

# Told (through any channel, DM included: it carries no secret) when a secret could not be shown privately.
SECRET_NOT_SHOWN = (
    "No pude mostrarle la contraseña de forma privada (Slack rechazó el mensaje efímero). "
    "Vuelva a abrir la ficha con /clientes ver e intente de nuevo."
)


def secret_modal(blocks: list[Block]) -> dict:
    """A secret in a modal: closing it leaves nothing in any conversation (unlike a DM)."""
    return modal("Contraseña", blocks, callback_id=ids.VIEW_DONE)


def message_modal(text: str) -> dict:
    return modal("Clientes", [plain_section(f":warning: {text}")], callback_id=ids.VIEW_DONE)


async def ack_problem(ack: AsyncAck, view: dict[str, Any], message: str) -> None:
    """A failure that belongs to no field: on the form's first input (the form stays open), else a message."""
    block = first_input(view)
    if block:
        await ack(response_action="errors", errors={block: message[:ERROR_TEXT_MAX]})
    else:
        await ack(response_action="update", view=message_modal(message))


def actor_of(body: Mapping[str, Any]) -> Actor:
    """The Slack user behind a command (``user_id``) or an interaction (``user.id``)."""
    user = body.get("user")
    if isinstance(user, Mapping):
        return Actor("slack", str(user.get("id", "")), user.get("username") or user.get("name"))
    return Actor("slack", str(body.get("user_id", "")), body.get("user_name"))


def channel_of(body: Mapping[str, Any]) -> str:
    """The conversation a command or message button came from ('' inside modals)."""
    channel = body.get("channel")
    if isinstance(channel, Mapping):
        return str(channel.get("id") or "")
    return str(body.get("channel_id") or (body.get("container") or {}).get("channel_id") or "")


def card_response_url(body: Mapping[str, Any], action: Mapping[str, Any]) -> str:
    """The response_url of the card message a button is on ('' for lists, notices and modals).

    A modal opened from a card keeps it in ``private_metadata`` so that, once saved, the new card
    replaces the old one instead of piling up a second ephemeral message.
    """
    block = str(action.get("block_id") or "")
    if block != ids.CARD_BLOCK and not block.startswith(ids.CARD_BLOCK + "."):
        return ""
    return str(body.get("response_url") or "")


def responder(response_url: str) -> AsyncRespond | None:
    """A ``respond()`` bound to a stored response_url (None when there is none)."""
    return AsyncRespond(response_url=response_url) if response_url else None


def slack_error(exc: Exception) -> str:
    """Slack's error code (or the exception type) for logs: never the request or its token."""
    if isinstance(exc, SlackApiError):
        return str(exc.response.get("error") or exc.response.status_code)
    return type(exc).__name__


class Reply:
    """Answers one user privately, wherever the request came from."""

    def __init__(
        self,
        client: AsyncWebClient,
        user_id: str,
        channel_id: str = "",
        respond: AsyncRespond | None = None,
        trigger_id: str = "",
        ack: AsyncAck | None = None,
    ) -> None:
        """`ack`: a slash command's ack not sent yet; the first message then rides on it (see `send`)."""
        self.client = client
        self.user_id = user_id
        self.channel_id = channel_id
        self.respond = respond if respond is not None and respond.response_url else None
        self.trigger_id = trigger_id
        self._ack = ack

    async def acknowledge(self) -> None:
        """Sends the pending ack, empty: what follows goes through the response_url."""
        ack, self._ack = self._ack, None
        if ack is not None:
            await ack()

    async def send(
        self, text: str, blocks: list[Block] | None = None, *, replace: bool = False, secret: bool = False
    ) -> None:
        """An ephemeral message; ``replace`` swaps the message the button was on (response_url only).

        A response_url that fails (expired after 30 min / 5 uses, or unreachable) falls back to
        ``chat.postEphemeral`` in the channel, then to a DM. ``secret`` never falls back to a DM: see
        :meth:`_send_secret`.
        """
        if secret:
            await self.acknowledge()
            await self._send_secret(text, blocks or [])
            return
        ack, self._ack = self._ack, None
        if ack is not None and not replace:
            # The answer in the ack's own HTTP response: on screen at once, and no response_url post
            # (nor its connection) at all. Slack shows a slash command's response body ephemerally.
            await ack(text=text, blocks=blocks, response_type="ephemeral")
            return
        if ack is not None:
            await ack()
        if self.respond is not None:
            try:
                answer = await self.respond(
                    text=text, blocks=blocks, response_type="ephemeral", replace_original=replace
                )
                problem = None if answer.status_code == 200 else str(answer.status_code)
            except _TRANSPORT_ERRORS as exc:
                problem = slack_error(exc)
            if problem is None:
                return
            if not self.channel_id:
                log.warning("Slack: response_url falló (%s) y no hay canal de respaldo", problem)
                return
            log.info("Slack: response_url falló (%s); se usa chat.postEphemeral", problem)
        try:
            await self._post_ephemeral(text, blocks)
        except _TRANSPORT_ERRORS as exc:
            log.warning("Slack: no se pudo responder a %s: %s", self.user_id, slack_error(exc))

    async def _send_secret(self, text: str, blocks: list[Block]) -> None:
        """response_url, then chat.postEphemeral, then a modal (trigger_id), else a note without the secret.

        Only the error codes are logged, never the text or blocks.
        """
        if self.respond is not None:
            try:
                answer = await self.respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=False)
                if answer.status_code == 200:
                    return
                log.info("Slack: response_url falló (%s) con un secreto", answer.status_code)
            except _TRANSPORT_ERRORS as exc:
                log.info("Slack: response_url falló (%s) con un secreto", slack_error(exc))
        if self.channel_id:
            try:
                await self.client.chat_postEphemeral(
                    channel=self.channel_id, user=self.user_id, text=text, blocks=blocks
                )
                return
            except _TRANSPORT_ERRORS as exc:
                log.info("Slack: chat.postEphemeral falló (%s) con un secreto", slack_error(exc))
        if self.trigger_id:
            try:
                await self.client.views_open(trigger_id=self.trigger_id, view=secret_modal(blocks))
                log.info("Slack: el secreto se mostró en un modal (sin mensaje efímero posible)")
                return
            except _TRANSPORT_ERRORS as exc:
                log.warning("Slack: views.open falló (%s) con un secreto", slack_error(exc))
        log.warning("Slack: no se pudo mostrar un secreto a %s por ninguna vía privada", self.user_id)
        await self.send(mrkdwn(SECRET_NOT_SHOWN), [section(f":warning: {mrkdwn(SECRET_NOT_SHOWN)}")])

    async def _post_ephemeral(self, text: str, blocks: list[Block] | None) -> None:
        if self.channel_id:
            try:
                await self.client.chat_postEphemeral(
                    channel=self.channel_id, user=self.user_id, text=text, blocks=blocks
                )
                return
            except SlackApiError as exc:
                if slack_error(exc) not in _DM_FALLBACK_ERRORS:
                    raise
                log.info("Slack: chat.postEphemeral en %s falló (%s); se usa un DM", self.channel_id, slack_error(exc))
        await self.client.chat_postMessage(channel=self.user_id, text=text, blocks=blocks)

    async def share(self, text: str, blocks: list[Block]) -> None:
        """A message everyone in the channel sees (only on the user's explicit request)."""
        await self.acknowledge()
        try:
            if self.respond is not None:
                answer = await self.respond(
                    text=text, blocks=blocks, response_type="in_channel", replace_original=False
                )
                if answer.status_code != 200:
                    log.warning("Slack: response_url respondió %s al compartir", answer.status_code)
            else:
                await self.client.chat_postMessage(channel=self.channel_id or self.user_id, text=text, blocks=blocks)
        except _TRANSPORT_ERRORS as exc:
            log.warning("Slack: no se pudo compartir en %s: %s", self.channel_id, slack_error(exc))
            await self.send(mrkdwn("No pude publicar en este canal; invíteme al canal e intente de nuevo."))

    async def error(self, exc: CoreError, command: str = "ver") -> None:
        """Core errors in Spanish; several matches become a list to pick from; a Conflict (a change made
        from a stale card) replaces that card with the message and the current one."""
        text = exc.render(mrkdwn)  # the notification text; the blocks show the sentence as plain text
        if isinstance(exc, Conflict):
            await self.send(text, conflict_blocks(exc), replace=True)
            return
        if isinstance(exc, Ambiguous):
            await self.send(text, choices_blocks(str(exc), exc.choices, command))
            return
        await self.send(text, error_blocks(str(exc)))


async def guarded(reply: Reply, work: Callable[[], Awaitable[None]], *, command: str = "ver") -> None:
    """Runs ``work``; a core error is shown to the user, anything else is logged and apologised for."""
    try:
        await work()
    except CoreError as exc:
        await reply.error(exc, command)
    except SlackApiError as exc:
        log.warning("Slack: llamada fallida: %s", slack_error(exc))
        await reply.send(mrkdwn("Slack rechazó la operación; intente de nuevo."), None)
    except Exception:
        log.exception("Slack: error inesperado")
        await reply.send(mrkdwn(texts().unexpected), None)
