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

The fake lives in small modules: ``discord_state`` (the guild, what was recorded, queries),
``discord_validation`` (Invalid Form Body checks), ``discord_routes`` (REST API), ``discord_gateway``
(websocket) and ``discord_http`` (answer helpers); this module assembles them and is what tests import.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any, Self

import yarl
from aiohttp import web

from tests.fakes.discord_routes import DiscordRoutes
from tests.fakes.discord_state import (
    ADMIN_ROLE_ID,
    API_PREFIX,
    APPLICATION_ID,
    BOT_USER_ID,
    CLIENTS_CATEGORY_ID,
    EVERYONE_ROLE_ID,
    FAKE_TOKEN,
    GATEWAY_PATH,
    GENERAL_CHANNEL_ID,
    GUILD_ID,
    ONBOARDING_CHANNEL_ID,
    OTHER_USER_ID,
    OWNER_USER_ID,
    TEAM_ROLE_ID,
    USER_ID,
    InteractionCallback,
    RecordedFile,
    RecordedRequest,
    snowflake,
    token_for,
)

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


class FakeDiscord(DiscordRoutes):
    """An aiohttp fake of Discord's REST API v10 (and gateway) holding one guild's state.

    Constructor knobs exist for what tests vary; everything else is the default world of ``discord_state``
    (guild "SaaS Clientes" with a "Clientes" category, #general and #altas, roles @everyone,
    "Equipo SAAS" and "Admin", members ana.torres, bruno.diaz and the bot).

    ``token``: when set, REST calls with another ``Authorization: Bot ...`` and gateway IDENTIFYs with
    another token are refused (401 / close 4004), as Discord does. ``ratelimit``: requests per
    one-second window per bucket reported in ``X-RateLimit-*`` headers (discord.py pre-emptively
    sleeps when a bucket reaches 0; it is never enforced with a 429 — use ``fail_next`` for that).
    """

    def __init__(self, **knobs: Any) -> None:
        """``knobs`` are :class:`DiscordState`'s keyword arguments (token, ids, names, limits)."""
        super().__init__(**knobs)
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
        if self.spec_violations and exc_type is None:
            listed = "\n".join(f"  {v}" for v in self.spec_violations)
            raise AssertionError(
                f"the bot sent {len(self.spec_violations)} body(ies) Discord's OpenAPI spec refuses:\n{listed}"
            )

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
