""" "Registrar cliente" on a Discord message, and "Completar con el mensaje" afterwards, end to end
through the fake Discord: the create form opens with the message's RUC, the e-mail, phones and web
address wait for the sections filled after the client exists, and nothing is saved until each form is
submitted."""

from __future__ import annotations

from typing import Any

import pytest

from bot.config import Settings
from bot.discord.guild_gate import OTHER_GUILD
from bot.runtime import Core
from commands.access import Actor, Permission
from commands.errors import Forbidden
from commands.forms import ADDRESS, CLIENT, CONTACT
from commands.texts import texts
from tests.fakes.discord_payloads import button_click, interaction, member, message_with_components, user
from tests.fakes.discord_state import ADMIN_ROLE_ID, APPLICATION_ID, GUILD_ID, USER_ID, snowflake

from .conftest import DiscordUI, find, make_settings

Payload = dict[str, Any]
SEED = Actor("console", "seed")
ANA = Actor("discord", str(USER_ID))  # who the fake's interactions come from by default
MESSAGE = "Nuevo cliente: ACME SAC, RUC 20100070970, facturas@acme.pe, 987 654 321, (01) 444 5566, https://acme.pe"
COMPLETE = "Completar con el mensaje"
STRANGER_GUILD = 1310000000000009100


def user_message(content: str) -> Payload:
    """Somebody's message in the channel (not the bot's), as Discord resolves it for the command."""
    message = message_with_components([], content=content)
    message["author"] = user(snowflake(), "carla.rios", "Carla Ríos")
    del message["webhook_id"], message["application_id"]
    return message


def message_command(message: Payload, **envelope: Any) -> Payload:
    """A message context command (interaction type 2, command type 3) used on `message`."""
    data = {
        "id": str(snowflake()),
        "name": texts().register_from_message,
        "type": 3,
        "target_id": message["id"],
        "resolved": {"messages": {message["id"]: message}},
        "guild_id": str(GUILD_ID),
    }
    return interaction(2, data, **envelope)


async def register(ui: DiscordUI, content: str, **envelope: Any):
    return await ui._deliver(message_command(user_message(content), **envelope))


def shown(modal) -> dict[str, Any]:
    """What the modal shows: text values, and the chosen option of a select."""
    out: dict[str, Any] = {}
    for label in modal.components:
        inner = label["component"]
        if inner["type"] == 3:
            out[inner["custom_id"]] = [o["value"] for o in inner["options"] if o.get("default")]
        else:
            out[inner["custom_id"]] = inner.get("value")
    return out


def buttons(message: Payload) -> list[str]:
    return [c.get("label") for row in message.get("components") or [] for c in row.get("components") or []]


async def test_register_from_a_message_then_complete_each_section(discord_ui: DiscordUI, core: Core) -> None:
    ui = discord_ui
    modal = await register(ui, MESSAGE)
    assert modal.type == 9 and modal.data["title"] == CLIENT.title
    values = shown(modal)
    assert values["doc_type"] == ["6"] and values["doc_number"] == "20100070970" and not values["name"]
    note = modal.components[0]["description"]
    assert note == texts().form_from_message("RUC")
    assert (await core.service.list_page(SEED)).total == 0  # nothing saved by opening it

    saved, payload = await ui.submit(modal, {"name": "ACME S.A.C."})
    assert saved.type == 4 and saved.ephemeral
    card = ui.message(payload)
    assert texts().created("ACME S.A.C.") in card["content"]
    assert "Quedan del mensaje: " in card["content"] and COMPLETE in buttons(card)
    [client] = (await core.service.list_page(SEED)).rows
    stored = await core.service.get(SEED, client.id)
    assert not stored.website and not stored.addresses  # the later values wait, unsaved

    # Otros Datos, pre-filled with the mobile and the web address
    modal, _ = await ui.click(card, label=COMPLETE)
    assert modal.type == 9 and modal.data["title"] == CONTACT.title
    values = shown(modal)
    assert values["website"] == "https://acme.pe" and values["contact_phone"] == "+51 987 654 321"
    stored = await core.service.get(SEED, client.id)
    assert not stored.website  # opening saves nothing
    _, payload = await ui.submit(modal, {"contact_name": "Lucía Paredes"})
    card = ui.message(payload)
    assert COMPLETE in buttons(card)  # the address is still waiting
    stored = await core.service.get(SEED, client.id)
    assert stored.website == "https://acme.pe" and stored.contact_name == "Lucía Paredes"

    # The address: no district in the message, so the picker first, then the Dirección form pre-filled
    answer, payload = await ui.click(card, label=COMPLETE)
    assert answer.type == 4 and answer.ephemeral
    picker = ui.message(payload)
    for prefix, label in (("cb:ub:dep:", "Arequipa"), ("cb:ub:prv:", "Arequipa"), ("cb:ub:dis:", "Cayma")):
        _, payload = await ui.pick(picker, prefix, [label])
        picker = ui.message(payload)
    modal, _ = await ui.click(picker, label="Continuar")
    assert modal.type == 9 and modal.data["title"].startswith(ADDRESS.add_label or ADDRESS.title)
    values = shown(modal)
    assert values["email"] == "facturas@acme.pe" and values["phone"] == "+51 1 4445566" and not values["line"]
    _, payload = await ui.submit(modal, {"line": "Calle Misti 456"})
    card = ui.message(payload)
    assert COMPLETE not in buttons(card) and "Quedan del mensaje" not in (card["content"] or "")
    stored = await core.service.get(SEED, client.id)
    [address] = stored.addresses
    assert address.email == "facturas@acme.pe" and address.ubigeo == "040103" and address.line == "Calle Misti 456"
    assert await core.service.prefill.find(ANA, client.id) == []  # used up: discarded

    # The old button, clicked again: nothing is left to open
    answer, _ = await ui.click(card_with_button(client.id), prefix="cb:pf:")
    assert answer.type == 4 and answer.content == texts().prefill_gone


def card_with_button(client_id: int) -> Payload:
    custom_id = f"cb:pf:message:{client_id}"
    return button_click(custom_id)["message"]


async def test_a_known_district_opens_the_direccion_form_directly(discord_ui: DiscordUI, core: Core) -> None:
    """The seam another source (SUNAT's padrón) uses: values kept for a client, district included."""
    card = await core.service.create(SEED, {"doc_type": "6", "doc_number": "20100070970", "name": "ACME S.A.C."})
    values = {"address.0.ubigeo": "150131", "address.0.line": "AV. JAVIER PRADO ESTE NRO. 6210"}
    await core.service.prefill.keep(ANA, "message", values, client_id=card.id)
    modal, _ = await discord_ui.click(card_with_button(card.id), prefix="cb:pf:")
    assert modal.type == 9 and "San Isidro" in modal.data["title"]
    assert shown(modal)["line"] == "AV. JAVIER PRADO ESTE NRO. 6210"
    _, payload = await discord_ui.submit(modal)
    assert COMPLETE not in buttons(discord_ui.message(payload))  # nothing else was waiting
    [address] = (await core.service.get(SEED, card.id)).addresses
    assert address.ubigeo == "150131" and address.line == "AV. JAVIER PRADO ESTE NRO. 6210"
    assert await core.service.prefill.find(ANA, card.id) == []


async def test_nothing_recognisable_opens_the_empty_form_and_says_so(discord_ui: DiscordUI, core: Core) -> None:
    modal = await register(discord_ui, "¿Alguien sabe quién lleva a este cliente?")
    assert modal.type == 9 and modal.data["title"] == CLIENT.title
    assert modal.components[0]["description"] == texts().nothing_in_message
    values = shown(modal)
    assert values["doc_type"] == ["1"] and not any(values[k] for k in ("doc_number", "name", "internal_code"))
    _, payload = await discord_ui.submit(modal, {"doc_number": "44556677", "name": "Juan Pérez"})
    card = discord_ui.message(payload)
    assert COMPLETE not in buttons(card) and "Quedan del mensaje" not in card["content"]


async def test_forged_or_foreign_buttons_open_nothing(discord_ui: DiscordUI, core: Core) -> None:
    modal = await register(discord_ui, MESSAGE)
    _, payload = await discord_ui.submit(modal, {"name": "ACME S.A.C."})
    card = discord_ui.message(payload)
    button = find(card, label=COMPLETE)
    client_id = int(button["custom_id"].rsplit(":", 1)[1])

    # Another editor clicking Ana's button finds none of her values
    bruno = member(snowflake(), "bruno.diaz", global_name="Bruno Díaz")
    answer, _ = await discord_ui.click(card, label=COMPLETE, invoker=bruno)
    assert answer.type == 4 and answer.content == texts().prefill_gone
    # An unknown source or a malformed id matches no template: "no longer valid", nothing opens
    for custom_id in ("cb:pf:otro:1", f"cb:pf:message:{client_id}x", "cb:pf:message:" + "9" * 90):
        answer = await discord_ui._deliver(button_click(custom_id))
        assert answer.type == 4 and answer.content == texts().stale_action, custom_id
    # Ana's own button still works after all that
    modal, _ = await discord_ui.click(card, label=COMPLETE)
    assert modal.type == 9 and modal.data["title"] == CONTACT.title


class TestViewer:
    @pytest.fixture
    def settings(self) -> Settings:
        return make_settings(clientes_editors=str(ADMIN_ROLE_ID))  # ana (team role) may view, not edit

    async def test_a_viewer_is_refused_in_spanish(self, discord_ui: DiscordUI, core: Core) -> None:
        answer = await register(discord_ui, MESSAGE)
        with pytest.raises(Forbidden) as refused:
            core.service.policy.require(Actor("discord", "viewer"), Permission.EDIT)
        assert answer.type == 4 and answer.ephemeral and answer.content == str(refused.value)
        card = await core.service.create(SEED, {"doc_type": "6", "doc_number": "20100070970", "name": "ACME"})
        answer, _ = await discord_ui.click(card_with_button(card.id), prefix="cb:pf:")
        assert answer.type == 4 and answer.content == str(refused.value)
        assert (await core.service.list_page(SEED)).total == 1  # only the seeded one


async def test_the_message_command_is_registered_guild_only_with_its_english_name(fake, bot) -> None:
    [put] = fake.requests_to("PUT", rf"^/applications/{APPLICATION_ID}/guilds/{GUILD_ID}/commands$", ok_only=True)
    [command] = [c for c in put.json if c["type"] == 3]  # a message command: no description, no options
    assert command["name"] == "Registrar cliente" and command["contexts"] == [0]
    assert command["name_localizations"]["en-US"] == "Register client"


async def test_the_message_command_passes_the_guild_gate(discord_ui: DiscordUI, core: Core) -> None:
    answer = await register(discord_ui, MESSAGE, guild_id=STRANGER_GUILD)
    assert answer.type == 4 and answer.content == OTHER_GUILD
    assert (await core.service.list_page(SEED)).total == 0


async def test_corregir_keeps_the_waiting_values(discord_ui: DiscordUI) -> None:
    """A create refused for a field, corrected and saved, still offers the message's other values."""
    modal = await register(discord_ui, MESSAGE)
    refused, payload = await discord_ui.submit(modal)  # Nombre left empty
    assert refused.type == 4 and "Nombre" in (refused.content or "")
    modal, _ = await discord_ui.click(discord_ui.message(payload), label="Corregir")
    assert shown(modal)["doc_number"] == "20100070970"
    _, payload = await discord_ui.submit(modal, {"name": "ACME S.A.C."})
    assert COMPLETE in buttons(discord_ui.message(payload))


async def test_a_forwarded_message_and_an_embed_are_read_too(discord_ui: DiscordUI) -> None:
    """Forwarding leaves the message's own content empty (the text is in its snapshot), and a
    webhook's contact form posts its fields as an embed."""
    forwarded = user_message("")
    original = user_message("RUC 20100070970")
    snapshot = {k: original[k] for k in ("type", "content", "embeds", "attachments", "timestamp", "edited_timestamp")}
    forwarded["message_snapshots"] = [{"message": snapshot | {"flags": 0, "mentions": [], "mention_roles": []}}]
    forwarded["message_reference"] = {"type": 1, "channel_id": original["channel_id"], "message_id": original["id"]}
    modal = await discord_ui._deliver(message_command(forwarded))
    assert modal.type == 9 and shown(modal)["doc_number"] == "20100070970"

    webhook = user_message("Nuevo contacto desde la web")
    webhook["embeds"] = [{"title": "Formulario", "fields": [{"name": "RUC", "value": "20100070970"}]}]
    modal = await discord_ui._deliver(message_command(webhook))
    assert modal.type == 9 and shown(modal)["doc_number"] == "20100070970"
