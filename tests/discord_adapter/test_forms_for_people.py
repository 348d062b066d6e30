"""Issue 11 on Discord: the password field says it is visible, edit forms say how to empty a field,
Peru-aware phones and names, countries by common names, truthful channel and client states —
through interactions against the fake Discord."""

from __future__ import annotations

from bot.runtime import configured_platforms
from commands.access import Actor
from commands.forms import CONTACT, SERVER

from .conftest import DiscordUI, make_settings

SEED = Actor("console", "seed")


def fields_of(message: dict) -> dict[str, str]:
    [embed] = message["embeds"]
    return {f["name"]: f["value"].replace("\\", "") for f in embed["fields"]}


def descriptions(modal) -> dict[str, str | None]:
    return {c["label"]: c.get("description") for c in modal.components}


async def test_password_field_says_what_is_typed_is_visible(discord_ui: DiscordUI, core) -> None:
    card = await core.service.create(
        SEED, {"doc_number": "12345678", "name": "Ana"}, servers=[{"host": "erp.ana.pe", "password": "x"}]
    )
    _, payload = await discord_ui.command("ver", {"cliente": f"#{card.id}"})
    adding, _ = await discord_ui.click(discord_ui.message(payload), label=SERVER.add_label)
    assert descriptions(adding)["Contraseña"] == (
        "Discord no tiene un campo de contraseña oculto: lo que escriba se verá mientras lo escribe."
    )
    _, payload = await discord_ui.command("editar", {"cliente": f"#{card.id}"})
    editing, _ = await discord_ui.pick(discord_ui.message(payload), "cb:ed:", ["Datos del servidor 1: erp.ana.pe"])
    assert descriptions(editing)["Contraseña"] == (
        "En blanco conserva la actual. Discord no la oculta: se verá mientras la escribe."
    )


async def test_edit_form_says_how_to_clear_and_dash_clears(discord_ui: DiscordUI, core) -> None:
    card = await core.service.create(
        SEED,
        {"doc_number": "12345678", "name": "Ana"},
        contact={"contact_name": "Ana Ruiz", "contact_phone": "6100600", "website": "ana.pe"},
    )
    _, payload = await discord_ui.command("editar", {"cliente": f"#{card.id}"})
    modal, _ = await discord_ui.pick(discord_ui.message(payload), "cb:ed:", [CONTACT.title])
    assert set(descriptions(modal).values()) == {"Opcional: bórrelo o escriba «-» para dejarlo vacío."}
    values = {c["component"]["custom_id"]: c["component"].get("value") for c in modal.components}
    assert values["contact_phone"] == "(01) 610 0600"  # stored +5116100600, pre-filled as written in Peru
    saved, payload = await discord_ui.submit(modal, {"website": "-"})
    assert saved.content == "Se guardó «Otros Datos»."
    after = await core.service.get(SEED, card.id)
    assert (after.website, after.contact_phone) == (None, "+5116100600")
    assert "(01) 610 0600" in fields_of(discord_ui.message(payload))[CONTACT.title]


async def test_new_client_form_has_no_clearing_hint(discord_ui: DiscordUI) -> None:
    modal, _ = await discord_ui.command("nuevo")
    assert not any(descriptions(modal).values())


async def test_discord_user_with_capitals_is_lowercased(discord_ui: DiscordUI, core) -> None:
    card = await core.service.create(SEED, {"doc_number": "12345678", "name": "Ana"})
    _, payload = await discord_ui.command("editar", {"cliente": f"#{card.id}"})
    modal, _ = await discord_ui.pick(discord_ui.message(payload), "cb:ed:", ["Datos Servidor"])
    saved, _ = await discord_ui.submit(modal, {"discord_user": "@Ana.Ruiz"})
    assert saved.content == "Se guardó «Datos Servidor»."
    assert (await core.service.get(SEED, card.id)).discord_user == "ana.ruiz"


async def test_address_abroad_by_a_common_name(discord_ui: DiscordUI, core) -> None:
    card = await core.service.create(SEED, {"doc_number": "12345678", "name": "Ana"})
    _, payload = await discord_ui.command("ver", {"cliente": f"#{card.id}"})
    _, payload = await discord_ui.click(discord_ui.message(payload), label="Agregar dirección")
    modal, _ = await discord_ui.click(discord_ui.message(payload), label="Otro país")
    assert "Distrito" not in [c["label"] for c in modal.components]
    _, payload = await discord_ui.submit(modal, {"country": "Corea del Sur", "line": "Teheran-ro 1, Seúl"})
    assert "Corea del Sur" in fields_of(discord_ui.message(payload))["Dirección 1 (principal)"]
    assert (await core.service.get(SEED, card.id)).addresses[0].country == "KR"


async def test_a_slack_channel_is_not_configured_in_a_discord_process(discord_ui: DiscordUI, core) -> None:
    core.service.configured_platforms = configured_platforms(make_settings())  # as build_core sets it
    card = await core.service.create(
        SEED, {"doc_number": "12345678", "name": "Ana"}, integrations={"slack_channel": "acme"}
    )
    _, payload = await discord_ui.command("ver", {"cliente": f"#{card.id}"})
    assert "#acme (Slack no está configurado)" in fields_of(discord_ui.message(payload))["Datos Servidor"]


async def test_ayuda_tells_how_to_clear_a_field(discord_ui: DiscordUI) -> None:
    shown, _ = await discord_ui.command("ayuda")
    assert "escriba «-» en un campo opcional para dejarlo vacío" in shown.content
    assert "<cliente> es un número de documento" in shown.content


async def test_editing_an_address_abroad_is_offered_without_distrito(discord_ui: DiscordUI, core) -> None:
    card = await core.service.create(
        SEED, {"doc_number": "12345678", "name": "Ana"}, addresses=[{"country": "BO", "line": "Av. Arce 1"}]
    )
    _, payload = await discord_ui.command("editar", {"cliente": f"#{card.id}"})
    _, payload = await discord_ui.pick(discord_ui.message(payload), "cb:ed:", ["Dirección 1: Av. Arce 1"])
    picker = discord_ui.message(payload)
    assert "en **Bolivia**: pulse «Otro país» para editarla" in picker["content"]
    modal, _ = await discord_ui.click(picker, label="Otro país")
    assert [c["label"] for c in modal.components] == ["País", "Dirección", "Teléfono", "Correo electrónico"]
    assert modal.components[0]["component"]["value"] == "Bolivia"
    await discord_ui.submit(modal, {"line": "Av. Arce 2631"})
    after = (await core.service.get(SEED, card.id)).addresses[0]
    assert (after.country, after.ubigeo, after.line) == ("BO", None, "Av. Arce 2631")
