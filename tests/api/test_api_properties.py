"""Arbitrary text through every HTTP API route: always a Spanish JSON answer, never a 500 or a traceback.

Runs on the suite's real database (SQLite, or PostgreSQL with DATABASE_URL), where NUL and lone
surrogates used to escape as DBAPIErrors. Hypothesis drives a sync test, so the server lives on its
own event loop (an `asyncio.Runner`) for the whole run instead of one loop per example.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from aiohttp.test_utils import TestClient, TestServer
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.api.server import build_api
from commands.access import Actor
from commands.service import ClientService
from storage.crypto import SecretBox, generate_key
from tests.conftest import _fresh_database

TOKEN = "api-token-for-properties"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
DOCUMENT = "20100070970"

# Markup of every surface the text may end up on, and the characters that broke an input before.
MARKUP = [
    "\x00",
    "\x1b[31m",
    "\ud800",
    "\udcff",
    "\u202e",
    "\u200d",
    "[/bold]",
    "[bold red]",
    "<!channel>",
    "<@U0ALICE>",
    "<#C123|x>",
    "@everyone",
    "**x**",
    "||x||",
    "`",
    "[x](https://evil.example)",
    "%00",
    "#",
    "#99999999999999999999",
    "²",
    "１２３",
    DOCUMENT,
]
SHORT_TEXT = st.one_of(
    st.text(st.characters(exclude_categories=()), max_size=40),
    st.lists(st.one_of(st.sampled_from(MARKUP), st.text(max_size=5)), max_size=6).map("".join),
)
# In a URL up to 600 characters (12 bytes each once percent-encoded: under the 8 KiB request line every
# HTTP server and proxy enforces; longer lines are the transport's 400, see test_api.py); in a body up
# to beyond the 64 KiB limit.
PATH_TEXT = st.one_of(
    SHORT_TEXT, st.builds(lambda ch, n: ch * n, st.characters(exclude_categories=()), st.integers(200, 600))
)
TEXT = st.one_of(
    SHORT_TEXT, st.builds(lambda ch, n: ch * n, st.characters(exclude_categories=()), st.integers(1000, 70_000))
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(["text", "platforms", "x"]), inner),
    max_leaves=8,
)
REF = st.one_of(PATH_TEXT, st.sampled_from([DOCUMENT, "#1", "Empresa"]))
# Spanish, and ours: every error the API writes says one of these (aiohttp's own are English text/plain).
SPANISH = re.compile(r"«|Falta|El cuerpo|No existe|No se encontró|Método|Varios clientes|Indique|debe|contiene|admite")


def _path(ref: str) -> str:
    """`ref` percent-encoded the way a client would; lone surrogates travel as the bytes of invalid UTF-8."""
    return quote(ref.encode("utf-8", "surrogatepass"), safe="")


def _encoded(value: Any) -> bytes:
    return json.dumps(value).encode()  # ensure_ascii: a lone surrogate travels as a "\ud800" escape


REQUESTS = st.one_of(
    st.tuples(st.just("GET"), REF.map(lambda r: f"/api/v1/clients/{_path(r)}"), st.just(b"")),
    st.tuples(
        st.just("POST"),
        REF.map(lambda r: f"/api/v1/clients/{_path(r)}/messages"),
        st.one_of(
            TEXT.map(lambda t: _encoded({"text": t})),
            st.tuples(TEXT, JSON).map(lambda tp: _encoded({"text": tp[0], "platforms": tp[1]})),
            JSON.map(_encoded),
            st.binary(max_size=200),
            TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")),
        ),
    ),
    st.tuples(
        st.sampled_from(["GET", "POST", "PUT", "DELETE"]), PATH_TEXT.map(lambda t: f"/api/v1/{_path(t)}"), st.just(b"")
    ),
)


@pytest.fixture
def api(tmp_path: Path, migrated_template: Path | None) -> Iterator[tuple[asyncio.Runner, TestClient]]:
    runner = asyncio.Runner()

    async def start() -> tuple[Any, TestClient]:
        db = await _fresh_database(tmp_path, migrated_template)
        service = ClientService(db, SecretBox([generate_key()]))
        actor = Actor("slack", "U0ANA", "Ana")
        await service.create(
            actor,
            {"doc_type": "6", "doc_number": DOCUMENT, "name": "Empresa SAC"},
            integrations={"slack_channel": "empresa", "discord_channel": "empresa"},
        )
        await service.create(actor, {"doc_number": "12345678", "name": "Empresa Dos"})
        client = TestClient(TestServer(build_api(service, TOKEN), host="127.0.0.1"))
        await client.start_server()
        return db, client

    db, client = runner.run(start())
    try:
        yield runner, client
    finally:
        runner.run(client.close())
        runner.run(db.dispose())
        runner.close()


async def _call(client: TestClient, method: str, path: str, body: bytes) -> tuple[int, str, bytes]:
    response = await client.request(method, path, data=body or None, headers=AUTH)
    return response.status, response.content_type, await response.read()


@example(("GET", "/api/v1/clients/%00", b""))
@example(("POST", f"/api/v1/clients/{DOCUMENT}/messages", b'{"text": "a\\u0000b"}'))
@example(("POST", f"/api/v1/clients/{DOCUMENT}/messages", b'{"text": "x", "platforms": [["slack"]]}'))
@example(("POST", f"/api/v1/clients/{DOCUMENT}/messages", b'{"text": "\\ud800"}'))
@example(("POST", f"/api/v1/clients/{DOCUMENT}/messages", b"\xff"))
@example(("GET", "/api/v1/clients/%ED%A0%80", b""))
@example(("GET", "/api/v1/clients/%23%C2%B2", b""))
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(REQUESTS)
def test_every_route_answers_in_spanish(
    api: tuple[asyncio.Runner, TestClient], request_: tuple[str, str, bytes]
) -> None:
    runner, client = api
    method, path, body = request_
    status, content_type, raw = runner.run(_call(client, method, path, body))
    assert status < 500, raw
    assert content_type == "application/json", raw
    answer = json.loads(raw)
    if status >= 400:
        assert isinstance(answer["error"], str) and SPANISH.search(answer["error"]), answer
    else:
        assert status in (200, 202) and "error" not in answer
