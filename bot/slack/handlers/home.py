"""The Home tab (``app_home_opened`` → ``views.publish``) and the message shortcut that registers a client.

Both only read: the Home tab is rebuilt from the core each time it is opened, and the message shortcut
opens the ordinary create form with what the core recognised in the message already typed in; the
submission then goes through the create form's own handler, validation and idempotency.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import ids
from bot.slack.blocks.create_modal import create_modal
from bot.slack.blocks.home import home_view
from bot.slack.handlers import ops
from bot.slack.handlers.actors import Actors
from bot.slack.handlers.replies import Reply, channel_of, guarded, log, slack_error
from bot.slack.modal_state import ModalState
from commands.access import Permission
from commands.errors import CoreError
from commands.message_prefill import labels_found, values_from_message
from commands.service import ClientService
from commands.texts import texts


def message_text(message: dict[str, Any]) -> str:
    """What a user sees of a message: its text, and a shared or bot message's attachments (their pretext,
    text and fields), where a forwarded message keeps its words while its own ``text`` is empty."""
    parts = [str(message.get("text") or "")]
    for attachment in message.get("attachments") or []:
        if not isinstance(attachment, dict):
            continue
        parts += [str(attachment.get(key) or "") for key in ("pretext", "title", "text")]
        for field in attachment.get("fields") or []:
            if isinstance(field, dict):
                parts.append(f"{field.get('title') or ''}: {field.get('value') or ''}")
        if not attachment.get("text"):
            parts.append(str(attachment.get("fallback") or ""))
    return "\n".join(part for part in parts if part.strip())


def register(app: AsyncApp, service: ClientService, actors: Actors) -> None:
    @app.event("app_home_opened")
    async def home_opened(event: dict[str, Any], client: AsyncWebClient) -> None:
        if event.get("tab") != "home" or not event.get("user"):
            return
        actor = await actors.of({"user_id": str(event["user"])}, client)
        try:
            home = await service.home(actor)
        except CoreError as exc:  # no permission, or the database is away: the tab says so
            view = {"type": "home", "blocks": [{"type": "section", "text": {"type": "plain_text", "text": str(exc)}}]}
        else:
            view = home_view(home, may_create=service.policy.allows(actor, Permission.EDIT))
        try:
            await client.views_publish(user_id=actor.user_id, view=view)
        except Exception as exc:  # the tab keeps its previous content; the next visit publishes again
            log.warning("Slack: views.publish falló: %s", slack_error(exc))

    @app.action(ids.HOME_NEW)
    async def home_new(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        actor = await actors.of(body, client)
        trigger_id = str(body.get("trigger_id") or "")
        reply = Reply(client, actor.user_id, channel_of(body), trigger_id=trigger_id)
        await guarded(reply, lambda: ops.open_create(client, trigger_id, "", service=service, actor=actor))

    @app.message_shortcut(ids.SHORTCUT_REGISTER)
    async def register_from_message(
        ack: AsyncAck, shortcut: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        actor = await actors.of(shortcut, client)
        trigger_id = str(shortcut.get("trigger_id") or "")
        channel = channel_of(shortcut)
        reply = Reply(client, actor.user_id, channel, respond, trigger_id=trigger_id)
        values = values_from_message(message_text(shortcut.get("message") or {}))
        found = labels_found(values)
        note = texts().prefilled_from_message(found) if found else texts().nothing_in_message

        async def open_form() -> None:
            ops.require_edit(service, actor)
            await client.views_open(
                trigger_id=trigger_id, view=create_modal(ModalState(channel=channel), values, note=note)
            )

        await guarded(reply, open_form, command="nuevo")
