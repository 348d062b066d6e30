"""Channel-name rules per platform, and the contract between the outbox worker and the adapters that
create channels (`ChannelProvisioner`).

Slack accepts at most 80 characters of lowercase `a-z0-9-_`; Discord text channels at most 100,
lowercase, no spaces. Users type "Cliente Ñandú SAC"; we store what the platform will accept
("cliente-nandu-sac") so the name shown on the card is the channel's real name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol

from commands.views import ClientCard
from storage.textfold import fold

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


# --------------------------------------------------------------------------- provisioning contract
@dataclass(frozen=True)
class ProvisionRequest:
    """Make `channel_name` exist on `platform` for this client, and announce the client there.

    `progress` holds the steps earlier attempts of this job completed (stored with the job, so it
    survives a restart); a provisioner calls `remember` right after each step that must not be done
    twice (posting the onboarding card), and skips the steps already in `progress` on a retry.
    """

    platform: str
    channel_name: str
    card: ClientCard
    progress: dict[str, str] = field(default_factory=dict)
    save_progress: Callable[[dict[str, str]], Awaitable[None]] | None = field(default=None, repr=False, compare=False)

    def done(self, step: str) -> str | None:
        return self.progress.get(step)

    async def remember(self, step: str, value: str = "ok") -> None:
        self.progress[step] = value
        if self.save_progress is not None:
            await self.save_progress(dict(self.progress))


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
    """Posts a plain text message to a client's channel (onboarding flows through the HTTP API)."""

    platform: str

    async def post(self, channel_id: str, text: str) -> None: ...
