"""The Home tab and "Registrar cliente" from a message, through signed Events API deliveries and
interaction payloads to the real Bolt app, against the fake Slack; views are also checked by
slack_sdk's own Block Kit models."""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.models.views import View
from sqlalchemy import update

from bot.slack import ids
from bot.slack.manifest import build_manifest
from commands.access import AccessPolicy
from storage.models import OutboxJob
from tests.fakes.fake_slack import DEFAULT_USER_ID, OTHER_USER_ID
from tests.fakes.slack_requests import dispatch, event_callback, message_shortcut

from .conftest import Slack
from .helpers import ALICE, CLIENT_ANSWERS, MIRAFLORES, all_text

MESSAGE = (
    "Hola equipo, nuevo cliente: Comercial Andina SAC, RUC 20100070970, "
    "<mailto:facturas@andina.pe|facturas@andina.pe>, cel 987 654 321, <https://andina.pe|andina.pe>"
)


def valid_by_slack_sdk(view: dict[str, Any]) -> None:
    View(**view).validate_json()  # raises SlackObjectFormationError on a Block Kit mistake


async def open_home(slack: Slack, user_id: str = DEFAULT_USER_ID) -> dict[str, Any]:
    response = await dispatch(slack.app, *event_callback({"type": "app_home_opened", "user": user_id, "tab": "home"}))
    assert response.status == 200
    call = await slack.next_call("views.publish")
    assert call.ok, call.response
    assert call.params["user_id"] == user_id
    view = call.params["view"]
    valid_by_slack_sdk(view)
    return view


async def create(slack: Slack, ruc: str, name: str, **answers: str) -> None:
    view = await slack.open_modal("nuevo")
    ack = await slack.submit(
        view, {**CLIENT_ANSWERS, "client.doc_number": ruc, "client.name": name, "client.internal_code": "", **answers}
    )
    assert ack["response_action"] == "update", ack


async def test_home_tab_lists_the_clients_changed_last_newest_first_with_ver(slack: Slack) -> None:
    await create(slack, "20100070970", "Supermercados Peruanos S.A.")
    await create(slack, "20131312955", "Sunat Pruebas SAC")
    first = await slack.service.find(ALICE, "20100070970")
    second = await slack.service.find(ALICE, "20131312955")
    await slack.service.edit_section(ALICE, first.id, "contact", {"contact_name": "Ana Díaz"}, first.version)

    view = await open_home(slack)

    assert view["type"] == "home"
    text = all_text(view["blocks"])
    assert text.index("Supermercados Peruanos") < text.index("Sunat Pruebas"), "most recently changed first"
    ver = [b["accessory"] for b in view["blocks"] if b.get("accessory", {}).get("action_id") == ids.CLIENT_VIEW]
    assert [a["value"] for a in ver] == [str(first.id), str(second.id)]
    assert any(
        e.get("action_id") == ids.HOME_NEW for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]
    )
    assert "/clientes nuevo" in text and "/clientes lista" in text, "the help is on the tab"


async def test_ver_on_the_home_tab_shows_the_card_to_the_user(slack: Slack) -> None:
    await create(slack, "20100070970", "Supermercados Peruanos S.A.")
    view = await open_home(slack)
    block = next(b for b in view["blocks"] if b.get("accessory", {}).get("action_id") == ids.CLIENT_VIEW)
    answer = await slack.click([block], ids.CLIENT_VIEW)
    assert "Supermercados Peruanos" in all_text(answer["blocks"])


async def test_nuevo_cliente_on_the_home_tab_opens_the_create_form(slack: Slack) -> None:
    view = await open_home(slack)
    block = next(b for b in view["blocks"] if b.get("block_id") == "inicio.nuevo")
    form = await slack.click_to_modal([block], ids.HOME_NEW)
    assert form["callback_id"] == ids.VIEW_CREATE


async def test_home_tab_of_an_empty_register_says_so_and_a_viewer_gets_no_create_button(
    make_slack: Any,
) -> None:
    slack = make_slack(AccessPolicy(editors=frozenset({DEFAULT_USER_ID})))
    view = await open_home(slack, OTHER_USER_ID)
    assert "Aún no hay clientes" in all_text(view["blocks"])
    assert not any(b.get("block_id") == "inicio.nuevo" for b in view["blocks"])
    mine = await open_home(slack, DEFAULT_USER_ID)
    assert any(b.get("block_id") == "inicio.nuevo" for b in mine["blocks"])


async def test_home_tab_lists_channels_in_error_with_a_way_to_them(slack: Slack) -> None:
    await create(slack, "20100070970", "Supermercados Peruanos S.A.", **{"integrations.slack_channel": "#andina"})
    async with slack.core.db.session() as session, session.begin():
        await session.execute(update(OutboxJob).values(status="failed", last_error="name_taken por otra app"))
    view = await open_home(slack)
    text = all_text(view["blocks"])
    assert "Canales con error" in text and "#andina" in text and "name_taken por otra app" in text
    card = await slack.service.find(ALICE, "20100070970")
    retry = [b["accessory"] for b in view["blocks"] if b.get("accessory", {}).get("action_id") == ids.CLIENT_CHANNELS]
    assert [a["value"] for a in retry] == [str(card.id)]


async def test_home_tab_is_published_again_on_each_visit(slack: Slack) -> None:
    first = await open_home(slack)
    assert "Aún no hay clientes" in all_text(first["blocks"])
    await create(slack, "20100070970", "Supermercados Peruanos S.A.")
    second = await open_home(slack)
    assert "Supermercados Peruanos" in all_text(second["blocks"])
    assert len(slack.fake.home_views) == 1


async def test_message_shortcut_opens_the_create_form_prefilled_and_saves_only_on_submit(slack: Slack) -> None:
    response = await dispatch(slack.app, *message_shortcut(ids.SHORTCUT_REGISTER, MESSAGE))
    assert response.status == 200
    call = await slack.next_call("views.open")
    form = call.response["view"]
    valid_by_slack_sdk(call.params["view"])
    assert form["callback_id"] == ids.VIEW_CREATE
    initial = {
        b["block_id"]: b["element"].get("initial_value") or (b["element"].get("initial_option") or {}).get("value")
        for b in form["blocks"]
        if b["type"] == "input"
    }
    assert initial["client.doc_number"] == "20100070970"
    assert initial["client.doc_type"] == "6"
    assert initial["address.0.email"] == "facturas@andina.pe"
    assert initial["contact.website"] == "https://andina.pe"
    assert initial["contact.contact_phone"].replace(" ", "").endswith("987654321")
    assert "RUC, Correo electrónico, Teléfono, Sitio Web" in all_text(form["blocks"])
    assert (await slack.service.list_page(ALICE)).total == 0, "nothing saved before the submit"

    answers = {path: value for path, value in initial.items() if value}
    typed = {"client.name": "Comercial Andina SAC", "address.0.line": "Av. Sol 1", "address.0.ubigeo": MIRAFLORES}
    ack = await slack.submit(form, {**answers, **typed})
    assert ack["response_action"] == "update", ack
    card = await slack.service.find(ALICE, "20100070970")
    assert card.name == "Comercial Andina SAC" and card.website == "https://andina.pe"


async def test_message_shortcut_on_a_message_without_data_opens_an_empty_form_that_says_so(slack: Slack) -> None:
    await dispatch(slack.app, *message_shortcut(ids.SHORTCUT_REGISTER, "¿Alguien vio el partido de ayer?"))
    form = (await slack.next_call("views.open")).response["view"]
    assert "no tiene un RUC, DNI, correo, teléfono ni sitio web" in all_text(form["blocks"])


async def test_message_shortcut_reads_a_shared_message_whose_words_are_in_its_attachment(slack: Slack) -> None:
    shared = [
        {
            "is_share": True,
            "fallback": "[noviembre 29] Ana: alta pendiente",
            "text": "Alta pendiente: RUC 20100070970, ventas@andina.pe",
            "fields": [{"title": "Web", "value": "<https://andina.pe|andina.pe>", "short": True}],
        }
    ]
    await dispatch(slack.app, *message_shortcut(ids.SHORTCUT_REGISTER, "", attachments=shared))
    form = (await slack.next_call("views.open")).response["view"]
    initial = {b["block_id"]: b["element"].get("initial_value") for b in form["blocks"] if b["type"] == "input"}
    assert initial["client.doc_number"] == "20100070970"
    assert initial["address.0.email"] == "ventas@andina.pe"
    assert initial["contact.website"] == "https://andina.pe"


async def test_message_shortcut_is_refused_in_spanish_to_a_viewer(make_slack: Any) -> None:
    slack = make_slack(AccessPolicy(editors=frozenset({"U0SOMEONE"})))
    name, url = slack.hook()
    await dispatch(slack.app, *message_shortcut(ids.SHORTCUT_REGISTER, MESSAGE, response_url=url))
    reply = (await slack.responses(name))[-1]
    assert "No tiene permiso para crear ni editar clientes" in json.dumps(reply, ensure_ascii=False)
    assert not slack.fake.calls_to("views.open")


def test_manifest_declares_the_home_tab_its_event_and_the_message_shortcut() -> None:
    for socket_mode in (True, False):
        manifest = build_manifest(
            socket_mode=socket_mode, request_url=None if socket_mode else "https://x/slack/events"
        )
        assert manifest["features"]["app_home"]["home_tab_enabled"] is True
        assert "app_home_opened" in manifest["settings"]["event_subscriptions"]["bot_events"]
        (shortcut,) = manifest["features"]["shortcuts"]
        assert shortcut == {**shortcut, "type": "message", "callback_id": ids.SHORTCUT_REGISTER}
        assert shortcut["name"] == "Registrar cliente"


async def test_a_refused_home_publish_is_logged_and_the_next_visit_publishes_again(slack: Slack) -> None:
    slack.fake.fail_next("views.publish", status=500, error="internal_error")
    response = await dispatch(
        slack.app, *event_callback({"type": "app_home_opened", "user": DEFAULT_USER_ID, "tab": "home"})
    )
    assert response.status == 200, "the event is acknowledged whatever Slack answers the publish"
    refused = await slack.next_call("views.publish")
    assert not refused.ok and slack.fake.home_views == {}
    await create(slack, "20100070970", "Supermercados Peruanos S.A.")
    view = await open_home(slack)
    assert "Supermercados Peruanos" in all_text(view["blocks"])


async def test_a_rate_limited_home_publish_is_retried_after_retry_after(slack: Slack) -> None:
    slack.fake.fail_next("views.publish", status=429, retry_after=0)
    await dispatch(slack.app, *event_callback({"type": "app_home_opened", "user": DEFAULT_USER_ID, "tab": "home"}))
    await slack.next_call("views.publish")  # the 429
    retried = await slack.next_call("views.publish")
    assert retried.ok and DEFAULT_USER_ID in slack.fake.home_views
