"""Request verification, HTTP mode as the process runs it, the manifest."""

from __future__ import annotations

import asyncio
import json
import socket
import time

import pytest
from pydantic import SecretStr

from bot.runtime import Core
from bot.slack import ids
from bot.slack.manifest import build_manifest
from bot.slack.runner import run_slack
from tests.fakes.slack_requests import Signing, action_for, block_actions, dispatch, post, slash_command

from .conftest import Slack, settings_for


async def test_bad_signature_and_old_timestamp_are_refused(slack: Slack) -> None:
    body, headers = slash_command("/clientes", "lista")
    tampered = await dispatch(slack.app, body.replace("lista", "nuevo"), headers)
    wrong = await dispatch(slack.app, *slash_command("/clientes", "lista", signing=Signing(secret="otro")))
    old = await dispatch(slack.app, *slash_command(signing=Signing(timestamp=int(time.time()) - 6 * 60)))
    assert (tampered.status, wrong.status, old.status) == (401, 401, 401)
    assert slack.fake.calls == []


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_http_mode_answers_a_signed_command_on_slack_events(slack: Slack) -> None:
    port = free_port()
    settings = settings_for(slack.fake, slack_mode="http", slack_port=port)
    core = Core(settings, slack.core.db, slack.core.box, slack.core.service)
    task = asyncio.create_task(run_slack(core))
    try:
        url = f"http://127.0.0.1:{port}/slack/events"
        for _ in range(200):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.1):
                    break
            except OSError:
                await asyncio.sleep(0.02)
        name, hook = slack.hook()
        reply = await post(url, *slash_command("/clientes", "ayuda", response_url=hook))
        assert reply.status == 200
        assert "/clientes nuevo" in str(json.loads(reply.body)["blocks"])  # the answer rides on the ack
        assert slack.fake.responses_to(name) == []
        refused = await post(url, *slash_command("/clientes", "ayuda", signing=Signing(secret="x")))
        assert refused.status == 401
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def test_socket_mode_connects_acks_and_answers(slack: Slack) -> None:
    """`run_slack` in Socket Mode: apps.connections.open with the app token, hello, envelope, ack, reply."""
    settings = settings_for(slack.fake, slack_mode="socket", slack_app_token=SecretStr("xapp-1-A0CLIENTES-1-s3cr3t"))
    core = Core(settings, slack.core.db, slack.core.box, slack.core.service)
    task = asyncio.create_task(run_slack(core))
    try:
        await slack.fake.wait_socket_connected()
        opened = slack.fake.last("apps.connections.open")
        assert opened.token == "xapp-1-A0CLIENTES-1-s3cr3t"
        name, hook = slack.hook()
        payload = {
            "command": "/clientes",
            "text": "lista",
            "user_id": "U0ALICE",
            "user_name": "alice",
            "team_id": "T0CLIENTES",
            "channel_id": "C0GENERAL",
            "trigger_id": "1.2.3",
            "response_url": hook,
            "api_app_id": "A0CLIENTES",
        }
        envelope = await slack.fake.socket_send("slash_commands", payload)
        ack = await slack.fake.socket_ack(envelope)
        assert ack == {"envelope_id": envelope}  # a bare ack: an answer on it would be lost with it
        listing = (await slack.responses(name))[0]
        assert listing["response_type"] == "ephemeral" and listing["text"] == "Clientes · Página 1 de 1 · 0 cliente(s)"
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


def test_manifest_for_both_modes() -> None:
    socket_mode = build_manifest(socket_mode=True)
    assert socket_mode["settings"]["socket_mode_enabled"] is True
    assert "url" not in socket_mode["features"]["slash_commands"][0]
    scopes = set(socket_mode["oauth_config"]["scopes"]["bot"])
    assert {"commands", "chat:write", "channels:manage", "usergroups:read"} <= scopes

    url = "https://bot.example.pe/slack/events"
    http = build_manifest(socket_mode=False, request_url=url, name="Clientes Dev")
    assert http["features"]["slash_commands"][0] == {
        "command": "/clientes",
        "description": "Registro de clientes",
        "usage_hint": http["features"]["slash_commands"][0]["usage_hint"],
        "should_escape": False,
        "url": url,
    }
    assert http["settings"]["interactivity"] == {
        "is_enabled": True,
        "request_url": url,
        "message_menu_options_url": url,
    }
    assert http["display_information"]["name"] == "Clientes Dev"


async def test_rate_limited_web_api_call_is_retried(slack: Slack) -> None:
    from .helpers import CLIENT_ANSWERS

    slack.fake.fail_next("chat.postEphemeral", status=429, retry_after=0)
    view = await slack.open_modal("nuevo")
    assert (await slack.submit(view, CLIENT_ANSWERS))["response_action"] == "update"
    calls = await slack.fake.wait_for("chat.postEphemeral", count=2, within=5.0)
    assert [c.status for c in calls] == [429, 200] and calls[1].ok


async def test_expired_response_url_falls_back_to_post_ephemeral(slack: Slack) -> None:
    from .helpers import make_client

    await make_client(slack.service, 1)
    card = await slack.command("ver 10000001")
    slack.fake.fail_next("response_url", status=404, error="expired_url")
    _name, hook = slack.hook()
    request = block_actions(action_for(card["blocks"], ids.CLIENT_HISTORY), is_ephemeral=True, response_url=hook)
    assert (await dispatch(slack.app, *request)).status == 200
    posted = await slack.next_call("chat.postEphemeral")
    assert posted.params["user"] == "U0ALICE" and "Cliente 01" in str(posted.params["blocks"])


async def test_an_answer_not_ready_in_time_follows_an_empty_ack(slack: Slack, monkeypatch: pytest.MonkeyPatch) -> None:
    """Slack drops an ack after 3 s: past ACK_WITHIN the ack goes out empty and the answer follows
    through the response_url."""
    from bot.slack.handlers import command

    from .helpers import make_client

    await make_client(slack.service, 1)
    monkeypatch.setattr(command, "ACK_WITHIN", 0)
    name, hook = slack.hook()
    acked = await dispatch(slack.app, *slash_command("/clientes", "ver 10000001", response_url=hook))
    assert acked.status == 200 and not acked.body
    answer = (await slack.responses(name))[0]
    assert answer["response_type"] == "ephemeral" and "Cliente 01" in str(answer["blocks"])


async def test_a_refused_views_open_is_explained_to_the_user(slack: Slack) -> None:
    slack.fake.fail_next("views.open", error="expired_trigger_id")
    reply = await slack.command("nuevo")
    assert "Slack rechazó la operación" in reply["text"]
