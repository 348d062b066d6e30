"""The fake Slack Web API and the signed-request builders, proven against the real slack_sdk and Bolt.

If these pass, a failing adapter test points at the adapter, not at the fakes.

How to build the Bolt app for tests (see SLACK_NOTES.md): ``AsyncApp(signing_secret=...,
client=AsyncWebClient(token="xoxb-...", base_url=fake.base_url))``. ``AsyncApp`` has no
``token_verification_enabled`` (only the sync ``App`` calls auth.test in its constructor); with a token
it calls ``auth.test`` once, lazily, on the first request and caches the answer, so the fake serves it.
``request_verification_enabled`` stays True: the signatures are real.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from tests.fakes.fake_slack import (
    BOT_USER_ID,
    DEFAULT_CHANNEL_ID,
    DEFAULT_USER_ID,
    OTHER_USER_ID,
    TEAM_ID,
    FakeSlack,
)
from tests.fakes.slack_requests import (
    SIGNING_SECRET,
    Signing,
    action_for,
    block_actions,
    block_suggestion,
    dispatch,
    new_trigger_id,
    post,
    serve_app,
    slash_command,
    view_state,
    view_submission,
)

TOKEN = "xoxb-test"

MODAL_OPTIONS = [
    {"text": {"type": "plain_text", "text": "DNI"}, "value": "1"},
    {"text": {"type": "plain_text", "text": "RUC"}, "value": "6"},
]
MODAL: dict[str, Any] = {
    "type": "modal",
    "callback_id": "cliente_nuevo",
    "private_metadata": "draft-1",
    "title": {"type": "plain_text", "text": "Nuevo cliente"},
    "submit": {"type": "plain_text", "text": "Guardar"},
    "blocks": [
        {
            "type": "input",
            "block_id": "doc_type",
            "label": {"type": "plain_text", "text": "Tipo Doc. Identidad"},
            "element": {
                "type": "static_select",
                "action_id": "value",
                "options": MODAL_OPTIONS,
            },
        },
        {
            "type": "input",
            "block_id": "doc_number",
            "label": {"type": "plain_text", "text": "Número"},
            "element": {"type": "plain_text_input", "action_id": "value", "max_length": 15},
        },
        {
            "type": "input",
            "block_id": "ubigeo",
            "optional": True,
            "label": {"type": "plain_text", "text": "Distrito"},
            "element": {"type": "external_select", "action_id": "value", "min_query_length": 2},
        },
    ],
}


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as server:
        yield server


@pytest.fixture
def client(fake: FakeSlack) -> AsyncWebClient:
    return AsyncWebClient(token=TOKEN, base_url=fake.base_url)


def make_app(fake: FakeSlack, **options: Any) -> AsyncApp:
    return AsyncApp(
        signing_secret=SIGNING_SECRET, client=AsyncWebClient(token=TOKEN, base_url=fake.base_url), **options
    )


# --- the fake Web API through slack_sdk ------------------------------------------------------------
async def test_views_open_records_the_view_and_answers_like_slack(fake: FakeSlack, client: AsyncWebClient) -> None:
    trigger = new_trigger_id()
    response = await client.views_open(trigger_id=trigger, view=MODAL)

    assert response["view"]["id"].startswith("V") and response["view"]["hash"]
    assert response["view"]["callback_id"] == "cliente_nuevo"
    call = fake.last("views.open")
    assert call.params["view"] == MODAL and call.params["trigger_id"] == trigger
    assert call.token == TOKEN and call.headers["Authorization"] == f"Bearer {TOKEN}"
    with pytest.raises(SlackApiError) as reused:
        await client.views_open(trigger_id=trigger, view=MODAL)
    assert reused.value.response["error"] == "expired_trigger_id"


async def test_views_over_slack_limits_are_refused(client: AsyncWebClient) -> None:
    too_long_title = {**MODAL, "title": {"type": "plain_text", "text": "x" * 25}}
    with pytest.raises(SlackApiError) as refused:
        await client.views_open(trigger_id=new_trigger_id(), view=too_long_title)
    assert refused.value.response["error"] == "invalid_arguments"
    assert "/view/title/text" in refused.value.response["response_metadata"]["messages"][0]


async def test_views_update_checks_the_hash(fake: FakeSlack, client: AsyncWebClient) -> None:
    opened = (await client.views_open(trigger_id=new_trigger_id(), view=MODAL))["view"]
    updated = await client.views_update(view_id=opened["id"], hash=opened["hash"], view=MODAL)
    assert updated["view"]["id"] == opened["id"]
    with pytest.raises(SlackApiError) as stale:
        await client.views_update(view_id=opened["id"], hash=opened["hash"], view=MODAL)
    assert stale.value.response["error"] == "hash_conflict"


async def test_conversations_create_then_name_taken(fake: FakeSlack, client: AsyncWebClient) -> None:
    created = await client.conversations_create(name="cliente-acme", is_private=False)
    assert created["channel"]["name"] == "cliente-acme" and created["channel"]["is_member"]
    assert fake.channel_named("cliente-acme") is not None

    with pytest.raises(SlackApiError) as taken:
        await client.conversations_create(name="cliente-acme")
    assert taken.value.response["error"] == "name_taken"
    with pytest.raises(SlackApiError) as bad:
        await client.conversations_create(name="Cliente ACME")
    assert bad.value.response["error"] == "invalid_name_specials"


async def test_conversations_list_pages_with_a_cursor(fake: FakeSlack, client: AsyncWebClient) -> None:
    for n in range(4):
        fake.add_channel(f"cliente-{n}")
    fake.add_channel("secreto", is_private=True)

    names = []
    async for page in await client.conversations_list(types="public_channel", limit=2):
        names += [c["name"] for c in page["channels"]]
    assert names == ["general", "cliente-0", "cliente-1", "cliente-2", "cliente-3"]
    assert len(fake.calls_to("conversations.list")) == 3
    both = await client.conversations_list(types="public_channel,private_channel", limit=100)
    assert "secreto" in [c["name"] for c in both["channels"]]


async def test_join_invite_and_topic(fake: FakeSlack, client: AsyncWebClient) -> None:
    channel = fake.add_channel("cliente-beta", bot_is_member=False)
    with pytest.raises(SlackApiError) as outside:
        await client.conversations_invite(channel=channel.id, users=[DEFAULT_USER_ID])
    assert outside.value.response["error"] == "not_in_channel"

    await client.conversations_join(channel=channel.id)
    await client.conversations_invite(channel=channel.id, users=[DEFAULT_USER_ID, OTHER_USER_ID])
    with pytest.raises(SlackApiError) as again:
        await client.conversations_invite(channel=channel.id, users=DEFAULT_USER_ID)
    assert again.value.response["error"] == "already_in_channel"
    await client.conversations_setTopic(channel=channel.id, topic="Cliente Beta SAC")
    info = await client.conversations_info(channel=channel.id)
    assert info["channel"]["topic"]["value"] == "Cliente Beta SAC"
    assert channel.members == {BOT_USER_ID, DEFAULT_USER_ID, OTHER_USER_ID}


async def test_messages_can_be_updated_and_deleted(fake: FakeSlack, client: AsyncWebClient) -> None:
    posted = await client.chat_postMessage(channel=DEFAULT_CHANNEL_ID, text="Nuevo cliente", blocks=[])
    await client.chat_update(channel=DEFAULT_CHANNEL_ID, ts=posted["ts"], text="Cliente editado")
    assert fake.messages[(DEFAULT_CHANNEL_ID, posted["ts"])]["text"] == "Cliente editado"
    await client.chat_delete(channel=DEFAULT_CHANNEL_ID, ts=posted["ts"])
    with pytest.raises(SlackApiError) as gone:
        await client.chat_update(channel=DEFAULT_CHANNEL_ID, ts=posted["ts"], text="x")
    assert gone.value.response["error"] == "message_not_found"

    await client.chat_postEphemeral(channel=DEFAULT_CHANNEL_ID, user=DEFAULT_USER_ID, text="solo tú")
    assert fake.last("chat.postEphemeral").params["user"] == DEFAULT_USER_ID


async def test_rate_limit_is_retried_by_slack_sdk(fake: FakeSlack) -> None:
    fake.fail_next("conversations.create", status=429, retry_after=0)
    client = AsyncWebClient(
        token=TOKEN,
        base_url=fake.base_url,
        retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=1)],
    )
    created = await client.conversations_create(name="cliente-gamma")

    assert created["ok"]
    first, second = fake.calls_to("conversations.create")
    assert (first.status, first.response["error"]) == (429, "ratelimited")
    assert second.ok


async def test_injected_errors_and_unknown_methods(fake: FakeSlack, client: AsyncWebClient) -> None:
    fake.fail_next("conversations.create", error="missing_scope", needed="channels:manage")
    with pytest.raises(SlackApiError) as scope:
        await client.conversations_create(name="cliente-delta")
    assert scope.value.response.status_code == 200
    assert (scope.value.response["error"], scope.value.response["needed"]) == (
        "missing_scope",
        "channels:manage",
    )

    fake.fail_next("chat.postMessage", status=500)
    with pytest.raises(SlackApiError) as server_error:
        await client.chat_postMessage(channel=DEFAULT_CHANNEL_ID, text="hola")
    assert server_error.value.response.status_code == 500

    with pytest.raises(SlackApiError) as unknown:
        await client.api_call("files.frobnicate")
    assert unknown.value.response["error"] == "unknown_method"
    assert fake.last("files.frobnicate").status == 200
    with pytest.raises(SlackApiError) as anonymous:
        await AsyncWebClient(base_url=fake.base_url).auth_test()
    assert anonymous.value.response["error"] == "not_authed"


# --- request builders -----------------------------------------------------------------------------
def test_view_state_uses_each_elements_value_shape() -> None:
    view = {
        **MODAL,
        "blocks": [
            *MODAL["blocks"],
            _input("email", {"type": "email_text_input", "action_id": "value"}),
            _input("web", {"type": "url_text_input", "action_id": "value", "initial_value": "https://a.pe"}),
            _input("flags", {"type": "checkboxes", "action_id": "value", "options": MODAL_OPTIONS}),
        ],
    }
    values = view_state(view, {"doc_type": "1", "email": "a@b.pe", "flags": ["6"]})

    assert values["doc_type"]["value"] == {"type": "static_select", "selected_option": MODAL_OPTIONS[0]}
    assert values["doc_number"]["value"] == {"type": "plain_text_input", "value": None}
    assert values["ubigeo"]["value"] == {"type": "external_select", "selected_option": None}
    assert values["email"]["value"] == {"type": "email_text_input", "value": "a@b.pe"}
    assert values["web"]["value"] == {"type": "url_text_input", "value": "https://a.pe"}
    assert values["flags"]["value"] == {"type": "checkboxes", "selected_options": [MODAL_OPTIONS[1]]}
    with pytest.raises(ValueError, match="offers no option"):
        view_state(view, {"doc_type": "9"})
    with pytest.raises(ValueError, match="unknown"):
        view_state(view, {"doc_nmber": "1"})


# --- the real Bolt app with signed requests -------------------------------------------------------
async def test_bolt_receives_a_signed_slash_command_and_responds(fake: FakeSlack) -> None:
    app = make_app(fake)
    seen: list[dict[str, Any]] = []

    @app.command("/clientes")
    async def clientes(ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond) -> None:
        await ack()
        seen.append(command)
        await respond(text="Lista de clientes", response_type="ephemeral")

    request = slash_command("/clientes", "lista acme", response_url=fake.response_url("cmd"))
    response = await dispatch(app, *request)
    await fake.wait_for("response_url")

    assert response.status == 200
    assert seen[0]["text"] == "lista acme" and seen[0]["team_id"] == TEAM_ID
    assert fake.responses_to("cmd") == [{"text": "Lista de clientes", "response_type": "ephemeral"}]
    assert (await dispatch(app, *slash_command("/clientes", "ayuda"))).status == 200
    assert len(fake.calls_to("auth.test")) == 1  # lazily called once, then cached by Bolt


async def test_bolt_refuses_bad_signatures_and_stale_timestamps(fake: FakeSlack) -> None:
    app = make_app(fake)
    called: list[str] = []

    @app.command("/clientes")
    async def clientes(ack: AsyncAck) -> None:
        called.append("yes")
        await ack()

    body, headers = slash_command("/clientes", "lista")
    tampered = await dispatch(app, body.replace("lista", "eliminar"), headers)
    wrong_secret = await dispatch(app, *slash_command(signing=Signing(secret="not-the-secret")))
    stale = await dispatch(app, *slash_command(signing=Signing(timestamp=int(time.time()) - 6 * 60)))

    assert (tampered.status, wrong_secret.status, stale.status) == (401, 401, 401)
    assert called == [] and fake.calls_to("auth.test") == []


async def test_modal_submission_errors_and_options(fake: FakeSlack) -> None:
    app = make_app(fake, process_before_response=True)

    @app.command("/clientes")
    async def clientes(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        await client.views_open(trigger_id=body["trigger_id"], view=MODAL)

    @app.options({"action_id": "value", "block_id": "ubigeo"})
    async def ubigeo(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack(options=[{"text": {"type": "plain_text", "text": "Miraflores"}, "value": "150122"}])

    @app.view("cliente_nuevo")
    async def guardar(ack: AsyncAck, view: dict[str, Any]) -> None:
        number = view["state"]["values"]["doc_number"]["value"]["value"]
        await ack(response_action="errors", errors={"doc_number": f"RUC inválido: {number}"})

    await dispatch(app, *slash_command("/clientes", "nuevo"))
    opened = fake.last("views.open").response["view"]

    options = await dispatch(app, *block_suggestion("value", "mira", view=opened))
    assert json.loads(options.body)["options"][0]["value"] == "150122"

    submission = view_submission(opened, {"doc_type": "6", "doc_number": "123", "ubigeo": ("150122", "Miraflores")})
    state = AsyncBoltRequest(body=submission.body, headers=submission.headers).body["view"]["state"]
    assert state["values"]["doc_type"]["value"]["selected_option"]["value"] == "6"
    assert state["values"]["ubigeo"]["value"]["selected_option"]["text"]["text"] == "Miraflores"
    answer = await dispatch(app, *submission)
    assert json.loads(answer.body) == {
        "response_action": "errors",
        "errors": {"doc_number": "RUC inválido: 123"},
    }


async def test_message_button_over_http_with_retry_headers(fake: FakeSlack) -> None:
    app = make_app(fake)
    retries: list[str] = []
    blocks = [{"type": "actions", "block_id": "page", "elements": [_button("cliente_siguiente", "cursor-2")]}]

    @app.action("cliente_siguiente")
    async def siguiente(
        ack: AsyncAck, action: dict[str, Any], request: AsyncBoltRequest, respond: AsyncRespond
    ) -> None:
        await ack()
        retries.append(request.headers.get("x-slack-retry-num", ["0"])[0])
        await respond(text=f"página {action['value']}", replace_original=True)

    ts = fake.add_message(DEFAULT_CHANNEL_ID, "Clientes", blocks=blocks)
    message = fake.messages[(DEFAULT_CHANNEL_ID, ts)]
    request = block_actions(
        action_for(blocks, "cliente_siguiente"),
        message=message,
        response_url=fake.response_url("page"),
        signing=Signing(retry_num=1, retry_reason="http_timeout"),
    )
    async with serve_app(app) as url:
        reply = await post(url, *request)
        await fake.wait_for("response_url")

    assert reply.status == 200
    assert retries == ["1"]
    assert fake.responses_to("page")[0]["text"] == "página cursor-2"


def _button(action_id: str, value: str) -> dict[str, Any]:
    return {
        "type": "button",
        "action_id": action_id,
        "value": value,
        "text": {"type": "plain_text", "text": "→"},
    }


def _input(block_id: str, element: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": block_id,
        "label": {"type": "plain_text", "text": block_id},
        "element": element,
    }


async def test_files_v2_upload_is_reserved_uploaded_then_shared() -> None:
    """slack_sdk's files_upload_v2 against the fake, and the steps Slack refuses out of order."""
    import aiohttp

    async with FakeSlack() as fake:
        client = AsyncWebClient(token=TOKEN, base_url=fake.base_url)
        dm = (await client.conversations_open(users=DEFAULT_USER_ID))["channel"]["id"]
        done = await client.files_upload_v2(
            channel=dm, file=b"hoja", filename="clientes.xlsx", title="Clientes", initial_comment="Solo para usted"
        )
        [shared] = fake.files_in(dm)
        assert (shared.data, shared.title, shared.initial_comment) == (b"hoja", "Clientes", "Solo para usted")
        assert done["file"]["ims"] == [dm] and done["file"]["channels"] == []
        [message] = [m for (channel, _), m in fake.messages.items() if channel == dm]
        assert message["files"][0]["name"] == "clientes.xlsx"

        reserved = await client.files_getUploadURLExternal(filename="x.csv", length=3)
        with pytest.raises(SlackApiError) as early:  # completed before its bytes arrived
            await client.files_completeUploadExternal(files=[{"id": reserved["file_id"]}], channel_id=dm)
        assert early.value.response["error"] == "file_not_found"
        async with aiohttp.ClientSession() as session:
            async with session.post(reserved["upload_url"], data=b"four") as wrong:
                assert wrong.status == 400  # not the length reserved
            async with session.post(reserved["upload_url"], data=b"abc") as right:
                assert right.status == 200 and await right.text() == "OK - 3"
        with pytest.raises(SlackApiError) as unknown:
            await client.conversations_open(users="U0NOBODY")
        assert unknown.value.response["error"] == "user_not_found"
        with pytest.raises(SlackApiError) as missing:
            await client.files_getUploadURLExternal(filename="", length=3)
        assert missing.value.response["error"] == "invalid_arguments"
