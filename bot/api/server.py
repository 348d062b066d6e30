"""`POST /api/v1/clients/{ref}/messages` and `GET /api/v1/clients/{ref}`, behind a bearer token.

`{ref}` is what a person would type in `/clientes ver`: a document number, `#id` (URL-encoded as
`%2312`) or a name fragment. Messages are queued in the outbox and answered with 202: the worker
delivers them when the channel exists and retries platform outages, so a flow never has to.
"""

from __future__ import annotations

import hmac
import json
import logging
from functools import partial
from typing import Any

from aiohttp import web

from commands.access import Actor
from commands.errors import Ambiguous, CoreError, FieldErrors, NotFound, StorageUnavailable
from commands.service import ClientService
from commands.views import ClientCard

log = logging.getLogger(__name__)

API_ACTOR = Actor("api", "onboarding", "API de onboarding")
SERVICE_KEY = web.AppKey("service", ClientService)
TOKEN_KEY = web.AppKey("token", str)
MAX_BODY = 64 * 1024
_dumps = partial(json.dumps, ensure_ascii=False)  # Spanish messages stay readable in the body


def _error(status: int, message: str, **extra: Any) -> web.Response:
    return web.json_response(dumps=_dumps, data={"error": message, **extra}, status=status)


@web.middleware
async def _bearer(request: web.Request, handler: Any) -> web.StreamResponse:
    if request.path.startswith("/api/"):
        given = request.headers.get("Authorization", "")
        expected = f"Bearer {request.app[TOKEN_KEY]}"
        if not hmac.compare_digest(given.encode(), expected.encode()):
            return web.json_response(
                dumps=_dumps,
                data={"error": "Falta el token o no es válido."},
                status=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
    return await handler(request)


def _client_json(card: ClientCard) -> dict[str, Any]:
    """What a flow needs to address a client; never server data."""
    return {
        "id": card.id,
        "name": card.name,
        "document": card.document,
        "channels": [
            {
                "platform": status.platform,
                "name": status.name,
                "state": status.state,
                "channel_id": card.slack_channel_id if status.platform == "slack" else card.discord_channel_id,
                "detail": status.detail,
            }
            for status in card.channels
        ],
    }


async def _find(request: web.Request) -> ClientCard:
    return await request.app[SERVICE_KEY].find(API_ACTOR, request.match_info["ref"])


def _core_error(exc: CoreError) -> web.Response:
    if isinstance(exc, Ambiguous):
        choices = [{"id": c.id, "name": c.name, "document": c.document} for c in exc.choices]
        return _error(409, str(exc), choices=choices)
    if isinstance(exc, NotFound):
        return _error(404, str(exc))
    if isinstance(exc, FieldErrors):
        return _error(422, str(exc), errors=exc.by_path())
    if isinstance(exc, StorageUnavailable):
        return _error(503, str(exc))
    return _error(400, str(exc))


async def get_client(request: web.Request) -> web.Response:
    try:
        return web.json_response(dumps=_dumps, data=_client_json(await _find(request)))
    except CoreError as exc:
        return _core_error(exc)


async def post_message(request: web.Request) -> web.Response:
    try:
        body = await request.json()
    except ValueError:
        return _error(400, 'El cuerpo debe ser JSON: {"text": "…", "platforms": ["slack", "discord"]}.')
    if not isinstance(body, dict) or not isinstance(body.get("text"), str):
        return _error(422, "Falta «text» (texto del mensaje).")
    platforms = body.get("platforms")
    if platforms is not None and (
        not isinstance(platforms, list) or not set(platforms) <= {"slack", "discord"} or not platforms
    ):
        return _error(422, "«platforms» debe ser una lista con «slack» y/o «discord».")
    try:
        card = await _find(request)
        jobs = await request.app[SERVICE_KEY].post_message(API_ACTOR, card.id, body["text"], platforms)
    except CoreError as exc:
        return _core_error(exc)
    return web.json_response(dumps=_dumps, data={"client": _client_json(card), "queued": jobs}, status=202)


async def health(_request: web.Request) -> web.Response:
    return web.json_response(dumps=_dumps, data={"ok": True})


def build_api(service: ClientService, token: str) -> web.Application:
    if not token:
        raise ValueError("API_TOKEN vacío: la API no se inicia sin token")
    app = web.Application(middlewares=[_bearer], client_max_size=MAX_BODY)
    app[SERVICE_KEY] = service
    app[TOKEN_KEY] = token
    app.router.add_get("/healthz", health)
    app.router.add_get("/api/v1/clients/{ref}", get_client)
    app.router.add_post("/api/v1/clients/{ref}/messages", post_message)
    return app
