"""`bot.logs`: what the redaction masks (and keeps), the caps on body-printing loggers, LOG_LEVEL."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from pydantic import SecretStr

from bot import logs
from bot.logs import MASK, REDACT, register_secret, setup_logging
from bot.runtime import Core
from bot.slack.app import build_app, build_client
from commands.service import ClientService
from storage.crypto import SecretBox
from storage.db import Database
from tests.fakes.fake_slack import FakeSlack
from tests.fakes.slack_requests import dispatch, slash_command
from tests.slack_adapter.conftest import settings_for

PASSWORD = "Hq4 \"p}&=%ñ'x"  # spaces, quotes, braces and form delimiters: every encoding differs


@pytest.fixture
def stream() -> Iterator[io.StringIO]:
    """The product's setup at DEBUG writing to a buffer; the previous logging state restored after."""
    root = logging.getLogger()
    saved = (root.level, list(root.handlers), logging.getLogRecordFactory())
    levels = {name: logging.getLogger(name).level for name in logs.CAPPED}
    out = io.StringIO()
    setup_logging("DEBUG", stream=out)
    yield out
    root.setLevel(saved[0])
    for handler in root.handlers[:]:
        if handler not in saved[1]:
            root.removeHandler(handler)
    logging.setLogRecordFactory(saved[2])
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def slack_state_payload(password: str) -> dict:
    return {
        "type": "view_submission",
        "view": {
            "state": {
                "values": {
                    "server.0.password": {"password": {"type": "plain_text_input", "value": password}},
                    "server.0.host": {"host": {"type": "plain_text_input", "value": "srv.pe"}},
                }
            }
        },
    }


@pytest.mark.parametrize(
    "line",
    [
        pytest.param(
            "body: " + urlencode({"payload": json.dumps(slack_state_payload(PASSWORD), ensure_ascii=False)}),
            id="slack view_submission, form-encoded",
        ),
        pytest.param(json.dumps(slack_state_payload(PASSWORD)), id="slack state as JSON (ASCII-escaped)"),
        pytest.param(str(slack_state_payload(PASSWORD)), id="slack state as a Python repr"),
        pytest.param(urlencode({"user": "ana", "password": PASSWORD}), id="form field"),
        pytest.param(urlencode({"contraseña": PASSWORD}), id="form field in Spanish"),
        pytest.param(json.dumps({"contraseña": PASSWORD}), id="JSON field in Spanish"),
        pytest.param(f"Server(host='x', password={PASSWORD!r})", id="kwargs repr"),
        pytest.param(
            json.dumps({"blocks": [{"text": {"type": "plain_text", "text": f"Contraseña de srv.pe: {PASSWORD}"}}]}),
            id="slack reveal notice",
        ),
        pytest.param(
            f"Contraseña de **srv.pe** («ACME»): ||{PASSWORD.replace('|', '')}||\nSolo usted la ve.",
            id="discord reveal notice",
        ),
        pytest.param(
            str({"type": 18, "component": {"value": PASSWORD, "type": 4, "id": 2, "custom_id": "password"}}),
            id="discord modal component",
        ),
        pytest.param(
            json.dumps({"custom_id": "password", "type": 4, "value": PASSWORD}),
            id="discord modal component, custom_id first",
        ),
    ],
)
def test_secret_shaped_values_are_masked(line: str) -> None:
    masked = REDACT(line)
    encodings = {PASSWORD, json.dumps(PASSWORD)[1:-1], json.dumps(PASSWORD, ensure_ascii=False)[1:-1]}
    assert not [e for e in encodings if e in masked], masked
    assert "Hq4" not in masked and MASK in masked


@pytest.mark.parametrize(
    ("line", "hidden"),
    [
        ("Authorization: Bearer abcdefghijkl", "abcdefghijkl"),
        ("token xoxb-1234-5678-AbCdEf sent", "1234-5678-AbCdEf"),
        ("app xapp-1-A0C-1-deadbeefcafe", "deadbeefcafe"),
        ("refresh xoxe.xoxp-1-Zyxwvut", "Zyxwvut"),
        ("bot MTIzNDU2Nzg5MDEyMzQ1Njc4.GxXxXx.not-a-real-token-just-its-shape-x ok", "not-a-real-token"),
        ("key " + "A" * 43 + "= in use", "A" * 43),
        ("token gAAAAABlZ0123456789abcdefghijklmnopqrstuvwxyz_-0123456789== stored", "gAAAAABlZ0123"),
        ("postgresql://clientes:hunter22@db:5432/x", "hunter22"),
        ("https://hooks.slack.com/actions/T0/123/AbCdEfGh", "AbCdEfGh"),
        ("POST /interactions/1310000000000000999/aW50ZXJhY3Rpb246MTIzNDU2Nzg5/callback", "aW50ZXJhY3Rpb246"),
        ("wss://wss.slack.com/link/?ticket=7f3a-22b&app_id=A0", "7f3a-22b"),
        ("env SLACK_SIGNING_SECRET=0a1b2c3d4e", "0a1b2c3d4e"),
        ("password: two words", "two words"),
    ],
)
def test_tokens_keys_and_credentials_are_masked(line: str, hidden: str) -> None:
    assert hidden not in REDACT(line)


def test_ordinary_lines_are_left_alone() -> None:
    for line in (
        "Slack: response_url falló (404); se usa chat.postEphemeral",
        "outbox: slack channel #cliente-acme ready for client 12",
        "/clientes registrado en el servidor 1310000000000000100",
        "Clientes: 3 (página 1 de 1) 50% done",
        "SLACK_BOT_TOKEN está definido pero falta SLACK_SIGNING_SECRET: Slack no se inicia.",
        "Se generó una clave de cifrado nueva en data/secret.key (permisos 0600).",
        "DISCORD_GUILD_IDS está vacío: /clientes se registra globalmente y el bot responde en CUALQUIER servidor",
        "Bot conectado como clientes#1234",
    ):
        assert REDACT(line) == line
    assert REDACT("sent Bot MTIzNDU2Nzg5MDEyMzQ1Njc4 to the gateway") == f"sent Bot {MASK} to the gateway"


def test_configured_secrets_are_masked_in_every_encoding() -> None:
    secret = "s1gn&ng secret/ñ+"
    register_secret(secret)
    register_secret(SecretStr("abc"))  # too short to be told from ordinary text: ignored
    for shown in (secret, urlencode({"x": secret})[2:], json.dumps(secret)[1:-1]):
        assert "s1gn" not in REDACT(f"value {shown} end")
    assert REDACT("abc abc") == "abc abc"


def test_a_long_line_is_masked_in_linear_time() -> None:
    line = "a" * 200_000 + " password=" + PASSWORD + " " + "b.c-" * 50_000 + "%41" + "{value " * 10_000
    assert "Hq4" not in REDACT(line)


def test_body_loggers_are_capped_and_their_warnings_kept(stream: io.StringIO) -> None:
    for name in ("slack_bolt.AsyncApp", "slack_sdk.web.async_base_client", "discord.http", "sqlalchemy.engine"):
        library = logging.getLogger(name)
        library.setLevel(logging.DEBUG)  # what Bolt does to its own loggers: copy the root's level
        library.debug("Sending a request - body: password=%s", PASSWORD)
        library.info("Received the following response - body: %s", PASSWORD)
        library.warning("%s: rate limited, password=%s", name, PASSWORD)
    logging.getLogger("bot.x").debug("bot debug line")
    out = stream.getvalue()
    assert "Sending a request" not in out and "Received the following" not in out
    assert out.count("rate limited") == 4 and "bot debug line" in out
    assert "Hq4" not in out


async def test_a_badly_signed_request_is_one_warning_without_its_body(
    stream: io.StringIO, caplog: pytest.LogCaptureFixture, db: Database, box: SecretBox
) -> None:
    """Bolt's own "Invalid request signature detected (… body: …)" line, even when its logger is at
    INFO: dropped by our handler, and masked in every other handler's copy."""
    async with FakeSlack() as fake:
        settings = settings_for(fake)
        logging.getLogger("slack_bolt").setLevel(logging.INFO)  # as if an operator lowered it
        app = build_app(Core(settings, db, box, ClientService(db, box)), build_client(settings))
        body, headers = slash_command("/clientes", f"nuevo password={PASSWORD}")
        response = await dispatch(app, body, {**headers, "X-Slack-Signature": "v0=deadbeef"})
    assert response.status == 401
    bolt = [r for r in caplog.records if "Invalid request signature" in r.getMessage()]
    assert bolt, "Bolt logged nothing: the test would prove nothing"
    assert all("Hq4" not in r.getMessage() and MASK in r.getMessage() for r in bolt)
    assert "Invalid request signature" not in stream.getvalue()


def test_log_level_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch, stream: io.StringIO) -> None:
    monkeypatch.setenv("LOG_LEVEL", "warning")
    handler = setup_logging(stream=stream)
    assert logging.getLogger().level == logging.WARNING
    assert [h for h in logging.getLogger().handlers if isinstance(h, type(handler))] == [handler]  # replaced

    monkeypatch.setenv("LOG_LEVEL", "verbose")
    setup_logging(stream=stream)
    assert logging.getLogger().level == logging.INFO
    assert "WARNING bot: LOG_LEVEL='verbose' no es un nivel válido (DEBUG, INFO, WARNING, ERROR); se usa INFO.\n" in (
        stream.getvalue()
    )


def test_a_malformed_log_call_does_not_print_its_arguments(stream: io.StringIO) -> None:
    logging.getLogger("bot.x").warning("two %s %s", f"password={PASSWORD}")
    out = stream.getvalue()
    assert "argumentos omitidos" in out and "Hq4" not in out


JSON_SECRET = "Zx8kQ2mP9wLr"


def test_json_lines_are_one_object_each_masked_before_encoding(
    monkeypatch: pytest.MonkeyPatch, stream: io.StringIO
) -> None:
    monkeypatch.setenv("LOG_FORMAT", "json")
    setup_logging("DEBUG", stream=stream)
    log = logging.getLogger("bot.x")
    log.info("contraseña: %s\nsegunda línea «ñ» token=%s", JSON_SECRET, JSON_SECRET)  # masked to the end of line
    try:
        raise ValueError(f"password={JSON_SECRET}")
    except ValueError:
        log.exception("falló")
    lines = stream.getvalue().splitlines()
    entries = [json.loads(line) for line in lines]  # every line parses: nothing cut a line short
    assert [(e["level"], e["logger"]) for e in entries] == [("INFO", "bot.x"), ("ERROR", "bot.x")]
    assert entries[0]["message"].startswith(f"contraseña: {MASK}")
    assert "Traceback" in entries[1]["exception"] and "ValueError: password=" + MASK in entries[1]["exception"]
    assert JSON_SECRET not in stream.getvalue()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", entries[0]["time"])


def test_an_unknown_log_format_is_named_and_text_is_used(monkeypatch: pytest.MonkeyPatch, stream: io.StringIO) -> None:
    monkeypatch.setenv("LOG_FORMAT", "xml")
    setup_logging(stream=stream)
    assert "WARNING bot: LOG_FORMAT='xml' no es un formato válido (text, json); se usa text.\n" in stream.getvalue()
