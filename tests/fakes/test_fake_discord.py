"""Proves the fake Discord and the payload builders drive real discord.py 2.7.1 objects end to end.

If these pass, an adapter test written the same way exercises the same code paths as production:
the CommandTree's option parsing, Modal/Label value refresh, DynamicItem dispatch, discord.py's
rate-limit handling and multipart uploads — only the network peer is fake.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import re
import zlib
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import discord
import pytest
from discord import app_commands, ui
from discord.gateway import DiscordWebSocket
from discord.http import Route

from . import discord_openapi
from .discord_payloads import (
    InteractionNotAnswered,
    autocomplete,
    button_click,
    deliver,
    login_without_gateway,
    modal_submit,
    select_choice,
    slash_command,
)
from .fake_discord import (
    CLIENTS_CATEGORY_ID,
    FAKE_TOKEN,
    GENERAL_CHANNEL_ID,
    GUILD_ID,
    USER_ID,
    FakeDiscord,
)

ORIGINAL_BASE = Route.BASE
ORIGINAL_GATEWAY = DiscordWebSocket.DEFAULT_GATEWAY
GUILD = discord.Object(GUILD_ID)


# ------------------------------------------------------------------------------------ a tiny bot
class AltaModal(ui.Modal, title="Nuevo cliente"):
    """Two Labels, as the real adapter will declare them: a TextInput and a Select."""

    nombre: ui.Label[AltaModal] = ui.Label(
        text="Nombre",
        description="Razón social o nombre completo",
        component=ui.TextInput(custom_id="nombre", max_length=200, placeholder="ACME S.A.C."),
    )
    tipo_doc: ui.Label[AltaModal] = ui.Label(
        text="Tipo Doc. Identidad",
        component=ui.Select(
            custom_id="tipo_doc",
            options=[
                discord.SelectOption(label="DNI", value="1", default=True),
                discord.SelectOption(label="RUC", value="6"),
            ],
        ),
    )

    def __init__(self, seen: dict[str, Any], *, title: str | None = None) -> None:
        super().__init__(custom_id="alta:1", title=title or discord.utils.MISSING)
        self.seen = seen

    async def on_submit(self, interaction: discord.Interaction) -> None:
        assert isinstance(self.nombre.component, ui.TextInput)
        assert isinstance(self.tipo_doc.component, ui.Select)
        self.seen["nombre"] = self.nombre.component.value
        self.seen["tipo_doc"] = self.tipo_doc.component.values
        await interaction.response.send_message(f"Guardado {self.nombre.component.value}", ephemeral=True)


class VerCliente(ui.DynamicItem[ui.Button[Any]], template=r"cliente:ver:(?P<id>\d+)"):
    """A restart-proof button: its state lives in the custom_id."""

    def __init__(self, client_id: int) -> None:
        super().__init__(ui.Button(label="Ver", custom_id=f"cliente:ver:{client_id}"))
        self.client_id = client_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str], /
    ) -> VerCliente:
        return cls(int(match["id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"Cliente #{self.client_id}", ephemeral=True)


class Paginas(ui.View):
    """A persistent view (timeout=None, fixed custom_ids) registered with client.add_view."""

    def __init__(self, seen: dict[str, Any]) -> None:
        super().__init__(timeout=None)
        self.seen = seen

    @ui.select(custom_id="lista:filtro", options=[discord.SelectOption(label="Todos", value="todos")])
    async def filtro(self, interaction: discord.Interaction, select: ui.Select[Paginas]) -> None:
        self.seen["filtro"] = select.values
        await interaction.response.edit_message(content=f"Filtro: {select.values[0]}")

    @ui.button(label="Siguiente", custom_id="lista:siguiente")
    async def siguiente(self, interaction: discord.Interaction, button: ui.Button[Paginas]) -> None:
        await interaction.response.defer()  # type 6: acknowledge now, edit the clicked message later
        await interaction.edit_original_response(content="página 2")


def make_bot(
    seen: dict[str, Any], *, modal_title: str | None = None
) -> tuple[discord.Client, app_commands.CommandTree]:
    client = discord.Client(intents=discord.Intents(guilds=True))
    tree = app_commands.CommandTree(client)
    clientes = app_commands.Group(name="clientes", description="Registro de clientes")

    @clientes.command(name="ver", description="Ver un cliente")
    async def ver(interaction: discord.Interaction, cliente: str) -> None:
        seen["ver"] = cliente
        await interaction.response.send_message(f"Cliente {cliente}", ephemeral=True)

    @ver.autocomplete("cliente")
    async def ver_autocomplete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        seen["typed"] = current
        return [app_commands.Choice(name=f"RUC {current}{i}", value=f"{current}{i}") for i in range(30)][:25]

    @clientes.command(name="nuevo", description="Registrar un cliente")
    async def nuevo(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(AltaModal(seen, title=modal_title))

    @clientes.command(name="lista", description="Listar clientes")
    async def lista(interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await interaction.followup.send("página 2", ephemeral=True)
        await interaction.edit_original_response(content="página 1", view=Paginas(seen))

    tree.add_command(clientes)
    client.add_dynamic_items(VerCliente)

    async def setup_hook() -> None:
        client.add_view(Paginas(seen))

    client.setup_hook = setup_hook  # type: ignore[method-assign]
    return client, tree


# ------------------------------------------------------------------------------------ fixtures
@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    """A running fake with discord.py pointed at it; both class attributes restored afterwards."""
    async with FakeDiscord(token=FAKE_TOKEN) as server:
        with server.patch_discord_py():
            yield server
    assert Route.BASE == ORIGINAL_BASE
    assert DiscordWebSocket.DEFAULT_GATEWAY == ORIGINAL_GATEWAY


@pytest.fixture
def seen() -> dict[str, Any]:
    return {}


@pytest.fixture
async def bot(fake: FakeDiscord, seen: dict[str, Any]) -> AsyncIterator[discord.Client]:
    client, _tree = make_bot(seen)
    await login_without_gateway(client)
    yield client
    await client.close()


# ------------------------------------------------------------------------------------ REST-only tests
async def test_login_sets_user_and_application(bot: discord.Client, fake: FakeDiscord) -> None:
    assert bot.user is not None and bot.user.id == fake.bot_user_id
    assert bot.application_id == fake.application_id
    assert [r.route for r in fake.requests] == ["GET /users/@me", "GET /oauth2/applications/@me"]
    assert fake.requests[0].headers["Authorization"] == f"Bot {FAKE_TOKEN}"


async def test_wrong_token_is_refused(fake: FakeDiscord) -> None:
    client = discord.Client(intents=discord.Intents(guilds=True))
    with pytest.raises(discord.LoginFailure):
        await client.login("not-the-token")
    await client.close()


async def test_subcommand_answers_ephemerally(bot: discord.Client, fake: FakeDiscord, seen: dict[str, Any]) -> None:
    payload = slash_command("clientes", "ver", {"cliente": "20100070970"})
    handled = await deliver(bot, payload, fake=fake)

    assert seen["ver"] == "20100070970"
    [callback] = fake.interaction_callbacks()
    assert (callback.type, callback.flags, callback.ephemeral) == (4, 64, True)
    assert callback.content == "Cliente 20100070970"
    assert callback.interaction_id == int(payload["id"])
    assert callback.request.query == {"with_response": "1"}
    # the with_response body was understood: discord.py can fetch and knows the message
    original = await handled.original_response()
    assert original.content == "Cliente 20100070970" and original.flags.ephemeral
    assert original.channel.id == GENERAL_CHANNEL_ID


async def test_command_sends_modal_with_labels(bot: discord.Client, fake: FakeDiscord) -> None:
    await deliver(bot, slash_command("clientes", "nuevo"), fake=fake)

    [callback] = fake.interaction_callbacks()
    assert callback.type == 9
    assert callback.data["title"] == "Nuevo cliente" and callback.data["custom_id"] == "alta:1"
    nombre, tipo = callback.components
    assert nombre["type"] == 18 and nombre["label"] == "Nombre"
    assert nombre["description"] == "Razón social o nombre completo"
    assert nombre["component"]["type"] == 4 and nombre["component"]["custom_id"] == "nombre"
    assert nombre["component"]["placeholder"] == "ACME S.A.C."
    assert tipo["type"] == 18 and tipo["component"]["type"] == 3
    assert [o["value"] for o in tipo["component"]["options"]] == ["1", "6"]


@pytest.mark.parametrize("legacy_rows", [False, True], ids=["label-components", "action-rows"])
async def test_modal_submit_reaches_on_submit(
    bot: discord.Client, fake: FakeDiscord, seen: dict[str, Any], legacy_rows: bool
) -> None:
    await deliver(bot, slash_command("clientes", "nuevo"), fake=fake)
    submit = modal_submit("alta:1", {"nombre": "ACME S.A.C.", "tipo_doc": ["6"]}, legacy_rows=legacy_rows)
    await deliver(bot, submit, fake=fake)

    assert seen["nombre"] == "ACME S.A.C." and seen["tipo_doc"] == ["6"]
    answer = fake.interaction_callbacks(int(submit["id"]))[0]
    assert answer.type == 4 and answer.ephemeral and answer.content == "Guardado ACME S.A.C."


async def test_modal_over_discord_limits_is_rejected(fake: FakeDiscord, seen: dict[str, Any]) -> None:
    client, _ = make_bot(seen, modal_title="Registrar un cliente nuevo con todos sus datos completos")
    await login_without_gateway(client)
    try:
        with pytest.raises(InteractionNotAnswered):
            await deliver(client, slash_command("clientes", "nuevo"), fake=fake, timeout=0.5)
    finally:
        await client.close()
    [rejected] = fake.requests_to("POST", r"/callback$")
    assert rejected.status == 400 and rejected.response["code"] == 50035
    assert rejected.response["errors"]["data"]["title"]["_errors"][0]["code"] == "BASE_TYPE_MAX_LENGTH"
    assert fake.interaction_callbacks() == []
    # Discord's OpenAPI spec refuses it too (and the fake would fail the test on close if not taken)
    [violation] = fake.take_spec_violations()
    assert violation.route == "POST /interactions/{interaction_id}/{interaction_token}/callback"
    assert "title" in violation.errors["data"]


async def test_autocomplete_answers_with_choices(bot: discord.Client, fake: FakeDiscord, seen: dict[str, Any]) -> None:
    await deliver(bot, autocomplete("clientes", "ver", focused="cliente", value="2010"), fake=fake)

    assert seen["typed"] == "2010"
    [callback] = fake.interaction_callbacks()
    assert callback.type == 8 and len(callback.choices) == 25
    assert callback.choices[0] == {"name": "RUC 20100", "value": "20100"}


async def test_dynamic_item_button_survives_restart(bot: discord.Client, fake: FakeDiscord) -> None:
    # No view was ever sent by this process: only the DynamicItem template routes the click.
    await deliver(bot, button_click("cliente:ver:42"), fake=fake)

    [callback] = fake.interaction_callbacks()
    assert callback.type == 4 and callback.content == "Cliente #42"


async def test_persistent_view_select_edits_message(
    bot: discord.Client, fake: FakeDiscord, seen: dict[str, Any]
) -> None:
    payload = select_choice("lista:filtro", ["todos"])
    handled = await deliver(bot, payload, fake=fake)

    assert seen["filtro"] == ["todos"]
    [callback] = fake.interaction_callbacks()
    assert callback.type == 7 and callback.content == "Filtro: todos"
    assert fake.originals[handled.token]["id"] == payload["message"]["id"]


async def test_component_defer_then_edit_clicked_message(bot: discord.Client, fake: FakeDiscord) -> None:
    payload = button_click("lista:siguiente", label="Siguiente")
    await deliver(bot, payload, fake=fake)
    await fake.wait_for_request("PATCH", r"/messages/@original$")

    [callback] = fake.interaction_callbacks()
    assert callback.type == 6
    # for a component interaction @original is the message that holds the component
    assert fake.originals[payload["token"]]["id"] == payload["message"]["id"]
    assert fake.originals[payload["token"]]["content"] == "página 2"


async def test_direct_message_context(bot: discord.Client, fake: FakeDiscord, seen: dict[str, Any]) -> None:
    handled = await deliver(bot, slash_command("clientes", "ver", {"cliente": "7"}, guild_id=None), fake=fake)
    assert handled.guild_id is None and isinstance(handled.user, discord.User)
    assert seen["ver"] == "7"


async def test_defer_followup_and_edit_original(bot: discord.Client, fake: FakeDiscord) -> None:
    payload = slash_command("clientes", "lista")
    await deliver(bot, payload, fake=fake)
    await fake.wait_for_request("PATCH", r"/messages/@original$")

    [callback] = fake.interaction_callbacks()
    assert callback.type == 5 and callback.ephemeral
    [followup] = fake.followups(payload["token"])
    assert followup.json["content"] == "página 2" and followup.json["flags"] == 64
    assert followup.query["wait"] == "1"
    [edit] = fake.original_edits(payload["token"])
    assert edit.json["content"] == "página 1"
    assert edit.json["components"][0]["components"][0]["custom_id"] == "lista:filtro"
    original = fake.originals[payload["token"]]
    assert original["content"] == "página 1" and original["flags"] == 64  # loading flag cleared


async def test_expired_interaction_cannot_be_answered(bot: discord.Client, fake: FakeDiscord) -> None:
    payload = slash_command("clientes", "ver", {"cliente": "1"})
    fake.expire_interaction(int(payload["id"]))
    with pytest.raises(InteractionNotAnswered):
        await deliver(bot, payload, fake=fake, timeout=0.5)
    [attempt] = fake.requests_to("POST", r"/callback$")
    assert attempt.status == 404


async def test_second_response_is_refused(bot: discord.Client, fake: FakeDiscord) -> None:
    payload = slash_command("clientes", "ver", {"cliente": "1"})
    await deliver(bot, payload, fake=fake)
    async with aiohttp.ClientSession() as session:
        url = f"{fake.base_url}/interactions/{payload['id']}/{payload['token']}/callback"
        async with session.post(url, json={"type": 4, "data": {"content": "otra vez"}}) as response:
            assert response.status == 400
            assert (await response.json())["code"] == 40060


async def test_tree_sync_to_guild(fake: FakeDiscord, seen: dict[str, Any]) -> None:
    client, tree = make_bot(seen)
    await login_without_gateway(client)
    try:
        tree.copy_global_to(guild=GUILD)
        synced = await tree.sync(guild=GUILD)
        again = await tree.sync(guild=GUILD)
    finally:
        await client.close()

    [put, _] = fake.requests_to("PUT", rf"^/applications/{fake.application_id}/guilds/{GUILD_ID}/commands$")
    assert [c["name"] for c in put.json] == ["clientes"]
    subcommands = {o["name"] for o in put.json[0]["options"]}
    assert subcommands == {"ver", "nuevo", "lista"}
    assert synced[0].id == again[0].id and synced[0].guild_id == GUILD_ID
    assert fake.commands[GUILD_ID][0]["name"] == "clientes"


async def test_rate_limit_is_retried_by_discord_py(bot: discord.Client, fake: FakeDiscord) -> None:
    fake.fail_next("POST", r"/channels/\d+/messages$", 429, retry_after=0.05)
    channel = bot.get_partial_messageable(GENERAL_CHANNEL_ID)
    message = await channel.send("Nuevo cliente: ACME", allowed_mentions=discord.AllowedMentions.none())

    first, second = fake.requests_to("POST", r"/channels/\d+/messages$")
    assert (first.status, first.injected, second.status) == (429, True, 200)
    assert second.json["allowed_mentions"] == {"parse": []}
    assert message.content == "Nuevo cliente: ACME"
    assert fake.channel_messages(GENERAL_CHANNEL_ID)[0]["id"] == str(message.id)


async def test_server_error_is_retried(bot: discord.Client, fake: FakeDiscord) -> None:
    fake.fail_next("GET", r"/channels/\d+$", 500)
    channel = await bot.fetch_channel(GENERAL_CHANNEL_ID)  # discord.py sleeps 1 s before retrying
    assert isinstance(channel, discord.TextChannel) and channel.name == "general"
    assert [r.status for r in fake.requests_to("GET", r"/channels/\d+$")] == [500, 200]


async def test_create_channel_missing_permissions_then_ok(bot: discord.Client, fake: FakeDiscord) -> None:
    guild = await bot.fetch_guild(GUILD_ID)
    category = await bot.fetch_channel(CLIENTS_CATEGORY_ID)
    assert isinstance(category, discord.CategoryChannel)
    fake.fail_next("POST", r"^/guilds/\d+/channels$", 403)
    with pytest.raises(discord.Forbidden) as refused:
        await guild.create_text_channel("ACME SAC", category=category)
    assert refused.value.code == 50013

    created = await guild.create_text_channel("ACME SAC", category=category, topic="Cliente RUC 20100070970")
    assert created.name == "acme-sac" and created.category_id == CLIENTS_CATEGORY_ID
    assert fake.channel_named("acme-sac") is not None
    listed = await guild.fetch_channels()
    assert "acme-sac" in {c.name for c in listed}

    ana = await guild.fetch_member(USER_ID)  # set_permissions wants a Member or Role, not discord.Object
    await created.set_permissions(ana, view_channel=True, send_messages=True)
    overwrite = fake.channels[created.id]["permission_overwrites"][-1]
    assert overwrite["id"] == str(USER_ID) and overwrite["type"] == 1
    assert discord.Permissions(int(overwrite["allow"])).view_channel

    edited = await created.edit(topic="Cliente dado de baja")
    assert edited is not None and edited.topic == "Cliente dado de baja"


async def test_member_search_and_file_upload(bot: discord.Client, fake: FakeDiscord) -> None:
    # discord.py 2.7.1 has no wrapper for GET /guilds/{id}/members/search; a raw Route is the way.
    route = Route("GET", "/guilds/{guild_id}/members/search", guild_id=GUILD_ID)
    found = await bot.http.request(route, params={"query": "ana", "limit": 5})
    assert [m["user"]["id"] for m in found] == [str(USER_ID)]

    channel = bot.get_partial_messageable(GENERAL_CHANNEL_ID)
    file = discord.File(io.BytesIO(b"ruc;nombre\n"), filename="clientes.csv")
    await channel.send("Exportación", file=file)
    [upload] = fake.requests_to("POST", r"/channels/\d+/messages$")
    assert upload.json["content"] == "Exportación"
    assert upload.files[0].filename == "clientes.csv" and upload.files[0].data == b"ruc;nombre\n"
    assert fake.channel_messages(GENERAL_CHANNEL_ID)[0]["attachments"][0]["filename"] == "clientes.csv"


async def test_bot_gateway_endpoint(bot: discord.Client, fake: FakeDiscord) -> None:
    shards, url, limits = await bot.http.get_bot_gateway()
    assert (shards, url, limits["max_concurrency"]) == (1, fake.gateway_url, 1)


# ------------------------------------------------------------------------------------ gateway test
async def test_client_runs_on_fake_gateway(fake: FakeDiscord, seen: dict[str, Any]) -> None:
    client, _tree = make_bot(seen)
    client._connection.guild_ready_timeout = 0.05  # READY waits this long after the last GUILD_CREATE
    runner = asyncio.create_task(client.start(FAKE_TOKEN))
    try:
        await fake.wait_until_identified()
        await asyncio.wait_for(client.wait_until_ready(), 5)
        guild = client.get_guild(GUILD_ID)
        assert guild is not None and guild.name == fake.guild_name
        assert {c.name for c in guild.text_channels} >= {"general", "altas"}

        payload = slash_command("clientes", "ver", {"cliente": "20100070970"})
        await fake.dispatch("INTERACTION_CREATE", payload)
        await fake.wait_for_request("POST", r"/callback$")
        assert fake.interaction_callbacks()[0].content == "Cliente 20100070970"

        # channels created over REST reach the cache through the gateway's CHANNEL_CREATE
        created = await guild.create_text_channel("Nuevo Cliente")
        for _ in range(100):
            if guild.get_channel(created.id) is not None:
                break
            await asyncio.sleep(0.01)
        assert guild.get_channel(created.id) is not None
    finally:
        await client.close()
        await asyncio.wait_for(runner, 5)

    assert fake.gateway_connections[0] == {"v": "10", "encoding": "json", "compress": "zlib-stream"}
    identify = fake.identify_payloads[0]
    assert identify["token"] == FAKE_TOKEN and identify["intents"] == discord.Intents(guilds=True).value
    assert any(p.get("op") == 1 for p in fake.gateway_received)  # heartbeats were sent and acked


async def test_zlib_stream_frames_are_valid() -> None:
    """The gateway compresses like Discord: one zlib stream, each message ending in Z_SYNC_FLUSH."""
    async with FakeDiscord() as server, aiohttp.ClientSession() as session:
        url = f"{server.gateway_url}?v=10&encoding=json&compress=zlib-stream"
        ws = await session.ws_connect(url)
        stream = zlib.decompressobj()
        frame = await ws.receive_bytes()
        assert frame.endswith(b"\x00\x00\xff\xff")
        assert json.loads(stream.decompress(frame))["op"] == 10
        await ws.send_json({"op": 1, "d": None})
        frame = await ws.receive_bytes()
        assert json.loads(stream.decompress(frame))["op"] == 11  # same stream: context carried over
        await ws.close()


# ------------------------------------------------------------------- Discord's OpenAPI spec
def test_every_route_with_a_body_has_a_spec_schema() -> None:
    """No body the bot sends escapes the spec check because a route of the fake maps to nothing."""
    routes = [r for r in FakeDiscord()._routes if r.method in ("POST", "PUT", "PATCH")]
    assert len(routes) >= 8
    assert [
        f"{r.method} {r.template}" for r in routes if not discord_openapi.has_body_schema(r.method, r.template)
    ] == []


def test_shipped_spec_is_discords_unmodified_copy() -> None:
    digest = hashlib.sha256(discord_openapi.SPEC_PATH.read_bytes()).hexdigest()
    assert digest in (discord_openapi.SPEC_PATH.parent / "README.md").read_text(encoding="utf-8")


LABELLED_INPUT = {"type": 18, "label": "Nombre", "component": {"type": 4, "custom_id": "nombre", "style": 1}}


async def _post(server: FakeDiscord, path: str, body: Any, method: str = "POST") -> tuple[int, Any]:
    async with aiohttp.ClientSession() as session, session.request(method, server.base_url + path, json=body) as answer:
        return answer.status, await answer.json() if answer.content_type == "application/json" else None


@pytest.mark.parametrize(
    ("path", "body", "where", "code"),
    [
        (
            "/interactions/1/tok/callback",
            {"type": 9, "data": {"custom_id": "alta", "title": "Alta", "components": [{"type": 99, "label": "X"}]}},
            ["data", "components", "0", "type"],
            "UNION_TYPE_CHOICES",
        ),
        (
            f"/channels/{GENERAL_CHANNEL_ID}/messages",
            {"content": "hola", "embeds": {"title": "no es una lista"}},
            ["embeds"],
            "LIST_TYPE_CONVERT",
        ),
        (f"/guilds/{GUILD_ID}/channels", {"name": "clientes", "type": "texto"}, ["type"], "NUMBER_TYPE_COERCE"),
        (
            f"/guilds/{GUILD_ID}/channels",
            {"name": "clientes", "permission_overwrites": [{"type": 0, "allow": "1024"}]},
            ["permission_overwrites", "0", "id"],
            "BASE_TYPE_REQUIRED",
        ),
    ],
    ids=["modal-unknown-component", "embeds-not-a-list", "string-for-int-enum", "overwrite-without-id"],
)
async def test_spec_refuses_a_wrong_body_like_discord(path: str, body: Any, where: list[str], code: str) -> None:
    async with FakeDiscord() as server:
        status, answer = await _post(server, path, body)
        assert status == 400 and answer["code"] == 50035 and answer["message"] == "Invalid Form Body"
        node = answer["errors"]
        for part in where:
            node = node[part]
        assert [e["code"] for e in node["_errors"]] == [code]
        [violation] = server.take_spec_violations()
        assert violation.path == path and violation.errors == answer["errors"]
        # refused before the handler: Discord did nothing
        assert server.channel_named("clientes") is None and server.channel_messages(GENERAL_CHANNEL_ID) == []
        assert server.interaction_callbacks() == []


async def test_spec_checks_the_payload_json_of_a_multipart_body() -> None:
    async with FakeDiscord() as server, aiohttp.ClientSession() as session:
        form = aiohttp.FormData()
        form.add_field(
            "payload_json", json.dumps({"content": "adjunto", "embeds": "no"}), content_type="application/json"
        )
        form.add_field("files[0]", b"a,b\n", filename="c.csv", content_type="text/csv")
        async with session.post(f"{server.base_url}/channels/{GENERAL_CHANNEL_ID}/messages", data=form) as answer:
            assert answer.status == 400
            assert (await answer.json())["errors"]["embeds"]["_errors"][0]["code"] == "LIST_TYPE_CONVERT"
        assert len(server.take_spec_violations()) == 1


async def test_unclaimed_spec_violation_fails_the_test_on_close() -> None:
    with pytest.raises(AssertionError, match="OpenAPI spec refuses"):
        async with FakeDiscord() as server:
            status, _ = await _post(server, f"/channels/{GENERAL_CHANNEL_ID}/messages", {"content": 5})
            assert status == 400


async def test_spec_accepts_correct_bodies_in_discord_py_spellings() -> None:
    """Snowflakes as ints, bitsets as digit strings, a digit-string nonce, Label modals: all valid."""
    async with FakeDiscord() as server:
        modal = {"type": 9, "data": {"custom_id": "alta:1", "title": "Nuevo cliente", "components": [LABELLED_INPUT]}}
        assert (await _post(server, "/interactions/1/tok/callback", modal))[0] == 204
        message = {
            "content": "hola",
            "embeds": [{"title": "Cliente", "fields": [{"name": "RUC", "value": "20100", "inline": True}]}],
            "allowed_mentions": {"parse": []},
            "nonce": "10856342247510882991",
            "enforce_nonce": True,
        }
        assert (await _post(server, f"/channels/{GENERAL_CHANNEL_ID}/messages", message))[0] == 200
        overwrite = {"id": USER_ID, "type": 1, "allow": "3072", "deny": "0"}
        channel = {"name": "acme", "type": 0, "parent_id": CLIENTS_CATEGORY_ID, "permission_overwrites": [overwrite]}
        status, created = await _post(server, f"/guilds/{GUILD_ID}/channels", channel)
        assert status == 201
        path = f"/channels/{created['id']}/permissions/{USER_ID}"
        assert (await _post(server, path, {"type": 1, "allow": "1024", "deny": "2048"}, method="PUT"))[0] == 204
        assert server.spec_violations == [] and server.spec_checked == 4


async def test_multipart_file_parts_follow_discords_rules() -> None:
    """Files as Discord takes them: parts named files[n], attachments[].id naming one, 10 MiB at most."""
    url_path = f"/channels/{GENERAL_CHANNEL_ID}/messages"

    def form(payload: dict[str, object], field: str = "files[0]", data: bytes = b"a,b\n") -> aiohttp.FormData:
        built = aiohttp.FormData()
        built.add_field("payload_json", json.dumps(payload), content_type="application/json")
        built.add_field(field, data, filename="c.csv", content_type="text/csv")
        return built

    async with FakeDiscord() as server, aiohttp.ClientSession() as session:
        url = f"{server.base_url}{url_path}"
        async with session.post(url, data=form({"content": "x"}, field="file")) as answer:
            assert answer.status == 400
            assert (await answer.json())["errors"]["files"]["_errors"][0]["code"] == "ATTACHMENT_FIELD_INVALID"
        wrong_id = {"content": "x", "attachments": [{"id": 1, "filename": "c.csv"}]}
        async with session.post(url, data=form(wrong_id)) as answer:
            assert answer.status == 400
            assert "attachments" in (await answer.json())["errors"]
        async with session.post(url, data=form({"content": "x"}, data=b"0" * (10 * 1024 * 1024 + 1))) as answer:
            assert answer.status == 413 and (await answer.json())["code"] == 40005
        good = {"content": "x", "attachments": [{"id": 0, "filename": "c.csv"}]}
        async with session.post(url, data=form(good)) as answer:
            assert answer.status == 200
            assert [a["filename"] for a in (await answer.json())["attachments"]] == ["c.csv"]
