"""`run_discord` connects to the gateway named in settings, registers /clientes in the configured
guild (with English localisations) and answers an interaction arriving over the websocket."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from urllib.parse import parse_qs, urlparse

import discord
import pytest
from discord.gateway import DiscordWebSocket
from discord.http import Route
from prometheus_client import REGISTRY

from bot import metrics
from bot.discord.client import intents
from bot.discord.guild_gate import FROM_DM, MALFORMED, OTHER_GUILD
from bot.discord.invite import invite_url
from bot.discord.provisioner import DiscordProvisioner
from bot.discord.runner import run_discord
from bot.runtime import Core
from commands.outbox import OutboxWorker
from commands.service import ClientService
from tests.fakes.discord_payloads import slash_command
from tests.fakes.fake_discord import APPLICATION_ID, FAKE_TOKEN, GUILD_ID, FakeDiscord

from .conftest import make_settings


async def test_run_discord_connects_and_syncs_to_the_guild(db, box, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Route, "BASE", Route.BASE)  # restored after the test: run_discord sets them
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", DiscordWebSocket.DEFAULT_GATEWAY)
    async with FakeDiscord(token=FAKE_TOKEN) as fake:
        settings = make_settings(discord_api_base_url=fake.base_url, discord_gateway_url=fake.gateway_url)
        worker = OutboxWorker(db, {})
        runner = asyncio.create_task(run_discord(Core(settings, db, box, ClientService(db, box)), worker))
        try:
            put = await fake.wait_for_request("PUT", rf"^/applications/{APPLICATION_ID}/guilds/{GUILD_ID}/commands$")
            await fake.wait_until_identified()
            assert fake.base_url == Route.BASE
            assert isinstance(worker.provisioners["discord"], DiscordProvisioner)  # registered once logged in

            payload = slash_command("clientes", "ayuda", command_guild_id=GUILD_ID)
            await fake.dispatch("INTERACTION_CREATE", payload)
            await fake.wait_for_request("POST", r"/callback$")
        finally:
            runner.cancel()
            await asyncio.gather(runner, return_exceptions=True)
        assert "discord" not in worker.provisioners  # a closed client serves no more jobs

    assert fake.identify_payloads[0]["intents"] == intents().value == discord.Intents(guilds=True).value
    group, register = sorted(put.json, key=lambda command: command["type"])  # /clientes, then the message command
    assert register["type"] == 3 and register["name_localizations"]["en-US"] == "Register client"
    assert group["name"] == "clientes" and group["name_localizations"]["en-US"] == "clients"
    subcommands = {o["name"]: o for o in group["options"]}
    assert set(subcommands) == {
        "nuevo",
        "lista",
        "ver",
        "editar",
        "eliminar",
        "restaurar",
        "canales",
        "historial",
        "sunat",
        "exportar",
        "ayuda",
    }
    assert subcommands["sunat"]["options"][0]["name_localizations"]["en-US"] == "query"
    assert not subcommands["sunat"].get("description_localizations"), "descriptions stay Spanish"
    assert subcommands["exportar"]["name_localizations"]["en-US"] == "export"
    assert subcommands["canales"]["name_localizations"]["en-US"] == "channels"
    assert subcommands["canales"]["options"][0]["autocomplete"]
    assert subcommands["ver"]["name_localizations"]["en-GB"] == "show"
    # An English Discord shows English command names and everything else in Spanish, never a mix.
    assert not subcommands["ver"].get("description_localizations")
    assert not group.get("description_localizations")
    cliente = subcommands["ver"]["options"][0]
    assert cliente["name"] == "cliente" and cliente["autocomplete"] and cliente["required"]
    assert cliente["name_localizations"]["en-US"] == "client" and not cliente.get("description_localizations")
    [answer] = fake.interaction_callbacks()
    assert "/clientes ver <cliente>" in answer.content and answer.ephemeral


def test_invite_url_asks_exactly_for_what_features_use() -> None:
    url = urlparse(invite_url(APPLICATION_ID))
    query = parse_qs(url.query)
    assert query["client_id"] == [str(APPLICATION_ID)]
    assert query["scope"] == ["bot applications.commands"]
    granted = discord.Permissions(int(query["permissions"][0]))
    assert granted == discord.Permissions(
        view_channel=True,
        send_messages=True,
        embed_links=True,
        read_message_history=True,
        manage_channels=True,
        manage_roles=True,
    )
    assert not granted.administrator and not granted.mention_everyone


async def test_the_guild_gate_is_on_the_gateway_path(db, box, monkeypatch: pytest.MonkeyPatch) -> None:
    """The gate wraps the parser the websocket calls, not only the one the other tests' `deliver` calls."""
    monkeypatch.setattr(Route, "BASE", Route.BASE)
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", DiscordWebSocket.DEFAULT_GATEWAY)
    async with FakeDiscord(token=FAKE_TOKEN) as fake:
        settings = make_settings(discord_api_base_url=fake.base_url, discord_gateway_url=fake.gateway_url)
        runner = asyncio.create_task(run_discord(Core(settings, db, box, ClientService(db, box))))
        try:
            await fake.wait_until_identified()
            for payload in (
                slash_command("clientes", "ayuda", guild_id=None),
                slash_command("clientes", "ayuda", guild_id=GUILD_ID + 1),
            ):
                await fake.dispatch("INTERACTION_CREATE", payload)
                await fake.wait_for_request("POST", rf"/interactions/{payload['id']}/.*/callback$")
        finally:
            runner.cancel()
            await asyncio.gather(runner, return_exceptions=True)
    assert [(a.ephemeral, a.content) for a in fake.interaction_callbacks()] == [(True, FROM_DM), (True, OTHER_GUILD)]


async def test_a_member_without_roles_over_the_gateway_does_not_stop_the_bot(
    db, box, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 12 #16: discord.py raised KeyError('roles') inside the parser the websocket calls, which
    ended `connect()` and the whole adapter; now the interaction is answered and the next one served."""
    monkeypatch.setattr(Route, "BASE", Route.BASE)
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", DiscordWebSocket.DEFAULT_GATEWAY)
    async with FakeDiscord(token=FAKE_TOKEN) as fake:
        settings = make_settings(discord_api_base_url=fake.base_url, discord_gateway_url=fake.gateway_url)
        runner = asyncio.create_task(run_discord(Core(settings, db, box, ClientService(db, box))))
        try:
            await fake.wait_until_identified()
            broken = slash_command("clientes", "ayuda", command_guild_id=GUILD_ID)
            del broken["member"]["roles"]
            await fake.dispatch("INTERACTION_CREATE", broken)
            await fake.wait_for_request("POST", rf"/interactions/{broken['id']}/.*/callback$")
            fine = slash_command("clientes", "ayuda", command_guild_id=GUILD_ID)
            await fake.dispatch("INTERACTION_CREATE", fine)
            await fake.wait_for_request("POST", rf"/interactions/{fine['id']}/.*/callback$")
            assert not runner.done()
        finally:
            runner.cancel()
            await asyncio.gather(runner, return_exceptions=True)
    first, second = fake.interaction_callbacks()
    assert first.content == MALFORMED and first.ephemeral
    assert "/clientes ver <cliente>" in second.content
    assert len(fake.identify_payloads) == 1  # the same connection served both


async def test_the_connection_state_and_each_command_are_measured(db, box, monkeypatch: pytest.MonkeyPatch) -> None:
    """What /readyz and /metrics read: Discord connected while the gateway session lives, and every
    slash command counted under its sub-command's name."""
    monkeypatch.setattr(Route, "BASE", Route.BASE)
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", DiscordWebSocket.DEFAULT_GATEWAY)

    def answered(command: str) -> float:
        labels = {"adapter": "discord", "command": command}
        return REGISTRY.get_sample_value("clientes_requests_total", labels) or 0.0

    before = answered("ayuda")
    async with FakeDiscord(token=FAKE_TOKEN) as fake:
        settings = make_settings(discord_api_base_url=fake.base_url, discord_gateway_url=fake.gateway_url)
        metrics.adapter_state("discord", "connecting")
        runner = asyncio.create_task(run_discord(Core(settings, db, box, ClientService(db, box)), OutboxWorker(db, {})))
        try:
            await fake.wait_until_identified()
            await eventually(lambda: metrics.adapter_states()["discord"] == "connected")
            assert REGISTRY.get_sample_value("clientes_adapter_connected", {"adapter": "discord"}) == 1.0

            await fake.dispatch("INTERACTION_CREATE", slash_command("clientes", "help", command_guild_id=GUILD_ID))
            await fake.wait_for_request("POST", r"/callback$")
            await eventually(lambda: answered("ayuda") == before + 1)  # "help": counted as the command it names
        finally:
            runner.cancel()
            await asyncio.gather(runner, return_exceptions=True)


async def eventually(check: Callable[[], bool], within: float = 10.0) -> None:
    """Polls `check` (each event loop turn of the client runs between polls); fails after `within` s."""
    for _ in range(int(within / 0.05)):
        if check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("not within the time allowed")
