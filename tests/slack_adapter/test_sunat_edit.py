"""SUNAT's padrón in Slack's edit form of Datos del cliente, through signed requests against the fake Slack:
Número dispatches on enter there too, and a RUC the padrón lists redraws the form (views.update with its
hash) with a line giving what SUNAT says — the BAJA/NO HABIDO warning first — and, only when the RUC was
changed, the padrón's name proposed in Nombre; everything else typed is kept and nothing is saved until
the form is submitted. A kept RUC only says that the names differ; a RUC the padrón lacks draws nothing."""

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
from .test_edit_and_delete import open_section

SPSA = "SUPERMERCADOS PERUANOS SOCIEDAD ANONIMA 'O ' S.P.S.A."


@pytest.fixture
async def loaded(slack: Slack, tmp_path: Path) -> Slack:
    await padron.import_file(slack.service.db, write_txt(tmp_path / "padron.txt", LINES))
    return slack


async def edit_form(slack: Slack, doc_type: str, number: str, name: str) -> dict[str, Any]:
    await slack.service.create(
        ALICE, {"doc_type": doc_type, "doc_number": number, "name": name, "trade_name": "Tienda"}
    )
    return await open_section(slack, f"editar {number}", "client")


async def type_ruc(slack: Slack, view: dict[str, Any], answers: dict[str, Any]) -> None:
    """Número typed and Enter pressed in the edit form, as Slack sends it (the view's state included)."""
    click = block_actions(
        action_for(view["blocks"], "doc_number", answers["client.doc_number"]), view=view, view_answers=answers
    )
    assert (await dispatch(slack.app, *click)).status == 200


def element(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return find_block(view["blocks"], block_id)["element"]


def note(view: dict[str, Any]) -> str:
    return all_text([find_block(view["blocks"], "editar.nota")])


async def test_a_changed_ruc_proposes_the_padrons_name_and_keeps_the_rest(loaded: Slack) -> None:
    form = await edit_form(loaded, "6", "20512333797", "Mi Empresa S.A.")
    number = find_block(form["blocks"], "client.doc_number")
    assert number["dispatch_action"] is True
    assert number["element"]["dispatch_action_config"] == {"trigger_actions_on": ["on_enter_pressed"]}

    await type_ruc(loaded, form, {"client.doc_number": "20100070970", "client.internal_code": "SP-9"})
    update = await loaded.next_call("views.update")
    assert update.params["view_id"] == form["id"] and update.params["hash"] == form["hash"]
    drawn = update.response["view"]
    assert drawn["callback_id"] == ids.VIEW_EDIT and drawn["private_metadata"] == form["private_metadata"]
    assert "Según SUNAT, padrón del 2026-11-28: " + SPSA + " (ACTIVO · HABIDO)." in note(drawn)
    assert "Se propone ese nombre en Nombre; puede cambiarlo antes de guardar." in note(drawn)
    assert "SUNAT: " not in note(drawn)  # ACTIVO/HABIDO: no warning
    assert element(drawn, "client.name")["initial_value"] == SPSA
    assert element(drawn, "client.name")["action_id"] != "name"  # or Slack would keep showing the old name
    # what the user typed elsewhere is kept, under the same ids
    assert element(drawn, "client.internal_code") == {**element(form, "client.internal_code"), "initial_value": "SP-9"}
    assert element(drawn, "client.trade_name")["initial_value"] == "Tienda"
    assert element(drawn, "client.doc_number")["initial_value"] == "20100070970"
    assert (await loaded.service.find(ALICE, "20512333797")).name == "Mi Empresa S.A."  # nothing saved yet

    saved = await loaded.submit(drawn, {})
    assert saved["response_action"] == "update" and saved["view"]["title"]["text"] == "Cambios guardados"
    card = await loaded.service.find(ALICE, "20100070970")
    assert (card.name, card.internal_code, card.trade_name) == (SPSA, "SP-9", "Tienda")


async def test_the_user_may_change_the_proposed_name_before_saving(loaded: Slack) -> None:
    form = await edit_form(loaded, "6", "20512333797", "Mi Empresa S.A.")
    await type_ruc(loaded, form, {"client.doc_number": "20100070970"})
    drawn = (await loaded.next_call("views.update")).response["view"]
    await loaded.submit(drawn, {"client.name": "Plaza Vea S.A."})
    assert (await loaded.service.find(ALICE, "20100070970")).name == "Plaza Vea S.A."


async def test_a_kept_ruc_says_what_sunat_calls_it_and_keeps_nombre(loaded: Slack) -> None:
    form = await edit_form(loaded, "6", "20100070970", "Supermercados Peruanos")
    await type_ruc(loaded, form, {"client.doc_number": "20100070970"})
    drawn = (await loaded.next_call("views.update")).response["view"]
    assert SPSA in note(drawn) and "(ACTIVO · HABIDO)" in note(drawn)
    assert "El Nombre «Supermercados Peruanos» no coincide con el de SUNAT" in note(drawn)
    assert "Se propone" not in note(drawn)
    assert element(drawn, "client.name") == element(form, "client.name")  # the saved name, as it was


async def test_a_name_typed_in_the_form_is_never_replaced(loaded: Slack) -> None:
    form = await edit_form(loaded, "6", "20512333797", "Mi Empresa S.A.")
    await type_ruc(loaded, form, {"client.doc_number": "20100070970", "client.name": "SPSA"})
    drawn = (await loaded.next_call("views.update")).response["view"]
    assert element(drawn, "client.name") == {**element(form, "client.name"), "initial_value": "SPSA"}
    assert "El Nombre «SPSA» no coincide con el de SUNAT" in note(drawn)


async def test_baja_no_habido_is_warned_first_and_saving_is_not_refused(loaded: Slack) -> None:
    form = await edit_form(loaded, "1", "45678901", "Rosa Quispe")  # a DNI client gets her RUC
    await type_ruc(loaded, form, {"client.doc_number": "10456789019"})
    drawn = (await loaded.next_call("views.update")).response["view"]
    assert note(drawn).startswith("SUNAT: BAJA DE OFICIO · NO HABIDO. Según SUNAT, padrón del 2026-11-28")
    assert element(drawn, "client.doc_type")["initial_option"]["value"] == "6"
    assert element(drawn, "client.name")["initial_value"] == "QUISPE MAMANI ROSA"
    saved = await loaded.submit(drawn, {})
    assert saved["response_action"] == "update"  # warned, never refused
    card = await loaded.service.find(ALICE, "10456789019")
    assert (card.doc_type, card.name) == ("6", "QUISPE MAMANI ROSA")


async def test_a_ruc_the_padron_lacks_leaves_the_edit_form_as_it_is(loaded: Slack) -> None:
    form = await edit_form(loaded, "6", "20512333797", "Mi Empresa S.A.")
    await type_ruc(loaded, form, {"client.doc_number": "20601111111"})  # not in the padrón
    await type_ruc(loaded, form, {"client.doc_number": "20512333797"})  # the saved one, not in it either
    await type_ruc(loaded, form, {"client.doc_number": "20100047218"})
    drawn = (await loaded.next_call("views.update")).response["view"]
    assert len(loaded.fake.calls_to("views.update")) == 1  # only the last RUC drew anything
    assert "BANCO DE CREDITO DEL PERU" in note(drawn)


async def test_other_edit_sections_do_not_look_the_padron_up(loaded: Slack) -> None:
    await loaded.service.create(ALICE, {"doc_type": "6", "doc_number": "20512333797", "name": "Mi Empresa S.A."})
    form = await open_section(loaded, "editar 20512333797", "contact")
    assert all(not b.get("dispatch_action") for b in form["blocks"])
