"""Ver contraseña when the configured keys cannot open the stored password (a key retired too early, a
wrong key on one process): the Spanish key message, signed request in, fake Slack out."""

from __future__ import annotations

from commands.service import ClientService
from storage.crypto import UNREADABLE_MESSAGE, SecretBox, generate_key
from tests.fakes.slack_requests import action_for, block_actions, dispatch

from .conftest import Slack, menu_choice
from .helpers import ALICE, all_text

PASSWORD = "cifrada-con-otra-clave"


async def test_reveal_under_a_wrong_key_says_which_variable_to_fix(slack: Slack) -> None:
    other_key = ClientService(slack.core.db, SecretBox([generate_key()]), slack.service.policy)
    card = await other_key.create(
        ALICE,
        {"doc_type": "1", "doc_number": "12345678", "name": "Con servidor"},
        servers=[{"host": "srv.pe", "password": PASSWORD}],
    )
    blocks = (await slack.command("ver 12345678"))["blocks"]
    block, value = menu_choice(blocks, "server", "Ver contraseña")
    name, url = slack.hook()

    response = await dispatch(slack.app, *block_actions(action_for([block], "ficha_elemento", value), response_url=url))

    assert response.status == 200
    (answer,) = await slack.responses(name)
    shown = all_text(answer.get("blocks") or []) + answer.get("text", "")
    assert UNREADABLE_MESSAGE in shown and "CLIENTES_SECRET_KEYS" in shown
    assert "inesperado" not in shown and PASSWORD not in str(slack.fake.calls)
    assert answer.get("response_type", "ephemeral") == "ephemeral"
    history = await slack.service.history(ALICE, card.id)
    assert [entry.action for entry in history] == ["create"]  # nothing was revealed, nothing audited
