"""``lista`` with paging, ``ver`` cards, password reveal, sharing, ambiguity, help and escaping."""

from __future__ import annotations

import re

from commands.access import AccessPolicy
from commands.views import MASK
from tests.fakes.fake_slack import OTHER_USER_ID

from .conftest import Slack
from .helpers import ALICE, MIRAFLORES, all_text, make_client, texts

ROW = re.compile(r"^\*Cliente (\d\d)\*")


def names(message: dict) -> list[str]:
    return [m.group(1) for _, t in texts(message["blocks"]) if (m := ROW.match(t))]


async def test_list_pages_forward_and_back(slack: Slack) -> None:
    for n in range(23):
        await make_client(slack.service, n, contact={"contact_phone": "987 654 321"})

    first = await slack.command("lista")
    assert first["response_type"] == "ephemeral"
    assert names(first) == [f"{n:02d}" for n in range(22, 12, -1)]  # newest first
    text = all_text(first["blocks"])
    assert "Página 1 de 3 · 23 cliente(s)" in text  # the catalogue's page caption, as on Discord and the console
    assert all(f"{column}:" in text for column in ("Canal", "Documento", "Número", "Teléfono", "Correo"))
    assert "DNI 10000022" in text and "987654321" in text.replace(" ", "")

    second = await slack.click(first["blocks"], "lista_siguiente")
    assert second["replace_original"] is True and "Página 2 de 3" in all_text(second["blocks"])
    third = await slack.click(second["blocks"], "lista_siguiente")
    assert names(third) == ["02", "01", "00"] and "lista_siguiente" not in str(third["blocks"])
    back = await slack.click(third["blocks"], "lista_anterior")
    assert names(back) == names(second)

    searched = await slack.command("lista Cliente 07")
    assert names(searched) == ["07"] and "«Cliente 07»" in all_text(searched["blocks"])


async def test_list_rows_have_ver_and_editar(slack: Slack) -> None:
    card = await make_client(slack.service, 1)
    listing = await slack.command("lista")
    shown = await slack.click(listing["blocks"], "cliente_ver")
    assert shown["replace_original"] is False and "Cliente 01" in all_text(shown["blocks"])
    picker = await slack.click_to_modal(listing["blocks"], "cliente_editar")
    assert picker["callback_id"] == "clientes_editar_seccion" and f'"client_id":{card.id}' in picker["private_metadata"]


async def test_card_shows_every_section_and_masks_the_password(slack: Slack) -> None:
    await slack.service.create(
        ALICE,
        {"doc_type": "6", "doc_number": "20100070970", "name": "SPSA"},
        addresses=[{"ubigeo": MIRAFLORES[0], "line": "Av. Larco 345", "email": "f@spsa.pe"}],
        contact={"contact_name": "Rosa"},
        servers=[{"host": "erp.spsa.pe", "ip": "203.0.113.10", "username": "root", "password": "clave-secreta"}],
    )
    card = await slack.command("ver 20100070970")

    text = all_text(card["blocks"])
    for title in (
        "Datos del cliente",
        "Dirección 1 (principal)",
        "Otros Datos",
        "Datos Servidor",
        "Datos del servidor 1",
    ):
        assert title in text
    for label in ("Tipo Doc. Identidad", "Nombre Comercial", "Distrito", "Correo electrónico", "Usuario Gitlab"):
        assert label in text
    assert "Miraflores" in text and MASK in text and "clave-secreta" not in text
    buttons = [e["text"]["text"] for b in card["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert buttons == [
        "Editar",
        "Agregar dirección",
        "Agregar Servidor",
        "Compartir en el canal",
        "Historial",
        "Eliminar",
    ]
    delete = next(
        e for b in card["blocks"] if b["type"] == "actions" for e in b["elements"] if e["text"]["text"] == "Eliminar"
    )
    assert delete["confirm"]["confirm"]["text"] == "Eliminar"

    revealed = await slack.choose(card["blocks"], "server", "Ver contraseña")
    assert revealed["response_type"] == "ephemeral" and revealed["replace_original"] is False
    assert revealed["blocks"][0]["text"] == {
        "type": "plain_text",
        "text": "Contraseña de erp.spsa.pe: clave-secreta",
        "emoji": True,
    }

    shared = await slack.click(card["blocks"], "cliente_compartir")
    assert shared["response_type"] == "in_channel"
    assert "SPSA" in all_text(shared["blocks"]) and "erp.spsa.pe" not in all_text(shared["blocks"])
    assert "actions" not in [b["type"] for b in shared["blocks"]]


async def test_reveal_is_refused_without_permission(make_slack) -> None:
    slack = make_slack(AccessPolicy(secret_viewers=frozenset({"U0ALICE"})))
    await slack.service.create(
        ALICE,
        {"doc_type": "1", "doc_number": "12345678", "name": "Con servidor"},
        servers=[{"host": "srv.pe", "password": "pw"}],
    )
    card = await slack.command("ver 12345678", user_id=OTHER_USER_ID)
    refused = await slack.choose(card["blocks"], "server", "Ver contraseña", user_id=OTHER_USER_ID)
    assert "No tiene permiso para ver contraseñas" in all_text(refused["blocks"])
    allowed = await slack.choose(card["blocks"], "server", "Ver contraseña")
    assert "pw" in all_text(allowed["blocks"])


async def test_ambiguous_client_offers_the_matches(slack: Slack) -> None:
    for n in (1, 2):
        await make_client(slack.service, n)
    reply = await slack.command("ver Cliente")
    assert "Varios clientes coinciden" in all_text(reply["blocks"])
    picks = [b["accessory"]["value"] for b in reply["blocks"] if "accessory" in b]
    assert sorted(picks) == sorted(f"ver:{c.id}" for c in (await slack.service.list_page(ALICE)).rows)
    shown = await slack.click(reply["blocks"], "cliente_elegir")
    assert "Cliente 0" in shown["blocks"][0]["text"]["text"]


async def test_not_found_and_help(slack: Slack) -> None:
    missing = await slack.command("ver 99999999")
    assert "No se encontró" in all_text(missing["blocks"])
    helped = await slack.command("frobnicar")
    text = all_text(helped["blocks"])
    assert "No conozco «frobnicar»" in text and "/clientes nuevo" in text and "&lt;cliente&gt;" in text
    assert "/clientes lista" in all_text((await slack.command("ayuda"))["blocks"])


async def test_channel_mentions_in_client_data_are_escaped(slack: Slack) -> None:
    await slack.service.create(
        ALICE, {"doc_type": "1", "doc_number": "87654321", "name": "<!channel> & @here <@U0BOB>"}
    )
    for reply in (await slack.command("ver 87654321"), await slack.command("lista")):
        mrkdwn = [t for kind, t in texts(reply["blocks"]) if kind == "mrkdwn"] + [reply["text"]]
        assert any("&lt;!channel&gt; &amp; @here &lt;@U0BOB&gt;" in t for t in mrkdwn)
        assert not any("<!channel>" in t or "<@U0BOB>" in t for t in mrkdwn)
