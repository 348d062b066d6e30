"""The fake Discord's gateway: one websocket per client (HELLO, IDENTIFY/READY, RESUME, heartbeats,
member requests) and the events the fake dispatches to every identified session.
"""

from __future__ import annotations

import asyncio
import copy
import json
import secrets
import zlib
from collections.abc import Mapping
from typing import Any

import aiohttp
from aiohttp import web

from tests.fakes.discord_state import DiscordState


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


class DiscordGateway(DiscordState):
    """Websocket sessions on top of the state they report."""

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
            self.peak_gateway_sessions = max(self.peak_gateway_sessions, self.gateway_sessions)
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
