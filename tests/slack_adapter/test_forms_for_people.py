"""Issue 11 on Slack: Peru-aware input (phones, accented domains, Discord users), only the questions
that apply (no Distrito abroad), countries by their common names, truthful channel and client states,
and the clearing rule — all through signed requests against the fake Slack."""

from __future__ import annotations

from typing import Any

from bot.runtime import configured_platforms
from tests.fakes.slack_requests import action_for, block_actions, dispatch

from .conftest import Slack, settings_for
from .helpers import ALICE, CLIENT_ANSWERS, MIRAFLORES, RUC, all_text, block_ids, find_block
from .test_edit_and_delete import open_section


async def choose_country(slack: Slack, view: dict[str, Any], block: str, code: str, name: str) -> dict[str, Any]:
    """Picks a País in the open form, as Slack sends it (the select dispatches), and returns the view
    the app swapped in with views.update."""
    click = block_actions(
        {**action_for(view["blocks"], "country"), "block_id": block, "selected_option": _option(code, name)},
        view=view,
        view_answers={block: (code, name)},
    )
    assert (await dispatch(slack.app, *click)).status == 200
    update = await slack.next_call("views.update")
    assert update.params["view_id"] == view["id"]
    return update.response["view"]


def _option(code: str, name: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": name}, "value": code}


async def test_peru_aware_input_on_the_create_form(slack: Slack) -> None:
    """A 7-digit Lima landline, an accented domain (site and e-mail) and a capitalised Discord user are
    accepted; phones are stored in E.164 and shown the way they are written in Peru."""
    view = await slack.open_modal("nuevo")
    ack = await slack.submit(
        view,
        {
            **CLIENT_ANSWERS,
            "address.0.country": ("PE", "Perú"),
            "address.0.ubigeo": MIRAFLORES,
            "address.0.line": "Av. Larco 345",
            "address.0.phone": "6100600",
            "address.0.email": "ventas@peñoles.pe",
            "contact.contact_phone": "987654321",
            "contact.website": "https://peñoles.pe",
            "integrations.discord_user": "Rosa.Perez",
        },
    )
    assert ack["response_action"] == "update", ack
    posted = await slack.next_call("chat.postEphemeral")
    text = all_text(posted.params["blocks"])
    assert "(01) 610 0600" in text and "987 654 321" in text and "+51" not in text
    assert "https://peñoles.pe" in text and "ventas@peñoles.pe" in text
    card = await slack.service.find(ALICE, RUC)
    assert (card.addresses[0].phone, card.contact_phone) == ("+5116100600", "+51987654321")
    assert card.discord_user == "rosa.perez" and card.website == "https://peñoles.pe"
    # The edit form starts from the number as written in Peru, and saving it unchanged changes nothing.
    form = await open_section(slack, f"editar {RUC}", "contact")
    assert find_block(form["blocks"], "contact.contact_phone")["element"]["initial_value"] == "987 654 321"
    assert (await slack.submit(form, {}))["response_action"] == "update"
    assert (await slack.service.get(ALICE, card.id)).version == card.version


async def test_a_foreign_phone_is_shown_in_international_format(slack: Slack) -> None:
    await slack.service.create(
        ALICE, {"doc_type": "1", "doc_number": "12345678", "name": "Ana"}, contact={"contact_phone": "+34912345678"}
    )
    listed = all_text((await slack.command("lista"))["blocks"])
    assert "+34 912 34 56 78" in listed


async def test_gender_and_digits_in_field_errors(slack: Slack) -> None:
    view = await slack.open_modal("nuevo")
    ack = await slack.submit(
        view,
        {
            "client.doc_type": "1",
            "client.doc_number": "1234567X",
            "client.name": "Ana",
            "address.0.country": ("PE", "Perú"),
            "address.0.ubigeo": MIRAFLORES,
            "address.0.email": "ana@ruiz.pe",
        },
    )
    assert ack["response_action"] == "errors"
    assert ack["errors"]["address.0.line"] == "es obligatoria."  # Slack shows it under «Dirección»
    assert ack["errors"]["client.doc_number"] == "el DNI solo admite dígitos (se recibió «1234567X»)."


async def test_distrito_is_not_asked_for_an_address_abroad(slack: Slack) -> None:
    view = await slack.open_modal("nuevo")
    assert "address.0.ubigeo" in block_ids(view)
    assert find_block(view["blocks"], "address.0.country")["dispatch_action"] is True
    abroad = await choose_country(slack, view, "address.0.country", "BO", "Bolivia")
    assert "address.0.ubigeo" not in block_ids(abroad) and "address.0.line" in block_ids(abroad)
    back_home = await choose_country(slack, abroad, "address.0.country", "PE", "Perú")
    assert "address.0.ubigeo" in block_ids(back_home)
    abroad = await choose_country(slack, back_home, "address.0.country", "BO", "Bolivia")
    ack = await slack.submit(
        abroad,
        {**CLIENT_ANSWERS, "address.0.country": ("BO", "Bolivia"), "address.0.line": "Av. Arce 2631, La Paz"},
    )
    assert ack["response_action"] == "update", ack
    posted = await slack.next_call("chat.postEphemeral")
    text = all_text(posted.params["blocks"])
    assert "Bolivia" in text and "Estado plurinacional" not in text
    assert "Distrito" not in text and "Departamento" not in text, "Peru's places are not shown abroad"
    card = await slack.service.find(ALICE, RUC)
    assert (card.addresses[0].country, card.addresses[0].ubigeo) == ("BO", None)


async def test_editing_an_address_abroad_has_no_distrito_and_says_how_to_clear(slack: Slack) -> None:
    created = await slack.service.create(
        ALICE,
        {"doc_type": "1", "doc_number": "12345678", "name": "Ana"},
        addresses=[{"country": "EEUU", "line": "1 Main St", "phone": "+1 650 253 0000"}],
    )
    assert created.addresses[0].country == "US"
    form = await open_section(slack, "editar 12345678", "address:")
    assert "address.ubigeo" not in block_ids(form)
    assert "borre su texto o escriba «-»" in all_text(form["blocks"])
    ack = await slack.submit(form, {"address.phone": "-"})
    assert ack["response_action"] == "update", ack
    assert (await slack.service.get(ALICE, created.id)).addresses[0].phone is None
    # Choosing Perú brings Distrito back, keeping what was typed.
    home = await choose_country(
        slack, await open_section(slack, "editar 12345678", "address:"), "address.country", "PE", "Perú"
    )
    assert "address.ubigeo" in block_ids(home)
    assert find_block(home["blocks"], "address.line")["element"]["initial_value"] == "1 Main St"


async def test_countries_are_found_by_their_common_names(slack: Slack) -> None:
    view = await slack.open_modal("nuevo")
    for typed, expected in (("EEUU", "Estados Unidos"), ("corea del sur", "Corea del Sur"), ("Bolivia", "Bolivia")):
        options = await slack.options(view, "country", typed)
        assert options and options[0]["text"]["text"] == expected, (typed, options[:3])


async def test_a_channel_of_a_platform_not_configured_here_says_so(make_slack: Any, fake: Any) -> None:
    slack = make_slack(slack_mode="http")
    # as build_core sets it: this process has Slack's credentials, not Discord's
    slack.service.configured_platforms = configured_platforms(settings_for(fake, slack_mode="http"))
    assert slack.service.configured_platforms == frozenset({"slack"})
    await slack.service.create(
        ALICE,
        {"doc_type": "1", "doc_number": "12345678", "name": "Ana"},
        integrations={"slack_channel": "ana", "discord_channel": "ana-dc"},
    )
    text = all_text((await slack.command("ver 12345678"))["blocks"])
    assert "#ana-dc (Discord no está configurado)" in text
    assert "#ana (pendiente)" in text  # Slack is configured here: its worker will create it


async def test_ver_of_a_deleted_client_says_how_to_restore_it(slack: Slack) -> None:
    card = await slack.service.create(ALICE, {"doc_type": "1", "doc_number": "12345678", "name": "Ana Ruiz"})
    await slack.service.delete(ALICE, card.id)
    for typed in ("12345678", f"#{card.id}", "Ana Ruiz"):
        text = all_text((await slack.command(f"ver {typed}"))["blocks"])
        assert f"«Ana Ruiz» (DNI 12345678) está eliminado. Para recuperarlo: /clientes restaurar #{card.id}" in text


async def test_ayuda_tells_how_to_clear_a_field(slack: Slack) -> None:
    assert "escriba «-» en un campo opcional" in all_text((await slack.command("ayuda"))["blocks"])


async def test_a_button_of_a_card_whose_client_was_deleted_says_so(slack: Slack) -> None:
    card = await slack.service.create(ALICE, {"doc_type": "1", "doc_number": "12345678", "name": "Ana Ruiz"})
    shown = await slack.command("ver 12345678")
    await slack.service.delete(ALICE, card.id)
    answer = await slack.click(shown["blocks"], "cliente_compartir")
    assert f"está eliminado. Para recuperarlo: /clientes restaurar #{card.id}" in all_text(
        answer.get("blocks") or []
    ) + str(answer.get("text"))
