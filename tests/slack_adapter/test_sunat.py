"""SUNAT's padrón on Slack, through signed requests against the fake Slack: Número dispatches on enter and
a RUC the padrón lists fills the empty Nombre, Distrito and Dirección with views.update (hash, every other
answer kept), with the source and the BAJA/NO HABIDO warning in a context block; an absent RUC leaves the
form as it is; `/clientes sunat` by RUC and by name, paged, «Registrar como cliente»; the card's line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.slack import ids
from commands import padron
from tests.fakes.slack_requests import action_for, block_actions, dispatch
from tests.padron.sample import LINES, write_txt

from .conftest import Slack
from .helpers import ALICE, all_text, find_block

SPSA = "SUPERMERCADOS PERUANOS SOCIEDAD ANONIMA 'O ' S.P.S.A."
MORELLI = "CAL. MORELLI NRO. 181 INT. P-2"
ANDINAS = [f"20{i:08d}1|EMPRESA ANDINA {i:02d} S.A.|ACTIVO|HABIDO|150101|-|-|-|-|-|-|-|-|-|-|" for i in range(12)]


@pytest.fixture
async def loaded(slack: Slack, tmp_path: Path) -> Slack:
    await padron.import_file(slack.service.db, write_txt(tmp_path / "padron.txt", [*LINES, *ANDINAS]))
    return slack


async def type_ruc(slack: Slack, view: dict[str, Any], answers: dict[str, Any]) -> None:
    """Número typed and Enter pressed, as Slack sends it (the input dispatches, with the view's state)."""
    typed = answers["client.doc_number"]
    click = block_actions(action_for(view["blocks"], "doc_number", typed), view=view, view_answers=answers)
    assert (await dispatch(slack.app, *click)).status == 200


def element(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return find_block(view["blocks"], block_id)["element"]


async def test_a_ruc_fills_the_empty_fields_and_keeps_the_rest(loaded: Slack) -> None:
    view = await loaded.open_modal("nuevo")
    number = find_block(view["blocks"], "client.doc_number")
    assert number["dispatch_action"] is True
    assert number["element"]["dispatch_action_config"] == {"trigger_actions_on": ["on_enter_pressed"]}

    answers = {"client.doc_number": "20100070970", "contact.contact_name": "Ana Pérez", "address.0.phone": "987654321"}
    await type_ruc(loaded, view, answers)
    update = await loaded.next_call("views.update")
    assert update.params["view_id"] == view["id"] and update.params["hash"] == view["hash"]
    filled = update.response["view"]

    assert element(filled, "client.name")["initial_value"] == SPSA
    assert element(filled, "client.doc_type")["initial_option"]["value"] == "6"
    assert element(filled, "address.0.ubigeo")["initial_option"]["value"] == "150130"
    assert element(filled, "address.0.line")["initial_value"] == MORELLI
    # a filled input gets a new action_id, or Slack would keep showing it empty
    assert element(filled, "client.name")["action_id"] != "name"
    assert element(filled, "address.0.ubigeo")["action_id"] != ids.OPT_UBIGEO
    # what the user typed elsewhere is kept, under the same ids
    assert element(filled, "contact.contact_name") == {
        **element(view, "contact.contact_name"),
        "initial_value": "Ana Pérez",
    }
    assert element(filled, "address.0.phone")["action_id"] == "phone"
    assert "propuestos según SUNAT, padrón del 2026-11-28" in all_text(filled["blocks"][:1])
    # the renamed Distrito still offers districts as it is typed
    assert any(
        o["value"] == "150122"
        for o in await loaded.options(filled, element(filled, "address.0.ubigeo")["action_id"], "miraflores")
    )

    # the user changes the proposed address before saving
    result = await loaded.submit(filled, {"address.0.line": "Av. Aviación 2405"})
    assert result["response_action"] == "update"
    card = await loaded.service.find(ALICE, "20100070970")
    assert card.name == SPSA and card.addresses[0].ubigeo == "150130"
    assert card.addresses[0].line == "Av. Aviación 2405" and card.contact_name == "Ana Pérez"


async def test_what_the_user_typed_is_never_replaced(loaded: Slack) -> None:
    view = await loaded.open_modal("nuevo")
    answers = {"client.doc_type": "6", "client.doc_number": "20100070970", "client.name": "SPSA"}
    await type_ruc(loaded, view, answers)
    filled = (await loaded.next_call("views.update")).response["view"]
    assert element(filled, "client.name") == {**element(view, "client.name"), "initial_value": "SPSA"}
    assert element(filled, "address.0.line")["initial_value"] == MORELLI


async def test_baja_no_habido_is_warned_in_a_context_block(loaded: Slack) -> None:
    view = await loaded.open_modal("nuevo")
    await type_ruc(loaded, view, {"client.doc_type": "6", "client.doc_number": "10456789019"})
    filled = (await loaded.next_call("views.update")).response["view"]
    assert filled["blocks"][0]["type"] == "context"
    assert "SUNAT: BAJA DE OFICIO · NO HABIDO" in all_text(filled["blocks"][:1])
    assert element(filled, "client.name")["initial_value"] == "QUISPE MAMANI ROSA"
    result = await loaded.submit(filled, {})
    assert result["response_action"] == "update"  # warned, never refused


async def test_a_ruc_the_padron_lacks_leaves_the_form_as_it_is(loaded: Slack) -> None:
    view = await loaded.open_modal("nuevo")
    await type_ruc(loaded, view, {"client.doc_type": "6", "client.doc_number": "20512333797"})
    await type_ruc(loaded, view, {"client.doc_type": "6", "client.doc_number": "20100070970"})
    await loaded.next_call("views.update")  # the second RUC's; the first one drew nothing
    updates = loaded.fake.calls_to("views.update")
    assert len(updates) == 1 and element(updates[0].response["view"], "client.name")["initial_value"] == SPSA


async def test_sunat_by_ruc_and_register_as_client(loaded: Slack) -> None:
    reply = await loaded.command("sunat 20100070970")
    text = all_text(reply["blocks"])
    assert SPSA in text and MORELLI in text and "San Borja" in text
    assert "ACTIVO" in text and "HABIDO" in text and "SUNAT, padrón del 2026-11-28" in text
    modal = await loaded.click_to_modal(reply["blocks"], ids.SUNAT_REGISTER)
    assert modal["callback_id"] == ids.VIEW_CREATE
    assert element(modal, "client.doc_number")["initial_value"] == "20100070970"
    assert element(modal, "client.name")["initial_value"] == SPSA
    assert element(modal, "address.0.ubigeo")["initial_option"]["value"] == "150130"

    warned = await loaded.command("sunat 10456789019")
    assert "SUNAT: BAJA DE OFICIO · NO HABIDO" in all_text(warned["blocks"])
    absent = await loaded.command("sunat 20512333797")
    assert "El RUC 20512333797 no figura en el padrón de SUNAT del 2026-11-28." in all_text(absent["blocks"])


async def test_sunat_by_name_ignores_accents_and_pages(loaded: Slack) -> None:
    accents = await loaded.command("sunat compania peña")
    assert "COMPAÑÍA PEÑA NÚÑEZ SOCIEDAD ANONIMA CERRADA" in all_text(accents["blocks"])
    first = await loaded.command("sunat Empresa Andína")
    assert "EMPRESA ANDINA 09 S.A." in all_text(first["blocks"]) and "ANDINA 10" not in all_text(first["blocks"])
    second = await loaded.click(first["blocks"], ids.SUNAT_PAGE_NEXT)
    assert second["replace_original"] is True
    assert "EMPRESA ANDINA 11 S.A." in all_text(second["blocks"]) and "ANDINA 00" not in all_text(second["blocks"])
    back = await loaded.click(second["blocks"], ids.SUNAT_PAGE_PREV)
    assert "EMPRESA ANDINA 00 S.A." in all_text(back["blocks"])


async def test_sunat_without_a_padron_says_how_to_load_it(slack: Slack) -> None:
    reply = await slack.command("sunat 20100070970")
    assert "clientes-bot padron import ARCHIVO" in all_text(reply["blocks"])


async def test_the_card_shows_the_padrons_estado_and_source(loaded: Slack) -> None:
    await loaded.service.create(ALICE, {"doc_type": "6", "doc_number": "10456789019", "name": "Rosa"})
    reply = await loaded.command("ver 10456789019")
    text = all_text(reply["blocks"])
    assert "Estado / Condición (SUNAT)" in text and "SUNAT: BAJA DE OFICIO · NO HABIDO" in text
    assert "SUNAT, padrón del 2026-11-28" in text


async def test_the_note_and_the_warning_stay_when_the_form_is_redrawn(loaded: Slack) -> None:
    view = await loaded.open_modal("nuevo")
    await type_ruc(loaded, view, {"client.doc_type": "6", "client.doc_number": "10456789019"})
    filled = (await loaded.next_call("views.update")).response["view"]
    click = block_actions(action_for(filled["blocks"], ids.CREATE_ADD_ADDRESS), view=filled)
    assert (await dispatch(loaded.app, *click)).status == 200
    redrawn = (await loaded.next_call("views.update")).response["view"]
    assert "address.1.line" in [b.get("block_id") for b in redrawn["blocks"]]
    assert "SUNAT: BAJA DE OFICIO · NO HABIDO" in all_text(redrawn["blocks"][:1])
    # the padrón's values are kept as the form holds them, under the ids Slack expects again
    assert element(redrawn, "client.name") == {**element(view, "client.name"), "initial_value": "QUISPE MAMANI ROSA"}
