"""Forms that respect the person typing (issue 11), through the console's standard input on a real database:
a field's own mistake is reported where it is made, questions that do not apply are not asked, menus
say what each option is, and the list reads whole at any terminal width."""

from __future__ import annotations

import re

import pytest

from bot.console.forms import in_form_order
from commands.access import Actor
from commands.errors import FieldErrors
from commands.forms import CLIENT, SERVER
from commands.service import ClientService
from commands.texts import texts
from commands.validation import validate_section
from tests.console_adapter.scripted import drive_bytes

ACTOR = Actor("console", "tester")
NO_MORE_SECTIONS = ["n", "", "", "", "", "", "", "", "n"]  # no address, empty Otros Datos/Datos Servidor, no server


def _after(output: str, marker: str) -> str:
    return output[output.index(marker) + len(marker) :]


async def test_a_bad_ruc_is_reported_before_the_next_question(service: ClientService) -> None:
    output = await drive_bytes(
        service,
        ["nuevo", "RUC", "20100070971", "", "20100070970", "Empresa SAC", "", "", *NO_MORE_SECTIONS],
    )
    error = "✗ Número: el RUC 20100070971 no es válido (dígito verificador)."
    assert error in output
    # Nothing else was asked in between: the error follows the answer, then Tipo Doc. and Número again.
    assert output.index(error) < output.index("Nombre:")
    between = output[output.index("Número: 20100070971") : output.index("Nombre:")]
    assert between.count("Tipo Doc. Identidad") == 1 and between.count("\nNúmero:") == 1
    assert "Código interno" not in _after(output, error).split("Nombre:")[0]
    card = await service.get(ACTOR, 1)
    assert (card.doc_type, card.doc_number, card.name) == ("6", "20100070970", "Empresa SAC")


async def test_letters_in_a_ruc_are_reported_at_once(service: ClientService) -> None:
    output = await drive_bytes(service, ["nuevo", "RUC", "2010007097A", "cancelar"])
    refused = next(line for line in output.splitlines() if line.startswith("✗ "))
    assert refused.startswith("✗ Número: ") and "dígitos" in refused
    assert "Nombre:" not in output  # the form stopped at Número: nobody typed the name for nothing


async def test_a_server_without_host_or_ip_is_reported_right_after_the_ip(service: ClientService) -> None:
    """Host left blank is fine while an IP may follow: the error waits for the IP, not for the password."""
    await service.create(ACTOR, {"doc_number": "12345678", "name": "Cliente"})
    output = await drive_bytes(service, ["editar #1", "6", "", "", "", "10.0.0.9", "", ""])
    error = "✗ Host: indique el Host o la IP del servidor."
    assert error in output
    assert output.index("IP (opcional):") < output.index(error) < output.index("Usuario (opcional):")
    assert output.count("Host (opcional):") == 2 and output.count("IP (opcional):") == 2  # both asked again
    card = await service.get(ACTOR, 1)
    assert [s.ip for s in card.servers] == ["10.0.0.9"]


def test_errors_found_together_are_listed_in_the_form_order() -> None:
    """The core checks Número last (it needs Tipo Doc.); the list follows the form: Número, then Nombre."""
    with pytest.raises(FieldErrors) as refused:
        validate_section(CLIENT, {"doc_type": "6", "doc_number": "2010", "name": "", "internal_code": "\x00"})
    assert [e.field for e in refused.value.errors] == ["name", "internal_code", "doc_number"]
    assert [e.field for e in in_form_order(refused.value.errors)] == ["doc_number", "name", "internal_code"]
    with pytest.raises(FieldErrors) as server:
        validate_section(SERVER, {"ip": "nope", "host": "a b"}, index=1)
    assert [e.field for e in in_form_order([*server.value.errors, *refused.value.errors])][:3] == [
        "doc_number",
        "name",
        "internal_code",
    ]


async def test_district_is_not_asked_for_another_country(service: ClientService) -> None:
    output = await drive_bytes(
        service,
        [
            "nuevo",
            "1",
            "12345678",
            "Ana Díaz",
            "",
            "",
            "s",
            "Chile",
            "Av. Providencia 1234",
            "",
            "",
            *NO_MORE_SECTIONS,
        ],
    )
    assert "Distrito (nombre o ubigeo" not in output
    card = await service.get(ACTOR, 1)
    assert [(a.country, a.ubigeo, a.line) for a in card.addresses] == [("CL", None, "Av. Providencia 1234")]


async def test_an_address_moved_abroad_drops_its_district_without_asking(service: ClientService) -> None:
    await service.create(
        ACTOR, {"doc_number": "12345678", "name": "Cliente"}, addresses=[{"ubigeo": "150122", "line": "Av. Larco 345"}]
    )
    output = await drive_bytes(service, ["editar #1", "3", "1", "1", "Argentina", "Av. Corrientes 1000", "", ""])
    editing = _after(output, "País [Perú]: Argentina")
    assert "Distrito (nombre o ubigeo" not in editing
    card = await service.get(ACTOR, 1)
    assert [(a.country, a.ubigeo, a.line) for a in card.addresses] == [("AR", None, "Av. Corrientes 1000")]


async def test_the_edit_menu_tells_the_two_server_sections_apart(service: ClientService) -> None:
    await service.create(ACTOR, {"doc_number": "12345678", "name": "Cliente"}, servers=[{"host": "erp.cliente.pe"}])
    output = await drive_bytes(service, ["editar #1", ""], width=80)
    menu = re.findall(r"^  (\d)\) (.*)$", output, flags=re.MULTILINE)
    labels = dict(menu)
    assert list(labels.values()) == list(texts().console_edit_menu)  # each option whole on one line at 80
    assert labels["5"].startswith("Datos Servidor (usuarios de Gitlab y Discord, canales")
    assert labels["6"].startswith("Datos del servidor (Host, IP, Usuario, Contraseña): agregar")
    assert labels["7"].startswith("Datos del servidor (Host, IP, Usuario, Contraseña): editar o eliminar")
    assert len(set(labels.values())) == 7
    assert "¿Qué desea editar?" in output and "Elija una opción" not in output


async def test_an_address_is_offered_actions_before_any_deletion(service: ClientService) -> None:
    card = await service.create(
        ACTOR,
        {"doc_number": "12345678", "name": "Cliente"},
        addresses=[{"ubigeo": "150122", "line": "Av. Larco 345"}, {"ubigeo": "040101", "line": "Calle Mercaderes 1"}],
    )
    output = await drive_bytes(service, ["editar #1", "3", "2", "2", "editar #1", "3", "1", "", "editar #1", "3"])
    question = "¿Qué hacer con Dirección 2 (Calle Mercaderes 1)? (Enter cancela)"
    assert question in output
    actions = output[: output.index(question)].rsplit("¿Qué dirección?", 1)[1]
    assert "1) Editar" in actions and "2) Marcar como dirección principal" in actions and "3) Eliminar" in actions
    assert "¿Eliminar" not in output  # nothing asked about deleting: the user chose what to do
    final = await service.get(ACTOR, card.id)
    assert {(a.line, a.is_main) for a in final.addresses} == {("Calle Mercaderes 1", True), ("Av. Larco 345", False)}
    # The main address is not offered "Marcar como principal" again.
    main_actions = output.split("¿Qué hacer con Dirección 1")[0].rsplit("¿Qué dirección?", 1)[1]
    assert "Editar" in main_actions and "Marcar como dirección principal" not in main_actions


async def test_removing_a_server_is_chosen_then_confirmed(service: ClientService) -> None:
    card = await service.create(ACTOR, {"doc_number": "12345678", "name": "Cliente"}, servers=[{"host": "a.pe"}])
    output = await drive_bytes(service, ["editar #1", "7", "1", "2", "n", "editar #1", "7", "1", "2", "s"])
    assert "1) Editar" in output and "2) Eliminar" in output
    assert "No se eliminó nada." in output
    assert "¿Eliminar Datos del servidor 1 de «Cliente» (DNI 12345678)?" in output
    assert (await service.get(ACTOR, card.id)).servers == ()


async def test_the_pick_prompt_does_not_call_a_position_numero(service: ClientService) -> None:
    await service.create(ACTOR, {"doc_number": "12345678", "name": "Pérez Hermanos"})
    await service.create(ACTOR, {"doc_number": "87654321", "name": "Pérez y Asociados"})
    output = await drive_bytes(service, ["ver perez", "9", "1"])
    assert "Número" not in output.split("#2 Pérez y Asociados ─")[0]  # no "Número" before the card
    assert "Elija el cliente de la lista (Enter cancela):" in output
    assert "✗" not in output and "Escriba la posición en la lista, del 1 al 2." in output


async def test_an_empty_list_says_there_are_no_clients_yet(service: ClientService) -> None:
    output = await drive_bytes(service, ["lista", "lista acme"])
    assert "Aún no hay clientes." in output
    assert "Clientes que coinciden con «acme»" in output and "No hay clientes que coincidan." in output
    assert "0 cliente(s)" not in output


async def test_the_edit_prompt_shows_how_to_clear_an_optional_field(service: ClientService) -> None:
    await service.create(
        ACTOR, {"doc_number": "12345678", "name": "Cliente"}, contact={"contact_name": "Ana", "website": "ana.pe"}
    )
    output = await drive_bytes(service, ["editar #1", "4", "-", "", ""])
    assert "Nombre y Apellido (opcional, «-» para borrarlo) [Ana]:" in output
    assert "Teléfono (opcional):" in output  # nothing to clear: no hint
    card = await service.get(ACTOR, 1)
    assert (card.contact_name, card.website) == (None, "https://ana.pe")


# ----------------------------------------------------------------- the list at any width
LONG_NAME = "Supermercados Peruanos Sociedad Anónima Cerrada"
LONG_EMAIL = "facturacion.electronica@supermercadosperuanos.com.pe"


async def _two_clients(service: ClientService) -> None:
    await service.create(
        ACTOR,
        {"doc_type": "6", "doc_number": "20100070970", "name": LONG_NAME},
        addresses=[{"ubigeo": "150122", "line": "Av. Larco 345", "phone": "014445566", "email": LONG_EMAIL}],
        contact={"contact_phone": "987654321"},
        integrations={"slack_channel": "cliente-supermercados-peruanos"},
    )
    await service.create(ACTOR, {"doc_number": "12345678", "name": "José Núñez"})


def _list_lines(output: str) -> list[str]:
    listing = output.split("clientes> lista", 1)[1].split("clientes>", 1)[0]
    return [line.rstrip() for line in listing.splitlines()]


@pytest.mark.parametrize("width", [50, 80, 120, 200])
async def test_the_list_never_splits_a_number_or_a_word(service: ClientService, width: int) -> None:
    await _two_clients(service)
    lines = _list_lines(await drive_bytes(service, ["lista"], width=width))
    assert all(len(line) <= width for line in lines)
    text = "\n".join(lines)
    for whole in ("RUC 20100070970", "DNI 12345678", "987 654 321", "(01) 444 5566", "#1", "#2"):
        assert whole in text, f"«{whole}» split or missing at {width} columns:\n{text}"
    # Every word is whole on a line, or cut with "…" where the line ends: never continued on the next one.
    tokens = text.split()
    for word in (*LONG_NAME.split(), "José", "Núñez", LONG_EMAIL, "#cliente-supermercados-peruanos"):
        assert word in tokens or any(t.endswith("…") and word.startswith(t[:-1]) for t in tokens), (word, text)
    assert "Página 1 de 1 · 2 cliente(s)" in text


async def test_the_list_is_a_table_when_wide_and_blocks_when_narrow(service: ClientService) -> None:
    await _two_clients(service)
    wide = "\n".join(_list_lines(await drive_bytes(service, ["lista"], width=200)))
    assert "┃ Documento" in wide and LONG_EMAIL in wide and LONG_NAME in wide
    narrow = "\n".join(_list_lines(await drive_bytes(service, ["lista"], width=80)))
    assert "┃" not in narrow
    assert "#1 " + LONG_NAME in narrow and "Documento RUC 20100070970" in narrow and LONG_EMAIL in narrow
    assert "#2 José Núñez" in narrow and "Correo    —" not in narrow  # an empty column is left out
