"""Answers shaped like Discord's: the exact JSON Content-Type discord.py reads and the ``Via`` header
without which discord.py takes a 429 for a Cloudflare ban.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from aiohttp import web

from tests.fakes.discord_state import Json

_BASE_HEADERS = {"Via": "1.1 google"}


def _json(data: Json, status: int = 200, headers: Mapping[str, str] | None = None) -> web.Response:
    """A JSON answer with the exact Content-Type discord.py's ``json_or_text`` insists on."""
    merged = {**_BASE_HEADERS, **(headers or {})}
    return web.Response(body=json.dumps(data).encode(), status=status, content_type="application/json", headers=merged)


def _no_content() -> web.Response:
    return web.Response(status=204, headers=_BASE_HEADERS)


def _error(status: int, code: int, message: str, errors: dict[str, Any] | None = None) -> web.Response:
    body: dict[str, Any] = {"message": message, "code": code}
    if errors:
        body["errors"] = errors
    return _json(body, status)
