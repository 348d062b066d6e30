"""The `clientes-bot` commands that print install material, run in-process with typer's runner."""

from __future__ import annotations

import base64
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from typer.testing import CliRunner

from bot.__main__ import app

runner = CliRunner()


def test_slack_manifest_socket_and_http() -> None:
    socket_mode = runner.invoke(app, ["slack-manifest"])
    assert socket_mode.exit_code == 0, socket_mode.output
    manifest = json.loads(socket_mode.stdout)
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert manifest["features"]["slash_commands"][0]["command"] == "/clientes"
    http = json.loads(runner.invoke(app, ["slack-manifest", "--http-url", "https://bot.pe/slack/events"]).stdout)
    assert http["settings"]["socket_mode_enabled"] is False
    assert http["settings"]["interactivity"]["request_url"] == "https://bot.pe/slack/events"


def test_discord_invite_from_token_or_option(monkeypatch: pytest.MonkeyPatch) -> None:
    app_id = "123456789012345678"
    token_head = base64.b64encode(app_id.encode()).decode().rstrip("=")
    monkeypatch.setenv("DISCORD_BOT_TOKEN", f"{token_head}.GxXxXx.not-a-real-token-just-its-shape")
    result = runner.invoke(app, ["discord-invite"])
    assert result.exit_code == 0, result.output
    query = parse_qs(urlsplit(result.stdout.strip()).query)
    assert query["client_id"] == [app_id]
    assert query["scope"] == ["bot applications.commands"]
    explicit = runner.invoke(app, ["discord-invite", "--client-id", "42"])
    assert parse_qs(urlsplit(explicit.stdout.strip()).query)["client_id"] == ["42"]


def test_discord_invite_without_id_explains(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISCORD_BOT_TOKEN", raising=False)
    monkeypatch.chdir("/")  # no .env here
    result = runner.invoke(app, ["discord-invite"])
    assert result.exit_code == 2
    assert "Indique --client-id" in result.output
