"""Creates (or links) a client's Slack channel for the outbox worker, then welcomes the client there.

Steps, in order, for one job (the worker calls :meth:`SlackProvisioner.provision` once per attempt):

1. ``conversations.create``; on ``name_taken`` the existing channel of that name is linked instead
   (``conversations.list`` paged; an archived one, or one the app cannot see, fails with a Spanish
   reason) and joined when the bot is not a member (public channels).
2. The topic "Cliente: <nombre> · <documento>", only on a channel this job created (a human's topic
   on a linked channel is kept) and only when it differs.
3. ``SLACK_ONBOARDING_USERS`` are invited (already members and users Slack will not invite are skipped).
4. The client's card (no buttons, no servers) is posted in the channel, then the announcement in
   ``ONBOARDING_SLACK_CHANNEL``: both only when the client was not linked to this channel yet. A linked
   channel this job did not create that is shared outside the workspace (``is_ext_shared``,
   ``is_shared``, ``is_org_shared``: Slack Connect or other workspaces) gets only a one-line note with
   the client's name: phones, e-mails and addresses must not reach people outside the company.

Retry semantics: steps 1–3 are idempotent, so a retried attempt simply redoes them. The channel's
creation and the two posts go through the job's stored progress (``ProvisionRequest.once``): the intent
is stored before the call and the result right after, so a retry — after a 5xx, or after the bot was
killed mid-call — never repeats what Slack already did. A channel whose creation was intended but not
confirmed comes back as ``name_taken`` and still counts as created when the bot created it (its
``creator``). A post whose outcome is unknown is looked for in ``conversations.history`` by the key
carried in its message metadata (needs ``channels:history`` / ``groups:history``; without them the
post is made again and a warning logged).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Collection
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.config import Settings
from bot.slack.blocks.channels import announcement, as_ready, linked_note, onboarding_message, topic
from bot.slack.provision_errors import NETWORK_ERRORS, failure, network_failure
from commands.channels import ProvisionFailed, ProvisionRequest, ProvisionResult, Unverifiable, key_time

log = logging.getLogger("bot.slack")

LIST_PAGE = 200  # Slack recommends at most 200 per conversations.list page

#: conversations.invite errors that concern one user, not the channel: logged and skipped.
INVITE_SKIPPED = frozenset(
    {
        "already_in_channel",
        "cant_invite_self",
        "cant_invite",
        "user_not_found",
        "user_is_restricted",
        "user_is_ultra_restricted",
        "ura_max_channels",
        "user_team_not_in_channel",
        "no_user",
    }
)
#: chat.postMessage errors in ONBOARDING_SLACK_CHANNEL: a configuration problem, not the client's channel's.
ANNOUNCE_SKIPPED = frozenset({"channel_not_found", "not_in_channel", "is_archived"})
#: conversations.* flags of a channel people outside the workspace can read.
SHARED_FLAGS = ("is_ext_shared", "is_shared", "is_org_shared")
#: Message metadata on every post of a provisioning job: its key finds the post again after a crash.
POST_EVENT = "clientes_bot_post"
CLOCK_SKEW = 60  # seconds between our clock and Slack's tolerated when dating a channel
HISTORY_LIMIT = 100  # latest messages looked at for a post whose outcome is unknown
#: conversations.history errors meaning "cannot look", not "something is wrong with the channel".
UNVERIFIABLE = frozenset({"missing_scope", "not_in_channel", "channel_not_found"})


def post_metadata(key: str) -> dict[str, Any]:
    """What every post of the outbox carries, so a retry can find it in the channel's history."""
    return {"event_type": POST_EVENT, "event_payload": {"key": key}}


async def find_post(client: AsyncWebClient, channel_id: str, key: str, name: str) -> str | None:
    """The ts of the bot's post carrying ``key`` among the channel's latest messages (None: not there)."""
    try:
        page = await client.conversations_history(channel=channel_id, limit=HISTORY_LIMIT, include_all_metadata=True)
    except SlackApiError as exc:
        error = str(exc.response.get("error") or "")
        if error in UNVERIFIABLE:
            raise Unverifiable(f"conversations.history: {error}") from exc
        raise failure(exc, action="leer el historial de", channel_name=name) from exc
    except NETWORK_ERRORS as exc:
        raise network_failure(exc) from exc
    for message in page.get("messages") or []:
        metadata = message.get("metadata") or {}
        if metadata.get("event_type") == POST_EVENT and (metadata.get("event_payload") or {}).get("key") == key:
            return str(message.get("ts") or "ok")
    return None


def is_shared(channel: dict[str, Any]) -> bool:
    return any(channel.get(flag) for flag in SHARED_FLAGS)


class SlackProvisioner:
    """The Slack :class:`~commands.channels.ChannelProvisioner`, on the app's own ``AsyncWebClient``."""

    platform = "slack"

    def __init__(self, client: AsyncWebClient, settings: Settings) -> None:
        self.client = client
        self.settings = settings
        self.list_page = LIST_PAGE
        self._user_id: str | None = None

    async def provision(self, request: ProvisionRequest) -> ProvisionResult:
        name, card = request.channel_name, request.card
        channel, created = await self._ensure_channel(name, request)
        channel_id = str(channel["id"])
        if created and (channel.get("topic") or {}).get("value") != topic(card):
            await self._api(
                "poner el tema del canal",
                name,
                self.client.conversations_setTopic,
                channel=channel_id,
                topic=topic(card),
            )
        await self._invite(channel_id, name)
        if card.slack_channel_id != channel_id:  # a first link: welcome the client
            ready = as_ready(card, channel_id)
            if not created and is_shared(channel) and not request.done("card"):
                log.warning(
                    "Slack: #%s está compartido fuera del espacio de trabajo; se vincula sin publicar la ficha", name
                )
                text, blocks = linked_note(ready)
            else:
                text, blocks = onboarding_message(ready)
            await request.once(
                "card",
                lambda key: self._post("publicar la ficha en", name, channel_id, text, blocks, key),
                lambda key: self._find_post(channel_id, key, name),
            )
            target = (self.settings.onboarding_slack_channel or "").strip()
            if target:
                text, blocks = announcement(ready, channel_id, created=created)
                await request.once(
                    "announcement",
                    lambda key: self._announce(target, text, blocks, key, name),
                    lambda key: self._find_post(target, key, name),
                )
        return ProvisionResult(channel_id, created)

    async def _post(self, action: str, name: str, channel_id: str, text: str, blocks: list[Any], key: str) -> str:
        """chat.postMessage carrying ``key`` in its metadata; returns the message's ts."""
        answer = await self._api_ok(
            action,
            name,
            self.client.chat_postMessage,
            channel=channel_id,
            text=text,
            blocks=blocks,
            metadata=post_metadata(key),
        )
        return str(answer.get("ts") or "ok")

    async def _find_post(self, channel_id: str, key: str, name: str) -> str | None:
        return await find_post(self.client, channel_id, key, name)

    async def _api(
        self,
        action: str,
        name: str,
        method: Callable[..., Awaitable[AsyncSlackResponse]],
        /,
        *,
        tolerate: Collection[str] = (),
        **kwargs: Any,
    ) -> AsyncSlackResponse | None:
        """One Web API call; Slack's refusals become RetryLater/ProvisionFailed (None: a tolerated error)."""
        try:
            return await method(**kwargs)
        except SlackApiError as exc:
            error = str(exc.response.get("error") or "")
            if error in tolerate:
                log.info("Slack: %s #%s: %s (se continúa)", action, name, error)
                return None
            raise failure(exc, action=action, channel_name=name) from exc
        except NETWORK_ERRORS as exc:
            raise network_failure(exc) from exc

    async def _api_ok(
        self, action: str, name: str, method: Callable[..., Awaitable[AsyncSlackResponse]], /, **kwargs: Any
    ) -> AsyncSlackResponse:
        """A call whose every error is a failure (none tolerated)."""
        answer = await self._api(action, name, method, **kwargs)
        if answer is None:  # unreachable: nothing is tolerated
            raise ProvisionFailed(f"Slack no respondió al {action} #{name}")
        return answer

    async def _ensure_channel(self, name: str, request: ProvisionRequest) -> tuple[dict[str, Any], bool]:
        """The channel called ``name`` and whether this job created it (else an existing one, joined).

        An earlier attempt that meant to create it but died before hearing back left an intent: the
        channel it finds then is this job's own when the bot is its creator.
        """
        earlier = request.intended("created")
        if request.done("created") is None:
            await request.intend("created")
        made = await self._api(
            "crear el canal", name, self.client.conversations_create, tolerate={"name_taken"}, name=name
        )
        if made is not None:
            new_channel = dict(made["channel"])
            await request.remember("created", str(new_channel["id"]))
            return new_channel, True
        channel = await self._find(name, exclude_archived=True)
        if channel is None:
            if await self._find(name, exclude_archived=False) is not None:
                raise ProvisionFailed(
                    f"el canal #{name} existe en Slack pero está archivado; desarchívelo o elija otro nombre, "
                    "y luego use «canales»"
                )
            raise ProvisionFailed(
                f"ya existe en Slack un canal #{name} que la app no puede ver (probablemente privado); "
                "invite a la app a ese canal o elija otro nombre, y luego use «canales»"
            )
        channel_id = str(channel["id"])
        created = request.done("created") == channel_id
        if not created and earlier is not None and await self._made_since(channel, earlier):
            await request.remember("created", channel_id)
            created = True
        if not channel.get("is_member") and not channel.get("is_private"):
            await self._api("unirse al canal", name, self.client.conversations_join, channel=channel["id"])
            channel["is_member"] = True
        return channel, created

    async def _made_since(self, channel: dict[str, Any], key: str) -> bool:
        """Whether the bot created `channel` no earlier than the intent `key` (a minute's clock skew
        allowed): the channel an attempt that died made, not another client's of the same name."""
        since = key_time(key)
        made = channel.get("created")
        if since is None or not isinstance(made, (int, float)) or made < since - CLOCK_SKEW:
            return False
        return channel.get("creator") == await self._bot_user_id()

    async def _bot_user_id(self) -> str:
        if self._user_id is None:
            answer = await self._api_ok("identificar al bot para", "", self.client.auth_test)
            self._user_id = str(answer.get("user_id") or "")
        return self._user_id

    async def _find(self, name: str, *, exclude_archived: bool) -> dict[str, Any] | None:
        """Pages through conversations.list for ``name`` (archived ones only when ``exclude_archived`` is off)."""
        cursor: str | None = None
        while True:
            page = await self._api_ok(
                "buscar el canal",
                name,
                self.client.conversations_list,
                types="public_channel,private_channel",
                exclude_archived=exclude_archived,
                limit=self.list_page,
                cursor=cursor,
            )
            for channel in page.get("channels") or []:
                if channel.get("name") == name and (exclude_archived or channel.get("is_archived")):
                    return dict(channel)
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return None

    async def _invite(self, channel_id: str, name: str) -> None:
        users = sorted(self.settings.slack_onboarding_users)
        if not users:
            return
        await self._api(
            "invitar al equipo a",
            name,
            self.client.conversations_invite,
            tolerate=INVITE_SKIPPED,
            channel=channel_id,
            users=users,
            force=True,  # invite the others when one of them cannot be invited
        )

    async def _announce(self, target: str, text: str, blocks: list[Any], key: str, name: str) -> str:
        """The announcement in ONBOARDING_SLACK_CHANNEL; a wrong setting is logged, not the client's fault."""
        answer = await self._api(
            "anunciar el cliente del canal",
            name,
            self.client.chat_postMessage,
            tolerate=ANNOUNCE_SKIPPED,
            channel=target,
            text=text,
            blocks=blocks,
            metadata=post_metadata(key),
        )
        if answer is None:
            log.warning("Slack: no se pudo anunciar en ONBOARDING_SLACK_CHANNEL=%s; revise la variable", target)
            return "skipped"
        return str(answer.get("ts") or "ok")
