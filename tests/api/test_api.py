"""The onboarding HTTP API over real HTTP on 127.0.0.1, on a real database."""

from __future__ import annotations

import gzip
import logging
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.api.server import build_api
from commands.access import Actor
from commands.service import ClientService
from storage.crypto import SecretBox
from storage.db import Database
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


async def _queued_texts(service: ClientService) -> list[str]:
    async with service.db.session() as session:
        jobs = (await session.execute(select(OutboxJob).where(OutboxJob.kind == "post_message"))).scalars().all()
    return [job.payload["text"] for job in jobs]


async def test_nul_in_ref_is_a_spanish_422_on_every_engine(
    http: TestClient, service: ClientService, ana: Actor
) -> None:
    await service.create(ana, RUC, integrations={"slack_channel": "empresa"})
    for response in (
        await http.get("/api/v1/clients/2010%00", headers=AUTH),
        await http.post("/api/v1/clients/2010%00/messages", json={"text": "hola"}, headers=AUTH),
    ):
        assert response.status == 422
        assert (await response.json())["errors"] == {
            "query.client": "Cliente: contiene caracteres de control no permitidos."
        }
    too_long = await http.get("/api/v1/clients/" + "x" * 201, headers=AUTH)
    assert too_long.status == 422 and "admite como máximo 200" in (await too_long.json())["error"]
    huge_id = await http.get("/api/v1/clients/%2399999999999999999999", headers=AUTH)
    assert huge_id.status == 404 and "No se encontró" in (await huge_id.json())["error"]


async def test_message_body_shape_is_checked_before_anything(
    http: TestClient, service: ClientService, ana: Actor
) -> None:
    await service.create(ana, RUC, integrations={"slack_channel": "empresa"})
    url = "/api/v1/clients/20100070970/messages"
    cases: list[tuple[object, dict[str, str]]] = [
        (
            {"text": "x", "platforms": [["slack"]]},
            {"platforms": "«platforms» debe ser una lista con «slack» y/o «discord»."},
        ),
        (
            {"text": "x", "platforms": "slack"},
            {"platforms": "«platforms» debe ser una lista con «slack» y/o «discord»."},
        ),
        ({"text": "x", "platforms": []}, {"platforms": "«platforms» debe ser una lista con «slack» y/o «discord»."}),
        ({"text": 5}, {"text": "«text» debe ser un texto."}),
        ({"text": None}, {"text": "«text» debe ser un texto."}),
        ({"platforms": ["slack"]}, {"text": "Falta «text» (texto del mensaje)."}),
    ]
    for body, errors in cases:
        response = await http.post(url, json=body, headers=AUTH)
        assert response.status == 422, body
        assert (await response.json())["errors"] == errors, body
    extra = await http.post(url, json={"text": "x", "txt": "y"}, headers=AUTH)
    assert extra.status == 422 and "«txt» no es un campo conocido" in (await extra.json())["error"]
    for raw in (b"[]", b'"texto"', b"1", b"null"):
        response = await http.post(url, data=raw, headers=AUTH)
        assert response.status == 422 and (await response.json())["error"].startswith(
            "El cuerpo debe ser un objeto JSON"
        )
    nul = await http.post(url, json={"text": "hola\x00adiós"}, headers=AUTH)
    assert nul.status == 422 and (await nul.json())["errors"] == {
        "message.text": "Mensaje: contiene caracteres de control no permitidos."
    }
    surrogate = await http.post(url, data='{"text": "\\ud800"}', headers=AUTH)
    assert surrogate.status == 422
    assert await _queued_texts(service) == []  # nothing bad was queued for posting


async def test_transport_oddities_get_spanish_json(
    http: TestClient, service: ClientService, ana: Actor, caplog: pytest.LogCaptureFixture
) -> None:
    await service.create(ana, RUC, integrations={"slack_channel": "empresa"})
    url = "/api/v1/clients/20100070970/messages"

    async def answer(response) -> tuple[int, str]:  # type: ignore[no-untyped-def]
        assert response.content_type == "application/json"
        return response.status, (await response.json())["error"]

    status, error = await answer(await http.post(url, data=b'{"text": "Jos\xe9"}', headers=AUTH))
    assert status == 400 and error.startswith("El cuerpo debe ser JSON en UTF-8")
    status, error = await answer(await http.post(url, data=b"[" * 60000, headers=AUTH))
    assert status == 400 and error.startswith("El cuerpo debe ser JSON")
    status, error = await answer(await http.post(url, data=b"x" * (65 * 1024), headers=AUTH))
    assert (status, error) == (413, "El cuerpo supera el máximo de 64 KiB.")
    plain = {**AUTH, "Content-Type": "text/plain; charset=klingon"}  # an unknown charset is not a LookupError
    status = (await http.post(url, data=b'{"text": "hola"}', headers=plain)).status
    assert status == 202
    gzipped = {**AUTH, "Content-Encoding": "gzip"}
    status, error = await answer(await http.post(url, data=b"not gzip", headers=gzipped))
    assert status == 400 and error.startswith("No se pudo leer el cuerpo")
    bomb = gzip.compress(b'{"text": "' + b"a" * 200_000 + b'"}')  # 64 KiB counts after decompressing
    status, error = await answer(await http.post(url, data=bomb, headers=gzipped))
    assert (status, error) == (413, "El cuerpo supera el máximo de 64 KiB.")
    status, error = await answer(await http.get("/api/v1/nada", headers=AUTH))
    assert status == 404 and error.startswith("No existe esa ruta")
    status, error = await answer(await http.delete("/api/v1/clients/20100070970", headers=AUTH))
    assert (status, error) == (405, "Método no permitido en esta ruta.")
    status, error = await answer(await http.get("/api/v1/clients/x", headers={"Authorization": "Bearer \xff\xfe"}))
    assert (status, error) == (401, "Falta el token o no es válido.")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]  # no traceback in the log either


async def test_request_line_over_8k_is_refused_without_a_traceback(
    http: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        response = await http.get("/api/v1/clients/" + "x" * 9000, headers=AUTH)
    assert response.status == 400
    records = [r for r in caplog.records if r.name == "aiohttp.server"]
    assert records and all(r.exc_info is None and r.levelno == logging.WARNING for r in records)
    assert "x" * 100 not in caplog.text and "Traceback" not in caplog.text


async def test_database_gone_is_a_spanish_503(box: SecretBox) -> None:
    """The database unreachable (down, or a network cut): the flow is told to retry, in Spanish, and the
    server keeps answering."""
    gone = Database("postgresql://nobody@127.0.0.1:9/none")
    api = build_api(ClientService(gone, box), TOKEN)
    try:
        async with TestClient(TestServer(api, host="127.0.0.1")) as client:
            for method, path, body in (
                ("GET", "/api/v1/clients/20100070970", None),
                ("POST", "/api/v1/clients/20100070970/messages", {"text": "hola"}),
            ):
                response = await client.request(method, path, json=body, headers=AUTH)
                assert response.status == 503
                assert "La base de datos no está disponible" in (await response.json())["error"]
            assert (await client.get("/healthz")).status == 200
    finally:
        await gone.dispose()
