"""Posts onboarding flows' messages (queued by the HTTP API) in a client's Slack channel for the outbox
worker: the :class:`~commands.channels.ChannelMessenger` of Slack, with the provisioner's error mapping.

Like the provisioner's posts, each message carries its job's key in its metadata, so a job retried
after a crash finds the message it already posted instead of posting it twice."""

from __future__ import annotations

import dataclasses

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.escape import mrkdwn, truncate_mrkdwn
from bot.slack.provision_errors import NETWORK_ERRORS, failure, network_failure
from bot.slack.provisioner import find_post, is_shared, post_metadata
from commands import history
from commands.views import ChangeNotice

NOTICE_MAX = 3000  # what a notice may take; Slack truncates a message text beyond 40,000


def notice_text(notice: ChangeNotice) -> str:
    """mrkdwn: names in bold, every user value escaped (``<!here>`` shows literally, pings nobody)."""
    return truncate_mrkdwn("\n".join(history.notice_lines(notice, mrkdwn, lambda text: f"*{text}*")), NOTICE_MAX)


class SlackMessenger:
    platform = "slack"

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client

    async def post(self, channel_id: str, text: str, key: str) -> str:
        """Plain text: ``<``, ``>`` and ``&`` are escaped, so a message cannot ping ``@channel``."""
        try:
            answer = await self.client.chat_postMessage(
                channel=channel_id, text=mrkdwn(text), metadata=post_metadata(key)
            )
        except SlackApiError as exc:
            raise failure(exc, action="publicar un mensaje en el canal", channel_name=channel_id) from exc
        except NETWORK_ERRORS as exc:
            raise network_failure(exc) from exc
        return str(answer.get("ts") or "ok")

    async def post_notice(self, channel_id: str, notice: ChangeNotice, key: str, *, client_channel: bool) -> str:
        """No ``link_names``, no unfurling: a notice is text, never a ping or a preview. In a client's
        channel shared outside the workspace (Slack Connect), where the card is never posted, only what
        changed is said, not the values."""
        if client_channel and await self._shared(channel_id):
            notice = dataclasses.replace(
                notice, changes=tuple(dataclasses.replace(c, changes=()) for c in notice.changes)
            )
        try:
            answer = await self.client.chat_postMessage(
                channel=channel_id,
                text=notice_text(notice),
                metadata=post_metadata(key),
                unfurl_links=False,
                unfurl_media=False,
            )
        except SlackApiError as exc:
            raise failure(exc, action="publicar un aviso de cambios en el canal", channel_name=channel_id) from exc
        except NETWORK_ERRORS as exc:
            raise network_failure(exc) from exc
        return str(answer.get("ts") or "ok")

    async def _shared(self, channel_id: str) -> bool:
        try:
            answer = await self.client.conversations_info(channel=channel_id)
        except SlackApiError as exc:
            raise failure(exc, action="consultar el canal del cliente", channel_name=channel_id) from exc
        except NETWORK_ERRORS as exc:
            raise network_failure(exc) from exc
        return is_shared(dict(answer.get("channel") or {}))

    async def find(self, channel_id: str, key: str) -> str | None:
        return await find_post(self.client, channel_id, key, channel_id)
