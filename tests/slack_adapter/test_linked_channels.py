"""Once a client's Slack channel exists, the list and the card show it as a real channel link
(``<#C…>``), and the channel's topic points back to the card command; end to end through Bolt and the
real outbox worker against the fake Slack."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.fakes.fake_slack import FakeSlack

from .conftest import Slack
from .helpers import ALICE, RUC, all_text
from .test_notices import ANSWERS, run_due, worker_for


@pytest.fixture
def slack(make_slack: Callable[..., Slack], fake: FakeSlack) -> Slack:
    return make_slack()


async def test_list_and_card_link_the_channel_once_it_exists(slack: Slack) -> None:
    view = await slack.open_modal("nuevo")
    await slack.submit(view, ANSWERS)
    before = await slack.command("lista")
    assert "Canal: #super-mercados-peru" in all_text(before["blocks"]) and "<#" not in all_text(before["blocks"])
    await run_due(slack, worker_for(slack))
    channel = slack.fake.channel_named("super-mercados-peru").id

    after = await slack.command("lista")
    row = next(b for b in after["blocks"] if b.get("block_id", "").startswith("fila.") and b["type"] == "section")
    assert f"Canal: <#{channel}>" in row["text"]["text"]
    card = await slack.command(f"ver {RUC}")
    assert f"<#{channel}> (listo)" in all_text(card["blocks"])

    topic = slack.fake.channels[channel].topic
    card_id = (await slack.service.find(ALICE, RUC)).id
    assert topic.endswith(f"Ficha: /clientes ver #{card_id}")
    shown = await slack.command(topic.rsplit("/clientes ", 1)[1])  # the topic's command shows the card
    assert "Supermercados Peruanos S.A." in all_text(shown["blocks"])
