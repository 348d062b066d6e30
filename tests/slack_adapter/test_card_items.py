"""The overflow menu of each address and server on a card: Editar, Marcar como principal, Ver contraseña,
Eliminar (confirmed on a follow-up that replaces the card); every change carries the card's version, so
a stale card gets the Conflict message with the current values and nothing is overwritten."""

from __future__ import annotations

from commands.access import Actor
from commands.views import AddressView, ClientCard
from tests.fakes.slack_requests import action_for, block_actions, dispatch

from .conftest import Slack, item_blocks
from .helpers import ALICE, MIRAFLORES, all_text, find_block

BOB = Actor("slack", "U0BOB", "bob")
LIMA = ("150101", "Lima — Lima, Lima")


def main_address(card: ClientCard) -> AddressView:
    return next(a for a in card.addresses if a.is_main)


async def client_with_items(slack: Slack):
    return await slack.service.create(
        ALICE,
        {"doc_type": "1", "doc_number": "12345678", "name": "Ana Ruiz"},
        addresses=[
            {"ubigeo": MIRAFLORES[0], "line": "Av. Larco 1", "phone": "01 4445566"},
            {"ubigeo": LIMA[0], "line": "Jr. Unión 2", "email": "almacen@ana.pe"},
        ],
        servers=[{"host": "srv.ana.pe", "ip": "203.0.113.7", "username": "root", "password": "pw-1"}],
    )


def menu(block: dict) -> list[str]:
    return [o["text"]["text"] for o in block["accessory"]["options"]]


async def test_each_address_and_server_has_its_menu(slack: Slack) -> None:
    card = await client_with_items(slack)
    shown = await slack.command("ver 12345678")

    main, other = item_blocks(shown["blocks"], "address")
    (server,) = item_blocks(shown["blocks"], "server")
    assert menu(main) == ["Editar", "Eliminar"]
    assert menu(other) == ["Editar", "Marcar como principal", "Eliminar"]
    assert menu(server) == ["Ver contraseña", "Editar", "Eliminar"]
    for block in (main, other, server):
        assert block["accessory"]["type"] == "overflow" and 2 <= len(block["accessory"]["options"]) <= 5
        assert all(o["value"].endswith(f":{card.version}") for o in block["accessory"]["options"])
    assert "Av. Larco 1" in all_text([main]) and "srv.ana.pe" in all_text([server])


async def test_mark_as_main_replaces_the_card(slack: Slack) -> None:
    card = await client_with_items(slack)
    shown = await slack.command("ver 12345678")

    replaced = await slack.choose(shown["blocks"], "address", "Marcar como principal", index=1)

    assert replaced["replace_original"] is True and replaced["response_type"] == "ephemeral"
    text = all_text(replaced["blocks"])
    assert "Dirección principal cambiada." in text and f"versión {card.version + 1}" in text
    first = item_blocks(replaced["blocks"], "address")[0]
    assert "Dirección 1 (principal)" in all_text([first]) and "Jr. Unión 2" in all_text([first])
    saved = await slack.service.get(ALICE, card.id)
    assert main_address(saved) is not None and main_address(saved).line == "Jr. Unión 2"
    assert [(a.line, a.email) for a in saved.addresses] == [("Jr. Unión 2", "almacen@ana.pe"), ("Av. Larco 1", None)]


async def test_remove_an_address_asks_first_and_cancel_brings_the_card_back(slack: Slack) -> None:
    card = await client_with_items(slack)
    shown = await slack.command("ver 12345678")

    prompt = await slack.choose(shown["blocks"], "address", "Eliminar", index=1)
    assert prompt["replace_original"] is True
    # plain text (issue 12 #13: it quotes the client's name, which mrkdwn could format)
    assert "¿Eliminar Dirección 2 de «Ana Ruiz»" in all_text(prompt["blocks"]) and "Jr. Unión 2" in all_text(
        prompt["blocks"]
    )
    buttons = [e for b in prompt["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [(b["text"]["text"], b.get("style")) for b in buttons] == [("Eliminar", "danger"), ("Cancelar", None)]
    assert buttons[0]["confirm"]["confirm"]["text"] == "Eliminar"
    assert (await slack.service.get(ALICE, card.id)).version == card.version  # nothing changed yet

    back = await slack.click(prompt["blocks"], "elemento_conservar")
    assert back["replace_original"] is True and len(item_blocks(back["blocks"], "address")) == 2

    prompt = await slack.choose(back["blocks"], "address", "Eliminar", index=1)
    done = await slack.click(prompt["blocks"], "elemento_eliminar")

    assert done["replace_original"] is True and "Dirección eliminada." in all_text(done["blocks"])
    assert "Jr. Unión 2" not in all_text(done["blocks"]) and len(item_blocks(done["blocks"], "address")) == 1
    assert [a.line for a in (await slack.service.get(ALICE, card.id)).addresses] == ["Av. Larco 1"]


async def test_remove_a_server(slack: Slack) -> None:
    card = await client_with_items(slack)
    shown = await slack.command("ver 12345678")
    prompt = await slack.choose(shown["blocks"], "server", "Eliminar")
    assert "srv.ana.pe" in all_text(prompt["blocks"]) and "pw-1" not in str(prompt)
    done = await slack.click(prompt["blocks"], "elemento_eliminar")
    assert "Servidor eliminado." in all_text(done["blocks"]) and item_blocks(done["blocks"], "server") == []
    assert (await slack.service.get(ALICE, card.id)).servers == ()


async def test_a_stale_card_gets_the_conflict_and_overwrites_nothing(slack: Slack) -> None:
    card = await client_with_items(slack)
    shown = await slack.command("ver 12345678")
    prompt = await slack.choose(shown["blocks"], "server", "Eliminar")
    # Meanwhile Bob edits the second address.
    second = card.addresses[1]
    await slack.service.edit_address(
        BOB, card.id, second.id, {**second.values(), "line": "Jr. Unión 200"}, card.version
    )

    refused = await slack.choose(shown["blocks"], "address", "Marcar como principal", index=1)
    text = all_text(refused["blocks"])
    assert refused["replace_original"] is True
    assert "modificado por otra persona" in text and "Jr. Unión 200" in text and f"versión {card.version + 1}" in text
    gone = await slack.click(prompt["blocks"], "elemento_eliminar")
    assert "modificado por otra persona" in all_text(gone["blocks"])

    saved = await slack.service.get(ALICE, card.id)
    assert saved.version == card.version + 1 and main_address(saved).line == "Av. Larco 1"
    assert [s.host for s in saved.servers] == ["srv.ana.pe"]
    # The conflict card is current: its menu works.
    fresh = await slack.choose(refused["blocks"], "address", "Marcar como principal", index=1)
    assert "Dirección principal cambiada." in all_text(fresh["blocks"])


async def test_edit_an_address_from_its_menu_replaces_the_card(slack: Slack) -> None:
    card = await client_with_items(slack)
    shown = await slack.command("ver 12345678")
    name, hook = slack.hook()

    form = await slack.choose_to_modal(shown["blocks"], "address", "Editar", index=1, response_url=hook)

    assert form["callback_id"] == "clientes_editar" and form["title"]["text"] == "Editar dirección"
    assert find_block(form["blocks"], "address.line")["element"]["initial_value"] == "Jr. Unión 2"
    assert find_block(form["blocks"], "address.ubigeo")["element"]["initial_option"]["value"] == LIMA[0]
    ack = await slack.submit(form, {"address.line": "Jr. Unión 300"})

    assert ack["response_action"] == "update"
    (replaced,) = await slack.responses(name)
    assert replaced["replace_original"] is True and "Jr. Unión 300" in all_text(replaced["blocks"])
    assert slack.fake.calls_to("chat.postEphemeral") == []
    saved = await slack.service.get(ALICE, card.id)
    assert [a.line for a in saved.addresses] == ["Av. Larco 1", "Jr. Unión 300"]


async def test_edit_a_server_keeps_its_password_when_left_blank(slack: Slack) -> None:
    card = await client_with_items(slack)
    shown = await slack.command("ver 12345678")
    name, hook = slack.hook()
    form = await slack.choose_to_modal(shown["blocks"], "server", "Editar", response_url=hook)
    assert form["title"]["text"] == "Editar servidor"
    assert find_block(form["blocks"], "server.host")["element"]["initial_value"] == "srv.ana.pe"
    assert "initial_value" not in find_block(form["blocks"], "server.password")["element"]

    assert (await slack.submit(form, {"server.username": "deploy"}))["response_action"] == "update"

    (replaced,) = await slack.responses(name)
    assert replaced["replace_original"] is True and "deploy" in all_text(replaced["blocks"])
    saved = await slack.service.get(ALICE, card.id)
    assert saved.servers[0].username == "deploy"
    assert await slack.service.reveal_password(ALICE, card.id, saved.servers[0].id) == "pw-1"


async def test_a_save_from_a_stale_form_replaces_the_card_with_the_current_one(slack: Slack) -> None:
    card = await client_with_items(slack)
    shown = await slack.command("ver 12345678")
    name, hook = slack.hook()
    form = await slack.choose_to_modal(shown["blocks"], "address", "Editar", response_url=hook)
    await slack.service.edit_section(
        BOB, card.id, "client", {"doc_type": "1", "doc_number": "12345678", "name": "Ana Ruiz de Soto"}, card.version
    )

    ack = await slack.submit(form, {"address.line": "Otra"})

    assert ack["view"]["title"]["text"] == "Cambios no guardados"
    (replaced,) = await slack.responses(name)
    assert replaced["replace_original"] is True and "Ana Ruiz de Soto" in all_text(replaced["blocks"])
    assert (await slack.service.get(ALICE, card.id)).addresses[0].line == "Av. Larco 1"


async def test_add_address_from_the_card_replaces_it_and_a_dead_response_url_falls_back(slack: Slack) -> None:
    await client_with_items(slack)
    shown = await slack.command("ver 12345678")
    name, hook = slack.hook()
    form = await slack.click_to_modal(shown["blocks"], "cliente_agregar_direccion", response_url=hook)
    await slack.submit(form, {"address.ubigeo": MIRAFLORES, "address.line": "Av. Nueva 3"})
    (replaced,) = await slack.responses(name)
    assert replaced["replace_original"] is True and len(item_blocks(replaced["blocks"], "address")) == 3

    # A card whose response_url no longer answers: the new card still reaches the user.
    slack.fake.fail_next("response_url", status=404, error="expired_url")
    name, hook = slack.hook()
    form = await slack.click_to_modal(replaced["blocks"], "cliente_agregar_servidor", response_url=hook)
    await slack.submit(form, {"server.host": "db.ana.pe"})
    posted = await slack.next_call("chat.postEphemeral")
    assert posted.params["user"] == "U0ALICE" and "db.ana.pe" in all_text(posted.params["blocks"])


async def test_deleting_from_a_stale_card_is_refused(slack: Slack) -> None:
    card = await client_with_items(slack)
    shown = await slack.command("ver 12345678")
    await slack.service.edit_section(BOB, card.id, "contact", {"contact_name": "Rosa"}, card.version)

    refused = await slack.click(shown["blocks"], "cliente_eliminar")

    assert refused["replace_original"] is True and "Rosa" in all_text(refused["blocks"])
    assert not (await slack.service.get(ALICE, card.id)).deleted


async def test_a_forged_menu_value_is_explained(slack: Slack) -> None:
    await client_with_items(slack)
    shown = await slack.command("ver 12345678")
    block = item_blocks(shown["blocks"], "server")[0]
    forged = {"text": {"type": "plain_text", "text": "x"}, "value": "drop:server:1:1:1"}
    name, hook = slack.hook()
    request = block_actions(action_for([block], "ficha_elemento", forged), is_ephemeral=True, response_url=hook)
    assert (await dispatch(slack.app, *request)).status == 200
    (answer,) = await slack.responses(name)
    assert "no indica una dirección o servidor válido" in all_text(answer["blocks"])


async def test_a_malformed_item_value_gets_a_spanish_answer(slack: Slack) -> None:
    """Ids in values are 1 to 9 plain digits (bot.record_id): a 25-digit id would overflow the query on
    PostgreSQL, and "²" passes str.isdigit but not int(); both get the Spanish message, never a crash."""
    card = await client_with_items(slack)
    shown = await slack.command("ver 12345678")
    (server,) = item_blocks(shown["blocks"], "server")
    for value in (f"reveal:server:{card.id}:{'9' * 25}:{card.version}", f"remove:address:{card.id}:²:{card.version}"):
        action = action_for([server], "ficha_elemento", f"reveal:server:{card.id}:1:{card.version}")
        action["selected_option"] = {**action["selected_option"], "value": value}  # a value we never rendered
        name, url = slack.hook()
        assert (await dispatch(slack.app, *block_actions(action, is_ephemeral=True, response_url=url))).status == 200
        [answer] = await slack.responses(name)
        assert "El botón no indica una dirección o servidor válido." in answer["text"]
    for value in ("9" * 25, "²", "-1"):
        answer = await slack.click(shown["blocks"], "cliente_compartir", value)
        assert "El botón no indica un cliente válido." in answer["text"]
