"""Each Slack request is acted on once, even when someone re-sends a copy.

A signed request stays valid for Slack's five-minute window, so a captured copy (a proxy log, a
compromised hop) could be posted again to reveal a password again. Slack's signature is an HMAC of
``v0:{timestamp}:{body}`` and Bolt compares it byte for byte, so the signature header names exactly
one (timestamp, body): its hash is recorded in ``seen_requests`` before the request reaches a listener,
and a copy finds it there and gets an empty HTTP 200 (what Slack treats as "received", so nothing is
retried and the copy does nothing).

Slack itself never re-sends an identical request: it does not retry slash commands or interactivity
payloads, and we subscribe to no Events API events (whose retries are re-signed and carry
``X-Slack-Retry-Num``). A user who presses Guardar again sends a new payload with a new signature, so
that case still reaches the handlers (see ``bot.slack.handlers.retry``).

Socket Mode requests are not signed (the websocket is ours, opened with the app token), so no one can
replay them; Slack may still deliver an envelope twice if our ack is lost on a reconnect, so envelopes
are recorded by ``envelope_id`` the same way (an envelope Slack re-sends with a new id is new to us).

When the database cannot record the key the request goes on (and is logged): the action needs the same
database, so it fails too and its handler answers in Spanish that the database is unavailable.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta

from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from sqlalchemy.exc import SQLAlchemyError

from storage import seen
from storage.db import Database
from storage.models import utcnow

log = logging.getLogger(__name__)

#: Bolt accepts a timestamp up to five minutes away from its clock, before or after.
WINDOW = timedelta(minutes=5)
#: A request first seen at ``t`` can carry a timestamp up to ``t + WINDOW`` and so pass until
#: ``t + 2 * WINDOW``; one more minute covers clock differences between processes.
RETENTION = 2 * WINDOW + timedelta(minutes=1)
PURGE_EVERY_SECONDS = 60.0


def signed_key(signature: str, timestamp: str) -> str:
    return "slack:" + hashlib.sha256(f"{timestamp}:{signature}".encode()).hexdigest()


def envelope_key(envelope_id: str) -> str:
    return "slack-envelope:" + hashlib.sha256(envelope_id.encode()).hexdigest()


class Once:
    """Remembers keys in the database and forgets them once no replay could pass anyway."""

    def __init__(self, db: Database, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.db = db
        self.clock = clock
        self._next_purge = 0.0

    async def first(self, key: str) -> bool:
        """True the first time ``key`` is seen by any process sharing the database."""
        try:
            if self.clock() >= self._next_purge:
                self._next_purge = self.clock() + PURGE_EVERY_SECONDS
                await seen.forget_before(self.db, utcnow() - RETENTION)
            return await seen.first_sighting(self.db, key)
        except SQLAlchemyError as exc:
            log.warning("Slack: no se pudo registrar la solicitud (%s); se atiende igual", type(exc).__name__)
            return True


class ReplayGuard(AsyncMiddleware):
    """Bolt middleware, after Bolt's signature check: a signed request already acted on gets 200 and
    nothing else."""

    def __init__(self, once: Once) -> None:
        self.once = once

    async def async_process(
        self,
        *,
        req: AsyncBoltRequest,
        resp: BoltResponse,
        next: Callable[[], Awaitable[BoltResponse]],
    ) -> BoltResponse:
        signature = _header(req, "x-slack-signature")
        if req.mode == "socket_mode" or not signature:  # Socket Mode: see Once, by envelope
            return await next()
        if await self.once.first(signed_key(signature, _header(req, "x-slack-request-timestamp"))):
            return await next()
        log.warning("Slack: solicitud repetida (misma firma) ignorada")
        return BoltResponse(status=200, body="")


def _header(req: AsyncBoltRequest, name: str) -> str:
    values = req.headers.get(name) or [""]
    return str(values[0])
