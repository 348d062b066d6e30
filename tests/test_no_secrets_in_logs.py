"""No log line carries a server password, a token, the signing secret or a key, at DEBUG.

Logging is configured by the product's own ``_setup_logging`` (``LOG_LEVEL=DEBUG``, the credentials in
the environment as an operator sets them), then every flow that carries a secret runs through its real
entry point: Slack create with a password, server edit with a new one, reveal (in process and over the
product's HTTP server), a badly signed view_submission holding a password; Discord add-server and
reveal, and a modal submission with a password over the gateway (`run_discord`); `clientes-bot import`
of a file with a password; the HTTP API. Everything emitted is captured —
the product handler's stderr, every record that reached the root logger (pytest's handler sits beside
ours and sees them before our handler's filter), and the CLI's output — and searched for each secret.
The passwords are letters and digits only, so they read the same raw, URL-encoded and JSON-escaped.
It runs twice: with the plain format and with ``LOG_FORMAT=json`` (where every line must also parse).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from discord.gateway import DiscordWebSocket
from discord.http import Route
from typer.testing import CliRunner

from bot import logs
from bot.__main__ import _setup_logging
from bot.__main__ import app as cli
from bot.api.server import build_api
from bot.config import Settings
from bot.discord.client import ClientesBot
from bot.discord.runner import run_discord
from bot.runtime import Core, policy_from
from bot.slack.app import build_app, build_client
from bot.slack.runner import serve_http
from commands.access import Actor
from commands.forms import SERVER
from commands.service import ClientService
from storage.crypto import SecretBox, generate_key
from storage.db import Database
from tests.discord_adapter.conftest import DiscordUI
from tests.fakes.discord_payloads import admin_member, login_without_gateway, modal_submit
from tests.fakes.fake_discord import ADMIN_ROLE_ID, FAKE_TOKEN, GUILD_ID, FakeDiscord
from tests.fakes.fake_slack import FakeSlack
from tests.fakes.slack_requests import SIGNING_SECRET, action_for, block_actions, post, view_submission
from tests.slack_adapter.conftest import Slack, menu_choice
from tests.slack_adapter.helpers import CLIENT_ANSWERS, RUC, all_text
from tests.slack_adapter.test_transport import free_port

PASSWORD = "Kx7pQ2vLm9Zr"  # typed in the Slack create form
NEW_PASSWORD = "Wd4nT8sHq3Yc"  # typed when editing the server, then revealed
BAD_SIGNATURE_PASSWORD = "Bq5zR1mXv6Tn"  # in a view_submission with a forged signature
IMPORT_PASSWORD = "Jh2cF9wKp4Ls"  # in an import file
DISCORD_PASSWORD = "Np8gY3dQx7Ve"  # typed in Discord's server form, then revealed
GATEWAY_PASSWORD = "Tr6bM2kWz9Hd"  # in a modal submission arriving over Discord's gateway
SLACK_BOT_TOKEN = "xoxb-1111111111-2222222222-AbCdEfGhIjKlMnOpQrStUvWx"
SLACK_APP_TOKEN = "xapp-1-A0CLIENTES-1-s3cr3tS0ck3tT0k3n"
API_TOKEN = "api-token-Zq3Wm8Rt5Yp1"
SEED = Actor("console", "seed")


@pytest.fixture(params=["text", "json"])
def product_logging(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, db: Database, request: pytest.FixtureRequest
) -> Iterator[str]:
    """The product's logging at DEBUG with the test's credentials in the environment; the Fernet key.

    Restores the logging state afterwards, so other tests keep pytest's defaults."""
    key = generate_key()
    monkeypatch.chdir(tmp_path)  # no .env
    env = {
        "LOG_LEVEL": "DEBUG",
        "LOG_FORMAT": request.param,
        "DATABASE_URL": db.url.render_as_string(hide_password=False),
        "CLIENTES_SECRET_KEYS": key,
        "SLACK_BOT_TOKEN": SLACK_BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_APP_TOKEN": SLACK_APP_TOKEN,
        "DISCORD_BOT_TOKEN": FAKE_TOKEN,
        "API_TOKEN": API_TOKEN,
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    root = logging.getLogger()
    saved = (root.level, list(root.handlers), logging.getLogRecordFactory())
    saved_levels = {name: logging.getLogger(name).level for name in logs.CAPPED}
    _setup_logging()
    try:
        yield key
    finally:
        root.setLevel(saved[0])
        for handler in root.handlers[:]:
            if handler not in saved[1]:
                root.removeHandler(handler)
        logging.setLogRecordFactory(saved[2])
        for name, level in saved_levels.items():
            logging.getLogger(name).setLevel(level)


def slack_settings(fake: FakeSlack, **values: Any) -> Settings:
    """What `Settings()` reads from the environment the fixture set, pointed at the fake Slack."""
    return Settings(_env_file=None, slack_api_url=fake.base_url, clientes_secret_viewers="U0ALICE", **values)  # type: ignore[call-arg]


async def slack_flows(db: Database, box: SecretBox) -> None:
    """Create with a password, edit the server with a new one, reveal it; then the product's HTTP
    server: a reveal and a badly signed view_submission carrying a password."""
    async with FakeSlack() as fake:
        settings = slack_settings(fake)
        core = Core(settings, db, box, ClientService(db, box, policy_from(settings)))
        slack = Slack(fake, build_app(core, build_client(settings)), core)

        view = await slack.open_modal("nuevo")
        answers = {**CLIENT_ANSWERS, "server.0.host": "erp.spsa.pe", "server.0.password": PASSWORD}
        assert (await slack.submit(view, answers))["response_action"] == "update"
        await slack.next_call("chat.postEphemeral")

        shown = await slack.command(f"ver {RUC}")
        name, hook = slack.hook()
        form = await slack.choose_to_modal(shown["blocks"], "server", "Editar", response_url=hook)
        assert (await slack.submit(form, {"server.password": NEW_PASSWORD}))["response_action"] == "update"
        await slack.responses(name)

        revealed = await slack.choose(shown["blocks"], "server", "Ver contraseña")
        assert NEW_PASSWORD in all_text(revealed["blocks"])  # the secret did travel through the flow

        port = free_port()
        runner = await serve_http(Core(slack_settings(fake, slack_mode="http"), db, box, core.service), port=port)
        try:
            url = f"http://127.0.0.1:{port}/slack/events"
            body, headers = view_submission(
                view, {**CLIENT_ANSWERS, "server.0.host": "x.pe", "server.0.password": BAD_SIGNATURE_PASSWORD}
            )
            forged = await post(url, body, {**headers, "X-Slack-Signature": "v0=deadbeef"})
            assert forged.status == 401

            block, value = menu_choice(shown["blocks"], "server", "Ver contraseña")
            name, hook = slack.hook()
            reveal = block_actions(action_for([block], "ficha_elemento", value), is_ephemeral=True, response_url=hook)
            assert (await post(url, *reveal)).status == 200
            assert NEW_PASSWORD in all_text((await slack.responses(name))[0]["blocks"])
        finally:
            await runner.cleanup()


async def discord_flows(db: Database, box: SecretBox) -> None:
    """Agregar servidor with a password on a client's card, then Ver contraseña."""
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, discord_guild_ids=str(GUILD_ID), clientes_secret_viewers=str(ADMIN_ROLE_ID)
    )
    core = Core(settings, db, box, ClientService(db, box, policy_from(settings)))
    await core.service.create(SEED, {"doc_type": "1", "doc_number": "44556677", "name": "En Discord"})
    async with FakeDiscord(token=FAKE_TOKEN) as fake:
        with fake.patch_discord_py():
            bot = ClientesBot(core)
            await login_without_gateway(bot)
            try:
                ui = DiscordUI(fake, bot)
                _, payload = await ui.command("ver", {"cliente": "44556677"})
                modal, _ = await ui.click(ui.message(payload), label=SERVER.add_label)
                _, payload = await ui.submit(modal, {"host": "d.pe", "password": DISCORD_PASSWORD})
                revealed, _ = await ui.click(ui.message(payload), label="Ver contraseña", invoker=admin_member())
                assert DISCORD_PASSWORD in revealed.content
            finally:
                await bot.close()


async def discord_gateway_flow(db: Database, box: SecretBox, monkeypatch: pytest.MonkeyPatch) -> None:
    """`run_discord` as `clientes-bot run` starts it; a modal submission with a password arrives over the
    websocket (discord.py prints every gateway event at DEBUG)."""
    monkeypatch.setattr(Route, "BASE", Route.BASE)  # run_discord points them at the fake: restored after
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", DiscordWebSocket.DEFAULT_GATEWAY)
    async with FakeDiscord(token=FAKE_TOKEN) as fake:
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None,
            discord_guild_ids=str(GUILD_ID),
            discord_api_base_url=fake.base_url,
            discord_gateway_url=fake.gateway_url,
        )
        runner = asyncio.create_task(run_discord(Core(settings, db, box, ClientService(db, box))))
        try:
            await fake.wait_until_identified()
            submitted = modal_submit("cb:form:" + "0" * 32, {"host": "g.pe", "password": GATEWAY_PASSWORD})
            await fake.dispatch("INTERACTION_CREATE", submitted)
            await fake.wait_for_request("POST", r"/callback$")
        finally:
            runner.cancel()
            await asyncio.gather(runner, return_exceptions=True)


def import_file(tmp_path: Path) -> tuple[str, str]:
    """`clientes-bot import` of a record holding a password, as an operator runs it; its output."""
    path = tmp_path / "clientes.json"
    record = {
        "doc_type": "1",
        "doc_number": "77889900",
        "name": "Importado",
        "servers": [{"host": "imp.pe", "password": IMPORT_PASSWORD}],
    }
    path.write_text(json.dumps([record]), encoding="utf-8")
    result = CliRunner().invoke(cli, ["import", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 cliente(s) creados" in result.output
    return result.output, result.stderr if result.stderr_bytes is not None else ""


async def api_flows(service: ClientService) -> None:
    """Wrong and right tokens, a lookup, a message, and a body the API does not expect."""
    async with TestClient(TestServer(build_api(service, API_TOKEN), host="127.0.0.1")) as http:
        auth = {"Authorization": f"Bearer {API_TOKEN}"}
        assert (await http.get(f"/api/v1/clients/{RUC}", headers={"Authorization": "Bearer nope"})).status == 401
        assert (await http.get(f"/api/v1/clients/{RUC}", headers=auth)).status == 200
        sent = await http.post(f"/api/v1/clients/{RUC}/messages", json={"text": "Servidor listo"}, headers=auth)
        assert sent.status < 500  # 404 here: the client names no channel
        odd = await http.post(
            f"/api/v1/clients/{RUC}/messages", json={"text": "x", "platforms": [["slack"]]}, headers=auth
        )
        assert odd.status >= 400


def unwrapped(text: str) -> str:
    """Rich wraps long lines at the console width: joined again, a secret split by a wrap is found."""
    return "".join(line.strip() for line in text.splitlines())


async def test_no_secret_in_any_log_line_at_debug(
    product_logging: str,
    db: Database,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    key = product_logging
    box = SecretBox([key])
    logging.getLogger("bot.probe").debug("probe %s", {"password": PASSWORD, "token": API_TOKEN})

    await slack_flows(db, box)
    await discord_flows(db, box)
    await discord_gateway_flow(db, box, monkeypatch)
    cli_output = await asyncio.to_thread(import_file, tmp_path)
    await api_flows(ClientService(db, box, policy_from(Settings(_env_file=None))))  # type: ignore[call-arg]

    service = ClientService(db, box, policy_from(Settings(_env_file=None)))  # type: ignore[call-arg]
    imported = await service.find(SEED, "77889900")
    assert await service.reveal_password(SEED, imported.id, imported.servers[0].id) == IMPORT_PASSWORD

    captured = capsys.readouterr()
    records = "\n".join(
        f"{r.name} {r.levelname} {r.getMessage()} {r.exc_text or ''} {r.stack_info or ''}" for r in caplog.records
    )
    everything = "\n".join([captured.err, captured.out, caplog.text, records, *cli_output])
    # Something was logged, at DEBUG, through the product's handler, and masked there.
    assert "probe" in captured.err and f"'password': '{logs.MASK}'" in unwrapped(captured.err)
    if os.environ["LOG_FORMAT"] == "json":  # one JSON object per line, every line
        lines = [json.loads(line) for line in captured.err.splitlines() if line.strip()]
        assert all(isinstance(line, dict) and {"level", "logger", "message"} <= set(line) for line in lines)
        assert any(line["message"].startswith("Slack: solicitud rechazada") for line in lines)
    assert "Slack: solicitud rechazada" in unwrapped(captured.err)
    assert len(caplog.records) > 5

    secrets = {
        "password (create)": PASSWORD,
        "password (edit, revealed)": NEW_PASSWORD,
        "password (badly signed request)": BAD_SIGNATURE_PASSWORD,
        "password (import)": IMPORT_PASSWORD,
        "password (Discord)": DISCORD_PASSWORD,
        "password (Discord gateway)": GATEWAY_PASSWORD,
        "SLACK_BOT_TOKEN": SLACK_BOT_TOKEN,
        "SLACK_APP_TOKEN": SLACK_APP_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "DISCORD_BOT_TOKEN": FAKE_TOKEN,
        "API_TOKEN": API_TOKEN,
        "CLIENTES_SECRET_KEYS": key,
    }
    leaks = [label for label, value in secrets.items() if value in everything or value in unwrapped(everything)]
    assert leaks == [], [line for line in everything.splitlines() if any(secrets[k] in line for k in leaks)][:5]
