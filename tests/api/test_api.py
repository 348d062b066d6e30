"""The onboarding HTTP API over real HTTP on 127.0.0.1, on a real database."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.api.server import build_api
from commands.access import Actor
from commands.service import ClientService
from storage.models import OutboxJob

TOKEN = "api-token-for-tests"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
RUC = {"doc_type": "6", "doc_number": "20100070970", "name": "Empresa SAC"}


@pytest.fixture
async def http(service: ClientService) -> AsyncIterator[TestClient]:
    async with TestClient(TestServer(build_api(service, TOKEN), host="127.0.0.1")) as client:
        yield client


async def test_token_is_required(http: TestClient) -> None:
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": TOKEN}):
        response = await http.post("/api/v1/clients/x/messages", json={"text": "hola"}, headers=headers)
        assert response.status == 401 and response.headers["WWW-Authenticate"] == "Bearer"
    assert (await http.get("/healthz")).status == 200


async def test_message_is_queued_for_every_named_channel(http: TestClient, service: ClientService, ana: Actor) -> None:
    card = await service.create(ana, RUC, integrations={"slack_channel": "empresa", "discord_channel": "empresa"})
    response = await http.post("/api/v1/clients/20100070970/messages", json={"text": "Servidor listo"}, headers=AUTH)
    assert response.status == 202
    body = await response.json()
    assert body["client"]["id"] == card.id and len(body["queued"]) == 2
    assert [c["state"] for c in body["client"]["channels"]] == ["pendiente", "pendiente"]
    async with service.db.session() as session:
        queued = (await session.execute(select(OutboxJob).where(OutboxJob.kind == "post_message"))).scalars().all()
    assert sorted(j.platform for j in queued) == ["discord", "slack"]
    assert all(j.payload == {"text": "Servidor listo"} for j in queued)
    only_slack = await http.post(
        f"/api/v1/clients/%23{card.id}/messages", json={"text": "x", "platforms": ["slack"]}, headers=AUTH
    )
    assert only_slack.status == 202 and len((await only_slack.json())["queued"]) == 1


async def test_errors_are_clear(http: TestClient, service: ClientService, ana: Actor) -> None:
    await service.create(ana, {"doc_number": "12345678", "name": "Pérez Hermanos"})
    await service.create(
        ana, {"doc_number": "87654321", "name": "Pérez y Asociados"}, integrations={"slack_channel": "p"}
    )
    ambiguous = await http.post("/api/v1/clients/perez/messages", json={"text": "hola"}, headers=AUTH)
    assert ambiguous.status == 409 and len((await ambiguous.json())["choices"]) == 2
    missing = await http.post("/api/v1/clients/nadie/messages", json={"text": "hola"}, headers=AUTH)
    assert missing.status == 404 and "nadie" in (await missing.json())["error"]
    no_channel = await http.post("/api/v1/clients/12345678/messages", json={"text": "hola"}, headers=AUTH)
    assert no_channel.status == 404 and "no tiene canal" in (await no_channel.json())["error"]
    empty = await http.post("/api/v1/clients/87654321/messages", json={"text": " "}, headers=AUTH)
    assert empty.status == 422 and (await empty.json())["errors"] == {
        "message.text": "Mensaje: debe tener de 1 a 3000 caracteres."
    }
    assert (await http.post("/api/v1/clients/87654321/messages", data="{", headers=AUTH)).status == 400
    bad_platforms = await http.post(
        "/api/v1/clients/87654321/messages", json={"text": "x", "platforms": ["irc"]}, headers=AUTH
    )
    assert bad_platforms.status == 422


async def test_get_client_never_shows_servers(http: TestClient, service: ClientService, ana: Actor) -> None:
    await service.create(ana, RUC, servers=[{"host": "erp.empresa.pe", "password": "secreto"}])
    response = await http.get("/api/v1/clients/20100070970", headers=AUTH)
    body = await response.json()
    assert response.status == 200 and body["name"] == "Empresa SAC" and body["channels"] == []
    assert "secreto" not in str(body) and "erp.empresa.pe" not in str(body)
