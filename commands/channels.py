"""Channel-name rules per platform, and the contract between the outbox worker and the adapters that
create channels (`ChannelProvisioner`).

Slack accepts at most 80 characters of lowercase `a-z0-9-_`; Discord text channels at most 100,
lowercase, no spaces. Users type "Cliente Ñandú SAC"; we store what the platform will accept
("cliente-nandu-sac") so the name shown on the card is the channel's real name.
"""

from __future__ import annotations

import logging
import re
import secrets
import time
import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol

from commands.texts import texts
from commands.views import ChangeNotice, ClientCard
from storage.textfold import fold

log = logging.getLogger(__name__)

SLACK_MAX = 80
DISCORD_MAX = 100

_SLACK_BAD = re.compile(r"[^a-z0-9_-]+")
_DISCORD_BAD = re.compile(r"[^\w-]+", re.UNICODE)
_DASHES = re.compile(r"-{2,}")


def slack_channel_name(text: str) -> str:
    """'#Cliente Ñandú S.A.C.' -> 'cliente-nandu-s-a-c' ('' when nothing usable is left)."""
    name = _SLACK_BAD.sub("-", fold(text.lstrip("#")))
    return _DASHES.sub("-", name).strip("-_")[:SLACK_MAX].rstrip("-")


def discord_channel_name(text: str) -> str:
    """Discord keeps letters with accents, so only spaces and punctuation become dashes."""
    lowered = unicodedata.normalize("NFC", text.lstrip("#")).casefold()
    name = _DISCORD_BAD.sub("-", " ".join(lowered.split()).replace(" ", "-"))
    return _DASHES.sub("-", name).strip("-_")[:DISCORD_MAX].rstrip("-")


def channel_topic(card: ClientCard, limit: int) -> str:
    """The topic of a channel the bot created, pointing back to the card ("/clientes ver #12"), within
    the platform's `limit`: a long name is cut, never the command."""
    full = texts().channel_topic(card.name, card.document, card.id)
    if len(full) <= limit:
        return full
    room = max(1, limit - len(texts().channel_topic("", card.document, card.id)) - 1)
    return texts().channel_topic(card.name[:room] + "…", card.document, card.id)[:limit]


# --------------------------------------------------------------------------- provisioning contract
#: Stores a job's progress and intents at once (in their own transaction), or raises LostClaim.
SaveProgress = Callable[[dict[str, str], dict[str, str]], Awaitable[None]]


def new_key() -> str:
    """An idempotency key: the time it was made (hex seconds) and 48 random bits; 20 characters, within
    Discord's 25 for a nonce. The time lets a retry tell a resource it made from an older one."""
    return f"{int(time.time()):08x}{secrets.token_hex(6)}"


def key_time(key: str) -> float | None:
    """When `new_key` made `key` (None for a key of another form)."""
    try:
        return float(int(key[:8], 16)) if len(key) == 20 else None
    except ValueError:
        return None


@dataclass(frozen=True)
class JobSteps:
    """A job's record of its steps, stored with the job so it survives a crash: `progress` holds the
    steps completed (step -> result: a channel id, a message id, "ok") and `intents` the steps an
    attempt started without learning their outcome (step -> the idempotency key it sent). Every step
    that must not happen twice (a post) runs through :meth:`once`, on Slack and Discord alike.
    """

    progress: dict[str, str] = field(default_factory=dict)
    intents: dict[str, str] = field(default_factory=dict)
    save: SaveProgress | None = field(default=None, repr=False, compare=False)
    label: str = ""  # for the log: "slack #acme"

    def done(self, step: str) -> str | None:
        return self.progress.get(step)

    def intended(self, step: str) -> str | None:
        """The key of an attempt at `step` whose outcome is unknown (the process died, or the call failed)."""
        return self.intents.get(step) if step not in self.progress else None

    async def remember(self, step: str, value: str = "ok") -> None:
        self.progress[step] = value
        self.intents.pop(step, None)
        await self._save()

    async def intend(self, step: str) -> str:
        """Records, before the call, that `step` is about to be tried with a fresh key; returns the key."""
        key = self.intents.get(step) or new_key()
        self.intents[step] = key
        await self._save()
        return key

    async def once(
        self,
        step: str,
        make: Callable[[str], Awaitable[str]],
        find: Callable[[str], Awaitable[str | None]],
    ) -> str:
        """Runs `make(key)` exactly once across retries and crashes; returns its result (e.g. a message id).

        Why the two records: a process can die after the platform accepted a post but before the
        answer reached us. So the intent (with the key sent along, as message metadata or a nonce) is
        stored *before* the call and the result right after; a retry that finds an intent without a
        result asks the platform (`find(key)`) whether the call went through before making it again,
        with the same key (Discord dedupes a nonce it saw minutes ago). When the platform cannot be
        asked (`Unverifiable`: a missing scope), the step is made again and a warning logged: a
        repeated welcome is better than a client without one.
        """
        result = self.done(step)
        if result is not None:
            return result
        key = self.intended(step)
        if key is not None:
            try:
                found = await find(key)
            except Unverifiable as exc:
                log.warning("%s: cannot check whether %r was already done (%s)", self.label, step, exc)
                found = None
            if found is not None:
                await self.remember(step, found)
                return found
        else:
            key = await self.intend(step)
        result = await make(key)
        await self.remember(step, result)
        return result

    async def _save(self) -> None:
        if self.save is not None:
            await self.save(dict(self.progress), dict(self.intents))


@dataclass(frozen=True)
class ProvisionRequest:
    """Make `channel_name` exist on `platform` for this client, and announce the client there.

    `progress`, `intents` and `save_progress` are the job's :class:`JobSteps` (see there); the
    methods below are theirs.
    """

    platform: str
    channel_name: str
    card: ClientCard
    progress: dict[str, str] = field(default_factory=dict)
    save_progress: SaveProgress | None = field(default=None, repr=False, compare=False)
    intents: dict[str, str] = field(default_factory=dict)

    @property
    def steps(self) -> JobSteps:
        return JobSteps(self.progress, self.intents, self.save_progress, f"{self.platform} #{self.channel_name}")

    def done(self, step: str) -> str | None:
        return self.steps.done(step)

    def intended(self, step: str) -> str | None:
        return self.steps.intended(step)

    async def remember(self, step: str, value: str = "ok") -> None:
        await self.steps.remember(step, value)

    async def intend(self, step: str) -> str:
        return await self.steps.intend(step)

    async def once(
        self, step: str, make: Callable[[str], Awaitable[str]], find: Callable[[str], Awaitable[str | None]]
    ) -> str:
        return await self.steps.once(step, make, find)


class Unverifiable(Exception):
    """The platform cannot tell whether an earlier attempt's call went through (a missing scope)."""


class LostClaim(Exception):
    """The job is no longer this worker's (its lease ran out and another worker took it): stop now."""


@dataclass(frozen=True)
class ProvisionResult:
    channel_id: str
    created: bool  # False: an existing channel of that name was linked instead


class RetryLater(Exception):
    """A passing problem (rate limit, 5xx, network): the worker tries again after `retry_after` s."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class WaitForChannel(RetryLater):
    """A message for a channel that does not exist yet: checked again later, without using up attempts."""


class ProvisionFailed(Exception):
    """Retrying cannot help (a missing permission or scope): shown on the client's card in Spanish."""


class ChannelProvisioner(Protocol):
    """What each platform adapter implements; the outbox worker calls it, never the other way round."""

    platform: str

    async def provision(self, request: ProvisionRequest) -> ProvisionResult: ...


class ChannelMessenger(Protocol):
    """Posts a plain text message to a client's channel (onboarding flows through the HTTP API).

    `post` sends `key` along (message metadata, a nonce) and returns the message's id; `find` looks
    for a message sent with `key` (None: not there; `Unverifiable`: cannot look), so a job retried
    after a crash does not post its message twice (see :meth:`JobSteps.once`).
    """

    platform: str

    async def post(self, channel_id: str, text: str, key: str) -> str: ...

    async def post_notice(self, channel_id: str, notice: ChangeNotice, key: str, *, client_channel: bool) -> str:
        """A change notice, rendered in the platform's markup, user text escaped and nothing pinging.

        `client_channel`: the client's own channel (the audit channel is the team's), where a platform
        that keeps the card out of a channel shared outside the company keeps the values out too."""
        ...

    async def find(self, channel_id: str, key: str) -> str | None: ...
