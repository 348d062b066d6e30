"""`/clientes lista <texto>` from Slack (signed requests, Bolt): each field people remember, `#canal`
as a list shows it, and `orden:nombre` kept across Siguiente/Anterior."""

from __future__ import annotations

import pytest

from tests.search_data import FINDS, SLACK_CHANNEL_ID, link_channels, seed

from .conftest import Slack
from .helpers import ALICE, all_text, texts

LISTED = {"nandu": "Inversiones Ñandú S.A.C.", "beta": "Comercial Beta", "zeta": "Álamo Zeta"}


def listed(message: dict) -> list[str]:
    """The client names the list shows, in order."""
    return [t.split("*")[1] for _, t in texts(message["blocks"]) if t.startswith("*") and "(#" in t]


@pytest.mark.parametrize(("typed", "who"), FINDS)
async def test_lista_finds_each_field(slack: Slack, typed: str, who: str) -> None:
    await seed(slack.service)
    answer = await slack.command(f"lista {typed}")
    assert listed(answer) == [LISTED[who]], typed


async def test_lista_with_a_channel_as_slack_escapes_it(slack: Slack) -> None:
    cards = await seed(slack.service)
    await link_channels(slack.service, cards["nandu"].id)
    answer = await slack.command(f"lista <#{SLACK_CHANNEL_ID}|soporte-nandu>")
    assert listed(answer) == [LISTED["nandu"]]


async def test_lista_orden_nombre_pages_in_name_order(slack: Slack) -> None:
    names = ["Mango", "kiwi", "Beta", "zeta", "Ábaco", "Ñandú", "nube", "Casa", "Dado", "Éxito", "Oro", "Pino", "alfa"]
    for n, name in enumerate(names):
        await slack.service.create(ALICE, {"doc_type": "1", "doc_number": f"{20000000 + n}", "name": name})
    first = await slack.command("lista orden:nombre")
    in_order = ["Ábaco", "alfa", "Beta", "Casa", "Dado", "Éxito", "kiwi", "Mango", "Ñandú", "nube"]
    assert listed(first) == in_order  # accents and case ignored, as the original sorted
    assert "Página 1 de 2 · 13 cliente(s)" in all_text(first["blocks"])
    second = await slack.click(first["blocks"], "lista_siguiente")
    assert listed(second) == ["Oro", "Pino", "zeta"]
    back = await slack.click(second["blocks"], "lista_anterior")
    assert listed(back) == listed(first)
    newest = await slack.command("lista")
    assert listed(newest)[0] == "alfa"  # newest first stays the default
