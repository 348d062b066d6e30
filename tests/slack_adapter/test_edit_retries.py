"""A re-sent edit form (Slack redelivery, or Guardar pressed again after Slack's 3 s timeout) that the
first submission already saved is answered as saved, not as a Conflict; anything else still conflicts."""

from __future__ import annotations

from commands.access import Actor
from tests.fakes.slack_requests import Signing

from .conftest import Slack
from .helpers import ALICE, MIRAFLORES, all_text, find_block

RETRY = Signing(retry_num=1, retry_reason="http_timeout")
BOB = Actor("slack", "U0BOB", "bob")


async def open_section(slack: Slack, choice_prefix: str) -> dict:
    picker = await slack.open_modal("editar 12345678")
    options = find_block(picker["blocks"], "editar.seccion")["element"]["options"]
    ack = await slack.submit(
        picker, {"editar.seccion": next(o["value"] for o in options if o["value"].startswith(choice_prefix))}
    )
    return {**ack["view"], "id": picker["id"], "hash": picker["hash"]}


async def test_a_repeated_contact_edit_is_answered_as_saved(slack: Slack) -> None:
    card = await slack.service.create(ALICE, {"doc_type": "1", "doc_number": "12345678", "name": "Ana Ruiz"})
    form = await open_section(slack, "contact")
    answers = {"contact.contact_phone": "987 654 321", "contact.website": "https://ana.pe"}

    first = await slack.submit(form, answers)
    again = await slack.submit(form, answers, signing=RETRY)

    assert first["view"]["title"]["text"] == again["view"]["title"]["text"] == "Cambios guardados"
    assert "modificado por otra persona" not in all_text(again["view"]["blocks"])
    assert len(await slack.fake.wait_for("chat.postEphemeral", count=2)) == 2
    assert (await slack.service.get(ALICE, card.id)).version == card.version + 1  # saved once


async def test_a_repeated_address_edit_is_answered_as_saved(slack: Slack) -> None:
    await slack.service.create(
        ALICE,
        {"doc_type": "1", "doc_number": "12345678", "name": "Ana Ruiz"},
        addresses=[{"ubigeo": MIRAFLORES[0], "line": "Av. Larco 1"}],
    )
    form = await open_section(slack, "address:")
    answers = {"address.line": "  Av. Larco 2 ", "address.phone": "01 4445566"}
    assert (await slack.submit(form, answers))["response_action"] == "update"
    assert (await slack.submit(form, answers))["view"]["title"]["text"] == "Cambios guardados"


async def test_a_different_second_submission_still_conflicts(slack: Slack) -> None:
    await slack.service.create(ALICE, {"doc_type": "1", "doc_number": "12345678", "name": "Ana Ruiz"})
    form = await open_section(slack, "contact")
    await slack.submit(form, {"contact.contact_name": "Ana"})

    other = await slack.submit(form, {"contact.contact_name": "Ana María"}, signing=RETRY)

    assert other["view"]["title"]["text"] == "Cambios no guardados"


async def test_the_same_values_saved_by_someone_else_still_conflict(slack: Slack) -> None:
    card = await slack.service.create(ALICE, {"doc_type": "1", "doc_number": "12345678", "name": "Ana Ruiz"})
    form = await open_section(slack, "contact")
    await slack.service.edit_section(BOB, card.id, "contact", {"contact_name": "Ana"}, card.version)

    ack = await slack.submit(form, {"contact.contact_name": "Ana"})

    assert ack["view"]["title"]["text"] == "Cambios no guardados"


async def test_a_repeated_server_edit_with_a_new_password_still_conflicts(slack: Slack) -> None:
    card = await slack.service.create(
        ALICE, {"doc_type": "1", "doc_number": "12345678", "name": "Ana Ruiz"}, servers=[{"host": "srv.pe"}]
    )
    form = await open_section(slack, "server:")
    answers = {"server.username": "root", "server.password": "nueva"}
    assert (await slack.submit(form, answers))["view"]["title"]["text"] == "Cambios guardados"
    assert (await slack.submit(form, answers))["view"]["title"]["text"] == "Cambios no guardados"
    # A blank password keeps the stored one, so equality can be shown again.
    blank = {"server.username": "root"}
    assert (await slack.submit(form, blank))["view"]["title"]["text"] == "Cambios guardados"
    saved = await slack.service.get(ALICE, card.id)
    assert saved.version == card.version + 1
    assert await slack.service.reveal_password(ALICE, card.id, saved.servers[0].id) == "nueva"
