"""`POST /api/v1/clients/{ref}/messages` and `GET /api/v1/clients/{ref}`, behind a bearer token.

`{ref}` is what a person would type in `/clientes ver`: a document number, `#id` (URL-encoded as
`%2312`) or a name fragment. Messages are queued in the outbox and answered with 202: the worker
delivers them when the channel exists and retries platform outages, so a flow never has to.

Every answer is JSON with a Spanish `error`, whatever arrives: a body that is not UTF-8 or not JSON,
the wrong shape (checked by a pydantic model before anything else runs), an unknown route or method,
a body over 64 KiB. User text itself (`{ref}`, `text`) is checked by the core, like every adapter's.
"""

from __future__ import annotations

import hmac
import json
import logging
from functools import partial
from typing import Any, Literal

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot import metrics
from bot.health import Health, add_routes, healthz
from commands.access import Actor
from commands.errors import Ambiguous, CoreError, FieldErrors, NotFound, StorageUnavailable
from commands.service import ClientService
from commands.texts import texts
from commands.views import ClientCard

log = logging.getLogger(__name__)

API_ACTOR = Actor("api", "onboarding", "API de onboarding")
SERVICE_KEY = web.AppKey("service", ClientService)
TOKEN_KEY = web.AppKey("token", str)
MAX_BODY = 64 * 1024
_dumps = partial(json.dumps, ensure_ascii=False)  # Spanish messages stay readable in the body
BODY_HINT = '{"text": "…", "platforms": ["slack", "discord"]}'
_HTTP_MESSAGES = {
    404: "No existe esa ruta: use /api/v1/clients/{ref} o /api/v1/clients/{ref}/messages.",
    405: "Método no permitido en esta ruta.",
    413: f"El cuerpo supera el máximo de {MAX_BODY // 1024} KiB.",
}


class _MalformedHttp(logging.Filter):
    """aiohttp answers a request it cannot parse (a request line over 8 KiB, a bad header) with its own
    400 before any route runs, and logs it with a traceback at ERROR: make that one warning line.

    The parser's message quotes the request, so only the error's class is kept.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, HttpProcessingError):
            record.msg, record.args = (
                "API: petición HTTP mal formada rechazada (%s, %s)",
                (type(exc).__name__, exc.code),
            )
            record.exc_info = record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


_MALFORMED_HTTP = _MalformedHttp()


class MessageBody(BaseModel):
    """The body of `POST …/messages`; strict, so a number is not silently read as text."""

    model_config = ConfigDict(extra="forbid", strict=True)

    text: str
    platforms: list[Literal["slack", "discord"]] | None = Field(default=None, min_length=1)


def _shape_errors(exc: ValidationError) -> dict[str, str]:
    """Pydantic's English errors as one Spanish sentence per body field."""
    out: dict[str, str] = {}
    for error in exc.errors():
        key = str(error["loc"][0]) if error["loc"] else "body"
        if error["type"] == "extra_forbidden":
            out[key] = f"«{key}» no es un campo conocido: el cuerpo es {BODY_HINT}."
        elif key == "text":
            missing = error["type"] == "missing"
            out[key] = "Falta «text» (texto del mensaje)." if missing else "«text» debe ser un texto."
        elif key == "platforms":
            out[key] = "«platforms» debe ser una lista con «slack» y/o «discord»."
        else:
            out[key] = f"El cuerpo debe ser un objeto JSON: {BODY_HINT}."
    return out


def _error(status: int, message: str, **extra: Any) -> web.Response:
    return web.json_response(dumps=_dumps, data={"error": message, **extra}, status=status)


@web.middleware
async def _spanish_errors(request: web.Request, handler: Any) -> web.StreamResponse:
    """aiohttp's own 404/405/413 (English, text/plain) and any bug become a Spanish JSON answer."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return _error(exc.status, _HTTP_MESSAGES.get(exc.status, "Solicitud no válida."))
    except Exception:
        log.exception("API: error inesperado en %s %s", request.method, request.match_info.route.resource)
        return _error(500, texts().unexpected)


@web.middleware
async def _bearer(request: web.Request, handler: Any) -> web.StreamResponse:
    if request.path.startswith("/api/"):
        given = request.headers.get("Authorization", "")
        expected = f"Bearer {request.app[TOKEN_KEY]}"
        # Headers arrive surrogate-escaped when not UTF-8: encode them back rather than fail.
        if not hmac.compare_digest(given.encode("utf-8", "surrogateescape"), expected.encode()):
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


async def _message_body(request: web.Request) -> MessageBody | web.Response:
    """The parsed body, or the Spanish answer saying why it is not one (whatever the Content-Type)."""
    try:
        raw = await request.read()  # over MAX_BODY: HTTPRequestEntityTooLarge, answered by the middleware
    except (HttpProcessingError, web.RequestPayloadError):  # "Content-Encoding: gzip" over bytes that are not gzip
        # The rest of the body cannot be read either: end it here and close the connection, or aiohttp
        # would try to drain it after the answer, fail again and drop the connection with a traceback.
        request.content.feed_eof()
        response = _error(400, "No se pudo leer el cuerpo (¿Content-Encoding incorrecto?): envíe JSON sin comprimir.")
        response.force_close()
        return response
    try:
        body = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return _error(400, f"El cuerpo debe ser JSON en UTF-8: {BODY_HINT}.")
    except (ValueError, RecursionError):
        return _error(400, f"El cuerpo debe ser JSON: {BODY_HINT}.")
    if not isinstance(body, dict):
        return _error(422, f"El cuerpo debe ser un objeto JSON: {BODY_HINT}.")
    try:
        return MessageBody.model_validate(body)
    except ValidationError as exc:
        errors = _shape_errors(exc)
        return _error(422, " ".join(dict.fromkeys(errors.values())), errors=errors)


async def post_message(request: web.Request) -> web.Response:
    body = await _message_body(request)
    if isinstance(body, web.Response):
        return body
    try:
        card = await _find(request)
        jobs = await request.app[SERVICE_KEY].post_message(API_ACTOR, card.id, body.text, body.platforms)
    except CoreError as exc:
        return _core_error(exc)
    return web.json_response(dumps=_dumps, data={"client": _client_json(card), "queued": jobs}, status=202)


@web.middleware
async def _observed(request: web.Request, handler: Any) -> web.StreamResponse:
    """Requests to the API's routes, counted and timed by route (never by the client named in the path)."""
    if not request.path.startswith("/api/"):
        return await handler(request)
    route = "mensaje" if request.method == "POST" else "cliente"
    with metrics.observe("api", route):
        return await handler(request)


def build_api(service: ClientService, token: str, health: Health | None = None) -> web.Application:
    """The API; with `health`, `/healthz`, `/readyz` and `/metrics` too (no token: they name no client)."""
    if not token:
        raise ValueError("API_TOKEN vacío: la API no se inicia sin token")
    logging.getLogger("aiohttp.server").addFilter(_MALFORMED_HTTP)  # once: the same filter object
    app = web.Application(middlewares=[_observed, _spanish_errors, _bearer], client_max_size=MAX_BODY)
    app[SERVICE_KEY] = service
    app[TOKEN_KEY] = token
    if health is not None:
        add_routes(app, health)
    else:
        app.router.add_get("/healthz", healthz)
    app.router.add_get("/api/v1/clients/{ref}", get_client)
    app.router.add_post("/api/v1/clients/{ref}/messages", post_message)
    return app
