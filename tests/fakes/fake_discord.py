"""A local fake of Discord (REST API v10 and gateway) for end-to-end tests of the Discord adapter.

Why a fake server rather than mocks: the adapter is written against real discord.py objects
(``Client``, ``CommandTree``, ``ui.Modal``, ``DynamicItem``), and most of what can go wrong lives in
discord.py's own request code — the JSON it sends, multipart bodies with ``payload_json``, rate-limit
handling, ``with_response`` callbacks. Pointing discord.py at this server exercises all of it and lets
tests assert on what *Discord* received.

Only 127.0.0.1 is bound; the port is random. Typical use::

    async with FakeDiscord() as fake:
        with fake.patch_discord_py():          # Route.BASE + DiscordWebSocket.DEFAULT_GATEWAY
            client = discord.Client(intents=discord.Intents.none())
            tree = discord.app_commands.CommandTree(client)
            await client.login("fake-bot-token")   # GET /users/@me, GET /oauth2/applications/@me
            ...                                     # deliver interactions (see discord_payloads.py)
            await client.close()
        assert fake.interaction_callbacks()[0].type == 4

Facts this fake relies on, checked against discord.py 2.7.1's source:

* ``discord.http.json_or_text`` only decodes a body whose Content-Type is exactly
  ``application/json`` (no charset), so every JSON answer here is sent that way.
* discord.py treats a 429 without a ``Via`` header as a Cloudflare ban and raises instead of
  retrying, so every answer carries ``Via: 1.1 google`` like Discord's.
* ``InteractionResponse`` always POSTs the callback with ``?with_response=1`` and reads the
  ``interaction_callback_response`` body (``interaction`` + optional ``resource.message``).
* 500/502/504/524 are retried by discord.py after ``1 + 2*try`` seconds; an injected 500 therefore
  costs a test about a second. 403 raises ``discord.Forbidden`` with ``.code`` from the body.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import copy
import hashlib
import itertools
import json
import os
import re
import secrets
import time
import zlib
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Self
from urllib.parse import unquote

import aiohttp
import yarl
from aiohttp import web
from multidict import CIMultiDict, CIMultiDictProxy

__all__ = [
    "ADMIN_ROLE_ID",
    "APPLICATION_ID",
    "BOT_USER_ID",
    "CLIENTS_CATEGORY_ID",
    "EVERYONE_ROLE_ID",
    "FAKE_TOKEN",
    "GENERAL_CHANNEL_ID",
    "GUILD_ID",
    "ONBOARDING_CHANNEL_ID",
    "OTHER_USER_ID",
    "OWNER_USER_ID",
    "TEAM_ROLE_ID",
    "USER_ID",
    "FakeDiscord",
    "InteractionCallback",
    "RecordedFile",
    "RecordedRequest",
    "snowflake",
    "token_for",
]

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


Handler = Callable[[RecordedRequest, dict[str, str]], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class _Route:
    method: str
    template: str
    regex: re.Pattern[str]
    handler: Handler
    ratelimited: bool = True
    needs_auth: bool = True


# --------------------------------------------------------------------------------------------------
# Response helpers
# --------------------------------------------------------------------------------------------------
_BASE_HEADERS = {"Via": "1.1 google"}


def _json(data: Json, status: int = 200, headers: Mapping[str, str] | None = None) -> web.Response:
    """A JSON answer with the exact Content-Type discord.py's ``json_or_text`` insists on."""
    merged = {**_BASE_HEADERS, **(headers or {})}
    return web.Response(body=json.dumps(data).encode(), status=status, content_type="application/json", headers=merged)


def _no_content() -> web.Response:
    return web.Response(status=204, headers=_BASE_HEADERS)


def _error(status: int, code: int, message: str, errors: dict[str, Any] | None = None) -> web.Response:
    body: dict[str, Any] = {"message": message, "code": code}
    if errors:
        body["errors"] = errors
    return _json(body, status)


class _FormErrors:
    """Collects Discord's nested ``Invalid Form Body`` errors (code 50035)."""

    def __init__(self) -> None:
        self.tree: dict[str, Any] = {}

    def add(self, path: Sequence[str | int], code: str, message: str) -> None:
        node = self.tree
        for part in path:
            node = node.setdefault(str(part), {})
        node.setdefault("_errors", []).append({"code": code, "message": message})

    def length(self, path: Sequence[str | int], value: Any, maximum: int, minimum: int = 0) -> None:
        if value is None:
            return
        size = len(value)
        if minimum and size < minimum:
            self.add(path, "BASE_TYPE_BAD_LENGTH", f"Must be between {minimum} and {maximum} in length.")
        elif size > maximum:
            self.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {maximum} or fewer in length.")

    def required(self, path: Sequence[str | int], value: Any) -> bool:
        if value is None or value == "":
            self.add(path, "BASE_TYPE_REQUIRED", "This field is required")
            return False
        return True

    def response(self) -> web.Response | None:
        if not self.tree:
            return None
        return _error(400, 50035, "Invalid Form Body", self.tree)


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


def _template_regex(template: str) -> re.Pattern[str]:
    """``/channels/{channel_id}/messages`` -> a regex with one named group per placeholder."""
    parts = re.split(r"\{(\w+)\}", template)
    pattern = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>[^/]+)" for i, p in enumerate(parts))
    return re.compile(f"^{pattern}$")


def _normalise_text_channel_name(name: str) -> str:
    """Discord lower-cases text channel names and turns runs of spaces into single dashes."""
    name = re.sub(r"\s+", "-", name.strip().lower())
    name = re.sub(r"[^\w\-]", "", name)
    return re.sub(r"-{2,}", "-", name)


# --------------------------------------------------------------------------------------------------
# Gateway session
# --------------------------------------------------------------------------------------------------
class _GatewaySession:
    """One websocket connection: sequence numbers and the zlib-stream context discord.py expects."""

    def __init__(self, ws: web.WebSocketResponse, compress: str | None) -> None:
        self.ws = ws
        self.compress = compress
        self._zlib = zlib.compressobj() if compress == "zlib-stream" else None
        self._lock = asyncio.Lock()
        self.seq = 0
        self.session_id: str | None = None
        self.identify: dict[str, Any] | None = None

    async def send(self, payload: dict[str, Any]) -> None:
        async with self._lock:
            if payload.get("op") == 0:
                self.seq += 1
                payload = {**payload, "s": self.seq}
            else:
                payload = {"s": None, "t": None, **payload}
            raw = json.dumps(payload).encode()
            if self._zlib is not None:
                # One zlib context per connection, each message ending in Z_SYNC_FLUSH (00 00 ff ff),
                # which is what discord.utils._ZlibDecompressionContext waits for.
                await self.ws.send_bytes(self._zlib.compress(raw) + self._zlib.flush(zlib.Z_SYNC_FLUSH))
            else:
                await self.ws.send_str(raw.decode())


#: How long Discord remembers a message nonce for `enforce_nonce` ("the past few minutes").
NONCE_WINDOW = 300.0


@dataclass
class _Hold:
    """One held answer (see :meth:`FakeDiscord.hold_next`)."""

    reached: asyncio.Event = field(default_factory=asyncio.Event)
    released: asyncio.Event = field(default_factory=asyncio.Event)

    def release(self) -> None:
        self.released.set()


# --------------------------------------------------------------------------------------------------
# The fake
# --------------------------------------------------------------------------------------------------
class FakeDiscord:
    """An aiohttp fake of Discord's REST API v10 (and gateway) holding one guild's state.

    Constructor knobs exist for what tests vary; everything else is the default world above
    (guild "SaaS Clientes" with a "Clientes" category, #general and #altas, roles @everyone,
    "Equipo SAAS" and "Admin", members ana.torres, bruno.diaz and the bot).

    ``token``: when set, REST calls with another ``Authorization: Bot ...`` and gateway IDENTIFYs with
    another token are refused (401 / close 4004), as Discord does. ``ratelimit``: requests per
    one-second window per bucket reported in ``X-RateLimit-*`` headers (discord.py pre-emptively
    sleeps when a bucket reaches 0; it is never enforced with a 429 — use ``fail_next`` for that).
    """

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
        self.gateway_received: list[dict[str, Any]] = []
        self.identify_payloads: list[dict[str, Any]] = []
        self.gateway_connections: list[dict[str, str]] = []  # query of each websocket connection

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
        self._routes = self._build_routes()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # ---------------------------------------------------------------- lifecycle
    async def __aenter__(self) -> Self:
        app = web.Application(client_max_size=32 * 1024 * 1024)
        app.router.add_get(GATEWAY_PATH, self._gateway)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._dispatch_rest)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        assert host == "127.0.0.1"
        self.port = int(port)
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, *rest: object) -> None:
        for _, _, hold in self._holds:
            hold.release()
        for session in list(self._sessions):
            with contextlib.suppress(Exception):
                await session.ws.close(code=1000, message=b"fake discord shutting down")
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self.crashes and exc_type is None:
            raise RuntimeError(f"fake discord crashed {len(self.crashes)} time(s)") from self.crashes[0]

    @property
    def base_url(self) -> str:
        """What ``discord.http.Route.BASE`` must be set to (``http://127.0.0.1:PORT/api/v10``)."""
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        """What ``DiscordWebSocket.DEFAULT_GATEWAY`` must be (``ws://127.0.0.1:PORT/gateway``)."""
        return f"ws://127.0.0.1:{self.port}{GATEWAY_PATH}"

    @contextlib.contextmanager
    def patch_discord_py(self) -> Iterator[None]:
        """Points discord.py's REST and gateway at this fake, restoring both afterwards.

        ``Route.BASE`` is read when each ``Route`` is built, and ``DEFAULT_GATEWAY`` when the websocket
        connects, so patching before ``login()`` / ``start()`` is enough; restoring matters because both
        are class attributes shared by every test in the process.
        """
        from discord.gateway import DiscordWebSocket
        from discord.http import Route

        old_base, old_gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
        Route.BASE = self.base_url
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.gateway_url)
        try:
            yield
        finally:
            Route.BASE = old_base
            DiscordWebSocket.DEFAULT_GATEWAY = old_gateway

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

    # ---------------------------------------------------------------- failure injection
    def fail_next(
        self,
        method: str,
        path_regex: str,
        status: int = 429,
        retry_after: float = 0.1,
        global_: bool = False,
        *,
        code: int | None = None,
        message: str | None = None,
        times: int | None = 1,
    ) -> None:
        """Makes the next ``times`` requests matching ``method`` and ``path_regex`` fail with ``status``.

        ``path_regex`` is searched in the path relative to ``/api/v10`` (``r"/guilds/\\d+/channels$"``);
        ``method`` may be ``"*"``. ``times=None`` fails every match until ``clear_failures()``.
        Bodies and headers are Discord's: 429 carries ``retry_after``/``global`` and the
        ``Retry-After``/``X-RateLimit-*`` headers (discord.py sleeps ``retry_after`` then retries);
        403 defaults to code 50013 "Missing Permissions"; 5xx to code 0.
        """
        self._failures.append(
            _Failure(
                method=method.upper(),
                pattern=re.compile(path_regex),
                status=status,
                retry_after=retry_after,
                global_=global_,
                code=code,
                message=message,
                remaining=times,
            )
        )

    def clear_failures(self) -> None:
        self._failures.clear()

    def hold_next(self, method: str, path_regex: str) -> _Hold:
        """The next successful ``method`` request matching ``path_regex`` is carried out, then its answer
        waits until ``hold.release()`` (or the fake closes): a bot killed meanwhile never learns that
        Discord did it. ``await hold.reached.wait()`` waits for the request to arrive."""
        hold = _Hold()
        self._holds.append((method.upper(), re.compile(path_regex), hold))
        return hold

    def expire_interaction(self, interaction_id: int) -> None:
        """Makes the callback for this interaction fail like one answered after 3 s (10062)."""
        self._expired.add(int(interaction_id))

    def expect_interaction(self, payload: Mapping[str, Any]) -> None:
        """Registers an interaction the bot is about to receive, so answers can use its channel/message.

        ``deliver(..., fake=fake)`` and ``fake.dispatch("INTERACTION_CREATE", ...)`` do this; without
        it callbacks are still accepted but their messages cannot know the interaction's channel.
        """
        self.interactions[int(payload["id"])] = copy.deepcopy(dict(payload))

    def _take_failure(self, method: str, path: str) -> _Failure | None:
        for failure in self._failures:
            if failure.method not in ("*", method) or not failure.pattern.search(path):
                continue
            if failure.remaining is not None:
                failure.remaining -= 1
                if failure.remaining <= 0:
                    self._failures.remove(failure)
            return failure
        return None

    def _failure_response(self, failure: _Failure, bucket: str) -> web.Response:
        if failure.status == 429:
            scope = "global" if failure.global_ else "user"
            headers = {
                "Retry-After": str(max(1, int(failure.retry_after + 0.999))),
                "X-RateLimit-Scope": scope,
            }
            if failure.global_:
                headers["X-RateLimit-Global"] = "true"
            else:
                headers.update(
                    {
                        "X-RateLimit-Limit": str(self.ratelimit),
                        "X-RateLimit-Remaining": "0",
                        "X-RateLimit-Reset": f"{time.time() + failure.retry_after:.3f}",
                        "X-RateLimit-Reset-After": f"{failure.retry_after:.3f}",
                        "X-RateLimit-Bucket": bucket,
                    }
                )
            body: dict[str, Any] = {
                "message": failure.message or "You are being rate limited.",
                "retry_after": failure.retry_after,
                "global": failure.global_,
            }
            if failure.code is not None:
                body["code"] = failure.code
            return _json(body, 429, headers)
        defaults = {
            400: (50035, "Invalid Form Body"),
            401: (0, "401: Unauthorized"),
            403: (50013, "Missing Permissions"),
            404: (0, "404: Not Found"),
            500: (0, "500: Internal Server Error"),
            502: (0, "502: Bad Gateway"),
            503: (0, "503: Service Unavailable"),
        }
        code, message = defaults.get(failure.status, (0, f"{failure.status}: Error"))
        return _error(
            failure.status,
            failure.code if failure.code is not None else code,
            failure.message or message,
        )

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

    # ---------------------------------------------------------------- REST plumbing
    def _build_routes(self) -> list[_Route]:
        table: list[tuple[str, str, Handler, dict[str, bool]]] = [
            ("GET", "/users/@me", self._get_me, {}),
            ("GET", "/gateway", self._get_gateway, {"needs_auth": False}),
            ("GET", "/gateway/bot", self._get_gateway_bot, {}),
            ("GET", "/oauth2/applications/@me", self._get_app_info, {}),
            ("GET", "/applications/{application_id}/commands", self._get_commands, {}),
            ("PUT", "/applications/{application_id}/commands", self._put_commands, {}),
            ("GET", "/applications/{application_id}/guilds/{guild_id}/commands", self._get_commands, {}),
            ("PUT", "/applications/{application_id}/guilds/{guild_id}/commands", self._put_commands, {}),
            (
                "POST",
                "/interactions/{interaction_id}/{interaction_token}/callback",
                self._interaction_callback,
                {"ratelimited": False, "needs_auth": False},
            ),
            (
                "POST",
                "/webhooks/{application_id}/{webhook_token}",
                self._post_followup,
                {"needs_auth": False},
            ),
            (
                "GET",
                "/webhooks/{application_id}/{webhook_token}/messages/{message_id}",
                self._get_webhook_message,
                {"needs_auth": False},
            ),
            (
                "PATCH",
                "/webhooks/{application_id}/{webhook_token}/messages/{message_id}",
                self._patch_webhook_message,
                {"needs_auth": False},
            ),
            (
                "DELETE",
                "/webhooks/{application_id}/{webhook_token}/messages/{message_id}",
                self._delete_webhook_message,
                {"needs_auth": False},
            ),
            ("GET", "/guilds/{guild_id}", self._get_guild, {}),
            ("GET", "/guilds/{guild_id}/roles", self._get_roles, {}),
            ("GET", "/guilds/{guild_id}/channels", self._get_channels, {}),
            ("POST", "/guilds/{guild_id}/channels", self._create_channel, {}),
            ("GET", "/guilds/{guild_id}/members/search", self._search_members, {}),
            ("GET", "/guilds/{guild_id}/members/{user_id}", self._get_member, {}),
            ("GET", "/channels/{channel_id}", self._get_channel, {}),
            ("PATCH", "/channels/{channel_id}", self._patch_channel, {}),
            ("DELETE", "/channels/{channel_id}", self._delete_channel, {}),
            ("GET", "/channels/{channel_id}/messages", self._get_messages, {}),
            ("POST", "/channels/{channel_id}/messages", self._post_message, {}),
            ("PUT", "/channels/{channel_id}/permissions/{overwrite_id}", self._put_permission, {}),
            ("DELETE", "/channels/{channel_id}/permissions/{overwrite_id}", self._delete_permission, {}),
        ]
        routes = []
        for method, template, handler, opts in table:
            routes.append(_Route(method, template, _template_regex(template), handler, **opts))
        return routes

    async def _read_body(self, request: web.Request, rec: RecordedRequest) -> None:
        if not request.body_exists:
            return
        if request.content_type == "multipart/form-data":
            reader = await request.multipart()
            while (part := await reader.next()) is not None:
                if not isinstance(part, aiohttp.BodyPartReader):
                    continue
                data = await part.read()
                if part.name == "payload_json":
                    rec.json = json.loads(data.decode() or "null")
                else:
                    rec.files.append(
                        RecordedFile(
                            field=part.name or "",
                            filename=part.filename,
                            content_type=part.headers.get("Content-Type"),
                            data=bytes(data),
                        )
                    )
            return
        text = await request.text()
        rec.text = text
        if request.content_type == "application/json" and text:
            rec.json = json.loads(text)

    def _ratelimit_headers(self, route: _Route, params: Mapping[str, str]) -> dict[str, str]:
        major = params.get("channel_id") or params.get("guild_id") or params.get("webhook_token") or ""
        bucket_hash = hashlib.md5(f"{route.method} {route.template}".encode()).hexdigest()
        key = f"{bucket_hash}:{major}"
        bucket = self._buckets.setdefault(key, _Bucket(limit=self.ratelimit, window=1.0))
        now = time.time()
        if now >= bucket.reset_at:
            bucket.used, bucket.reset_at = 0, now + bucket.window
        bucket.used += 1
        return {
            "X-RateLimit-Bucket": bucket_hash,
            "X-RateLimit-Limit": str(bucket.limit),
            "X-RateLimit-Remaining": str(max(0, bucket.limit - bucket.used)),
            "X-RateLimit-Reset": f"{bucket.reset_at:.3f}",
            "X-RateLimit-Reset-After": f"{max(0.0, bucket.reset_at - now):.3f}",
        }

    async def _dispatch_rest(self, request: web.Request) -> web.StreamResponse:
        path = request.path[len(API_PREFIX) :] or "/"
        rec = RecordedRequest(
            method=request.method,
            path=path,
            query=dict(request.query),
            headers=CIMultiDictProxy(CIMultiDict(request.headers)),
        )
        self.requests.append(rec)
        try:
            await self._read_body(request, rec)
            response = await self._answer(request, rec)
        except Exception as exc:
            # A bug in the fake: answer a non-retried status (a 5xx would make discord.py retry for 25 s)
            # and re-raise when the fake closes, so the test fails loudly instead of testing nonsense.
            self.crashes.append(exc)
            response = _error(418, 0, f"fake discord crashed: {exc!r}")
        rec.status = response.status
        if isinstance(response, web.Response) and response.content_type == "application/json" and response.body:
            rec.response = json.loads(bytes(response.body))  # type: ignore[arg-type]
        await self._notify()
        held = next(
            (h for h in self._holds if not h[2].reached.is_set() and h[0] == rec.method and h[1].search(path)), None
        )
        if held is not None and rec.ok:
            held[2].reached.set()
            await held[2].released.wait()
        return response

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def _answer(self, request: web.Request, rec: RecordedRequest) -> web.StreamResponse:
        matched: _Route | None = None
        params: dict[str, str] = {}
        path_known = False
        for route in self._routes:
            m = route.regex.match(rec.path)
            if m is None:
                continue
            path_known = True
            if route.method == rec.method:
                matched, params = route, m.groupdict()
                break
        if matched is None:
            if path_known:
                return _error(405, 0, "405: Method Not Allowed")
            return _error(404, 0, "404: Not Found")
        rec.route = f"{matched.method} {matched.template}"
        rec.params = params

        wrong_token = request.headers.get("Authorization") != f"Bot {self.token}"
        if matched.needs_auth and self.token is not None and wrong_token:
            return _error(401, 0, "401: Unauthorized")

        headers = self._ratelimit_headers(matched, params) if matched.ratelimited else {}
        failure = self._take_failure(rec.method, rec.path)
        if failure is not None:
            rec.injected = True
            return self._failure_response(failure, headers.get("X-RateLimit-Bucket", "fake"))

        response = await matched.handler(rec, params)
        for key, value in headers.items():
            response.headers.setdefault(key, value)
        return response

    # ---------------------------------------------------------------- users, gateway, application
    async def _get_me(self, rec: RecordedRequest, params: dict[str, str]) -> web.StreamResponse:
        return _json(self.bot_user)

    async def _get_gateway(self, rec: RecordedRequest, params: dict[str, str]) -> web.StreamResponse:
        return _json({"url": self.gateway_url})

    async def _get_gateway_bot(self, rec: RecordedRequest, params: dict[str, str]) -> web.StreamResponse:
        return _json(
            {
                "url": self.gateway_url,
                "shards": 1,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 999,
                    "reset_after": 14_400_000,
                    "max_concurrency": 1,
                },
            }
        )

    async def _get_app_info(self, rec: RecordedRequest, params: dict[str, str]) -> web.StreamResponse:
        return _json(self.app_info_payload())

    # ---------------------------------------------------------------- application commands
    def _command_scope(self, params: Mapping[str, str]) -> tuple[int | None, web.Response | None]:
        if params["application_id"] != str(self.application_id):
            return None, _error(403, 50001, "Missing Access")
        if "guild_id" not in params:
            return None, None
        if params["guild_id"] != str(self.guild_id):
            return None, _error(403, 50001, "Missing Access")
        return self.guild_id, None

    async def _get_commands(self, rec: RecordedRequest, params: dict[str, str]) -> web.StreamResponse:
        scope, error = self._command_scope(params)
        return error or _json(self.commands.get(scope, []))

    async def _put_commands(self, rec: RecordedRequest, params: dict[str, str]) -> web.StreamResponse:
        scope, error = self._command_scope(params)
        if error:
            return error
        body = rec.json
        errors = _FormErrors()
        if not isinstance(body, list):
            errors.add([], "LIST_TYPE_CONVERT", "Only iterables may be used in a ListType")
            return errors.response() or _error(400, 50035, "Invalid Form Body")
        errors.length([], body, 110)
        for i, command in enumerate(body):
            self._validate_command(errors, [i], command)
        if (bad := errors.response()) is not None:
            return bad
        stored = []
        for command in body:
            kind = int(command.get("type", 1))
            key = (scope, command["name"], kind)
            command_id = self._command_ids.setdefault(key, snowflake())
            out = {
                "id": str(command_id),
                "application_id": str(self.application_id),
                "version": str(snowflake()),
                "type": kind,
                "name": command["name"],
                "description": command.get("description", ""),
                "default_member_permissions": command.get("default_member_permissions"),
                "dm_permission": command.get("dm_permission", True),
                "nsfw": command.get("nsfw", False),
                "options": command.get("options", []),
                "contexts": command.get("contexts"),
                "integration_types": command.get("integration_types", [0]),
                "name_localizations": command.get("name_localizations"),
                "description_localizations": command.get("description_localizations"),
            }
            if scope is not None:
                out["guild_id"] = str(scope)
            stored.append(out)
        self.commands[scope] = stored
        return _json(stored)

    def _validate_command(self, errors: _FormErrors, path: list[str | int], command: Mapping[str, Any]) -> None:
        kind = int(command.get("type", 1))
        name = str(command.get("name") or "")
        if errors.required([*path, "name"], name):
            if kind == 1 and (not re.fullmatch(r"[-_'\w]{1,32}", name) or name != name.lower()):
                errors.add([*path, "name"], "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
            errors.length([*path, "name"], name, 32, 1)
        if kind == 1:
            errors.length([*path, "description"], command.get("description"), 100, 1)
        for locale, text in (command.get("name_localizations") or {}).items():
            errors.length([*path, "name_localizations", locale], text, 32, 1)
        for locale, text in (command.get("description_localizations") or {}).items():
            errors.length([*path, "description_localizations", locale], text, 100, 1)
        self._validate_options(errors, [*path, "options"], command.get("options") or [])

    def _validate_options(
        self, errors: _FormErrors, path: list[str | int], options: Sequence[Mapping[str, Any]]
    ) -> None:
        errors.length(path, options, 25)
        for i, option in enumerate(options):
            errors.length([*path, i, "name"], option.get("name"), 32, 1)
            errors.length([*path, i, "description"], option.get("description"), 100, 1)
            choices = option.get("choices") or []
            errors.length([*path, i, "choices"], choices, 25)
            if choices and option.get("autocomplete"):
                errors.add(
                    [*path, i, "autocomplete"],
                    "AUTOCOMPLETE_CHOICES",
                    "Autocomplete cannot be set with choices",
                )
            for j, choice in enumerate(choices):
                errors.length([*path, i, "choices", j, "name"], choice.get("name"), 100, 1)
            self._validate_options(errors, [*path, i, "options"], option.get("options") or [])

    # ---------------------------------------------------------------- messages (shared)
    def _validate_message(self, errors: _FormErrors, body: Mapping[str, Any], prefix: Sequence[str | int] = ()) -> None:
        errors.length([*prefix, "content"], body.get("content"), 2000)
        embeds = body.get("embeds") or []
        errors.length([*prefix, "embeds"], embeds, 10)
        for i, embed in enumerate(embeds):
            errors.length([*prefix, "embeds", i, "title"], embed.get("title"), 256)
            errors.length([*prefix, "embeds", i, "description"], embed.get("description"), 4096)
            fields = embed.get("fields") or []
            errors.length([*prefix, "embeds", i, "fields"], fields, 25)
            for j, f in enumerate(fields):
                errors.length([*prefix, "embeds", i, "fields", j, "name"], f.get("name"), 256, 1)
                errors.length([*prefix, "embeds", i, "fields", j, "value"], f.get("value"), 1024, 1)
        components = body.get("components") or []
        v2 = bool(int(body.get("flags") or 0) & 32768)
        if not v2:
            errors.length([*prefix, "components"], components, 5)
        for i, row in enumerate(components):
            self._validate_component(errors, [*prefix, "components", i], row, in_modal=False)

    def _validate_component(
        self, errors: _FormErrors, path: list[str | int], component: Mapping[str, Any], *, in_modal: bool
    ) -> None:
        kind = component.get("type")
        custom_id = component.get("custom_id")
        if custom_id is not None:
            errors.length([*path, "custom_id"], custom_id, 100, 1)
        if kind == 1:
            children = component.get("components") or []
            errors.length([*path, "components"], children, 5, 1)
            if any(c.get("type") in (3, 4, 5, 6, 7, 8) for c in children) and len(children) > 1:
                errors.add(
                    [*path, "components"],
                    "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                    "The specified component exceeds the maximum width",
                )
            for i, child in enumerate(children):
                self._validate_component(errors, [*path, "components", i], child, in_modal=in_modal)
        elif kind == 2:
            errors.length([*path, "label"], component.get("label"), 80)
        elif kind in (3, 5, 6, 7, 8):
            errors.length([*path, "placeholder"], component.get("placeholder"), 150)
            if kind == 3:
                options = component.get("options") or []
                errors.length([*path, "options"], options, 25, 1)
                for i, option in enumerate(options):
                    errors.length([*path, "options", i, "label"], option.get("label"), 100, 1)
                    errors.length([*path, "options", i, "value"], option.get("value"), 100, 1)
                    errors.length([*path, "options", i, "description"], option.get("description"), 100)
        elif kind == 4:
            if not in_modal:
                errors.add([*path, "type"], "COMPONENT_TYPE_INVALID", "Text inputs are only allowed in modals")
            errors.length([*path, "label"], component.get("label"), 45)
            errors.length([*path, "placeholder"], component.get("placeholder"), 100)
            errors.length([*path, "value"], component.get("value"), 4000)
            for bound, low in (("min_length", 0), ("max_length", 1)):
                size = component.get(bound)
                if size is not None and not low <= int(size) <= 4000:
                    errors.add([*path, bound], "NUMBER_TYPE_MAX", f"int value should be between {low} and 4000.")
            longest = component.get("max_length")
            if longest is not None and len(str(component.get("value") or "")) > int(longest):
                # Discord refuses a pre-filled value longer than the input accepts
                errors.add([*path, "value"], "BASE_TYPE_MAX_LENGTH", f"Must be {int(longest)} or fewer in length.")
        elif kind == 18:
            errors.length([*path, "label"], component.get("label"), 45, 1)
            errors.length([*path, "description"], component.get("description"), 100)
            inner = component.get("component")
            if not isinstance(inner, Mapping):
                errors.add([*path, "component"], "BASE_TYPE_REQUIRED", "This field is required")
            else:
                self._validate_component(errors, [*path, "component"], inner, in_modal=in_modal)
        elif kind == 10:
            errors.length([*path, "content"], component.get("content"), 4000, 1)

    @staticmethod
    def _is_empty_message(body: Mapping[str, Any], files: Sequence[RecordedFile]) -> bool:
        return not (
            body.get("content")
            or body.get("embeds")
            or body.get("components")
            or body.get("sticker_ids")
            or body.get("poll")
            or files
        )

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

    # ---------------------------------------------------------------- interaction callbacks
    async def _interaction_callback(self, rec: RecordedRequest, params: dict[str, str]) -> web.StreamResponse:
        interaction_id = int(params["interaction_id"])
        token = params["interaction_token"]
        if interaction_id in self._expired:
            return _error(404, 10062, "Unknown interaction")
        if token in self._acknowledged:
            return _error(400, 40060, "Interaction has already been acknowledged.")
        body = rec.json if isinstance(rec.json, Mapping) else {}
        kind = body.get("type")
        data: Mapping[str, Any] = body.get("data") or {}
        known = self.interactions.get(interaction_id)
        interaction_type = int(known["type"]) if known else {8: 4, 9: 2, 6: 3, 7: 3}.get(int(kind or 0), 2)

        errors = _FormErrors()
        allowed = {2: {4, 5, 9, 10, 12}, 3: {4, 5, 6, 7, 9, 10, 12}, 4: {8}, 5: {4, 5, 6, 7, 10, 12}}
        if kind not in allowed.get(interaction_type, {4, 5, 6, 7, 8, 9}):
            errors.add(["type"], "INTERACTION_RESPONSE_TYPE_INVALID", "Invalid interaction response type")
            return errors.response() or _error(400, 50035, "Invalid Form Body")
        if kind in (4, 7):
            self._validate_message(errors, data, ["data"])
            if kind == 4 and self._is_empty_message(data, rec.files):
                return _error(400, 50006, "Cannot send an empty message")
        elif kind == 8:
            choices = data.get("choices") or []
            errors.length(["data", "choices"], choices, 25)
            for i, choice in enumerate(choices):
                errors.length(["data", "choices", i, "name"], choice.get("name"), 100, 1)
                if isinstance(choice.get("value"), str):
                    errors.length(["data", "choices", i, "value"], choice["value"], 100)
        elif kind == 9:
            self._validate_modal(errors, data)
        if (bad := errors.response()) is not None:
            return bad

        channel_id = self._interaction_channel_id(known)
        message: dict[str, Any] | None = None
        if kind == 4:
            message = self._new_message(
                channel_id=channel_id,
                body=data,
                files=rec.files,
                interaction=known or {"id": interaction_id},
                webhook=True,
            )
        elif kind == 5:
            message = self._new_message(
                channel_id=channel_id,
                body={"flags": data.get("flags", 0)},
                interaction=known or {"id": interaction_id},
                webhook=True,
                flags_extra=128,
            )
        elif kind in (6, 7) and known and known.get("message"):
            message = copy.deepcopy(known["message"])
            if kind == 7:
                self._edit_message(message, data, self._attachments(channel_id, data, rec.files))
        self._acknowledged[token] = int(kind)
        if message is not None:
            self.originals[token] = message

        if rec.query.get("with_response", "").lower() not in ("1", "true"):
            return _no_content()
        answer: dict[str, Any] = {"interaction": {"id": str(interaction_id), "type": interaction_type}}
        resource: dict[str, Any] = {"type": kind}
        if message is not None and kind in (4, 5, 7):
            answer["interaction"].update(
                response_message_id=message["id"],
                response_message_loading=kind == 5,
                response_message_ephemeral=bool(int(message.get("flags") or 0) & 64),
            )
            resource["message"] = message
        answer["resource"] = resource
        return _json(answer)

    def _validate_modal(self, errors: _FormErrors, data: Mapping[str, Any]) -> None:
        if errors.required(["data", "title"], data.get("title")):
            errors.length(["data", "title"], data["title"], 45, 1)
        if errors.required(["data", "custom_id"], data.get("custom_id")):
            errors.length(["data", "custom_id"], data["custom_id"], 100, 1)
        components = data.get("components") or []
        errors.length(["data", "components"], components, 5, 1)
        for i, component in enumerate(components):
            if component.get("type") not in (1, 10, 18):
                errors.add(
                    ["data", "components", i, "type"],
                    "COMPONENT_TYPE_INVALID",
                    "Invalid top-level modal component",
                )
            self._validate_component(errors, ["data", "components", i], component, in_modal=True)

    # ---------------------------------------------------------------- follow-ups and @original
    def _webhook_guard(self, params: Mapping[str, str]) -> web.Response | None:
        if params["application_id"] != str(self.application_id) or params["webhook_token"] not in self._acknowledged:
            return _error(404, 10015, "Unknown Webhook")
        return None

    async def _post_followup(self, rec: RecordedRequest, params: dict[str, str]) -> web.StreamResponse:
        if (bad := self._webhook_guard(params)) is not None:
            return bad
        body = rec.json if isinstance(rec.json, Mapping) else {}
        errors = _FormErrors()
        self._validate_message(errors, body)
        if (invalid := errors.response()) is not None:
            return invalid
        if self._is_empty_message(body, rec.files):
            return _error(400, 50006, "Cannot send an empty message")
        token = params["webhook_token"]
        known = next((i for i in self.interactions.values() if i.get("token") == token), None)
        message = self._new_message(
            channel_id=self._interaction_channel_id(known),
            body=body,
            files=rec.files,
            interaction=known,
            webhook=True,
        )
        self.followup_messages.setdefault(token, {})[int(message["id"])] = message
        if rec.query.get("wait", "").lower() in ("1", "true"):
            return _json(message)
        return _no_content()

    def _find_webhook_message(self, params: Mapping[str, str]) -> dict[str, Any] | None:
        token, message_id = params["webhook_token"], params["message_id"]
        if message_id == "@original":
            return self.originals.get(token)
        if not message_id.isdigit():
            return None
        return self.followup_messages.get(token, {}).get(int(message_id))

    async def _get_webhook_message(self, rec: RecordedRequest, params: dict[str, str]) -> web.StreamResponse:
        if (bad := self._webhook_guard(params)) is not None:
            return bad
        message = self._find_webhook_message(params)
        return _json(message) if message is not None else _error(404, 10008, "Unknown Message")

    async def _patch_webhook_message(self, rec: RecordedRequest, params: dict[str, str]) -> web.StreamResponse:
        if (bad := self._webhook_guard(params)) is not None:
            return bad
        message = self._find_webhook_message(params)
        if message is None:
            return _error(404, 10008, "Unknown Message")
        body = rec.json if isinstance(rec.json, Mapping) else {}
        errors = _FormErrors()
        self._validate_message(errors, body)
        if (invalid := errors.response()) is not None:
            return invalid
        self._edit_message(message, body, self._attachments(int(message["channel_id"]), body, rec.files))
        return _json(message)

    async def _delete_webhook_message(self, rec: RecordedRequest, params: dict[str, str]) -> web.StreamResponse:
        if (bad := self._webhook_guard(params)) is not None:
            return bad
        token, message_id = params["webhook_token"], params["message_id"]
        if self._find_webhook_message(params) is None:
            return _error(404, 10008, "Unknown Message")
        if message_id == "@original":
            del self.originals[token]
        else:
            del self.followup_messages[token][int(message_id)]
        return _no_content()

    # ---------------------------------------------------------------- guilds
    def _guild_guard(self, params: Mapping[str, str]) -> web.Response | None:
        if params["guild_id"] != str(self.guild_id):
            return _error(404, 10004, "Unknown Guild")
        return None

    async def _get_guild(self, rec: RecordedRequest, params: dict[str, str]) -> web.StreamResponse:
        return self._guild_guard(params) or _json(self.guild_payload())

    async def _get_roles(self, rec: RecordedRequest, params: dict[str, str]) -> web.StreamResponse:
        return self._guild_guard(params) or _json(self.roles)

    async def _get_channels(self, rec: RecordedRequest, params: dict[str, str]) -> web.StreamResponse:
        if (bad := self._guild_guard(params)) is not None:
            return bad
        ordered = sorted(self.channels.values(), key=lambda c: (c["position"], int(c["id"])))
        return _json(ordered)

    @staticmethod
    def _overwrites(raw: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        return [
            {
                "id": str(o["id"]),
                "type": int(o.get("type", 0)),
                "allow": str(o.get("allow", 0)),
                "deny": str(o.get("deny", 0)),
            }
            for o in raw
        ]

    async def _create_channel(self, rec: RecordedRequest, params: dict[str, str]) -> web.StreamResponse:
        if (bad := self._guild_guard(params)) is not None:
            return bad
        body = rec.json if isinstance(rec.json, Mapping) else {}
        kind = int(body.get("type") or 0)
        errors = _FormErrors()
        name = str(body.get("name") or "")
        if errors.required(["name"], name):
            if kind in (0, 5):
                name = _normalise_text_channel_name(name)
            errors.length(["name"], name, 100, 1)
        errors.length(["topic"], body.get("topic"), 1024)
        parent_id = body.get("parent_id")
        if parent_id is not None:
            parent = self.channels.get(int(parent_id))
            if parent is None or parent["type"] != 4:
                errors.add(["parent_id"], "CHANNEL_PARENT_INVALID", "Category does not exist")
            elif sum(1 for c in self.channels.values() if c["parent_id"] == str(parent_id)) >= 50:
                errors.add(
                    ["parent_id"],
                    "CHANNEL_PARENT_MAX_CHANNELS",
                    "Maximum number of channels in category reached (50)",
                )
        if (invalid := errors.response()) is not None:
            return invalid
        if len(self.channels) >= 500:
            return _error(400, 30013, "Maximum number of guild channels reached (500)")
        siblings = [c["position"] for c in self.channels.values() if c["type"] == kind]
        channel = self._add_channel(
            {
                "type": kind,
                "name": name,
                "topic": body.get("topic"),
                "parent_id": parent_id,
                "nsfw": body.get("nsfw", False),
                "rate_limit_per_user": body.get("rate_limit_per_user"),
                "permission_overwrites": self._overwrites(body.get("permission_overwrites") or []),
                "position": body.get("position", max(siblings, default=-1) + 1),
            }
        )
        await self._broadcast("CHANNEL_CREATE", channel)
        return _json(channel, 201)

    async def _search_members(self, rec: RecordedRequest, params: dict[str, str]) -> web.StreamResponse:
        if (bad := self._guild_guard(params)) is not None:
            return bad
        query = rec.query.get("query")
        if query is None:
            errors = _FormErrors()
            errors.add(["query"], "BASE_TYPE_REQUIRED", "This field is required")
            return errors.response() or _error(400, 50035, "Invalid Form Body")
        limit = int(rec.query.get("limit", "1"))
        if not 1 <= limit <= 1000:
            errors = _FormErrors()
            errors.add(["limit"], "NUMBER_TYPE_MAX", "int value should be less than or equal to 1000.")
            return errors.response() or _error(400, 50035, "Invalid Form Body")
        needle = query.casefold()
        found = []
        for member in self.members.values():
            names = [member["user"]["username"], member["user"].get("global_name"), member.get("nick")]
            if any(n and n.casefold().startswith(needle) for n in names):
                found.append(member)
        return _json(found[:limit])

    async def _get_member(self, rec: RecordedRequest, params: dict[str, str]) -> web.StreamResponse:
        if (bad := self._guild_guard(params)) is not None:
            return bad
        member = self.members.get(int(params["user_id"])) if params["user_id"].isdigit() else None
        return _json(member) if member else _error(404, 10007, "Unknown Member")

    # ---------------------------------------------------------------- channels
    def _channel(self, params: Mapping[str, str]) -> dict[str, Any] | None:
        raw = params["channel_id"]
        return self.channels.get(int(raw)) if raw.isdigit() else None

    async def _get_channel(self, rec: RecordedRequest, params: dict[str, str]) -> web.StreamResponse:
        channel = self._channel(params)
        return _json(channel) if channel else _error(404, 10003, "Unknown Channel")

    async def _patch_channel(self, rec: RecordedRequest, params: dict[str, str]) -> web.StreamResponse:
        channel = self._channel(params)
        if channel is None:
            return _error(404, 10003, "Unknown Channel")
        body = rec.json if isinstance(rec.json, Mapping) else {}
        errors = _FormErrors()
        if "name" in body:
            name = body["name"] or ""
            if channel["type"] in (0, 5):
                name = _normalise_text_channel_name(name)
            errors.length(["name"], name, 100, 1)
            body = {**body, "name": name}
        errors.length(["topic"], body.get("topic"), 1024)
        if body.get("parent_id") is not None:
            parent = self.channels.get(int(body["parent_id"]))
            if parent is None or parent["type"] != 4:
                errors.add(["parent_id"], "CHANNEL_PARENT_INVALID", "Category does not exist")
        if (invalid := errors.response()) is not None:
            return invalid
        for key in ("name", "topic", "position", "nsfw", "rate_limit_per_user"):
            if key in body:
                channel[key] = body[key]
        if "parent_id" in body:
            channel["parent_id"] = None if body["parent_id"] is None else str(body["parent_id"])
        if "permission_overwrites" in body:
            channel["permission_overwrites"] = self._overwrites(body["permission_overwrites"] or [])
        await self._broadcast("CHANNEL_UPDATE", channel)
        return _json(channel)

    async def _delete_channel(self, rec: RecordedRequest, params: dict[str, str]) -> web.StreamResponse:
        channel = self._channel(params)
        if channel is None:
            return _error(404, 10003, "Unknown Channel")
        del self.channels[int(channel["id"])]
        await self._broadcast("CHANNEL_DELETE", channel)
        return _json(channel)

    async def _get_messages(self, rec: RecordedRequest, params: dict[str, str]) -> web.StreamResponse:
        channel = self._channel(params)
        if channel is None:
            return _error(404, 10003, "Unknown Channel")
        limit = int(rec.query.get("limit", "50"))
        newest_first = list(reversed(self.messages.get(int(channel["id"]), [])))
        return _json(newest_first[:limit])

    async def _post_message(self, rec: RecordedRequest, params: dict[str, str]) -> web.StreamResponse:
        channel = self._channel(params)
        if channel is None:
            return _error(404, 10003, "Unknown Channel")
        if channel["type"] not in (0, 5):
            return _error(400, 50008, "Cannot send messages in a non-text channel")
        body = rec.json if isinstance(rec.json, Mapping) else {}
        errors = _FormErrors()
        self._validate_message(errors, body)
        if (invalid := errors.response()) is not None:
            return invalid
        if self._is_empty_message(body, rec.files):
            return _error(400, 50006, "Cannot send an empty message")
        channel_id = int(channel["id"])
        nonce = None if body.get("nonce") is None else str(body["nonce"])
        if nonce is not None and body.get("enforce_nonce"):
            # Discord: the same author's message with this nonce in the past few minutes is returned as is.
            earlier = self._nonces.get((channel_id, nonce))
            if earlier is not None and time.time() - earlier[1] < NONCE_WINDOW:
                return _json({**earlier[0], "nonce": nonce})
        message = self._new_message(channel_id=channel_id, body=body, files=rec.files)
        message["guild_id"] = str(self.guild_id)
        self.messages.setdefault(channel_id, []).append(message)
        channel["last_message_id"] = message["id"]
        if nonce is not None:
            self._nonces[(channel_id, nonce)] = (message, time.time())
            return _json({**message, "nonce": nonce})  # only the create answer carries it, not the history
        return _json(message)

    async def _put_permission(self, rec: RecordedRequest, params: dict[str, str]) -> web.StreamResponse:
        channel = self._channel(params)
        if channel is None:
            return _error(404, 10003, "Unknown Channel")
        body = rec.json if isinstance(rec.json, Mapping) else {}
        target = params["overwrite_id"]
        overwrite = self._overwrites([{"id": target, **body}])[0]
        channel["permission_overwrites"] = [
            *(o for o in channel["permission_overwrites"] if o["id"] != target),
            overwrite,
        ]
        await self._broadcast("CHANNEL_UPDATE", channel)
        return _no_content()

    async def _delete_permission(self, rec: RecordedRequest, params: dict[str, str]) -> web.StreamResponse:
        channel = self._channel(params)
        if channel is None:
            return _error(404, 10003, "Unknown Channel")
        target = params["overwrite_id"]
        channel["permission_overwrites"] = [o for o in channel["permission_overwrites"] if o["id"] != target]
        await self._broadcast("CHANNEL_UPDATE", channel)
        return _no_content()

    # ---------------------------------------------------------------- gateway
    async def _gateway(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        self.gateway_connections.append(dict(request.query))
        session = _GatewaySession(ws, request.query.get("compress"))
        self._sessions.append(session)
        try:
            await session.send(
                {
                    "op": 10,
                    "d": {"heartbeat_interval": self.heartbeat_interval_ms, "_trace": ["fake-gateway"]},
                }
            )
            async for msg in ws:
                if msg.type not in (aiohttp.WSMsgType.TEXT, aiohttp.WSMsgType.BINARY):
                    break
                raw = msg.data if isinstance(msg.data, str) else msg.data.decode()
                payload = json.loads(raw)
                self.gateway_received.append(payload)
                await self._gateway_op(session, payload)
                await self._notify()
        finally:
            self._sessions.remove(session)
            await self._notify()
        return ws

    async def _gateway_op(self, session: _GatewaySession, payload: Mapping[str, Any]) -> None:
        op, data = payload.get("op"), payload.get("d")
        if op == 1:  # HEARTBEAT
            await session.send({"op": 11})
        elif op == 2:  # IDENTIFY
            assert isinstance(data, Mapping)
            self.identify_payloads.append(dict(data))
            if self.token is not None and data.get("token") != self.token:
                await session.ws.close(code=4004, message=b"Authentication failed.")
                return
            session.identify = dict(data)
            session.session_id = secrets.token_hex(16)
            ready: dict[str, Any] = {
                "v": 10,
                "user": self.bot_user,
                "guilds": [{"id": str(self.guild_id), "unavailable": True}],
                "session_id": session.session_id,
                "resume_gateway_url": self.gateway_url,
                "application": {"id": str(self.application_id), "flags": 0},
                "private_channels": [],
                "relationships": [],
                "presences": [],
                "user_settings": {},
                "guild_join_requests": [],
                "geo_ordered_rtc_regions": ["brazil", "us-east"],
                "_trace": ["fake-gateway"],
            }
            if "shard" in data:
                ready["shard"] = data["shard"]
            await session.send({"op": 0, "t": "READY", "d": ready})
            await session.send({"op": 0, "t": "GUILD_CREATE", "d": self.guild_payload(full=True)})
        elif op == 6:  # RESUME
            if isinstance(data, Mapping) and data.get("session_id") and session.identify is None:
                session.identify = {"token": data.get("token")}
                session.session_id = str(data["session_id"])
                await session.send({"op": 0, "t": "RESUMED", "d": {"_trace": ["fake-gateway"]}})
            else:
                await session.send({"op": 9, "d": False})
        elif op == 8:  # REQUEST_GUILD_MEMBERS
            assert isinstance(data, Mapping)
            query = str(data.get("query") or "").casefold()
            members = [m for m in self.members.values() if m["user"]["username"].casefold().startswith(query)]
            chunk: dict[str, Any] = {
                "guild_id": str(self.guild_id),
                "members": members,
                "chunk_index": 0,
                "chunk_count": 1,
                "not_found": [],
            }
            if data.get("nonce") is not None:
                chunk["nonce"] = data["nonce"]
            await session.send({"op": 0, "t": "GUILD_MEMBERS_CHUNK", "d": chunk})

    @property
    def gateway_sessions(self) -> int:
        """How many websocket connections have identified (or resumed) and not closed."""
        return sum(1 for s in self._sessions if s.identify is not None)

    async def wait_until_identified(self, timeout: float = 5.0, *, identifies: int = 1) -> None:  # noqa: ASYNC109
        """Waits for a client to IDENTIFY on the fake gateway (READY is sent right after). `identifies`:
        how many IDENTIFYs in all (2: a client that reconnected from scratch) with a session still open."""
        async with self._changed:
            try:
                await asyncio.wait_for(
                    self._changed.wait_for(
                        lambda: self.gateway_sessions > 0 and len(self.identify_payloads) >= identifies
                    ),
                    timeout,
                )
            except TimeoutError:
                raise TimeoutError(f"no client identified on {self.gateway_url} within {timeout}s") from None

    async def _broadcast(self, event: str, data: Mapping[str, Any]) -> int:
        sent = 0
        for session in list(self._sessions):
            if session.identify is not None and not session.ws.closed:
                await session.send({"op": 0, "t": event, "d": copy.deepcopy(dict(data))})
                sent += 1
        return sent

    async def dispatch(self, event: str, data: Mapping[str, Any]) -> None:
        """Pushes a DISPATCH (op 0) event, e.g. ``INTERACTION_CREATE``, to every identified client.

        Raises ``RuntimeError`` when no client is connected, so a test cannot silently push into the void.
        """
        if event == "INTERACTION_CREATE":
            self.expect_interaction(data)
        if await self._broadcast(event, data) == 0:
            raise RuntimeError("no identified gateway session; start the client and await wait_until_identified()")

    async def send_gateway_op(self, op: int, data: Any = None) -> None:
        """Sends a raw non-dispatch opcode (7 RECONNECT, 9 INVALID_SESSION, 1 HEARTBEAT) to all clients."""
        for session in list(self._sessions):
            if not session.ws.closed:
                await session.send({"op": op, "d": data})


def token_for(interaction_id: int) -> str:
    """A realistic-looking interaction token (Discord's are long base64url strings)."""
    raw = f"interaction:{interaction_id}:{secrets.token_urlsafe(48)}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")
