"""Posts onboarding flows' messages (queued by the HTTP API) in a client's Slack channel for the outbox
worker: the :class:`~commands.channels.ChannelMessenger` of Slack, with the provisioner's error mapping."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.escape import mrkdwn
from bot.slack.provision_errors import NETWORK_ERRORS, failure, network_failure


class SlackMessenger:
    platform = "slack"

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client

    async def post(self, channel_id: str, text: str) -> None:
        """Plain text: ``<``, ``>`` and ``&`` are escaped, so a message cannot ping ``@channel``."""
        try:
            await self.client.chat_postMessage(channel=channel_id, text=mrkdwn(text))
        except SlackApiError as exc:
            raise failure(exc, action="publicar un mensaje en el canal", channel_name=channel_id) from exc
        except NETWORK_ERRORS as exc:
            raise network_failure(exc) from exc
