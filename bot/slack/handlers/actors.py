"""Who is asking: the Slack user and, when an access list names a usergroup, their usergroups.

``CLIENTES_EDITORS=S0123`` names a usergroup, but Slack sends only the user id with a request, so the
groups come from ``usergroups.list(include_users=True)`` (scope ``usergroups:read``). One call answers
for every user; it is cached for ``ttl`` seconds so most clicks cost no API call. Slack is never asked
when no access list holds an ``S…`` id. A failed call never fails the request: the error code is
logged and the user is treated as a member of no group (for ``FAILURE_BACKOFF`` seconds, so a missing
scope does not cost one failing call per click).
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

from bot.slack.handlers.common import actor_of, slack_error
from commands.access import AccessPolicy, Actor

log = logging.getLogger("bot.slack")

USERGROUP_PREFIX = "S"
USERGROUPS_TTL = 300.0
FAILURE_BACKOFF = 30.0


def usergroup_ids(policy: AccessPolicy) -> frozenset[str]:
    """The usergroup ids the access lists name (Slack usergroup ids start with ``S``)."""
    named = policy.viewers | policy.editors | policy.admins | policy.secret_viewers
    return frozenset(i for i in named if i.startswith(USERGROUP_PREFIX))


class Actors:
    """Builds the ``Actor`` of a request, with ``groups`` filled from a shared, short-lived cache."""

    def __init__(
        self, policy: AccessPolicy, *, ttl: float = USERGROUPS_TTL, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.wanted = usergroup_ids(policy)
        self.ttl = ttl
        self._clock = clock
        self._members: dict[str, frozenset[str]] = {}
        self._expires = float("-inf")
        self._lock = asyncio.Lock()

    async def of(self, body: Mapping[str, Any], client: AsyncWebClient) -> Actor:
        actor = actor_of(body)
        if not self.wanted or not actor.user_id:
            return actor
        return dataclasses.replace(actor, groups=await self._groups_of(client, actor.user_id))

    async def _groups_of(self, client: AsyncWebClient, user_id: str) -> frozenset[str]:
        if self._clock() >= self._expires:
            async with self._lock:  # concurrent requests share one refresh
                if self._clock() >= self._expires:
                    await self._refresh(client)
        return self._members.get(user_id, frozenset())

    async def _refresh(self, client: AsyncWebClient) -> None:
        try:
            answer = await client.usergroups_list(include_users=True)
        except (SlackClientError, OSError, TimeoutError) as exc:
            log.warning("Slack: usergroups.list falló (%s); se continúa sin grupos", slack_error(exc))
            self._members = {}
            self._expires = self._clock() + FAILURE_BACKOFF
            return
        members: defaultdict[str, set[str]] = defaultdict(set)
        for group in answer.get("usergroups") or []:
            group_id = str(group.get("id") or "")
            if group_id in self.wanted:
                for user in group.get("users") or []:
                    members[str(user)].add(group_id)
        self._members = {user: frozenset(groups) for user, groups in members.items()}
        self._expires = self._clock() + self.ttl
