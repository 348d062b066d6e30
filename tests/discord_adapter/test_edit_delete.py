"""Editar (pre-filled, optimistic locking), Eliminar with Deshacer, and /clientes restaurar."""

from __future__ import annotations

import asyncio

from commands.access import Actor
from tests.fakes.discord_payloads import deliver, modal_submit
from tests.fakes.fake_discord import FakeDiscord

from .conftest import DiscordUI

SEED = Actor("console", "seed")


async def acme(core) -> int:
    card = await core.service.create(
        SEED,
        {"doc_type": "6", "doc_number": "20100070970", "name": "ACME S.A.C."},
        contact={"contact_name": "Rosa"},
        servers=[{"host": "erp.acme.pe", "password": "viejo"}],
    )
    return card.id


async def test_edit_section_pre_filled(discord_ui: DiscordUI, core) -> None:
    cid = await acme(core)
    answer, payload = await discord_ui.command("editar", {"cliente": "ACME"})
    assert "elija la sección" in answer.content
    modal, _ = await discord_ui.pick(discord_ui.message(payload), "cb:ed:", ["Otros Datos"])
    assert modal.type == 9
    assert modal.components[0]["component"]["value"] == "Rosa"
    saved, _ = await discord_ui.submit(modal, {"contact_name": "Rosa Pérez", "website": "https://acme.pe"})
    assert saved.content == "Se guardó «Otros Datos»."
    card = await core.service.get(SEED, cid)
    assert (card.contact_name, card.website, card.version) == ("Rosa Pérez", "https://acme.pe", 2)


async def test_edit_delivered_twice_is_saved_once_and_both_answer_saved(
    discord_ui: DiscordUI, fake: FakeDiscord, core
) -> None:
    """A double submit of the same edit form (issue 7 #2: the core recognises a re-sent form): the second
    delivery finds the version it was rendered from already taken by the first — by the same user with
    the same values — and is answered "saved", not with the other-person conflict."""
    cid = await acme(core)
    _, payload = await discord_ui.command("editar", {"cliente": "ACME"})
    modal, _ = await discord_ui.pick(discord_ui.message(payload), "cb:ed:", ["Otros Datos"])
    fields = {label["component"]["custom_id"]: label["component"].get("value") or "" for label in modal.components}
    fields["contact_name"] = "Rosa Pérez"
    first, second = (modal_submit(modal.data["custom_id"], fields) for _ in range(2))
    await asyncio.gather(deliver(discord_ui.bot, first, fake=fake), deliver(discord_ui.bot, second, fake=fake))

    answers = [fake.interaction_callbacks(int(p["id"]))[0] for p in (first, second)]
    assert [a.content for a in answers] == ["Se guardó «Otros Datos»."] * 2
    assert [a.data["embeds"][0]["footer"]["text"] for a in answers] == [f"#{cid} · versión 2"] * 2
    card = await core.service.get(SEED, cid)
    assert (card.contact_name, card.version) == ("Rosa Pérez", 2)


async def test_edit_server_blank_password_keeps_it(discord_ui: DiscordUI, core) -> None:
    cid = await acme(core)
    _, payload = await discord_ui.command("editar", {"cliente": f"#{cid}"})
    modal, _ = await discord_ui.pick(discord_ui.message(payload), "cb:ed:", ["Datos del servidor 1: erp.acme.pe"])
    password = modal.components[3]["component"]
    assert not password["required"] and not password.get("value")
    await discord_ui.submit(modal, {"username": "admin"})
    card = await core.service.get(SEED, cid)
    assert card.servers[0].username == "admin"
    assert await core.service.reveal_password(SEED, cid, card.servers[0].id) == "viejo"


async def test_stale_form_is_refused_with_current_values(discord_ui: DiscordUI, core) -> None:
    cid = await acme(core)
    _, payload = await discord_ui.command("ver", {"cliente": "ACME"})
    modal, _ = await discord_ui.click(discord_ui.message(payload), label="Otros Datos")
    await core.service.edit_section(SEED, cid, "contact", {"contact_name": "Otra Persona"}, 1)  # someone else

    refused, _ = await discord_ui.submit(modal, {"contact_name": "Mi cambio"})
    assert refused.ephemeral and "modificado por otra persona" in refused.content
    assert "Otra Persona" in str(refused.data["embeds"][0]["fields"])
    assert (await core.service.get(SEED, cid)).contact_name == "Otra Persona"


async def test_edit_errors_keep_typed_values(discord_ui: DiscordUI, core) -> None:
    await acme(core)
    _, payload = await discord_ui.command("ver", {"cliente": "ACME"})
    modal, _ = await discord_ui.click(discord_ui.message(payload), label="Otros Datos")
    refused, payload = await discord_ui.submit(modal, {"website": "no es una web"})
    assert "Sitio Web:" in refused.content
    again, _ = await discord_ui.click(discord_ui.message(payload), label="Corregir")
    assert again.components[2]["component"]["value"] == "no es una web"


async def test_delete_confirm_then_deshacer(discord_ui: DiscordUI, core) -> None:
    cid = await acme(core)
    _, payload = await discord_ui.command("eliminar", {"cliente": "20100070970"})
    confirm = discord_ui.message(payload)
    assert "¿Eliminar a «ACME S.A.C.»" in confirm["content"]
    done, payload = await discord_ui.click(confirm, label="Sí, eliminar")
    assert done.type == 7 and "eliminado" in done.content
    assert (await core.service.get(SEED, cid, deleted=True)).deleted

    undone, _ = await discord_ui.click(discord_ui.message(payload), label="Deshacer")
    assert undone.type == 7 and "restaurado" in undone.content
    assert not (await core.service.get(SEED, cid)).deleted


async def test_restaurar_command(discord_ui: DiscordUI, core) -> None:
    cid = await acme(core)
    await core.service.delete(SEED, cid)
    missing, _ = await discord_ui.command("ver", {"cliente": "20100070970"})
    # Issue 11: a deleted client is named as deleted, with the way back (it used to say "No se encontró").
    assert missing.content == (
        f"El cliente «ACME S.A.C.» (RUC 20100070970) está eliminado. Para recuperarlo: /clientes restaurar #{cid}"
    )
    restored, _ = await discord_ui.command("restaurar", {"cliente": "20100070970"})
    assert restored.content == "Cliente «ACME S.A.C.» restaurado."
    assert restored.data["embeds"][0]["title"] == "ACME S.A.C."


async def test_edit_address_keeps_its_distrito(discord_ui: DiscordUI, core) -> None:
    cid = await acme(core)
    await core.service.add_address(SEED, cid, {"country": "PE", "ubigeo": "150131", "line": "Av. Uno 1"})
    _, payload = await discord_ui.command("editar", {"cliente": f"#{cid}"})
    _, payload = await discord_ui.pick(discord_ui.message(payload), "cb:ed:", ["Dirección 1: Av. Uno 1"])
    picker = discord_ui.message(payload)
    assert "San Isidro" in picker["content"]  # pre-set on the current distrito (page 2 of Lima)
    modal, _ = await discord_ui.click(picker, label="Continuar")
    assert modal.components[0]["component"]["value"] == "Av. Uno 1"
    await discord_ui.submit(modal, {"phone": "01 4445566"})
    card = await core.service.get(SEED, cid)
    assert (card.addresses[0].ubigeo, card.addresses[0].phone) == ("150131", "+5114445566")


async def test_address_abroad_types_the_country(discord_ui: DiscordUI, core) -> None:
    cid = await acme(core)
    _, payload = await discord_ui.command("ver", {"cliente": f"#{cid}"})
    _, payload = await discord_ui.click(discord_ui.message(payload), label="Agregar dirección")
    modal, _ = await discord_ui.click(discord_ui.message(payload), label="Otro país")
    assert [c["label"] for c in modal.components] == ["País", "Dirección", "Teléfono", "Correo electrónico"]
    refused, payload = await discord_ui.submit(modal, {"country": "Narnia", "line": "Calle 1"})
    assert "País:" in refused.content
    modal, _ = await discord_ui.click(discord_ui.message(payload), label="Corregir")
    await discord_ui.submit(modal, {"country": "Chile"})
    card = await core.service.get(SEED, cid)
    assert (card.addresses[0].country, card.addresses[0].line) == ("CL", "Calle 1")
