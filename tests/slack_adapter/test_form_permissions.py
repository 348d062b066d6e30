"""A viewer without edit permission is refused BEFORE a create/edit form opens (ephemerally, in Spanish),
instead of filling a form only to be refused on submit; editors still get their forms."""

from __future__ import annotations

from collections.abc import Callable

from commands.access import AccessPolicy
from tests.fakes.fake_slack import DEFAULT_USER_ID, OTHER_USER_ID

from .conftest import Slack
from .helpers import ALICE, MIRAFLORES, all_text, make_client

FORBIDDEN = "No tiene permiso para crear ni editar clientes."
DELETE_FORBIDDEN = "No tiene permiso para eliminar ni restaurar clientes."


def viewer_and_editor(make_slack: Callable[..., Slack]) -> Slack:
    """Alice edits; Bob may only view (no viewer list: everyone views)."""
    return make_slack(AccessPolicy(editors=frozenset({DEFAULT_USER_ID})))


async def test_a_viewer_gets_the_forbidden_message_instead_of_the_forms(make_slack) -> None:
    slack = viewer_and_editor(make_slack)
    created = await make_client(
        slack.service,
        1,
        addresses=[{"country": "PE", "ubigeo": MIRAFLORES[0], "line": "Av. Larco 1"}],
        servers=[{"host": "srv.pe"}],
    )
    card = await slack.command("ver 10000001", user_id=OTHER_USER_ID)
    listing = await slack.command("lista", user_id=OTHER_USER_ID)

    refusals = [
        await slack.command("nuevo", user_id=OTHER_USER_ID),
        await slack.command("editar 10000001", user_id=OTHER_USER_ID),
        await slack.click(card["blocks"], "cliente_editar", user_id=OTHER_USER_ID),
        await slack.click(listing["blocks"], "cliente_editar", user_id=OTHER_USER_ID),
        await slack.click(card["blocks"], "cliente_agregar_direccion", user_id=OTHER_USER_ID),
        await slack.click(card["blocks"], "cliente_agregar_servidor", user_id=OTHER_USER_ID),
        await slack.choose(card["blocks"], "address", "Editar", user_id=OTHER_USER_ID),
        await slack.choose(card["blocks"], "server", "Editar", user_id=OTHER_USER_ID),
    ]

    for refused in refusals:
        assert refused["response_type"] == "ephemeral"
        assert FORBIDDEN in refused["text"] and FORBIDDEN in all_text(refused["blocks"])
    assert slack.fake.calls_to("views.open") == []
    assert (await slack.service.get(ALICE, created.id)).version == created.version  # nothing changed


async def test_an_editor_still_opens_every_form(make_slack) -> None:
    slack = viewer_and_editor(make_slack)
    await make_client(slack.service, 1, servers=[{"host": "srv.pe"}])
    card = await slack.command("ver 10000001")

    assert (await slack.open_modal("nuevo"))["callback_id"] == "clientes_nuevo"
    assert (await slack.open_modal("editar 10000001"))["callback_id"] == "clientes_editar_seccion"
    assert (await slack.click_to_modal(card["blocks"], "cliente_agregar_direccion"))["callback_id"] == "clientes_editar"
    assert (await slack.choose_to_modal(card["blocks"], "server", "Editar"))["callback_id"] == "clientes_editar"


async def test_a_viewer_gets_no_delete_or_remove_question(make_slack) -> None:
    """Refuse before offering (issue 12 #14): no question with an Eliminar button, and the card a
    viewer chose from is not replaced; the refusal is a new ephemeral message."""
    slack = viewer_and_editor(make_slack)
    created = await make_client(
        slack.service,
        1,
        addresses=[{"country": "PE", "ubigeo": MIRAFLORES[0], "line": "Av. Larco 1"}],
        servers=[{"host": "srv.pe", "password": "pw-1"}],
    )
    card = await slack.command("ver 10000001", user_id=OTHER_USER_ID)

    asked = await slack.command("eliminar 10000001", user_id=OTHER_USER_ID)
    assert asked["response_type"] == "ephemeral" and asked["text"] == DELETE_FORBIDDEN
    assert "Eliminar" not in [
        e["text"]["text"] for b in asked["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]

    for kind in ("address", "server"):
        refused = await slack.choose(card["blocks"], kind, "Eliminar", user_id=OTHER_USER_ID)
        assert refused["response_type"] == "ephemeral" and FORBIDDEN in refused["text"]
        assert not refused.get("replace_original"), "the viewer's card must stay as it was"
        assert "¿Eliminar" not in all_text(refused["blocks"])
    assert (await slack.service.get(ALICE, created.id)).version == created.version


async def test_an_editor_is_still_asked_before_deleting(make_slack) -> None:
    slack = viewer_and_editor(make_slack)
    await make_client(slack.service, 1)
    asked = await slack.command("eliminar 10000001")
    assert "¿Eliminar a «" in all_text(asked["blocks"])


async def test_the_card_offers_eliminar_only_to_who_may_delete(make_slack) -> None:
    """The card's Eliminar asks with Slack's own confirm dialog, before any request reaches the bot: so
    it is left out of the card of someone who may not delete (issue 12 #14)."""
    slack = viewer_and_editor(make_slack)
    await make_client(slack.service, 1)

    def actions(answer: dict) -> list[str]:
        return [e["action_id"] for b in answer["blocks"] if b["type"] == "actions" for e in b["elements"]]

    assert "cliente_eliminar" not in actions(await slack.command("ver 10000001", user_id=OTHER_USER_ID))
    assert "cliente_eliminar" in actions(await slack.command("ver 10000001"))
