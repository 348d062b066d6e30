"""A signed Slack request is acted on once: a copy re-sent within the five-minute window (by anyone who
captured it) gets an empty 200 and does nothing, in one process or another sharing the database."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs

import pytest
from pydantic import SecretStr
from sqlalchemy import func, select

from bot.runtime import Core
from bot.slack import ids
from bot.slack.app import build_app, build_client
from bot.slack.replay import RETENTION, Once
from bot.slack.runner import run_slack, serve_http
from storage import seen
from storage.models import AuditEntry, SeenRequest, utcnow
from tests.fakes.slack_requests import SignedRequest, action_for, block_actions, post, serve_app, slash_command

from .conftest import Slack, menu_choice, settings_for
from .helpers import ALICE, all_text
from .test_transport import free_port

PASSWORD = "Kx7pQ2vLm9Zr"


async def card_with_server(slack: Slack) -> list[dict[str, Any]]:
    await slack.service.create(
        ALICE,
        {"doc_type": "1", "doc_number": "12345678", "name": "Con servidor"},
        servers=[{"host": "srv.pe", "password": PASSWORD}],
    )
    return (await slack.command("ver 12345678"))["blocks"]


def reveal_request(slack: Slack, blocks: list[dict[str, Any]]) -> tuple[str, SignedRequest]:
    block, value = menu_choice(blocks, "server", "Ver contraseña")
    name, url = slack.hook()
    return name, block_actions(action_for([block], ids.CARD_ITEM, value), is_ephemeral=True, response_url=url)


async def audit_count(slack: Slack, action: str) -> int:
    async with slack.core.db.session() as session:
        return int(
            (await session.execute(select(func.count()).where(AuditEntry.action == action))).scalar_one()  # type: ignore[arg-type]
        )


@asynccontextmanager
async def http_app(slack: Slack) -> AsyncIterator[str]:
    """The app over real HTTP, answering only once its listener has finished (so what a request did is
    done when its response arrives, and a test can count it)."""
    app = build_app(slack.core, build_client(slack.core.settings), process_before_response=True)
    async with serve_app(app) as url:
        yield url


async def test_a_re_sent_reveal_reveals_once(slack: Slack, caplog: pytest.LogCaptureFixture) -> None:
    blocks = await card_with_server(slack)
    name, request = reveal_request(slack, blocks)

    async with http_app(slack) as url:
        first = await post(url, *request)
        with caplog.at_level(logging.WARNING, logger="bot.slack.replay"):
            second = await post(url, *request)

    assert (first.status, second.status) == (200, 200)
    assert second.body == "" and PASSWORD not in second.body
    (revealed,) = slack.fake.responses_to(name)
    assert PASSWORD in all_text(revealed["blocks"])
    assert await audit_count(slack, "reveal_password") == 1
    assert "Slack: solicitud repetida (misma firma) ignorada" in caplog.messages


async def test_another_process_sharing_the_database_refuses_the_copy(slack: Slack) -> None:
    """Two HTTP servers (two processes behind a load balancer), each with its own app and memory."""
    blocks = await card_with_server(slack)
    name, request = reveal_request(slack, blocks)

    async with http_app(slack) as one, http_app(slack) as other:
        first = await post(one, *request)
        copy = await post(other, *request)

    assert (first.status, copy.status, copy.body) == (200, 200, "")
    assert len(slack.fake.responses_to(name)) == 1
    assert await audit_count(slack, "reveal_password") == 1


async def test_a_new_click_is_not_a_copy(slack: Slack) -> None:
    """The same button pressed twice is two requests (new trigger and timestamps): both are served."""
    blocks = await card_with_server(slack)
    async with http_app(slack) as url:
        for _ in range(2):
            _name, request = reveal_request(slack, blocks)
            assert (await post(url, *request)).status == 200
    assert await audit_count(slack, "reveal_password") == 2


async def test_the_product_http_server_drops_the_copy(slack: Slack, caplog: pytest.LogCaptureFixture) -> None:
    """`SLACK_MODE=http` as `clientes-bot run` serves it (Bolt acks first and works after)."""
    blocks = await card_with_server(slack)
    name, request = reveal_request(slack, blocks)
    settings = settings_for(slack.fake, slack_mode="http")
    core = Core(settings, slack.core.db, slack.core.box, slack.core.service)
    port = free_port()
    runner = await serve_http(core, host="127.0.0.1", port=port)
    try:
        url = f"http://127.0.0.1:{port}/slack/events"
        assert (await post(url, *request)).status == 200
        await slack.responses(name)  # the reveal is done
        with caplog.at_level(logging.WARNING, logger="bot.slack.replay"):
            copy = await post(url, *request)
    finally:
        await runner.cleanup()
    assert (copy.status, copy.body) == (200, "")
    assert "Slack: solicitud repetida (misma firma) ignorada" in caplog.messages
    assert await audit_count(slack, "reveal_password") == 1


async def test_keys_are_kept_while_a_copy_could_pass_then_purged(slack: Slack) -> None:
    db = slack.core.db
    now = utcnow()
    assert await seen.first_sighting(db, "old", now=now - RETENTION - timedelta(seconds=1))
    assert await seen.first_sighting(db, "recent", now=now - RETENTION + timedelta(seconds=30))
    assert not await seen.first_sighting(db, "recent")

    assert await Once(db).first("new")  # the first call of a process purges

    async with db.session() as session:
        keys = set((await session.execute(select(SeenRequest.key))).scalars())
    assert keys == {"recent", "new"}


async def test_a_re_delivered_socket_mode_envelope_is_only_acknowledged(
    slack: Slack, caplog: pytest.LogCaptureFixture
) -> None:
    """Socket Mode is not signed; Slack may still deliver an envelope again (an ack lost on a reconnect)."""
    settings = settings_for(slack.fake, slack_mode="socket", slack_app_token=SecretStr("xapp-1-A0CLIENTES-1-s3cr3t"))
    core = Core(settings, slack.core.db, slack.core.box, slack.core.service)
    task = asyncio.create_task(run_slack(core))
    try:
        await slack.fake.wait_socket_connected()
        name, hook = slack.hook()
        body, _headers = slash_command("/clientes", "lista", response_url=hook)
        payload = {key: values[0] for key, values in parse_qs(body).items()}
        envelope = {"envelope_id": "e-0001", "type": "slash_commands", "payload": payload}
        socket = slack.fake._sockets[-1]  # the fake's socket_send draws a new envelope id; Slack's would not
        await socket.send_json({**envelope, "accepts_response_payload": True})
        assert await slack.fake.socket_ack("e-0001") == {"envelope_id": "e-0001"}
        await slack.responses(name)  # answered through the response_url, so a lost ack loses no answer
        slack.fake._socket_ack_events["e-0001"].clear()
        with caplog.at_level(logging.WARNING, logger="bot.slack"):
            await socket.send_json({**envelope, "accepts_response_payload": True})
            ack = await slack.fake.socket_ack("e-0001")
            assert "Slack: sobre de Socket Mode repetido ignorado" in [r.getMessage() for r in caplog.records]
        assert ack == {"envelope_id": "e-0001"}
        assert len(slack.fake.responses_to(name)) == 1
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
