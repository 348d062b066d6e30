"""``editar`` (picker → section modal → save or conflict), add address/server, ``eliminar`` and undo."""

from __future__ import annotations

import pytest

from commands.errors import NotFound
from tests.fakes.fake_slack import DEFAULT_CHANNEL_ID

from .conftest import Slack
from .helpers import ALICE, MIRAFLORES, all_text, find_block


async def open_section(slack: Slack, command: str, choice_prefix: str) -> dict:
    picker = await slack.open_modal(command)
    options = find_block(picker["blocks"], "editar.seccion")["element"]["options"]
    choice = next(o["value"] for o in options if o["value"].startswith(choice_prefix))
    ack = await slack.submit(picker, {"editar.seccion": choice})
    assert ack["response_action"] == "update"
    # Slack shows the view the ack returned under the same view id.
    return {**ack["view"], "id": picker["id"], "hash": picker["hash"]}


async def test_edit_a_section_prefilled_and_saved(slack: Slack) -> None:
    card = await slack.service.create(
        ALICE, {"doc_type": "1", "doc_number": "12345678", "name": "Ana Ruiz"}, contact={"contact_name": "Ana"}
    )
    form = await open_section(slack, "editar 12345678", "contact")
    assert form["callback_id"] == "clientes_editar" and f'"version":{card.version}' in form["private_metadata"]
    assert find_block(form["blocks"], "contact.contact_name")["element"]["initial_value"] == "Ana"

    ack = await slack.submit(form, {"contact.contact_phone": "987 654 321", "contact.website": "https://ana.pe"})

    assert ack["response_action"] == "update" and ack["view"]["title"]["text"] == "Cambios guardados"
    posted = await slack.next_call("chat.postEphemeral")
    assert posted.params["channel"] == DEFAULT_CHANNEL_ID and "https://ana.pe" in all_text(posted.params["blocks"])
    saved = await slack.service.get(ALICE, card.id)
    assert saved.website == "https://ana.pe" and saved.contact_name == "Ana" and saved.version == card.version + 1


async def test_edit_errors_and_address_edit(slack: Slack) -> None:
    card = await slack.service.create(
        ALICE,
        {"doc_type": "1", "doc_number": "12345678", "name": "Ana Ruiz"},
        addresses=[{"ubigeo": MIRAFLORES[0], "line": "Av. Larco 1"}],
    )
    form = await open_section(slack, "editar 12345678", "address:")
    assert find_block(form["blocks"], "address.ubigeo")["element"]["initial_option"]["value"] == MIRAFLORES[0]
    bad = await slack.submit(form, {"address.email": "mal"})
    assert list(bad["errors"]) == ["address.email"]
    ok = await slack.submit(form, {"address.line": "Av. Larco 2", "address.email": "ana@ruiz.pe"})
    assert ok["response_action"] == "update"
    assert (await slack.service.get(ALICE, card.id)).addresses[0].line == "Av. Larco 2"


async def test_edit_conflict_shows_current_values_and_overwrites_nothing(slack: Slack) -> None:
    card = await slack.service.create(ALICE, {"doc_type": "1", "doc_number": "12345678", "name": "Ana Ruiz"})
    form = await open_section(slack, "editar 12345678", "client")
    assert find_block(form["blocks"], "client.name")["element"]["initial_value"] == "Ana Ruiz"
    await slack.service.edit_section(
        ALICE, card.id, "client", {"doc_type": "1", "doc_number": "12345678", "name": "Ana Ruiz de Soto"}, card.version
    )

    ack = await slack.submit(form, {"client.name": "Ana R."})

    assert ack["response_action"] == "update"
    text = all_text(ack["view"]["blocks"])
    assert "modificado por otra persona" in text and "Ana Ruiz de Soto" in text
    assert (await slack.service.get(ALICE, card.id)).name == "Ana Ruiz de Soto"


async def test_add_address_and_server_from_the_card(slack: Slack) -> None:
    card = await slack.service.create(ALICE, {"doc_type": "1", "doc_number": "12345678", "name": "Ana Ruiz"})
    shown = await slack.command("ver 12345678")

    address_form = await slack.click_to_modal(shown["blocks"], "cliente_agregar_direccion")
    assert address_form["title"]["text"] == "Agregar dirección"
    assert (await slack.submit(address_form, {"address.ubigeo": MIRAFLORES, "address.line": "Av. 1"}))[
        "response_action"
    ] == "update"
    server_form = await slack.click_to_modal(shown["blocks"], "cliente_agregar_servidor")
    ack = await slack.submit(server_form, {"server.host": "srv.ana.pe", "server.password": "pw"})
    assert ack["response_action"] == "update"

    saved = await slack.service.get(ALICE, card.id)
    assert [a.line for a in saved.addresses] == ["Av. 1"] and [s.host for s in saved.servers] == ["srv.ana.pe"]


async def test_delete_with_undo_and_restaurar(slack: Slack) -> None:
    card = await slack.service.create(ALICE, {"doc_type": "1", "doc_number": "12345678", "name": "Ana Ruiz"})
    shown = await slack.command("ver 12345678")

    deleted = await slack.click(shown["blocks"], "cliente_eliminar")
    assert deleted["replace_original"] is True and "eliminado" in all_text(deleted["blocks"])
    with pytest.raises(NotFound):
        await slack.service.get(ALICE, card.id)
    undone = await slack.click(deleted["blocks"], "cliente_restaurar")
    assert "restaurado" in all_text(undone["blocks"])
    assert (await slack.service.get(ALICE, card.id)).name == "Ana Ruiz"

    prompt = await slack.command("eliminar 12345678")
    assert "¿Eliminar a «Ana Ruiz»" in all_text(prompt["blocks"])
    await slack.click(prompt["blocks"], "cliente_eliminar")
    restored = await slack.command("restaurar 12345678")
    assert "restaurado" in all_text(restored["blocks"])
    assert (await slack.service.get(ALICE, card.id)).name == "Ana Ruiz"
