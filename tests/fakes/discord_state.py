"""The fake Discord's state: the guild it holds (roles, channels, members, messages, commands,
interactions), what it recorded, and the queries tests make on both.

Split out of ``fake_discord.py``; :class:`tests.fakes.fake_discord.FakeDiscord` is the class tests use.
"""

from __future__ import annotations

import asyncio
import base64
import copy
import itertools
import json
import os
import re
import secrets
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from multidict import CIMultiDictProxy

if TYPE_CHECKING:
    from tests.fakes.discord_gateway import _GatewaySession

Json = Any


# --------------------------------------------------------------------------------------------------
# The fake's default world. Fixed snowflakes so payload builders and assertions can name them.
# --------------------------------------------------------------------------------------------------
DISCORD_EPOCH_MS = 1420070400000
FAKE_TOKEN = "fake-bot-token"
APPLICATION_ID = 1310000000000000001
BOT_USER_ID = APPLICATION_ID  # apps created since 2020 share the id between application and bot user
GUILD_ID = 1310000000000000100
EVERYONE_ROLE_ID = GUILD_ID  # Discord's @everyone role id is the guild id
TEAM_ROLE_ID = 1310000000000000200
ADMIN_ROLE_ID = 1310000000000000201
CLIENTS_CATEGORY_ID = 1310000000000000300
GENERAL_CHANNEL_ID = 1310000000000000301
ONBOARDING_CHANNEL_ID = 1310000000000000302
USER_ID = 1310000000000000400
OTHER_USER_ID = 1310000000000000401
OWNER_USER_ID = 1310000000000000402

API_PREFIX = "/api/v10"
GATEWAY_PATH = "/gateway"

_increment = itertools.count()


def snowflake(at: float | None = None) -> int:
    """A fresh, time-ordered snowflake, so ids created by the fake carry a plausible ``created_at``."""
    ms = int((time.time() if at is None else at) * 1000)
    return ((ms - DISCORD_EPOCH_MS) << 22) | (1 << 17) | (os.getpid() % 32 << 12) | (next(_increment) % 4096)


def _now_iso() -> str:
    return datetime.now(UTC).isoformat()


# --------------------------------------------------------------------------------------------------
# What the fake records
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RecordedFile:
    """One file part of a multipart request (``files[n]``)."""

    field: str
    filename: str | None
    content_type: str | None
    data: bytes


@dataclass
class RecordedRequest:
    """One HTTP request the fake received, successful or not.

    ``path`` is relative to ``/api/v10`` and percent-decoded (``/channels/1/messages``); ``route`` is
    the matched template (``POST /channels/{channel_id}/messages``) or ``None`` for unknown routes.
    ``json`` is the decoded JSON body, or the decoded ``payload_json`` part of a multipart body.
    ``status`` is what the fake answered, ``response`` its decoded JSON body (error details included);
    ``injected`` is true when ``fail_next`` produced it.
    """

    method: str
    path: str
    query: dict[str, str]
    headers: CIMultiDictProxy[str]
    json: Json = None
    files: list[RecordedFile] = field(default_factory=list)
    text: str | None = None
    route: str | None = None
    params: dict[str, str] = field(default_factory=dict)
    status: int = 0
    injected: bool = False
    response: Json = None
    at: float = field(default_factory=time.monotonic)

    @property
    def ok(self) -> bool:
        """Whether the fake answered 2xx (i.e. Discord would have done it)."""
        return 200 <= self.status < 300

    @property
    def audit_reason(self) -> str | None:
        """The decoded ``X-Audit-Log-Reason`` header (``reason=`` in discord.py)."""
        raw = self.headers.get("X-Audit-Log-Reason")
        return None if raw is None else unquote(raw)

    def __repr__(self) -> str:
        return f"<RecordedRequest {self.method} {self.path} -> {self.status}{' (injected)' if self.injected else ''}>"


@dataclass(frozen=True)
class InteractionCallback:
    """An accepted ``POST /interactions/{id}/{token}/callback``: the bot's first answer.

    ``type`` is the interaction callback type: 4 message, 5 deferred message ("thinking"), 6 deferred
    update, 7 update message, 8 autocomplete result, 9 modal.
    """

    interaction_id: int
    token: str
    type: int
    data: dict[str, Any]
    request: RecordedRequest

    @property
    def flags(self) -> int:
        return int(self.data.get("flags") or 0)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & 64)

    @property
    def content(self) -> str | None:
        return self.data.get("content")

    @property
    def components(self) -> list[dict[str, Any]]:
        return list(self.data.get("components") or [])

    @property
    def choices(self) -> list[dict[str, Any]]:
        """Autocomplete choices (type 8)."""
        return list(self.data.get("choices") or [])


@dataclass
class _Failure:
    method: str
    pattern: re.Pattern[str]
    status: int
    retry_after: float
    global_: bool
    code: int | None
    message: str | None
    remaining: int | None  # None: every matching request fails until cleared


@dataclass
class _Bucket:
    limit: int
    window: float
    used: int = 0
    reset_at: float = 0.0


def _number_components(components: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Copies components giving each a numeric ``id`` as Discord does when the bot sent none."""
    counter = itertools.count(1)
    used: set[int] = set()

    def collect(items: Sequence[Mapping[str, Any]]) -> None:
        for item in items:
            if isinstance(item.get("id"), int):
                used.add(item["id"])
            collect(item.get("components") or [])
            if isinstance(item.get("component"), Mapping):
                collect([item["component"]])
            if isinstance(item.get("accessory"), Mapping):
                collect([item["accessory"]])

    def number(items: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        out = []
        for item in items:
            copied = dict(item)
            if "id" not in copied:
                n = next(counter)
                while n in used:
                    n = next(counter)
                copied["id"] = n
            if "components" in copied:
                copied["components"] = number(copied["components"])
            if isinstance(copied.get("component"), Mapping):
                copied["component"] = number([copied["component"]])[0]
            if isinstance(copied.get("accessory"), Mapping):
                copied["accessory"] = number([copied["accessory"]])[0]
            out.append(copied)
        return out

    collect(components)
    return number(components)


#: How long Discord remembers a message nonce for `enforce_nonce` ("the past few minutes").
NONCE_WINDOW = 300.0


@dataclass
class _Hold:
    """One held answer (see :meth:`FakeDiscord.hold_next`)."""

    reached: asyncio.Event = field(default_factory=asyncio.Event)
    released: asyncio.Event = field(default_factory=asyncio.Event)

    def release(self) -> None:
        self.released.set()


@dataclass(frozen=True)
class SpecViolation:
    """A request body Discord's OpenAPI spec refuses: the route and the ``Invalid Form Body`` tree."""

    route: str
    path: str
    body: Json
    errors: dict[str, Any]

    def __str__(self) -> str:
        return f"{self.route} ({self.path}): {json.dumps(self.errors, ensure_ascii=False)}"


class DiscordState:
    """One guild's world as Discord would hold it, and what the bot asked of it."""

    def __init__(
        self,
        *,
        token: str | None = None,
        application_id: int = APPLICATION_ID,
        guild_id: int = GUILD_ID,
        guild_name: str = "SaaS Clientes",
        ratelimit: int = 50,
        heartbeat_interval_ms: int = 41250,
    ) -> None:
        self.token = token
        self.application_id = application_id
        self.bot_user_id = application_id
        self.guild_id = guild_id
        self.guild_name = guild_name
        self.ratelimit = ratelimit
        self.heartbeat_interval_ms = heartbeat_interval_ms

        self.requests: list[RecordedRequest] = []
        self.crashes: list[Exception] = []
        # Bodies Discord's OpenAPI spec refuses (answered 400 50035); the fake raises on close if any
        # is left, so a test whose bot sends one fails. ``spec_checked`` counts the bodies validated.
        self.spec_violations: list[SpecViolation] = []
        self.spec_checked = 0
        self.gateway_received: list[dict[str, Any]] = []
        self.identify_payloads: list[dict[str, Any]] = []
        self.gateway_connections: list[dict[str, str]] = []  # query of each websocket connection
        self.peak_gateway_sessions = 0  # the most identified connections open at once

        self.bot_user: dict[str, Any] = {
            "id": str(self.bot_user_id),
            "username": "clientes-bot",
            "global_name": None,
            "discriminator": "0",
            "avatar": None,
            "bot": True,
            "public_flags": 0,
            "flags": 0,
            "verified": True,
            "mfa_enabled": False,
            "locale": "en-US",
            "email": None,
        }
        self.roles: list[dict[str, Any]] = [
            self._role(guild_id, "@everyone", 0, permissions=1071698660929),
            self._role(TEAM_ROLE_ID, "Equipo SAAS", 1, permissions=1071698660929),
            self._role(ADMIN_ROLE_ID, "Admin", 2, permissions=8),
        ]
        self.channels: dict[int, dict[str, Any]] = {}
        self._add_channel({"id": CLIENTS_CATEGORY_ID, "type": 4, "name": "Clientes", "position": 0})
        self._add_channel({"id": GENERAL_CHANNEL_ID, "type": 0, "name": "general", "position": 0})
        self._add_channel(
            {
                "id": ONBOARDING_CHANNEL_ID,
                "type": 0,
                "name": "altas",
                "position": 1,
                "topic": "Altas de clientes",
            }
        )
        self.members: dict[int, dict[str, Any]] = {}
        self.add_member(USER_ID, "ana.torres", global_name="Ana Torres", roles=[TEAM_ROLE_ID])
        self.add_member(OTHER_USER_ID, "bruno.diaz", global_name="Bruno Díaz", nick="Bruno")
        self.add_member(OWNER_USER_ID, "duena", global_name="Dueña", roles=[ADMIN_ROLE_ID])
        self.members[self.bot_user_id] = self._member_payload(self._public_user(self.bot_user), [], None)

        self.messages: dict[int, list[dict[str, Any]]] = {}
        self.commands: dict[int | None, list[dict[str, Any]]] = {}
        self._command_ids: dict[tuple[int | None, str, int], int] = {}
        self.originals: dict[str, dict[str, Any]] = {}
        self.followup_messages: dict[str, dict[int, dict[str, Any]]] = {}
        self.interactions: dict[int, dict[str, Any]] = {}
        self._acknowledged: dict[str, int] = {}
        self._expired: set[int] = set()
        self._failures: list[_Failure] = []
        #: hold_next(): requests whose answer waits (effect already applied) until released.
        self._holds: list[tuple[str, re.Pattern[str], _Hold]] = []
        #: (channel id, nonce) -> (message, when): what `enforce_nonce` dedupes against.
        self._nonces: dict[tuple[int, str], tuple[dict[str, Any], float]] = {}
        self._buckets: dict[str, _Bucket] = {}
        self._sessions: list[_GatewaySession] = []
        self._changed = asyncio.Condition()

    # ---------------------------------------------------------------- world building
    def _role(self, role_id: int, name: str, position: int, *, permissions: int) -> dict[str, Any]:
        return {
            "id": str(role_id),
            "name": name,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "icon": None,
            "unicode_emoji": None,
            "position": position,
            "permissions": str(permissions),
            "managed": False,
            "mentionable": False,
            "flags": 0,
        }

    @staticmethod
    def _public_user(user: Mapping[str, Any]) -> dict[str, Any]:
        keys = ("id", "username", "global_name", "discriminator", "avatar", "bot", "public_flags")
        return {k: user[k] for k in keys if k in user}

    @staticmethod
    def _member_payload(user: dict[str, Any], roles: Sequence[int], nick: str | None) -> dict[str, Any]:
        return {
            "user": user,
            "nick": nick,
            "avatar": None,
            "roles": [str(r) for r in roles],
            "joined_at": "2024-03-01T12:00:00.000000+00:00",
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
        }

    def add_member(
        self,
        user_id: int,
        username: str,
        *,
        global_name: str | None = None,
        nick: str | None = None,
        roles: Sequence[int] = (),
        bot: bool = False,
    ) -> dict[str, Any]:
        """Adds a guild member (visible to member search, GUILD_CREATE and fetch_member)."""
        user = {
            "id": str(user_id),
            "username": username,
            "global_name": global_name,
            "discriminator": "0",
            "avatar": None,
            "public_flags": 0,
            "bot": bot,
        }
        member = self._member_payload(user, roles, nick)
        self.members[user_id] = member
        return member

    def _add_channel(self, spec: Mapping[str, Any]) -> dict[str, Any]:
        channel_id = int(spec.get("id") or snowflake())
        kind = int(spec.get("type", 0))
        channel: dict[str, Any] = {
            "id": str(channel_id),
            "type": kind,
            "guild_id": str(self.guild_id),
            "name": spec["name"],
            "position": int(spec.get("position", 0)),
            "permission_overwrites": list(spec.get("permission_overwrites") or []),
            "parent_id": None if spec.get("parent_id") is None else str(spec["parent_id"]),
            "nsfw": bool(spec.get("nsfw", False)),
            "flags": 0,
        }
        if kind in (0, 5):
            channel.update(
                topic=spec.get("topic"),
                rate_limit_per_user=int(spec.get("rate_limit_per_user") or 0),
                last_message_id=None,
                default_auto_archive_duration=1440,
            )
        self.channels[channel_id] = channel
        return channel

    def channel_named(self, name: str) -> dict[str, Any] | None:
        """The first channel with this exact (normalised) name, or None."""
        return next((c for c in self.channels.values() if c["name"] == name), None)

    def guild_payload(self, *, full: bool = False) -> dict[str, Any]:
        """The guild object (``GET /guilds/{id}``), or the GUILD_CREATE form when ``full``."""
        guild: dict[str, Any] = {
            "id": str(self.guild_id),
            "name": self.guild_name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(OWNER_USER_ID),
            "region": None,
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 1,
            "default_message_notifications": 1,
            "explicit_content_filter": 2,
            "roles": copy.deepcopy(self.roles),
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "application_id": None,
            "system_channel_id": str(GENERAL_CHANNEL_ID),
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "max_members": 500000,
            "vanity_url_code": None,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": "es-ES",
            "public_updates_channel_id": None,
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
        }
        if full:
            guild.update(
                joined_at="2024-03-01T12:00:00.000000+00:00",
                large=False,
                unavailable=False,
                member_count=len(self.members),
                voice_states=[],
                members=[copy.deepcopy(self.members[self.bot_user_id])],
                channels=[copy.deepcopy(c) for c in self.channels.values()],
                threads=[],
                presences=[],
                stage_instances=[],
                guild_scheduled_events=[],
                soundboard_sounds=[],
            )
        return guild

    def app_info_payload(self) -> dict[str, Any]:
        return {
            "id": str(self.application_id),
            "name": "clientes-bot",
            "icon": None,
            "description": "Registro de clientes del equipo SAAS",
            "summary": "",
            "type": None,
            "bot_public": False,
            "bot_require_code_grant": False,
            "verify_key": "1e0a356058d627ca38a5c8c9648818061d49e49bd9da9e3ab17d98ad4d6bg2u8",
            "flags": 0,
            "owner": {
                "id": str(OWNER_USER_ID),
                "username": "duena",
                "global_name": "Dueña",
                "discriminator": "0",
                "avatar": None,
                "public_flags": 0,
                "flags": 0,
            },
            "team": None,
            "bot": self._public_user(self.bot_user),
            "redirect_uris": [],
            "interactions_endpoint_url": None,
            "install_params": {"scopes": ["bot", "applications.commands"], "permissions": "2147568656"},
            "integration_types_config": {"0": {}},
            "approximate_guild_count": 1,
        }

    # ---------------------------------------------------------------- interactions the bot receives
    def expire_interaction(self, interaction_id: int) -> None:
        """Makes the callback for this interaction fail like one answered after 3 s (10062)."""
        self._expired.add(int(interaction_id))

    def expect_interaction(self, payload: Mapping[str, Any]) -> None:
        """Registers an interaction the bot is about to receive, so answers can use its channel/message.

        ``deliver(..., fake=fake)`` and ``fake.dispatch("INTERACTION_CREATE", ...)`` do this; without
        it callbacks are still accepted but their messages cannot know the interaction's channel.
        """
        self.interactions[int(payload["id"])] = copy.deepcopy(dict(payload))

    # ---------------------------------------------------------------- queries for tests
    def requests_to(self, method: str, path_regex: str, *, ok_only: bool = False) -> list[RecordedRequest]:
        """Recorded requests whose method matches (``"*"`` for any) and path matches ``path_regex``."""
        pattern = re.compile(path_regex)
        return [
            r
            for r in self.requests
            if method.upper() in ("*", r.method) and pattern.search(r.path) and (r.ok or not ok_only)
        ]

    def interaction_callbacks(self, interaction_id: int | None = None) -> list[InteractionCallback]:
        """Accepted interaction callbacks (rejected and injected-failure attempts are left out)."""
        out: list[InteractionCallback] = []
        for r in self.requests_to("POST", r"^/interactions/[^/]+/[^/]+/callback$", ok_only=True):
            body = r.json or {}
            cb = InteractionCallback(
                interaction_id=int(r.params["interaction_id"]),
                token=r.params["interaction_token"],
                type=int(body.get("type", 0)),
                data=dict(body.get("data") or {}),
                request=r,
            )
            if interaction_id is None or cb.interaction_id == int(interaction_id):
                out.append(cb)
        return out

    def followups(self, token: str | None = None) -> list[RecordedRequest]:
        """Accepted follow-up messages (``POST /webhooks/{application_id}/{token}``)."""
        return [
            r
            for r in self.requests_to("POST", r"^/webhooks/\d+/[^/]+$", ok_only=True)
            if token is None or r.params["webhook_token"] == token
        ]

    def original_edits(self, token: str | None = None) -> list[RecordedRequest]:
        """Accepted edits of the original response (``PATCH .../messages/@original``)."""
        return [
            r
            for r in self.requests_to("PATCH", r"^/webhooks/\d+/[^/]+/messages/@original$", ok_only=True)
            if token is None or r.params["webhook_token"] == token
        ]

    def channel_messages(self, channel_id: int) -> list[dict[str, Any]]:
        """Messages the bot posted to a channel through ``POST /channels/{id}/messages``, oldest first."""
        return list(self.messages.get(int(channel_id), []))

    async def wait_for_request(
        self,
        method: str,
        path_regex: str,
        *,
        count: int = 1,
        timeout: float = 3.0,  # noqa: ASYNC109 - a deadline for the bot's work, not a cancel scope
        ok_only: bool = True,
    ) -> RecordedRequest:
        """Waits until ``count`` matching requests were answered; returns the last. For work the bot
        does after its first answer (follow-ups, channel creation by a background worker)."""

        def ready() -> bool:
            return len(self.requests_to(method, path_regex, ok_only=ok_only)) >= count

        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(ready), timeout)
            except TimeoutError:
                seen = [repr(r) for r in self.requests[-10:]]
                raise TimeoutError(
                    f"no {count} x {method} {path_regex} within {timeout}s; last requests: {seen}"
                ) from None
        return self.requests_to(method, path_regex, ok_only=ok_only)[count - 1]

    # ---------------------------------------------------------------- changes and stored messages
    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    def _attachments(
        self, channel_id: int, body: Mapping[str, Any], files: Sequence[RecordedFile]
    ) -> list[dict[str, Any]]:
        out = []
        for index, f in enumerate(files):
            attachment_id = snowflake()
            filename = f.filename or f"file{index}"
            url = f"https://cdn.discordapp.com/attachments/{channel_id}/{attachment_id}/{filename}"
            out.append(
                {
                    "id": str(attachment_id),
                    "filename": filename,
                    "size": len(f.data),
                    "url": url,
                    "proxy_url": url.replace("cdn.discordapp.com", "media.discordapp.net"),
                    "content_type": f.content_type,
                }
            )
        return out

    def _new_message(
        self,
        *,
        channel_id: int,
        body: Mapping[str, Any],
        files: Sequence[RecordedFile] = (),
        interaction: Mapping[str, Any] | None = None,
        webhook: bool = False,
        flags_extra: int = 0,
    ) -> dict[str, Any]:
        message_id = snowflake()
        message: dict[str, Any] = {
            "id": str(message_id),
            "type": 0,
            "channel_id": str(channel_id),
            "author": self._public_user(self.bot_user),
            "content": body.get("content") or "",
            "timestamp": _now_iso(),
            "edited_timestamp": None,
            "tts": bool(body.get("tts", False)),
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": self._attachments(channel_id, body, files),
            "embeds": [{"type": "rich", **e} for e in body.get("embeds") or []],
            "pinned": False,
            "flags": int(body.get("flags") or 0) | flags_extra,
            "components": _number_components(body.get("components") or []),
        }
        if webhook:
            message["webhook_id"] = str(self.application_id)
            message["application_id"] = str(self.application_id)
        if interaction is not None:
            user = (interaction.get("member") or {}).get("user") or interaction.get("user") or {}
            kind = int(interaction.get("type", 2))
            message["type"] = 20 if kind == 2 else 0
            message["interaction_metadata"] = {
                "id": str(interaction["id"]),
                "type": kind,
                "user": user,
                "authorizing_integration_owners": interaction.get("authorizing_integration_owners", {}),
            }
        return message

    @staticmethod
    def _edit_message(message: dict[str, Any], body: Mapping[str, Any], attachments: list[dict[str, Any]]) -> None:
        loading = bool(int(message.get("flags") or 0) & 128)
        if "content" in body:
            message["content"] = body["content"] or ""
        if "embeds" in body:
            message["embeds"] = [{"type": "rich", **e} for e in body["embeds"] or []]
        if "components" in body:
            message["components"] = _number_components(body["components"] or [])
        if "flags" in body and body["flags"] is not None:
            keep = int(message.get("flags") or 0) & 64  # ephemerality cannot change after sending
            message["flags"] = int(body["flags"]) | keep
        if "attachments" in body:
            keep_ids = {str(a.get("id")) for a in body["attachments"] or []}
            message["attachments"] = [a for a in message.get("attachments", []) if a["id"] in keep_ids]
        message["attachments"] = [*message.get("attachments", []), *attachments]
        if loading:
            message["flags"] = int(message.get("flags") or 0) & ~128
        else:
            message["edited_timestamp"] = _now_iso()

    def _interaction_channel_id(self, interaction: Mapping[str, Any] | None) -> int:
        if interaction:
            raw = interaction.get("channel_id") or (interaction.get("channel") or {}).get("id")
            if raw:
                return int(raw)
        return GENERAL_CHANNEL_ID


def token_for(interaction_id: int) -> str:
    """A realistic-looking interaction token (Discord's are long base64url strings)."""
    raw = f"interaction:{interaction_id}:{secrets.token_urlsafe(48)}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")
