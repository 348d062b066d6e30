"""A revealed password never lands in a DM (a DM stays in the user's history and they cannot delete a
bot's message): when neither response_url nor chat.postEphemeral works, it is shown in a modal opened
with the click's trigger_id, or else the user is told it could not be shown."""

from __future__ import annotations

from typing import Any

from tests.fakes.fake_slack import FakeSlack
from tests.fakes.slack_requests import action_for, block_actions, dispatch

from .conftest import Slack, menu_choice
from .helpers import ALICE, all_text

PASSWORD = "clave-muy-secreta"


async def card_with_server(slack: Slack) -> list[dict[str, Any]]:
    await slack.service.create(
        ALICE,
        {"doc_type": "1", "doc_number": "12345678", "name": "Con servidor"},
        servers=[{"host": "srv.pe", "password": PASSWORD}],
    )
    return (await slack.command("ver 12345678"))["blocks"]


async def click_reveal(slack: Slack, blocks: list[dict[str, Any]]) -> str:
    """Picks "Ver contraseña" on the card; returns the response_url hook name the click carried."""
    block, value = menu_choice(blocks, "server", "Ver contraseña")
    name, url = slack.hook()
    request = block_actions(action_for([block], "ficha_elemento", value), is_ephemeral=True, response_url=url)
    assert (await dispatch(slack.app, *request)).status == 200
    return name


def leaked(fake: FakeSlack) -> list[Any]:
    """chat.postMessage calls (a channel or a DM) that carried the password, in text or blocks."""
    return [c for c in fake.calls_to("chat.postMessage") if PASSWORD in str(c.params)]


async def test_password_goes_to_a_modal_when_both_ephemeral_paths_fail(slack: Slack) -> None:
    fake = slack.fake
    blocks = await card_with_server(slack)
    fake.fail_next("response_url", status=500)
    fake.fail_next("chat.postEphemeral", error="channel_not_found")  # the case that used to fall back to a DM

    await click_reveal(slack, blocks)

    (opened,) = await fake.wait_for("views.open")
    assert opened.ok
    assert f"Contraseña de srv.pe: {PASSWORD}" in all_text(opened.params["view"]["blocks"])
    assert opened.params["view"]["type"] == "modal" and "submit" not in opened.params["view"]
    assert fake.last("chat.postEphemeral").status == 200 and not fake.last("chat.postEphemeral").ok
    assert leaked(fake) == [] and fake.calls_to("chat.postMessage") == []


async def test_when_no_modal_can_open_the_user_is_told_without_the_password(slack: Slack) -> None:
    fake = slack.fake
    blocks = await card_with_server(slack)
    fake.fail_next("response_url", status=500, times=2)
    fake.fail_next("chat.postEphemeral", error="channel_not_found", times=2)
    fake.fail_next("views.open", error="expired_trigger_id")

    await click_reveal(slack, blocks)

    (note,) = await fake.wait_for("chat.postMessage")  # the explanation may use the DM: it holds no secret
    assert "No pude mostrarle la contraseña de forma privada" in all_text(note.params["blocks"])
    assert leaked(fake) == [] and not fake.last("views.open").ok


async def test_the_ephemeral_reply_is_still_the_first_choice(slack: Slack) -> None:
    blocks = await card_with_server(slack)

    name = await click_reveal(slack, blocks)

    (revealed,) = await slack.responses(name)
    assert revealed["response_type"] == "ephemeral" and PASSWORD in all_text(revealed["blocks"])
    assert slack.fake.calls_to("views.open") == [] and slack.fake.calls_to("chat.postMessage") == []
