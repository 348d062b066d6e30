"""`/healthz`, `/readyz` and `/metrics`, on every HTTP port a bot process opens.

- `/healthz`: the process answers (its event loop runs). A load balancer or orchestrator restarts a
  process that stops answering it.
- `/readyz`: the process can do its work: the database answers within `DB_TIMEOUT`, every adapter
  this process runs is connected (or a healthy standby), and the outbox worker is not stuck (no due
  job of the platforms it serves has waited longer than OUTBOX_STUCK_SECONDS). 503 with a Spanish
  `reason` otherwise, so traffic goes to the other replicas until it recovers, without a restart.
- `/metrics`: Prometheus text (`bot.metrics`).

They need no token: they say nothing about clients. They are added to the API (API_PORT, when
API_TOKEN is set), to Slack's HTTP server (SLACK_PORT in HTTP mode), and served alone on HEALTH_PORT
when that is set to another port (Discord or Socket Mode processes, which open no port otherwise).
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy.exc import SQLAlchemyError

from bot import metrics
from commands.outbox import OutboxWorker
from storage.db import Database

log = logging.getLogger(__name__)

DB_TIMEOUT = 2.0  # seconds: a database slower than this to answer `SELECT 1` is not ready
HEALTH_KEY: web.AppKey[Health] = web.AppKey("health")
PATHS = ("/healthz", "/readyz", "/metrics")
_dumps = partial(json.dumps, ensure_ascii=False)
_NAMES = {"slack": "Slack", "discord": "Discord", "api": "La API HTTP"}
_FAILURES = (SQLAlchemyError, OSError, TimeoutError)


@dataclass
class Health:
    """What readiness looks at: the database, this process's adapters and its outbox worker."""

    db: Database
    worker: OutboxWorker | None = None
    stuck_after: float = 300.0
    adapters: tuple[str, ...] = field(default_factory=tuple)  # names given to metrics.adapter_state

    async def check(self) -> tuple[bool, dict[str, Any]]:
        """(ready, body): every check's outcome, and the first failure's Spanish reason."""
        checks: dict[str, Any] = {}
        reasons: list[str] = []
        try:
            await self.db.ping(DB_TIMEOUT)
            checks["database"] = "ok"
        except _FAILURES as exc:
            checks["database"] = type(exc).__name__
            reasons.append(f"La base de datos no responde ({type(exc).__name__}).")
        states = metrics.adapter_states()
        for name in self.adapters:
            state = states.get(name, "connecting")
            checks[name] = state
            if state not in metrics.UP_STATES:
                reasons.append(f"{_NAMES.get(name, name)} no está conectado ({state}).")
        if self.worker is not None and checks["database"] == "ok":
            try:
                async with asyncio.timeout(DB_TIMEOUT):
                    backlog = await self.worker.backlog()
            except _FAILURES as exc:
                reasons.append(f"No se pudo leer la cola de trabajos ({type(exc).__name__}).")
            else:
                checks["outbox_oldest_due_seconds"] = round(backlog.oldest_due, 1)
                if backlog.oldest_due > self.stuck_after:
                    reasons.append(
                        f"El trabajador de canales está atascado: un trabajo pendiente espera desde hace "
                        f"{backlog.oldest_due:.0f} s (OUTBOX_STUCK_SECONDS={self.stuck_after:.0f})."
                    )
        body: dict[str, Any] = {"ready": not reasons, "checks": checks}
        if reasons:
            body["reason"] = " ".join(reasons)
        return not reasons, body

    async def refresh_metrics(self) -> None:
        """The outbox and connection gauges, read now (a scrape sees the queue as it is)."""
        metrics.adapter_states()
        if self.worker is None:
            return
        try:
            async with asyncio.timeout(DB_TIMEOUT):
                backlog = await self.worker.backlog()
        except _FAILURES:
            return  # the database error itself is counted by the engine hook
        metrics.OUTBOX_DEPTH.set(backlog.depth)
        metrics.OUTBOX_OLDEST.set(backlog.oldest_due)


async def healthz(_request: web.Request) -> web.Response:
    return web.json_response(dumps=_dumps, data={"ok": True})


async def readyz(request: web.Request) -> web.Response:
    ready, body = await request.app[HEALTH_KEY].check()
    return web.json_response(dumps=_dumps, data=body, status=200 if ready else 503)


async def metrics_page(request: web.Request) -> web.Response:
    await request.app[HEALTH_KEY].refresh_metrics()
    response = web.Response(body=generate_latest())
    response.content_type = CONTENT_TYPE_LATEST.split(";")[0]
    response.charset = "utf-8"
    return response


def add_routes(app: web.Application, health: Health) -> None:
    app[HEALTH_KEY] = health
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics_page)


def health_app(health: Health) -> web.Application:
    app = web.Application()
    add_routes(app, health)
    return app
