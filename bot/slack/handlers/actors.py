"""Who is asking: the Slack user and, when an access list names a usergroup, their usergroups.

``CLIENTES_EDITORS=S0123`` names a usergroup, but Slack sends only the user id with a request, so the
groups come from ``usergroups.list(include_users=True)`` (scope ``usergroups:read``). One call answers
for every user; it is cached for ``ttl`` seconds so most clicks cost no API call. Slack is never asked
when no access list holds an ``S…`` id.

View submissions resolve the actor BEFORE their ack (the save needs the groups) and Slack drops an ack
after 3 s, so the lookup never waits long: an expired cache is served as it is while one background
task refreshes it (stale-while-revalidate), and only the very first lookup waits, at most
``FIRST_WAIT`` seconds (then the user has no groups for that request; the refresh goes on). The call
goes through its own client without the app's 429 retry handler (which would sleep Retry-After) and
with a short HTTP timeout. A failed call never fails the request: the error code is logged, the stale
groups are kept (for at most ``STALE_MAX`` seconds) or, with none, the user is treated as a member of no
group; the next try waits ``FAILURE_BACKOFF`` seconds, so a missing scope does not cost one failing
call per click.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any

from slack_sdk.errors import SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.handlers.replies import actor_of, slack_error
from commands.access import AccessPolicy, Actor

log = logging.getLogger("bot.slack")

USERGROUP_PREFIX = "S"
USERGROUPS_TTL = 300.0
FAILURE_BACKOFF = 30.0
FIRST_WAIT = 1.0  # the longest a request waits for groups (only before the first answer ever)
CALL_TIMEOUT = 5  # seconds for the background usergroups.list call itself (slack_sdk's timeout is an int)
STALE_MAX = 3600.0  # groups older than this are dropped when a refresh fails (nobody keeps access forever)


def usergroup_ids(policy: AccessPolicy) -> frozenset[str]:
    """The usergroup ids the access lists name (Slack usergroup ids start with ``S``)."""
    named = policy.viewers | policy.editors | policy.admins | policy.secret_viewers
    return frozenset(i for i in named if i.startswith(USERGROUP_PREFIX))


def lookup_client(client: AsyncWebClient) -> AsyncWebClient:
    """A copy of the request's client for usergroups.list: same token and base URL, a short timeout and
    no retry handlers (the app's rate-limit handler would sleep Retry-After while an ack waits)."""
    return AsyncWebClient(
        token=client.token,
        base_url=client.base_url,
        timeout=CALL_TIMEOUT,
        session=client.session,
        headers=dict(client.headers),
        retry_handlers=[],
    )


class Actors:
    """Builds the ``Actor`` of a request, with ``groups`` filled from a shared, short-lived cache."""

    def __init__(
        self,
        policy: AccessPolicy,
        *,
        ttl: float | None = None,
        first_wait: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.wanted = usergroup_ids(policy)
        self.ttl = USERGROUPS_TTL if ttl is None else ttl
        self.first_wait = FIRST_WAIT if first_wait is None else first_wait
        self._clock = clock
        self._members: dict[str, frozenset[str]] = {}
        self._loaded_at: float | None = None  # when the cached groups were read from Slack (None: never)
        self._expires = float("-inf")
        self._refreshing: asyncio.Task[None] | None = None

    async def of(self, body: Mapping[str, Any], client: AsyncWebClient) -> Actor:
        actor = actor_of(body)
        if not self.wanted or not actor.user_id:
            return actor
        return dataclasses.replace(actor, groups=await self._groups_of(client, actor.user_id))

    async def _groups_of(self, client: AsyncWebClient, user_id: str) -> frozenset[str]:
        if self._clock() >= self._expires and self._refreshing is None:
            # One refresh for every concurrent request; the task reference is kept until it ends.
            self._refreshing = asyncio.create_task(self._refresh(client))
            self._refreshing.add_done_callback(self._refreshed)
        if self._refreshing is not None and self._loaded_at is None and self._clock() >= self._expires:
            try:  # nothing cached yet: wait a little, never past the ack deadline
                async with asyncio.timeout(self.first_wait):
                    await asyncio.shield(self._refreshing)
            except TimeoutError:
                log.warning("Slack: usergroups.list no respondió en %.1f s; se continúa sin grupos", self.first_wait)
            except Exception:  # logged by _refreshed; the request goes on without groups
                pass
        return self._members.get(user_id, frozenset())

    def _refreshed(self, task: asyncio.Task[None]) -> None:
        self._refreshing = None
        if not task.cancelled() and task.exception() is not None:
            log.error("Slack: error inesperado al leer usergroups.list", exc_info=task.exception())
            self._expires = self._clock() + FAILURE_BACKOFF

    async def _refresh(self, client: AsyncWebClient) -> None:
        try:
            answer = await lookup_client(client).usergroups_list(include_users=True)
        except (SlackClientError, OSError, TimeoutError) as exc:
            now = self._clock()
            if self._loaded_at is None or now - self._loaded_at > STALE_MAX:
                self._members = {}
                log.warning("Slack: usergroups.list falló (%s); se continúa sin grupos", slack_error(exc))
            else:
                log.warning(
                    "Slack: usergroups.list falló (%s); se siguen usando los grupos leídos antes", slack_error(exc)
                )
            self._expires = now + FAILURE_BACKOFF
            return
        members: defaultdict[str, set[str]] = defaultdict(set)
        for group in answer.get("usergroups") or []:
            group_id = str(group.get("id") or "")
            if group_id in self.wanted:
                for user in group.get("users") or []:
                    members[str(user)].add(group_id)
        self._members = {user: frozenset(groups) for user, groups in members.items()}
        self._loaded_at = self._expires = self._clock()
        self._expires += self.ttl
