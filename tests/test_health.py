"""`/readyz` over real HTTP: each of its checks fails on its own, with a Spanish reason naming it.

(The database check against a PostgreSQL that is really stopped is in tests/cli/test_service_process.py.)
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import update

from bot import metrics
from bot.health import Health, health_app
from commands.access import Actor
from commands.channels import ProvisionResult
from commands.outbox import OutboxWorker
from commands.service import ClientService
from storage.db import Database
from storage.models import OutboxJob, utcnow
from tests.commands.test_outbox import RUC, ScriptedPlatform


@pytest.fixture
async def http(db: Database) -> AsyncIterator[tuple[TestClient, Health]]:
    metrics.forget_adapters()
    worker = OutboxWorker(db, {"slack": ScriptedPlatform("slack", ProvisionResult("C1", True))})
    health = Health(db, worker, stuck_after=60, adapters=("slack", "discord"))
    metrics.adapter_state("slack", "connected")
    metrics.adapter_state("discord", "standby")  # a second process waiting to take over: healthy
    async with TestClient(TestServer(health_app(health), host="127.0.0.1")) as client:
        yield client, health
    metrics.forget_adapters()


async def test_ready_when_every_check_passes(http: tuple[TestClient, Health]) -> None:
    client, _ = http
    answer = await client.get("/readyz")
    assert answer.status == 200
    assert await answer.json() == {
        "ready": True,
        "checks": {"database": "ok", "slack": "connected", "discord": "standby", "outbox_oldest_due_seconds": 0.0},
    }
    assert (await client.get("/healthz")).status == 200


async def test_an_adapter_that_is_not_connected_is_named(http: tuple[TestClient, Health]) -> None:
    client, _ = http
    metrics.adapter_state("discord", "disconnected")
    answer = await client.get("/readyz")
    assert answer.status == 503
    body = await answer.json()
    assert body["ready"] is False and body["reason"] == "Discord no está conectado (disconnected)."


async def test_a_stuck_outbox_is_not_ready(http: tuple[TestClient, Health], service: ClientService, ana: Actor) -> None:
    client, health = http
    await service.create(ana, RUC, integrations={"slack_channel": "acme", "discord_channel": "acme"})
    assert (await client.get("/readyz")).status == 200  # due now: the worker has not had its turn yet
    async with service.db.session() as session, session.begin():
        await session.execute(
            update(OutboxJob)
            .where(OutboxJob.platform == "discord")
            .values(next_attempt_at=utcnow() - timedelta(hours=1))
        )
    # A Discord job waiting an hour does not concern a process that does not serve Discord...
    assert (await client.get("/readyz")).status == 200
    async with service.db.session() as session, session.begin():
        await session.execute(update(OutboxJob).values(next_attempt_at=utcnow() - timedelta(minutes=5)))
    answer = await client.get("/readyz")  # ...a Slack one it serves does
    body = await answer.json()
    assert answer.status == 503
    assert body["reason"].startswith(
        "El trabajador de canales está atascado: un trabajo pendiente espera desde hace 30"
    )
    assert body["checks"]["outbox_oldest_due_seconds"] >= 300

    page = await (await client.get("/metrics")).text()
    assert "clientes_outbox_depth 2.0" in page
    assert health.worker is not None and await health.worker.run_once() == 1  # the worker catches up
    assert (await client.get("/readyz")).status == 200
