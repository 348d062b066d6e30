"""A local fake of the Slack Web API (aiohttp, 127.0.0.1, random port) for end-to-end tests.

Why a server and not a mock: the Slack adapter is tested through the real slack-bolt ``AsyncApp`` and
the real ``slack_sdk`` ``AsyncWebClient``; only the network peer is fake. Pointing
``AsyncWebClient(base_url=fake.base_url)`` here exercises slack_sdk's own request encoding (JSON bodies
for ``views.*`` / ``chat.postMessage``, query parameters for ``conversations.*``), its retry handlers
and its ``SlackApiError`` mapping, all of which a mocked client would skip.

Typical use::

    async with FakeSlack() as fake:
        client = AsyncWebClient(token="xoxb-test", base_url=fake.base_url)
        await client.views_open(trigger_id="1.2.x", view=modal)
        assert fake.last("views.open").params["view"]["callback_id"] == "cliente_nuevo"

The fake keeps a small, realistic workspace (channels, users, posted messages, open views) so that
``conversations.create`` answers ``name_taken`` the second time and ``chat.update`` refuses a
message that was never posted. It is strict where Slack is strict and where our adapter could get it
wrong: view limits (``invalid_arguments``), single-use ``trigger_id`` and channel-name rules.
Failures are injected per method with :meth:`FakeSlack.fail_next`.

Known simplifications: ``views.push`` does not track the modal stack (Slack allows 3 views);
``response_url`` posts are recorded but not applied to stored messages nor limited to 5 uses; methods
we do not use (``views.publish``...) answer ``unknown_method``. Files: the v2 upload flow
(``files.getUploadURLExternal``, the POST of the bytes to the returned ``upload_url``,
``files.completeUploadExternal``) is kept whole, see :class:`FakeFile`.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import secrets
import socket
import time
from collections import defaultdict, deque
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self

from aiohttp import web

# --- The fake workspace's identity (builders in slack_requests.py use the same ids) -------------
TEAM_ID = "T0CLIENTES"
TEAM_DOMAIN = "clientes-test"
TEAM_NAME = "Clientes Test"
APP_ID = "A0CLIENTES"
BOT_ID = "B0CLIBOT"
BOT_USER_ID = "U0CLIBOT"
BOT_USER_NAME = "clientes-bot"
DEFAULT_USER_ID = "U0ALICE"
DEFAULT_USER_NAME = "alice"
OTHER_USER_ID = "U0BOB"
OTHER_USER_NAME = "bob"
DEFAULT_CHANNEL_ID = "C0GENERAL"
DEFAULT_CHANNEL_NAME = "general"
#: Returned in the ``x-oauth-scopes`` header of auth.test; Bolt copies it to ``context.authorize_result``.
BOT_SCOPES = (
    "commands,chat:write,chat:write.public,channels:read,channels:manage,channels:join,channels:history,"
    "groups:read,groups:write,groups:history,users:read,users:read.email,usergroups:read,files:write,im:write"
)

#: Fields Slack accepts as JSON-encoded strings in form posts; decoded so tests see Python objects.
JSON_ENCODED_FIELDS = frozenset({"view", "blocks", "attachments", "metadata", "options", "option_groups", "files"})
#: The ``error`` fail_next() reports when none is given, by HTTP status.
_DEFAULT_ERRORS = {200: "fatal_error", 429: "ratelimited", 503: "service_unavailable"}
#: Methods Slack answers without a token.
_NO_AUTH_METHODS = frozenset({"api.test"})


class SlackError(Exception):
    """Raised by a method handler to answer ``{"ok": false, "error": error, **extra}`` (HTTP 200)."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra


def _invalid_arguments(*messages: str) -> SlackError:
    """Slack's answer to a malformed argument: the details go in ``response_metadata.messages``."""
    return SlackError("invalid_arguments", response_metadata={"messages": list(messages)})


@dataclass(frozen=True)
class RecordedCall:
    """One request the fake received, with the answer it gave.

    ``params`` merges query string, form fields and JSON body (in that order), with JSON-encoded
    fields (``view``, ``blocks``...) decoded. For ``response_url`` posts, ``method`` is
    ``"response_url"`` and ``hook`` is the name given to :meth:`FakeSlack.response_url`.
    """

    method: str
    params: dict[str, Any]
    token: str | None
    http_method: str
    content_type: str
    headers: dict[str, str]
    status: int
    response: Any
    hook: str | None = None

    @property
    def ok(self) -> bool:
        """Whether Slack would have reported success."""
        return self.status == 200 and isinstance(self.response, dict) and self.response.get("ok") is True


@dataclass
class FakeChannel:
    """A channel of the fake workspace; ``members`` holds user ids (the bot's included when joined)."""

    id: str
    name: str
    is_private: bool = False
    is_archived: bool = False
    members: set[str] = field(default_factory=set)
    topic: str = ""
    purpose: str = ""
    creator: str = BOT_USER_ID
    created: int = field(default_factory=lambda: int(time.time()))
    #: Slack Connect (``is_ext_shared``) or shared between workspaces of an org (``is_org_shared``);
    #: ``is_shared`` is set by either.
    is_ext_shared: bool = False
    is_org_shared: bool = False

    def to_api(self) -> dict[str, Any]:
        """The channel object as conversations.* methods return it (seen from the bot)."""
        return {
            "id": self.id,
            "name": self.name,
            "name_normalized": self.name,
            "is_channel": True,
            "is_group": False,
            "is_im": False,
            "is_mpim": False,
            "is_private": self.is_private,
            "is_archived": self.is_archived,
            "is_general": self.name == DEFAULT_CHANNEL_NAME,
            "is_shared": self.is_ext_shared or self.is_org_shared,
            "is_ext_shared": self.is_ext_shared,
            "is_org_shared": self.is_org_shared,
            "is_member": BOT_USER_ID in self.members,
            "created": self.created,
            "creator": self.creator,
            "unlinked": 0,
            "context_team_id": TEAM_ID,
            "topic": {"value": self.topic, "creator": BOT_USER_ID if self.topic else "", "last_set": 0},
            "purpose": {"value": self.purpose, "creator": BOT_USER_ID if self.purpose else "", "last_set": 0},
            "previous_names": [],
            "num_members": len(self.members),
        }


@dataclass
class FakeFile:
    """A file going through Slack's v2 upload: reserved by files.getUploadURLExternal (``filename``,
    ``length``), its bytes POSTed to the ``upload_url`` (``data``), then shared by
    files.completeUploadExternal (``title``, ``channels``, ``initial_comment``)."""

    id: str
    filename: str
    length: int
    alt_txt: str | None = None
    data: bytes | None = None
    completed: bool = False
    title: str | None = None
    channels: list[str] = field(default_factory=list)
    initial_comment: str | None = None

    def to_api(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.filename,
            "title": self.title or self.filename,
            "size": len(self.data or b""),
            "user": BOT_USER_ID,
            "channels": [c for c in self.channels if not c.startswith("D")],
            "ims": [c for c in self.channels if c.startswith("D")],
            "is_public": False,
        }


@dataclass
class _Hold:
    """One held answer (see :meth:`FakeSlack.hold_next`)."""

    reached: asyncio.Event = field(default_factory=asyncio.Event)
    released: asyncio.Event = field(default_factory=asyncio.Event)

    def release(self) -> None:
        self.released.set()


@dataclass(frozen=True)
class _Failure:
    status: int
    error: str
    retry_after: int | None
    extra: Mapping[str, Any]
    delay: float
    hold: _Hold | None = None


class FakeSlack:
    """The fake Slack Web API server; use as ``async with FakeSlack() as fake:``.

    Args:
        tokens: accepted tokens; ``None`` accepts any ``xox?-`` token (others get ``invalid_auth``).
        strict_views: validate views and message blocks against Slack's limits (``invalid_arguments``
            / ``invalid_blocks`` with Slack-style ``response_metadata.messages``).
        single_use_triggers: a ``trigger_id`` opens or pushes one view only; reuse answers
            ``expired_trigger_id`` (Slack's triggers are single-use and expire after 3 s).
    """

    def __init__(
        self,
        *,
        tokens: Collection[str] | None = None,
        strict_views: bool = True,
        single_use_triggers: bool = True,
    ) -> None:
        self.tokens = frozenset(tokens) if tokens is not None else None
        self.strict_views = strict_views
        self.single_use_triggers = single_use_triggers
        self.calls: list[RecordedCall] = []
        self.channels: dict[str, FakeChannel] = {}
        self.users: dict[str, dict[str, Any]] = {}
        self.home_views: dict[str, dict[str, Any]] = {}  # user id → the Home tab last published for them
        self.usergroups: dict[str, dict[str, Any]] = {}
        self.views: dict[str, dict[str, Any]] = {}
        #: Non-ephemeral messages by (channel id, ts); ephemeral ones are only recorded as calls.
        self.messages: dict[tuple[str, str], dict[str, Any]] = {}
        #: Files by id, from files.getUploadURLExternal on (see :class:`FakeFile`).
        self.files: dict[str, FakeFile] = {}
        #: Uploads received at an ``upload_url`` (file id, bytes), in order.
        self.uploads: list[tuple[str, bytes]] = []
        self._failures: defaultdict[str, deque[_Failure]] = defaultdict(deque)
        #: hold_next(): calls whose answer waits (effect already applied) until released.
        self._holds: defaultdict[str, list[_Hold]] = defaultdict(list)
        self._failure_holds: list[_Hold] = []
        self._used_triggers: set[str] = set()
        self._ids = itertools.count(1)
        self._ts = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._methods: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "api.test": lambda params: {"args": params},
            "auth.test": self._auth_test,
            "views.open": self._views_open,
            "views.push": self._views_push,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
            "chat.postMessage": self._chat_post_message,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.update": self._chat_update,
            "chat.delete": self._chat_delete,
            "conversations.create": self._conversations_create,
            "conversations.list": self._conversations_list,
            "conversations.history": self._conversations_history,
            "conversations.info": self._conversations_info,
            "conversations.join": self._conversations_join,
            "conversations.invite": self._conversations_invite,
            "conversations.setTopic": self._conversations_set_topic,
            "conversations.setPurpose": self._conversations_set_purpose,
            "users.info": self._users_info,
            "usergroups.list": self._usergroups_list,
            "apps.connections.open": self._apps_connections_open,
            "conversations.open": self._conversations_open,
            "files.getUploadURLExternal": self._files_get_upload_url_external,
            "files.completeUploadExternal": self._files_complete_upload_external,
        }
        # Socket Mode: connected websockets and the acks they sent back, by envelope id.
        self._sockets: list[web.WebSocketResponse] = []
        self._socket_connected = asyncio.Event()
        self.socket_acks: dict[str, dict[str, Any]] = {}
        self._socket_ack_events: defaultdict[str, asyncio.Event] = defaultdict(asyncio.Event)
        self._seed()

    # --- lifecycle --------------------------------------------------------------------------------
    async def start(self) -> Self:
        """Bind 127.0.0.1 on a free port chosen by the OS (no fixed port: tests run in parallel)."""
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._handle_api)
        app.router.add_post("/hooks/{name:.+}", self._handle_hook)
        app.router.add_get("/socket-mode", self._handle_socket)
        app.router.add_post("/upload/v1/{file_id}", self._handle_upload)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self._port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()
        return self

    async def close(self) -> None:
        """Stop the server; safe to call twice."""
        for holds in (*self._holds.values(), self._failure_holds):
            for hold in holds:
                hold.release()
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    @property
    def root_url(self) -> str:
        """``http://127.0.0.1:<port>/``."""
        if self._port is None:
            raise RuntimeError("FakeSlack is not started; use 'async with FakeSlack() as fake'")
        return f"http://127.0.0.1:{self._port}/"

    @property
    def base_url(self) -> str:
        """Web API root for ``AsyncWebClient(base_url=...)``; ends with '/' (slack_sdk uses urljoin)."""
        return f"{self.root_url}api/"

    def response_url(self, name: str = "default") -> str:
        """A ``response_url`` on the fake; what Bolt's ``respond()`` posts there is recorded as ``name``."""
        return f"{self.root_url}hooks/{name}"

    # --- inspection -------------------------------------------------------------------------------
    def calls_to(self, method: str) -> list[RecordedCall]:
        """Every recorded call to ``method`` (e.g. ``"views.open"`` or ``"response_url"``), oldest first."""
        return [c for c in self.calls if c.method == method]

    def last(self, method: str) -> RecordedCall:
        """The latest call to ``method``; fails the test with the list of calls seen if there is none."""
        found = self.calls_to(method)
        if not found:
            raise AssertionError(f"no call to {method!r}; calls were {[c.method for c in self.calls]}")
        return found[-1]

    def responses_to(self, name: str = "default") -> list[dict[str, Any]]:
        """The JSON bodies posted to :meth:`response_url` ``name``, oldest first."""
        return [c.params for c in self.calls if c.method == "response_url" and c.hook == name]

    async def wait_for(self, method: str, *, count: int = 1, within: float = 2.0) -> list[RecordedCall]:
        """Wait until ``count`` calls to ``method`` were recorded.

        Needed because Bolt (``process_before_response=False``) answers Slack as soon as ``ack()`` runs
        and finishes the listener in a background task: the API calls made after ``ack()`` may land
        after ``async_dispatch`` returned.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while len(self.calls_to(method)) < count:
            if loop.time() >= deadline:
                seen = [c.method for c in self.calls]
                raise AssertionError(f"expected {count} call(s) to {method!r} within {within}s; saw {seen}")
            await asyncio.sleep(0.01)
        return self.calls_to(method)

    def clear_calls(self) -> None:
        """Forget recorded calls (the workspace state is kept)."""
        self.calls.clear()

    # --- failure injection ------------------------------------------------------------------------
    def fail_next(
        self,
        method: str,
        *,
        status: int = 200,
        error: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
        delay: float = 0.0,
        held: bool = False,
        **extra: Any,
    ) -> _Hold:
        """Make the next ``times`` calls to ``method`` fail (queued per method, consumed in order).

        - ``status=429, retry_after=1``: HTTP 429 with ``Retry-After: 1`` and ``error: ratelimited``
          (what slack_sdk's ``AsyncRateLimitErrorRetryHandler`` reads).
        - ``error="missing_scope", needed="channels:manage"``: HTTP 200 with ``ok: false``.
        - ``status=500`` / ``503``: server error (``AsyncServerErrorRetryHandler`` retries these).
        ``delay`` sleeps before answering (to test timeouts); ``method`` may be ``"response_url"``.
        ``held=True``: a slow Slack without a fixed sleep: the failure is answered (and recorded) only
        after ``hold.release()`` on the returned hold (or when the fake closes); ``hold.reached`` is set
        when the call arrives.
        """
        if error is None:
            error = _DEFAULT_ERRORS.get(status, "internal_error")
        if status == 429 and retry_after is None:
            retry_after = 1
        hold = _Hold()
        if held:
            self._failure_holds.append(hold)
        failure = _Failure(
            status=status, error=error, retry_after=retry_after, extra=extra, delay=delay, hold=hold if held else None
        )
        self._failures[method].extend([failure] * times)
        return hold

    def hold_next(self, method: str) -> _Hold:
        """The next call to ``method`` is carried out, then its answer waits until ``hold.release()``
        (or the fake closes): a bot killed meanwhile never learns that Slack did it. ``await
        hold.reached.wait()`` waits for the call to arrive."""
        hold = _Hold()
        self._holds[method].append(hold)
        return hold

    # --- workspace setup --------------------------------------------------------------------------
    def add_user(
        self,
        user_id: str,
        name: str,
        *,
        real_name: str | None = None,
        email: str | None = None,
        is_bot: bool = False,
        deleted: bool = False,
    ) -> dict[str, Any]:
        """Add a user as users.info returns it."""
        real = real_name or name.title()
        profile: dict[str, Any] = {"real_name": real, "display_name": name, "real_name_normalized": real}
        if email:
            profile["email"] = email
        user = {
            "id": user_id,
            "team_id": TEAM_ID,
            "name": name,
            "real_name": real,
            "deleted": deleted,
            "is_bot": is_bot,
            "is_app_user": False,
            "is_admin": False,
            "tz": "America/Lima",
            "tz_offset": -18000,
            "profile": profile,
        }
        self.users[user_id] = user
        return user

    def add_usergroup(
        self, group_id: str, handle: str, *, name: str | None = None, users: Iterable[str] = ()
    ) -> dict[str, Any]:
        """Add a user group (``@handle``) as usergroups.list returns it; ``users`` are member ids."""
        group = {
            "id": group_id,
            "team_id": TEAM_ID,
            "is_usergroup": True,
            "name": name or handle.title(),
            "description": "",
            "handle": handle,
            "is_external": False,
            "date_create": int(time.time()),
            "date_update": int(time.time()),
            "date_delete": 0,
            "auto_type": None,
            "created_by": DEFAULT_USER_ID,
            "updated_by": DEFAULT_USER_ID,
            "deleted_by": None,
            "prefs": {"channels": [], "groups": []},
            "users": list(users),
        }
        self.usergroups[group_id] = group
        return group

    def add_channel(
        self,
        name: str,
        *,
        channel_id: str | None = None,
        is_private: bool = False,
        is_archived: bool = False,
        members: Iterable[str] = (),
        bot_is_member: bool = True,
        is_ext_shared: bool = False,
        is_org_shared: bool = False,
    ) -> FakeChannel:
        """Add an existing channel (e.g. one a client's channel name should link to instead of creating);
        ``is_ext_shared`` makes it a Slack Connect channel shared with another organisation."""
        channel = FakeChannel(
            id=channel_id or self._new_id("C"),
            name=name,
            is_private=is_private,
            is_archived=is_archived,
            is_ext_shared=is_ext_shared,
            is_org_shared=is_org_shared,
            members=set(members) | ({BOT_USER_ID} if bot_is_member else set()),
            creator=DEFAULT_USER_ID,
        )
        self.channels[channel.id] = channel
        return channel

    def channel_named(self, name: str) -> FakeChannel | None:
        """The channel called ``name`` (archived ones included), if any."""
        return next((c for c in self.channels.values() if c.name == name.lstrip("#")), None)

    def add_message(self, channel: str, text: str = "", *, blocks: list[Any] | None = None) -> str:
        """Store a bot message as if posted earlier (so chat.update/delete can find it); returns its ts."""
        ts = self._new_ts()
        self.messages[(channel, ts)] = self._message(text, blocks, ts)
        return ts

    def _seed(self) -> None:
        self.add_user(BOT_USER_ID, BOT_USER_NAME, real_name="Clientes", is_bot=True)
        self.add_user(DEFAULT_USER_ID, DEFAULT_USER_NAME, email="alice@example.com")
        self.add_user(OTHER_USER_ID, OTHER_USER_NAME, email="bob@example.com")
        self.add_channel(DEFAULT_CHANNEL_NAME, channel_id=DEFAULT_CHANNEL_ID, members=[DEFAULT_USER_ID, OTHER_USER_ID])

    # --- HTTP plumbing ----------------------------------------------------------------------------
    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        params = await _read_params(request)
        token = _bearer(request) or _pop_str(params, "token")
        status: int = 200
        body: dict[str, Any]
        headers: dict[str, str] = {"x-oauth-scopes": BOT_SCOPES}
        failure = self._pop_failure(method)
        if failure is not None:
            status, body, headers = await _render_failure(failure)
        elif token is None and method not in _NO_AUTH_METHODS:
            body = {"ok": False, "error": "not_authed"}
        elif token is not None and not self._token_accepted(token):
            body = {"ok": False, "error": "invalid_auth"}
        elif method not in self._methods:
            body = {"ok": False, "error": "unknown_method"}
        else:
            try:
                body = {"ok": True, **self._methods[method](params)}
            except SlackError as e:
                body = {"ok": False, "error": e.error, **e.extra}
        self._record(request, method, params, token, status, body)
        hold = next((h for h in self._holds[method] if not h.reached.is_set()), None)
        if hold is not None and body.get("ok"):
            hold.reached.set()
            await hold.released.wait()
        return web.json_response(body, status=status, headers=headers)

    async def _handle_hook(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        params = await _read_params(request)
        failure = self._pop_failure("response_url")
        if failure is not None:
            status, body, headers = await _render_failure(failure)
            self._record(request, "response_url", params, None, status, body, hook=name)
            return web.json_response(body, status=status, headers=headers)
        self._record(request, "response_url", params, None, 200, "ok", hook=name)
        return web.Response(text="ok", content_type="text/html")

    def _record(
        self,
        request: web.Request,
        method: str,
        params: dict[str, Any],
        token: str | None,
        status: int,
        body: Any,
        *,
        hook: str | None = None,
    ) -> None:
        self.calls.append(
            RecordedCall(
                method=method,
                params=params,
                token=token,
                http_method=request.method,
                content_type=request.content_type,
                headers=dict(request.headers),
                status=status,
                response=body,
                hook=hook,
            )
        )

    def _pop_failure(self, method: str) -> _Failure | None:
        queue = self._failures.get(method)
        return queue.popleft() if queue else None

    def _token_accepted(self, token: str) -> bool:
        if self.tokens is not None:
            return token in self.tokens
        return token.startswith(("xoxb-", "xoxp-", "xoxa-", "xoxe-", "xapp-"))

    # --- Socket Mode --------------------------------------------------------------------------------
    def _apps_connections_open(self, params: dict[str, Any]) -> dict[str, Any]:
        """Slack answers with a one-off wss URL; ours is a ws:// URL on this server."""
        return {"url": f"ws://127.0.0.1:{self._port}/socket-mode"}

    async def _handle_socket(self, request: web.Request) -> web.StreamResponse:
        """Sends ``hello`` like Slack, then records every ack (``{"envelope_id", "payload"?}``)."""
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_json({"type": "hello", "num_connections": 1, "connection_info": {"app_id": APP_ID}})
        self._socket_connected.set()
        try:
            async for message in ws:
                if message.type != web.WSMsgType.TEXT:
                    continue
                ack = json.loads(message.data)
                envelope_id = str(ack.get("envelope_id", ""))
                self.socket_acks[envelope_id] = ack
                self._socket_ack_events[envelope_id].set()
        finally:
            self._sockets.remove(ws)
        return ws

    async def wait_socket_connected(self, within: float = 5.0) -> None:
        await asyncio.wait_for(self._socket_connected.wait(), within)

    async def socket_send(self, type_: str, payload: dict[str, Any]) -> str:
        """Pushes an envelope (``slash_commands``, ``interactive``, ``events_api``) to the connected app."""
        if not self._sockets:
            raise AssertionError("no Socket Mode connection")
        envelope_id = secrets.token_hex(8)
        await self._sockets[-1].send_json(
            {"envelope_id": envelope_id, "type": type_, "payload": payload, "accepts_response_payload": True}
        )
        return envelope_id

    async def socket_ack(self, envelope_id: str, within: float = 5.0) -> dict[str, Any]:
        """The ack the app sent for an envelope (Slack requires it within 3 s)."""
        await asyncio.wait_for(self._socket_ack_events[envelope_id].wait(), within)
        return self.socket_acks[envelope_id]

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):08X}"

    def _new_ts(self) -> str:
        return f"{int(time.time())}.{next(self._ts):06d}"

    # --- auth / users -----------------------------------------------------------------------------
    def _auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": f"https://{TEAM_DOMAIN}.slack.com/",
            "team": TEAM_NAME,
            "user": BOT_USER_NAME,
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(str(params.get("user", "")))
        if user is None:
            raise SlackError("user_not_found")
        return {"user": user}

    def _usergroups_list(self, params: dict[str, Any]) -> dict[str, Any]:
        """Like Slack: ``users`` only with ``include_users``, ``user_count`` only with ``include_count``."""
        groups = []
        for stored in self.usergroups.values():
            group = {k: v for k, v in stored.items() if k != "users"}
            if _truthy(params.get("include_users")):
                group["users"] = list(stored["users"])
            if _truthy(params.get("include_count")):
                group["user_count"] = len(stored["users"])
            groups.append(group)
        return {"usergroups": groups}

    # --- views ------------------------------------------------------------------------------------
    def _views_open(self, params: dict[str, Any]) -> dict[str, Any]:
        self._use_trigger(params)
        view = self._checked_view(params)
        return {"view": self._store_view(view, self._new_id("V"))}

    def _views_push(self, params: dict[str, Any]) -> dict[str, Any]:
        self._use_trigger(params)
        view = self._checked_view(params)
        return {"view": self._store_view(view, self._new_id("V"))}

    def _views_update(self, params: dict[str, Any]) -> dict[str, Any]:
        view_id = params.get("view_id")
        if not view_id and params.get("external_id"):
            view_id = next((v["id"] for v in self.views.values() if v["external_id"] == params["external_id"]), None)
        if not view_id:
            raise _invalid_arguments("[ERROR] view_id or external_id is required")
        current = self.views.get(str(view_id))
        if current is None:
            raise SlackError("not_found")
        if params.get("hash") and params["hash"] != current["hash"]:
            raise SlackError("hash_conflict")
        view = self._checked_view(params)
        return {"view": self._store_view(view, current["id"], root_view_id=current["root_view_id"])}

    def _views_publish(self, params: dict[str, Any]) -> dict[str, Any]:
        """A user's Home tab: ``user_id`` must be a member, the view a ``home`` view within the limits."""
        user_id = str(params.get("user_id") or "")
        if not user_id:
            raise _invalid_arguments("[ERROR] missing required field: user_id")
        if user_id not in self.users:
            raise SlackError("user_not_found")
        view = self._checked_view(params)
        if view.get("type") != "home":
            raise _invalid_arguments("[ERROR] must be home [json-pointer:/view/type]")
        current = self.home_views.get(user_id)
        if current is not None and params.get("hash") and params["hash"] != current["hash"]:
            raise SlackError("hash_conflict")
        stored = self._store_view(view, current["id"] if current else self._new_id("V"))
        self.home_views[user_id] = stored
        return {"view": stored}

    def _use_trigger(self, params: dict[str, Any]) -> None:
        trigger_id = params.get("trigger_id")
        if not trigger_id:
            raise _invalid_arguments("[ERROR] missing required field: trigger_id")
        if self.single_use_triggers:
            if trigger_id in self._used_triggers:
                raise SlackError("expired_trigger_id")
            self._used_triggers.add(str(trigger_id))

    def _checked_view(self, params: dict[str, Any]) -> dict[str, Any]:
        view = params.get("view")
        if not isinstance(view, dict):
            raise _invalid_arguments("[ERROR] missing required field: view")
        if self.strict_views:
            problems = view_problems(view)
            if problems:
                raise _invalid_arguments(*problems)
        return view

    def _store_view(self, view: dict[str, Any], view_id: str, *, root_view_id: str | None = None) -> dict[str, Any]:
        stored = {
            "id": view_id,
            "team_id": TEAM_ID,
            "type": view.get("type", "modal"),
            "title": view.get("title"),
            "submit": view.get("submit"),
            "close": view.get("close"),
            "blocks": view.get("blocks", []),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "external_id": view.get("external_id", ""),
            "state": {"values": {}},
            "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
            "clear_on_close": bool(view.get("clear_on_close", False)),
            "notify_on_close": bool(view.get("notify_on_close", False)),
            "previous_view_id": None,
            "root_view_id": root_view_id or view_id,
            "app_id": APP_ID,
            "app_installed_team_id": TEAM_ID,
            "bot_id": BOT_ID,
        }
        self.views[view_id] = stored
        return stored

    # --- chat -------------------------------------------------------------------------------------
    def _resolve_channel(self, ref: Any, *, for_posting: bool = True) -> str:
        """Channel id for an id, a name or a user id (DM); raises like Slack for unknown or closed ones."""
        ref = str(ref or "")
        if ref[:1] in ("U", "W") and ref in self.users:
            return "D" + ref[1:]
        if ref[:1] == "D":
            return ref
        channel = self.channels.get(ref) or self.channel_named(ref)
        if channel is None or (channel.is_private and BOT_USER_ID not in channel.members):
            raise SlackError("channel_not_found")
        if for_posting and channel.is_archived:
            raise SlackError("is_archived")
        return channel.id

    def _message(self, text: str, blocks: Any, ts: str, metadata: Any = None) -> dict[str, Any]:
        message: dict[str, Any] = {
            "type": "message",
            "subtype": "bot_message",
            "text": text,
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "app_id": APP_ID,
            "team": TEAM_ID,
            "ts": ts,
        }
        if blocks:
            message["blocks"] = blocks
        if isinstance(metadata, dict) and metadata.get("event_type"):
            message["metadata"] = {"event_type": metadata["event_type"], "event_payload": metadata.get("event_payload")}
        return message

    def _check_message_body(self, params: dict[str, Any]) -> None:
        if not (params.get("text") or params.get("blocks") or params.get("attachments")):
            raise SlackError("no_text")
        if len(str(params.get("text") or "")) > 40000:
            raise SlackError("msg_too_long")
        blocks = params.get("blocks")
        if self.strict_views and isinstance(blocks, list):
            problems = blocks_problems(blocks, "/blocks", max_blocks=50)
            if problems:
                raise SlackError("invalid_blocks", response_metadata={"messages": problems})

    def _chat_post_message(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._resolve_channel(params.get("channel"))
        self._check_message_body(params)
        ts = self._new_ts()
        message = self._message(str(params.get("text") or ""), params.get("blocks"), ts, params.get("metadata"))
        self.messages[(channel, ts)] = message
        return {"channel": channel, "ts": ts, "message": message}

    def _chat_post_ephemeral(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._resolve_channel(params.get("channel"))
        self._check_message_body(params)
        user = str(params.get("user") or "")
        if user not in self.users:
            raise SlackError("user_not_found")
        known = self.channels.get(channel)
        if known is not None and user not in known.members:
            raise SlackError("user_not_in_channel")
        return {"message_ts": self._new_ts()}

    def _chat_update(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._resolve_channel(params.get("channel"))
        key = (channel, str(params.get("ts") or ""))
        if key not in self.messages:
            raise SlackError("message_not_found")
        self._check_message_body(params)
        message = self._message(str(params.get("text") or ""), params.get("blocks"), key[1])
        self.messages[key] = message
        return {"channel": channel, "ts": key[1], "text": message["text"], "message": message}

    def _chat_delete(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._resolve_channel(params.get("channel"), for_posting=False)
        key = (channel, str(params.get("ts") or ""))
        if self.messages.pop(key, None) is None:
            raise SlackError("message_not_found")
        return {"channel": channel, "ts": key[1]}

    # --- conversations ----------------------------------------------------------------------------
    def _channel(self, params: dict[str, Any]) -> FakeChannel:
        channel = self.channels.get(str(params.get("channel") or ""))
        if channel is None or (channel.is_private and BOT_USER_ID not in channel.members):
            raise SlackError("channel_not_found")
        return channel

    def _member_channel(self, params: dict[str, Any]) -> FakeChannel:
        channel = self._channel(params)
        if channel.is_archived:
            raise SlackError("is_archived")
        if BOT_USER_ID not in channel.members:
            raise SlackError("not_in_channel")
        return channel

    def _conversations_create(self, params: dict[str, Any]) -> dict[str, Any]:
        name = str(params.get("name") or "")
        problem = channel_name_problem(name)
        if problem:
            raise SlackError(problem)
        if self.channel_named(name) is not None:
            raise SlackError("name_taken")
        channel = FakeChannel(
            id=self._new_id("C"),
            name=name,
            is_private=_truthy(params.get("is_private")),
            members={BOT_USER_ID},
        )
        self.channels[channel.id] = channel
        return {"channel": channel.to_api()}

    def _conversations_list(self, params: dict[str, Any]) -> dict[str, Any]:
        types = set(str(params.get("types") or "public_channel").split(","))
        listed = [
            c
            for c in self.channels.values()
            if (("private_channel" in types) if c.is_private else ("public_channel" in types))
            and (not c.is_private or BOT_USER_ID in c.members)
            and not (c.is_archived and _truthy(params.get("exclude_archived")))
        ]
        limit = max(1, min(int(params.get("limit") or 100), 1000))
        start = _decode_cursor(params.get("cursor"))
        page = listed[start : start + limit]
        more = start + limit < len(listed)
        next_cursor = base64.b64encode(f"offset:{start + limit}".encode()).decode() if more else ""
        return {"channels": [c.to_api() for c in page], "response_metadata": {"next_cursor": next_cursor}}

    def _conversations_history(self, params: dict[str, Any]) -> dict[str, Any]:
        """Newest first; ``metadata`` only with ``include_all_metadata``; the bot must be a member."""
        channel = self._channel(params)
        if BOT_USER_ID not in channel.members:
            raise SlackError("not_in_channel")
        limit = max(1, min(int(params.get("limit") or 100), 999))
        found = [m for (c, _), m in self.messages.items() if c == channel.id]
        found.sort(key=lambda m: float(m["ts"]), reverse=True)
        keep = _truthy(params.get("include_all_metadata"))
        page = [m if keep else {k: v for k, v in m.items() if k != "metadata"} for m in found[:limit]]
        return {"messages": page, "has_more": len(found) > limit, "response_metadata": {"next_cursor": ""}}

    def _conversations_info(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"channel": self._channel(params).to_api()}

    def _conversations_join(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(params)
        if channel.is_archived:
            raise SlackError("is_archived")
        if channel.is_private:
            raise SlackError("method_not_supported_for_channel_type")
        if BOT_USER_ID in channel.members:
            already = "already_in_channel"
            return {
                "channel": channel.to_api(),
                "warning": already,
                "response_metadata": {"warnings": [already]},
            }
        channel.members.add(BOT_USER_ID)
        return {"channel": channel.to_api()}

    def _conversations_invite(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._member_channel(params)
        users = [u.strip() for u in str(params.get("users") or "").split(",") if u.strip()]
        if not users:
            raise SlackError("no_user")
        errors = []
        for user in users:
            if user == BOT_USER_ID:
                error = "cant_invite_self"
            elif user not in self.users or self.users[user]["deleted"]:
                error = "user_not_found"
            elif user in channel.members:
                error = "already_in_channel"
            else:
                continue
            errors.append({"user": user, "ok": False, "error": error})
        if errors and not _truthy(params.get("force")):
            raise SlackError(errors[0]["error"], errors=errors)
        failed = {e["user"] for e in errors}
        channel.members.update(u for u in users if u not in failed)
        return {"channel": channel.to_api()}

    def _conversations_set_topic(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._member_channel(params)
        topic = str(params.get("topic") or "")
        if len(topic) > 250:
            raise SlackError("too_long")
        channel.topic = topic
        return {"channel": channel.to_api()}

    def _conversations_set_purpose(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._member_channel(params)
        purpose = str(params.get("purpose") or "")
        if len(purpose) > 250:
            raise SlackError("too_long")
        channel.purpose = purpose
        return {"channel": channel.to_api()}

    # --- validation (pure functions; also handy for unit tests of the adapter's builders) -------------
    # --- direct messages and files (v2 upload) ----------------------------------------------------
    def _conversations_open(self, params: dict[str, Any]) -> dict[str, Any]:
        """A DM with one user (``users``); the id is the one chat.postMessage to that user posts in."""
        if params.get("channel"):
            channel = str(params["channel"])
            if not channel.startswith("D"):
                raise SlackError("channel_not_found")
            return {"channel": {"id": channel}, "no_op": True, "already_open": True}
        users = [u for u in str(params.get("users") or "").split(",") if u]
        if not users:
            raise SlackError("users_list_not_supplied")
        if len(users) > 1:
            raise SlackError("not_enough_users")  # a group DM (mpim) is not what this fake models
        if users[0] not in self.users:
            raise SlackError("user_not_found")
        dm = "D" + users[0][1:]
        return {"channel": {"id": dm, "is_im": True, "user": users[0]}}

    def _files_get_upload_url_external(self, params: dict[str, Any]) -> dict[str, Any]:
        filename = str(params.get("filename") or "")
        length = str(params.get("length") or "")
        if not filename:
            raise _invalid_arguments("[ERROR] missing required field: filename")
        if not length.isdigit() or int(length) < 1:
            raise _invalid_arguments("[ERROR] missing required field: length")
        file = FakeFile(self._new_id("F"), filename, int(length), alt_txt=params.get("alt_txt"))
        self.files[file.id] = file
        return {"upload_url": f"{self.root_url}upload/v1/{file.id}", "file_id": file.id}

    async def _handle_upload(self, request: web.Request) -> web.StreamResponse:
        """The upload URL: the raw bytes (what slack_sdk sends) or a multipart ``file`` part."""
        file = self.files.get(request.match_info["file_id"])
        if file is None or file.completed:
            return web.Response(status=404, text="Not Found")
        if request.content_type == "multipart/form-data":
            form = await request.post()
            part = form.get("file")
            data = part.file.read() if isinstance(part, web.FileField) else str(part or "").encode()
        else:
            data = await request.read()
        if len(data) != file.length:  # Slack checks the size reserved by getUploadURLExternal
            return web.Response(status=400, text=f"length mismatch: reserved {file.length}, got {len(data)}")
        file.data = data
        self.uploads.append((file.id, data))
        return web.Response(text=f"OK - {len(data)}", content_type="text/plain")

    def _files_complete_upload_external(self, params: dict[str, Any]) -> dict[str, Any]:
        entries = params.get("files")
        if not isinstance(entries, list) or not entries:
            raise _invalid_arguments("[ERROR] missing required field: files")
        files = []
        for entry in entries:
            file = self.files.get(str(entry.get("id") or "")) if isinstance(entry, Mapping) else None
            if file is None or file.data is None or file.completed:
                raise SlackError("file_not_found")
            files.append((file, entry))
        targets = [str(params["channel_id"])] if params.get("channel_id") else []
        targets += [c for c in str(params.get("channels") or "").split(",") if c]
        channels = [self._resolve_channel(target) for target in targets]
        for channel in channels:
            known = self.channels.get(channel)
            if known is not None and BOT_USER_ID not in known.members:
                raise SlackError("not_in_channel")
        for file, entry in files:
            file.completed = True
            file.title = str(entry.get("title") or file.filename)
            file.channels = channels
            file.initial_comment = params.get("initial_comment")
        for channel in channels:  # shared files show up as one message with the comment
            ts = self._new_ts()
            message = self._message(str(params.get("initial_comment") or ""), None, ts)
            message["files"] = [file.to_api() for file, _ in files]
            self.messages[(channel, ts)] = message
        return {"files": [file.to_api() for file, _ in files]}

    def files_in(self, channel: str) -> list[FakeFile]:
        """The files shared in ``channel`` (a DM id ``D…`` included), oldest first."""
        return [f for f in self.files.values() if f.completed and channel in f.channels]


def channel_name_problem(name: str) -> str | None:
    """Slack's error for a bad channel name, or None. Rules: lowercase letters, digits, '-', '_'; ≤80."""
    if not name:
        return "invalid_name_required"
    if len(name) > 80:
        return "invalid_name_maxlength"
    if any(not (ch.isdigit() or ch in "-_" or (ch.isalpha() and ch == ch.lower())) for ch in name):
        return "invalid_name_specials"
    if all(ch in "-_" for ch in name):
        return "invalid_name_punctuation"
    return None


def view_problems(view: Mapping[str, Any]) -> list[str]:
    """Slack-style ``invalid_arguments`` messages for a view breaking documented limits (empty if fine).

    Modal: title/submit/close ≤24 chars, ≤100 blocks, private_metadata ≤3000, callback_id ≤255,
    ``submit`` required when an input block is present; plus :func:`blocks_problems` per block.
    """
    problems: list[str] = []
    kind = view.get("type")
    if kind not in ("modal", "home"):
        problems.append("[ERROR] must be one of modal, home [json-pointer:/view/type]")
    if kind == "modal":
        if not isinstance(view.get("title"), dict):
            problems.append("[ERROR] missing required field: title [json-pointer:/view/title]")
        for key in ("title", "submit", "close"):
            problems += _text_problem(view.get(key), 24, f"/view/{key}/text")
    problems += _length_problem(view.get("private_metadata"), 3000, "/view/private_metadata")
    problems += _length_problem(view.get("callback_id"), 255, "/view/callback_id")
    blocks = view.get("blocks")
    if not isinstance(blocks, list):
        return [*problems, "[ERROR] missing required field: blocks [json-pointer:/view/blocks]"]
    if kind == "modal" and not view.get("submit") and any(b.get("type") == "input" for b in blocks):
        problems.append("[ERROR] submit is required with input blocks [json-pointer:/view/submit]")
    return problems + blocks_problems(blocks, "/view/blocks", max_blocks=100)


def blocks_problems(blocks: list[Any], pointer: str, *, max_blocks: int) -> list[str]:
    """Limits of blocks and the elements we use (modals allow 100 blocks, messages 50)."""
    problems: list[str] = []
    if len(blocks) > max_blocks:
        problems.append(f"[ERROR] no more than {max_blocks} items allowed [json-pointer:{pointer}]")
    seen: set[str] = set()
    for i, block in enumerate(blocks):
        where = f"{pointer}/{i}"
        if not isinstance(block, dict):
            problems.append(f"[ERROR] must be an object [json-pointer:{where}]")
            continue
        block_id = block.get("block_id")
        if isinstance(block_id, str):
            problems += _length_problem(block_id, 255, f"{where}/block_id")
            if block_id in seen:
                problems.append(f"[ERROR] duplicate block_id {block_id!r} [json-pointer:{where}/block_id]")
            seen.add(block_id)
        kind = block.get("type")
        if kind == "input":
            problems += _text_problem(block.get("label"), 2000, f"{where}/label/text")
            problems += _text_problem(block.get("hint"), 2000, f"{where}/hint/text")
        elif kind == "section":
            problems += _text_problem(block.get("text"), 3000, f"{where}/text/text")
            if len(block.get("fields") or []) > 10:
                problems.append(f"[ERROR] no more than 10 items allowed [json-pointer:{where}/fields]")
            for k, text_object in enumerate(block.get("fields") or []):
                problems += _text_problem(text_object, 2000, f"{where}/fields/{k}/text")
        elif kind == "header":
            problems += _text_problem(block.get("text"), 150, f"{where}/text/text")
        elif kind == "actions" and len(block.get("elements") or []) > 25:
            problems.append(f"[ERROR] no more than 25 items allowed [json-pointer:{where}/elements]")
        for key in ("element", "accessory"):
            if isinstance(block.get(key), dict):
                problems += _element_problems(block[key], f"{where}/{key}")
        if kind == "actions":
            for j, element in enumerate(block.get("elements") or []):
                problems += _element_problems(element, f"{where}/elements/{j}")
    return problems


def _element_problems(element: Mapping[str, Any], where: str) -> list[str]:
    problems = _length_problem(element.get("action_id"), 255, f"{where}/action_id")
    problems += _text_problem(element.get("placeholder"), 150, f"{where}/placeholder/text")
    kind = element.get("type")
    if kind == "button":
        problems += _text_problem(element.get("text"), 75, f"{where}/text/text")
        problems += _length_problem(element.get("value"), 2000, f"{where}/value")
    elif kind == "plain_text_input":
        for key, low in (("max_length", 1), ("min_length", 0)):
            value = element.get(key)
            if value is not None and not (isinstance(value, int) and low <= value <= 3000):
                problems.append(f"[ERROR] must be between {low} and 3000 [json-pointer:{where}/{key}]")
    if kind in ("checkboxes", "radio_buttons"):
        problems += _options_problems(element.get("options") or [], 10, f"{where}/options")
    elif kind in ("static_select", "multi_static_select", "overflow"):
        problems += _options_problems(element.get("options") or [], 100, f"{where}/options")
        groups = element.get("option_groups") or []
        if len(groups) > 100:
            problems.append(f"[ERROR] no more than 100 items allowed [json-pointer:{where}/option_groups]")
        for g, group in enumerate(groups):
            problems += _options_problems(group.get("options") or [], 100, f"{where}/option_groups/{g}/options")
    return problems


def _options_problems(options: list[Any], limit: int, where: str) -> list[str]:
    problems = []
    if len(options) > limit:
        problems.append(f"[ERROR] no more than {limit} items allowed [json-pointer:{where}]")
    for k, option in enumerate(options):
        problems += _text_problem(option.get("text"), 75, f"{where}/{k}/text/text")
        problems += _length_problem(option.get("value"), 150, f"{where}/{k}/value")
    return problems


def _text_problem(text_object: Any, limit: int, where: str) -> list[str]:
    if isinstance(text_object, dict):
        return _length_problem(text_object.get("text"), limit, where)
    return []


def _length_problem(value: Any, limit: int, where: str) -> list[str]:
    if isinstance(value, str) and len(value) > limit:
        return [f"[ERROR] must be less than {limit + 1} characters [json-pointer:{where}]"]
    return []


# --- request parsing helpers ----------------------------------------------------------------------
async def _read_params(request: web.Request) -> dict[str, Any]:
    """Merge query string, form fields and JSON body, decoding JSON-encoded fields."""
    params: dict[str, Any] = dict(request.query.items())
    if request.body_exists:
        if request.content_type == "application/json":
            payload = await request.json()
            if isinstance(payload, dict):
                params.update(payload)
        elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            for key, value in form.items():
                params[key] = value if isinstance(value, str) else getattr(value, "filename", repr(value))
            payload = _maybe_json(str(params.get("payload", "")))
            if isinstance(payload, dict):  # response_url posts may be form-encoded as payload=<json>
                del params["payload"]
                params.update(payload)
    for key in JSON_ENCODED_FIELDS & params.keys():
        if isinstance(params[key], str):
            params[key] = _maybe_json(params[key])
    return params


def _maybe_json(value: str) -> Any:
    if value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def _bearer(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    return header.removeprefix("Bearer ").strip() or None


def _pop_str(params: dict[str, Any], key: str) -> str | None:
    value = params.pop(key, None)
    return str(value) if value else None


def _truthy(value: Any) -> bool:
    """Slack booleans arrive as true/false/1/0 (slack_sdk sends "1"/"0" in query strings)."""
    return str(value).lower() in ("1", "true")


def _decode_cursor(cursor: Any) -> int:
    if not cursor:
        return 0
    try:
        kind, _, offset = base64.b64decode(str(cursor)).decode().partition(":")
        if kind == "offset":
            return int(offset)
    except ValueError:
        pass
    raise SlackError("invalid_cursor")


async def _render_failure(failure: _Failure) -> tuple[int, dict[str, Any], dict[str, str]]:
    if failure.delay:
        await asyncio.sleep(failure.delay)
    if failure.hold is not None:
        failure.hold.reached.set()
        await failure.hold.released.wait()
    headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
    return failure.status, {"ok": False, "error": failure.error, **failure.extra}, headers
