"""Creating a client from /clientes nuevo, across every section, as a person would in Discord."""

from __future__ import annotations

import asyncio

from prometheus_client import REGISTRY

from bot.runtime import Core
from commands.access import Actor
from commands.forms import ADDRESS, CLIENT, CONTACT, INTEGRATIONS, SERVER
from commands.views import MASK
from tests.fakes.discord_payloads import deliver, modal_submit
from tests.fakes.fake_discord import FakeDiscord

from .conftest import DiscordUI, find, option_values


def fields_of(message: dict) -> dict[str, str]:
    [embed] = message["embeds"]
    return {f["name"]: f["value"] for f in embed["fields"]}


async def create_acme(ui: DiscordUI) -> dict:
    modal, _ = await ui.command("nuevo")
    answer, payload = await ui.submit(
        modal, {"doc_type": ["6"], "doc_number": "20100070970", "name": "ACME S.A.C.", "trade_name": "Acme"}
    )
    assert answer.type == 4 and answer.ephemeral
    return ui.message(payload)


async def test_nuevo_opens_datos_del_cliente_modal(discord_ui: DiscordUI) -> None:
    modal, _ = await discord_ui.command("nuevo")

    assert modal.type == 9 and modal.data["title"] == CLIENT.title
    labels = [c["label"] for c in modal.components]
    assert labels == [f.label for f in CLIENT.fields]  # the manual's labels, from the schema
    doc_type = modal.components[0]["component"]
    assert doc_type["type"] == 3 and option_values(doc_type) == {
        c.label: c.value for c in CLIENT.field("doc_type").choices
    }
    assert [o["value"] for o in doc_type["options"] if o.get("default")] == ["1"]  # DNI by default
    number = modal.components[1]["component"]
    assert number["type"] == 4 and number["required"] and number["max_length"] == CLIENT.field("doc_number").max_length
    assert not modal.components[3]["component"]["required"]  # Código interno is optional


async def test_create_with_every_section(discord_ui: DiscordUI) -> None:
    ui = discord_ui
    card = await create_acme(ui)
    assert "registrado" in card["content"]
    assert {b["label"] for b in (c for row in card["components"] for c in row["components"])} >= {
        ADDRESS.add_label,
        CONTACT.title,
        INTEGRATIONS.title,
        SERVER.add_label,
        "Editar",
        "Eliminar",
    }

    # Address 1: Lima → Lima → (page 2 of 43 distritos) San Isidro
    picker_answer, payload = await ui.click(card, label=ADDRESS.add_label)
    assert picker_answer.type == 4 and picker_answer.ephemeral
    picker = ui.message(payload)
    assert len(find(picker, prefix="cb:ub:dep:")["options"]) == 25
    _, payload = await ui.pick(picker, "cb:ub:dep:", ["Lima"])
    picker = ui.message(payload)
    _, payload = await ui.pick(picker, "cb:ub:prv:", ["Lima"])
    picker = ui.message(payload)
    page1 = option_values(find(picker, prefix="cb:ub:dis:"))
    assert len(page1) == 25 and "San Isidro" not in page1
    edited, payload = await ui.click(picker, prefix="cb:ub:mas:")
    assert edited.type == 7
    picker = ui.message(payload)
    page2 = option_values(find(picker, prefix="cb:ub:dis:"))
    assert len(page2) == 43 - 25 and "San Isidro" in page2
    _, payload = await ui.pick(picker, "cb:ub:dis:", ["San Isidro"])
    picker = ui.message(payload)
    assert "San Isidro" in picker["content"]
    modal, _ = await ui.click(picker, label="Continuar")
    assert modal.type == 9
    assert [c["label"] for c in modal.components] == ["Dirección", "Teléfono", "Correo electrónico"]
    _saved, payload = await ui.submit(
        modal, {"line": "Av. Javier Prado 123", "phone": "01 4445566", "email": "facturas@acme.pe"}
    )
    card = ui.message(payload)
    assert "Dirección 1 (principal)" in fields_of(card)

    # Address 2: Arequipa → Arequipa → Cayma, from the refreshed card (new version in the buttons)
    _, payload = await ui.click(card, label=ADDRESS.add_label)
    picker = ui.message(payload)
    for prefix, label in (("cb:ub:dep:", "Arequipa"), ("cb:ub:prv:", "Arequipa"), ("cb:ub:dis:", "Cayma")):
        _, payload = await ui.pick(picker, prefix, [label])
        picker = ui.message(payload)
    modal, _ = await ui.click(picker, label="Continuar")
    _, payload = await ui.submit(modal, {"line": "Calle Misti 456"})
    card = ui.message(payload)

    # Otros Datos, Datos Servidor, Agregar servidor
    modal, _ = await ui.click(card, label=CONTACT.title)
    assert [c["label"] for c in modal.components] == [f.label for f in CONTACT.fields]
    _, payload = await ui.submit(modal, {"contact_name": "Rosa Pérez", "contact_phone": "987654321"})
    card = ui.message(payload)
    modal, _ = await ui.click(card, label=INTEGRATIONS.title)
    assert [c["label"] for c in modal.components] == [f.label for f in INTEGRATIONS.fields]
    _, payload = await ui.submit(modal, {"gitlab_user": "acme-dev", "discord_channel": "cliente-acme"})
    card = ui.message(payload)
    modal, _ = await ui.click(card, label=SERVER.add_label)
    assert [c["label"] for c in modal.components] == [f.label for f in SERVER.fields]
    _, payload = await ui.submit(
        modal, {"host": "erp.acme.pe", "ip": "203.0.113.10", "username": "root", "password": "s3cr3t!"}
    )
    card = ui.message(payload)

    fields = fields_of(card)
    assert "San Isidro" in fields["Dirección 1 (principal)"] and "Cayma" in fields["Dirección 2"]
    assert "Rosa Pérez" in fields[CONTACT.title]
    assert "acme\\-dev" in fields[INTEGRATIONS.title] or "acme-dev" in fields[INTEGRATIONS.title]
    assert MASK in fields[f"{SERVER.title} 1"] and "s3cr3t" not in str(card)
    assert "versión 6" in card["embeds"][0]["footer"]["text"]
    assert find(card, label="Ver contraseña")


async def test_field_errors_then_corregir_keeps_typed_values(discord_ui: DiscordUI) -> None:
    ui = discord_ui
    modal, _ = await ui.command("nuevo")
    typed = {"doc_type": ["6"], "doc_number": "20100070971", "name": "ACME S.A.C.", "internal_code": "A-1"}
    refused, payload = await ui.submit(modal, typed)

    assert refused.type == 4 and refused.ephemeral
    assert "Número:" in refused.content and "ACME" not in (refused.data.get("embeds") or [{}])[0].get("title", "")
    message = ui.message(payload)
    reopened, _ = await ui.click(message, label="Corregir")
    assert reopened.type == 9 and reopened.data["custom_id"] == modal.data["custom_id"]
    values = {c["component"]["custom_id"]: c["component"] for c in reopened.components}
    assert values["doc_number"]["value"] == "20100070971" and values["name"]["value"] == "ACME S.A.C."
    assert values["internal_code"]["value"] == "A-1"
    assert [o["value"] for o in values["doc_type"]["options"] if o.get("default")] == ["6"]

    saved, payload = await ui.submit(reopened, {"doc_number": "20100070970"})
    assert "registrado" in saved.content
    assert saved.data["embeds"][0]["description"] == "RUC 20100070970"


async def test_double_submit_creates_one_client(discord_ui: DiscordUI, fake: FakeDiscord, core: Core) -> None:
    """Two deliveries of the same modal submission (double click) arrive together: one client."""
    modal, _ = await discord_ui.command("nuevo")
    fields = {"doc_type": ["1"], "doc_number": "12345678", "name": "Juan Pérez", "internal_code": "", "trade_name": ""}
    first, second = modal_submit(modal.data["custom_id"], fields), modal_submit(modal.data["custom_id"], fields)
    await asyncio.gather(deliver(discord_ui.bot, first, fake=fake), deliver(discord_ui.bot, second, fake=fake))

    answers = [fake.interaction_callbacks(int(p["id"]))[0] for p in (first, second)]
    assert [a.data["embeds"][0]["footer"]["text"] for a in answers] == ["#1 · versión 1"] * 2
    page = await core.service.list_page(Actor("console", "test"))
    assert page.total == 1


async def test_each_interaction_kind_is_measured(discord_ui: DiscordUI) -> None:
    """/metrics: the slash command by its sub-command, the form submit and the button click."""

    def answered(command: str) -> float:
        labels = {"adapter": "discord", "command": command}
        return REGISTRY.get_sample_value("clientes_request_duration_seconds_count", labels) or 0.0

    before = {kind: answered(kind) for kind in ("nuevo", "formulario", "boton")}
    card = await create_acme(discord_ui)
    await discord_ui.click(card, label="Eliminar")
    assert {kind: answered(kind) - before[kind] for kind in before} == {"nuevo": 1, "formulario": 1, "boton": 1}
