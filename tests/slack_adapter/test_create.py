"""``/clientes nuevo``: the modal, adding groups, saving, field errors on their blocks, retries."""

from __future__ import annotations

from bot.slack.blocks.create_modal import create_modal
from bot.slack.modal_state import ModalState
from commands.views import MASK
from tests.fakes.fake_slack import DEFAULT_CHANNEL_ID, DEFAULT_USER_ID
from tests.fakes.slack_requests import Signing, action_for, block_actions, dispatch

from .conftest import Slack
from .helpers import ALICE, CLIENT_ANSWERS, MIRAFLORES, RUC, all_text, block_ids, find_block

FULL = {
    **CLIENT_ANSWERS,
    "address.0.country": ("PE", "Perú"),
    "address.0.ubigeo": MIRAFLORES,
    "address.0.line": "Av. Larco 345",
    "address.0.phone": "01 4445566",
    "address.0.email": "facturas@spsa.pe",
    "address.1.country": ("PE", "Perú"),
    "address.1.ubigeo": ("150101", "Lima — Lima, Lima"),
    "address.1.line": "Jr. de la Unión 100",
    "address.1.email": "almacen@spsa.pe",
    "contact.contact_name": "Rosa Pérez",
    "contact.contact_phone": "987 654 321",
    "contact.website": "https://spsa.pe",
    "integrations.gitlab_user": "spsa",
    "integrations.discord_user": "rosa",
    "integrations.slack_channel": "cliente-spsa",
    "integrations.discord_channel": "cliente-spsa",
    "server.0.host": "erp.spsa.pe",
    "server.0.ip": "203.0.113.10",
    "server.0.username": "root",
    "server.0.password": "s3cr3t&<ok>",
}


async def open_with_two_addresses(slack: Slack) -> dict:
    opened = await slack.open_modal("nuevo")
    assert opened["callback_id"] == "clientes_nuevo"
    typed = {"client.name": "Escrito antes", "address.0.line": "Av. Uno"}
    click = block_actions(action_for(opened["blocks"], "nuevo_agregar_direccion"), view=opened, view_answers=typed)
    assert (await dispatch(slack.app, *click)).status == 200
    update = await slack.next_call("views.update")
    assert update.params["view_id"] == opened["id"] and update.params["hash"] == opened["hash"]
    updated = update.response["view"]
    # Same block and action ids (Slack keeps the input) and the typed values as initial values.
    assert {b["block_id"] for b in opened["blocks"] if b["type"] == "input"} < set(block_ids(updated))
    assert find_block(updated["blocks"], "client.name")["element"]["initial_value"] == "Escrito antes"
    assert find_block(updated["blocks"], "address.0.line")["element"]["initial_value"] == "Av. Uno"
    return updated


async def test_create_with_every_section_two_addresses_and_a_server(slack: Slack) -> None:
    view = await open_with_two_addresses(slack)
    ids = block_ids(view)
    assert {"client.doc_type", "address.0.ubigeo", "address.1.email", "contact.website", "server.0.password"} <= set(
        ids
    )
    labels = {b["block_id"]: b["label"]["text"] for b in view["blocks"] if b["type"] == "input"}
    assert labels["client.doc_type"] == "Tipo Doc. Identidad" and labels["contact.website"] == "Sitio Web"
    assert find_block(view["blocks"], "client.doc_type")["element"]["type"] == "static_select"
    assert find_block(view["blocks"], "address.0.country")["element"]["initial_option"]["text"]["text"] == "Perú"
    assert find_block(view["blocks"], "address.1.email")["element"]["type"] == "email_text_input"
    assert find_block(view["blocks"], "contact.website")["element"]["type"] == "url_text_input"
    assert "Slack no tiene" in find_block(view["blocks"], "server.0.password")["hint"]["text"]

    ack = await slack.submit(view, FULL)

    assert ack["response_action"] == "update" and ack["view"]["title"]["text"] == "Cliente guardado"
    posted = await slack.next_call("chat.postEphemeral")
    assert posted.params["channel"] == DEFAULT_CHANNEL_ID and posted.params["user"] == DEFAULT_USER_ID
    text = all_text(posted.params["blocks"])
    assert "Supermercados Peruanos S.A." in text and "Av. Larco 345" in text and "Jr. de la Unión 100" in text
    assert "Miraflores" in text and "erp.spsa.pe" in text and MASK in text and "s3cr3t" not in text
    card = await slack.service.find(ALICE, RUC)
    assert [a.line for a in card.addresses] == ["Av. Larco 345", "Jr. de la Unión 100"]
    assert card.addresses[0].is_main and card.addresses[0].ubigeo == "150122"
    assert card.website == "https://spsa.pe" and card.slack_channel == "cliente-spsa"
    assert await slack.service.reveal_password(ALICE, card.id, card.servers[0].id) == "s3cr3t&<ok>"


async def test_untouched_groups_are_not_saved(slack: Slack) -> None:
    view = await slack.open_modal("nuevo")
    ack = await slack.submit(view, CLIENT_ANSWERS)
    assert ack["response_action"] == "update"
    card = await slack.service.find(ALICE, RUC)
    assert card.addresses == () and card.servers == ()


async def test_each_field_error_lands_on_its_block(slack: Slack) -> None:
    view = await open_with_two_addresses(slack)
    ack = await slack.submit(
        view,
        {
            **CLIENT_ANSWERS,
            "client.doc_number": "20512333798",  # bad RUC check digit
            # address 1 emptied: the second one is sent as the core's first, mapped back to .1.
            "address.0.line": None,
            "address.1.ubigeo": MIRAFLORES,
            "address.1.line": "Av. Arequipa 1",
            "address.1.email": "no-es-correo",
            "server.0.host": "erp.spsa.pe",
            "server.0.ip": "999.1.1.1",
        },
    )

    assert ack["response_action"] == "errors"
    errors = ack["errors"]
    assert set(errors) == {"client.doc_number", "address.1.email", "server.0.ip"}
    assert "RUC" in errors["client.doc_number"]
    assert all(block in block_ids(view) for block in errors)
    assert slack.fake.calls_to("chat.postEphemeral") == []
    assert (await slack.service.list_page(ALICE)).total == 0


async def test_duplicate_document_is_reported_on_the_number(slack: Slack) -> None:
    await slack.service.create(ALICE, {"doc_type": "6", "doc_number": RUC, "name": "Ya existe"})
    view = await slack.open_modal("nuevo")
    ack = await slack.submit(view, CLIENT_ANSWERS)
    assert list(ack["errors"]) == ["client.doc_number"]
    assert "Ya existe" in ack["errors"]["client.doc_number"]


async def test_retried_or_double_submission_creates_one_client(slack: Slack) -> None:
    view = await slack.open_modal("nuevo")
    first = await slack.submit(view, CLIENT_ANSWERS)
    again = await slack.submit(view, CLIENT_ANSWERS, signing=Signing(retry_num=1, retry_reason="http_timeout"))
    double = await slack.submit(view, CLIENT_ANSWERS)

    assert first["response_action"] == again["response_action"] == double["response_action"] == "update"
    assert (await slack.service.list_page(ALICE)).total == 1


async def test_typeahead_for_district_and_country(slack: Slack) -> None:
    view = await slack.open_modal("nuevo")
    districts = await slack.options(view, "ubigeo", "mira")
    assert {"text": {"type": "plain_text", "text": "Miraflores — Lima, Lima", "emoji": True}, "value": "150122"} in (
        districts
    )
    assert len(districts) <= 100
    accentless = await slack.options(view, "ubigeo", "jesus maria")
    assert any(o["text"]["text"].startswith("Jesús María") for o in accentless)
    countries = await slack.options(view, "country", "per")
    assert countries[0]["value"] == "PE" and countries[0]["text"]["text"] == "Perú"


async def test_forbidden_create_keeps_the_form_open(make_slack) -> None:
    from commands.access import AccessPolicy

    slack = make_slack(AccessPolicy(editors=frozenset({"U0SOMEONE"})))
    view = await slack.open_form(create_modal(ModalState(channel=DEFAULT_CHANNEL_ID)))  # opened before a revocation
    ack = await slack.submit(view, CLIENT_ANSWERS)
    assert ack["response_action"] == "errors" and "permiso" in next(iter(ack["errors"].values()))
    assert slack.fake.calls_to("chat.postEphemeral") == []
    refused = await slack.command("nuevo")  # opening it now is refused up front
    assert "permiso" in refused["text"] and len(slack.fake.calls_to("views.open")) == 1


async def test_card_post_failure_keeps_the_client(slack: Slack) -> None:
    slack.fake.fail_next("chat.postEphemeral", error="channel_not_found")
    view = await slack.open_modal("nuevo")
    assert (await slack.submit(view, CLIENT_ANSWERS))["response_action"] == "update"
    dm = await slack.next_call("chat.postMessage")  # fell back to a DM with the user
    assert dm.params["channel"] == DEFAULT_USER_ID
    assert (await slack.service.find(ALICE, RUC)).name == "Supermercados Peruanos S.A."
