"""Issue 12 #7: no line typed at the console ends the session, and user text is never markup or terminal control."""

from __future__ import annotations

import asyncio
import signal
import threading

import pytest
from sqlalchemy import update

from bot.console.prompt import MAX_LINE
from commands.access import Actor
from commands.service import ClientService
from storage.db import Database
from storage.models import Client
from tests.console_adapter.scripted import drive_bytes
from tests.console_adapter.test_console import NEW_CLIENT

ACTOR = Actor("console", "tester")
NOT_TEXT = "✗ La línea no es texto válido (UTF-8); no se leyó, escríbala de nuevo."
CANCELLED = "Cancelado; no se guardó nada."


def assert_clean(output: str) -> None:
    """What a terminal may safely receive, and a session that ended at its own prompt."""
    assert "Traceback" not in output and "inesperado" not in output
    assert "\x1b" not in output  # the test console has no colours: an ESC could only come from data
    assert not any(0xD800 <= ord(char) <= 0xDFFF for char in output)
    assert output.rstrip().endswith("Hasta luego.")


@pytest.mark.parametrize(
    "typed",
    ["[/bold]", "[bold red]x[/]", "[link=https://evil.example/pay]Pague[/link]", ":thumbs_up: [/]", "\\[/bold]"],
)
async def test_markup_in_a_command_is_shown_as_typed(service: ClientService, typed: str) -> None:
    output = await drive_bytes(service, [f"lista {typed}", f"ver {typed}", f"eliminar {typed}", "lista"])
    squeezed = "".join(output.split())  # the list's title wraps at the table's width
    assert "".join(f"Clientes que coinciden con «{typed}»".split()) in squeezed
    assert f"No se encontró ningún cliente con «{typed}»." in output
    assert "No hay clientes que coincidan." in output
    assert output.count("Aún no hay clientes.") == 1  # the session went on to the last command
    assert "👍" not in output
    assert_clean(output)


async def test_invalid_utf8_on_stdin_is_refused_in_spanish(service: ClientService) -> None:
    await service.create(ACTOR, {"doc_number": "12345678", "name": "José Núñez"})
    output = await drive_bytes(
        service,
        [
            b"ver \xff\xfe",
            b"lista Jos\xe9",  # Latin-1, not UTF-8
            "nuevo",
            b"\xc3",  # a cut UTF-8 sequence in a form: asked again
            "1",
            "87654321",
            "Ana\udcff",  # what a broken encoder sends for a lone surrogate
            "Ana Díaz",
            "",
            "",
            "n",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "n",
            "ver jose",
        ],
    )
    assert output.count(NOT_TEXT) == 4
    assert "✓ Cliente #2 registrado." in output and "#1 José Núñez" in output
    assert_clean(output)


async def test_an_over_long_line_is_refused_whole(service: ClientService) -> None:
    output = await drive_bytes(service, ["lista " + "x" * 5 * MAX_LINE, "nuevo", "1", "9" * (MAX_LINE + 1), "cancelar"])
    assert output.count(f"✗ La línea es demasiado larga (más de {MAX_LINE} caracteres)") == 2
    assert "xxxxx" not in output
    assert CANCELLED in output
    assert_clean(output)


async def test_control_sequences_in_stored_data_are_neutralised(service: ClientService, db: Database) -> None:
    """Data written before today's validation (or by any other door) must not drive the terminal."""
    card = await service.create(ACTOR, {"doc_number": "12345678", "name": "Placeholder"})
    evil = "Evil\x1b[31mRED\x1b[2J\u202ereversed\u0007[/bold]:smile:"
    async with db.engine.begin() as conn:
        await conn.execute(update(Client).where(Client.id == card.id).values(name=evil, trade_name="[link=x]y"))
    output = await drive_bytes(service, ["lista", "ver #1", "canales #1", "eliminar #1", "n", "ver Evil\x1b[0m"])
    assert "Evil\\x1b[31mRED\\x1b[2J\\u202ereversed\\x07[/bold]:smile:" in output
    assert "[link=x]y" in output
    assert "\u202e" not in output and "\x07" not in output and "😄" not in output
    reply = output.split("clientes> ver Evil\\x1b[0m\n")[1].splitlines()[0]  # the typed ESC, echoed escaped
    assert reply.startswith(("No se encontró ningún cliente con «Evil\\x1b[0m».", "✗ Cliente: contiene caracteres"))
    assert_clean(output)


@pytest.mark.parametrize("position", range(1, len(NEW_CLIENT)))
async def test_cancelar_at_any_prompt_of_the_form(service: ClientService, position: int) -> None:
    output = await drive_bytes(service, [*NEW_CLIENT[:position], "cancelar", "lista"])
    assert CANCELLED in output
    assert "Aún no hay clientes." in output  # back at clientes>, nothing saved
    assert "cancelar" in output.split("Hasta luego.")[0]
    assert_clean(output)


async def test_ctrl_c_in_a_form_goes_back_to_the_prompt(service: ClientService) -> None:
    def ctrl_c() -> None:
        raise KeyboardInterrupt

    # Ctrl-C at the Nombre prompt (the 4th read), then `lista`, then Ctrl-C at clientes> ends the session:
    # the last `lista` is never read.
    output = await drive_bytes(service, ["nuevo", "1", "12345678", "lista", "lista"], hooks={3: ctrl_c, 5: ctrl_c})
    assert CANCELLED in output and output.count("Aún no hay clientes.") == 1
    assert_clean(output)
    assert output.index(CANCELLED) < output.index("Aún no hay clientes.")


async def test_end_of_input_mid_form_cancels_it_and_then_ends(service: ClientService) -> None:
    output = await drive_bytes(service, ["nuevo", "1", "12345678", "Ana Díaz"])
    assert CANCELLED in output
    assert_clean(output)
    assert (await service.list_page(ACTOR)).total == 0


async def test_dependent_field_error_asks_both_fields(service: ClientService) -> None:
    """Número refused because Tipo Doc. is DNI: Tipo Doc. is asked again too, with the user's answer kept."""
    output = await drive_bytes(
        service,
        [
            "nuevo",
            "DNI",
            "20100070970",  # a RUC typed under DNI: refused at once, before Nombre is asked
            "RUC",  # Tipo Doc. asked again (default: DNI, what was answered)
            "20100070970",  # and Número (the refused value is not offered as default)
            "Empresa SAC",
            "",
            "",
            "n",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "n",
        ],
    )
    assert "✗ Número: el DNI debe tener 8 dígitos" in output
    assert (
        "Tipo Doc. Identidad [1=DNI, 6=RUC, 4=Carnet de extranjería, 7=Pasaporte, 0=Doc.trib.no.dom.sin.ruc] [DNI]: RUC"
        in output
    )
    assert "✓ Cliente #1 registrado." in output
    card = await service.get(ACTOR, 1)
    assert (card.doc_type, card.doc_number, card.name) == ("6", "20100070970", "Empresa SAC")
    assert_clean(output)


async def test_missing_district_asks_the_country_again(service: ClientService) -> None:
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
            "",  # País: Perú
            "",  # Distrito left blank: required in Peru, reported at once
            "Chile",  # País asked again with Distrito: a Chilean address needs none, so it is not asked
            "Av. Siempre Viva 742",
            "",
            "",
            "n",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "n",
        ],
    )
    assert "✗ Distrito: es obligatorio cuando el país es Perú" in output
    assert output.count("Distrito (nombre o ubigeo") == 1  # asked for Perú, not again for Chile
    card = await service.get(ACTOR, 1)
    assert [(a.country, a.ubigeo, a.line) for a in card.addresses] == [("CL", None, "Av. Siempre Viva 742")]
    assert_clean(output)


async def test_refused_edit_asks_the_section_again_keeping_the_answers(service: ClientService) -> None:
    await service.create(ACTOR, {"doc_number": "12345678", "name": "Primero"})
    await service.create(ACTOR, {"doc_number": "87654321", "name": "Segundo"})
    output = await drive_bytes(
        service,
        [
            "editar #2",
            "1",  # Datos del cliente
            "",
            "12345678",  # the first client's document: the core refuses the save
            "Segundo Renombrado",
            "SEG-1",
            "",
            # Asked again with the answers as defaults: only the document changes.
            "",
            "11223344",
            "",
            "",
            "",
        ],
    )
    assert "✗ Número: ya existe un cliente con DNI 12345678: «Primero» (#1)." in output
    assert (
        "Nombre [Segundo Renombrado]:" in output and "Código interno (opcional, «-» para borrarlo) [SEG-1]:" in output
    )
    assert "✓ Cambios guardados." in output
    card = await service.get(ACTOR, 2)
    assert (card.doc_number, card.name, card.internal_code) == ("11223344", "Segundo Renombrado", "SEG-1")
    assert_clean(output)


async def test_conflicting_edit_shows_the_current_card_and_keeps_the_answers(
    service: ClientService, db: Database
) -> None:
    card = await service.create(ACTOR, {"doc_number": "12345678", "name": "Cliente"})
    url = db.url.render_as_string(hide_password=False)

    def someone_else_saves() -> None:
        """Another user saves the client while this form is open (own engine, own loop: a separate process)."""

        async def edit() -> None:
            other = Database(url)
            try:
                await ClientService(other, service.box, service.policy).edit_section(
                    Actor("slack", "U0OTHER"), card.id, "client", {"doc_number": "12345678", "name": "Cliente SA"}, 1
                )
            finally:
                await other.dispose()

        thread = threading.Thread(target=asyncio.run, args=(edit(),))
        thread.start()
        thread.join(timeout=60)

    output = await drive_bytes(
        service,
        ["editar #1", "4", "Ana Díaz", "987654321", "ana.pe", "", "", ""],
        hooks={2: someone_else_saves},
    )
    assert "fue modificado por otra persona mientras editaba" in output
    assert "#1 Cliente SA" in output  # the current card, before the section is asked again
    assert "Nombre y Apellido (opcional, «-» para borrarlo) [Ana Díaz]:" in output
    assert "✓ Cambios guardados." in output
    final = await service.get(ACTOR, card.id)
    assert (final.name, final.contact_name, final.website) == ("Cliente SA", "Ana Díaz", "https://ana.pe")
    assert_clean(output)


async def test_refused_server_edit_keeps_the_typed_password(service: ClientService, db: Database) -> None:
    card = await service.create(ACTOR, {"doc_number": "12345678", "name": "Cliente"}, servers=[{"host": "a.pe"}])
    url = db.url.render_as_string(hide_password=False)

    def someone_else_saves() -> None:
        async def edit() -> None:
            other = Database(url)
            try:
                await ClientService(other, service.box, service.policy).edit_section(
                    Actor("slack", "U0OTHER"), card.id, "contact", {"contact_name": "Otro"}, 1
                )
            finally:
                await other.dispose()

        thread = threading.Thread(target=asyncio.run, args=(edit(),))
        thread.start()
        thread.join(timeout=60)

    output = await drive_bytes(
        service,
        ["editar #1", "7", "1", "1", "", "", "root", "nueva-clave", "", "", "", ""],  # server 1 → Editar
        hooks={4: someone_else_saves},
    )
    assert "fue modificado por otra persona" in output
    assert "Contraseña (en blanco conserva la que escribió):" in output
    assert "✓ Cambios guardados." in output and "nueva-clave" not in output
    final = await service.get(ACTOR, card.id)
    assert final.servers[0].username == "root"
    assert await service.reveal_password(Actor("slack", "U0ANA"), card.id, final.servers[0].id) == "nueva-clave"
    assert_clean(output)


async def test_unknown_and_odd_commands_answer_in_spanish(service: ClientService) -> None:
    output = await drive_bytes(
        service,
        ["frobnicar [/bold]", "/clientes", "cancelar", "   ", "ver", "restaurar nadie", "canales #99999999999999"],
    )
    assert "No conozco «frobnicar»." in output
    assert "No hay ningún formulario abierto que cancelar." in output
    assert "Indique un cliente" in output
    assert "No se encontró ningún cliente entre los eliminados con «nadie»." in output
    assert "cancelar — en un formulario: «cancelar» o Ctrl-C abandonan el formulario sin guardar." in output
    assert_clean(output)


async def test_the_session_restores_sigint_handling(service: ClientService) -> None:
    """The console installs its Ctrl-C handler for the session only."""
    before = signal.getsignal(signal.SIGINT)
    await drive_bytes(service, ["ayuda"])
    assert signal.getsignal(signal.SIGINT) is before


async def test_refused_create_asks_again_keeping_every_section(service: ClientService) -> None:
    await service.create(ACTOR, {"doc_number": "12345678", "name": "Primero"})
    output = await drive_bytes(
        service,
        [
            "nuevo",
            "1",
            "12345678",  # taken: the core refuses the save after the whole form
            "Segundo",
            "",
            "",
            "s",
            "",
            "miraflores lima",
            "1",
            "Av. Larco 345",
            "",
            "",
            "n",
            "Ana Díaz",
            "",
            "",
            "",
            "",
            "",
            "",
            "s",
            "erp.segundo.pe",
            "",
            "root",
            "  clave con espacios  ",
            "n",
            # Datos del cliente asked again, the answers as defaults: only the document changes.
            "",
            "87654321",
            "",
            "",
            "",
        ],
    )
    assert "✗ Número: ya existe un cliente con DNI 12345678: «Primero» (#1)." in output
    assert "Nombre [Segundo]:" in output
    assert "✓ Cliente #2 registrado." in output
    card = await service.get(ACTOR, 2)
    assert (card.doc_number, card.name, card.contact_name) == ("87654321", "Segundo", "Ana Díaz")
    assert [a.line for a in card.addresses] == ["Av. Larco 345"]
    assert [s.username for s in card.servers] == ["root"]
    assert "clave con espacios" not in output
    assert_clean(output)


def test_ctrl_c_while_the_core_works_is_held_for_the_next_prompt() -> None:
    """A real SIGINT: while busy it waits (a save is never cut); while reading, or a second one, it interrupts."""
    from bot.console.interrupts import Interrupts

    interrupts = Interrupts()
    with interrupts.installed():
        signal.raise_signal(signal.SIGINT)  # the core is working: held
        assert interrupts.pending
        with pytest.raises(KeyboardInterrupt), interrupts.reading_line():
            pass  # the next prompt delivers it
        assert not interrupts.pending
        signal.raise_signal(signal.SIGINT)
        with pytest.raises(KeyboardInterrupt):
            signal.raise_signal(signal.SIGINT)  # a second one while still busy stops the program
        with pytest.raises(KeyboardInterrupt), interrupts.reading_line():
            signal.raise_signal(signal.SIGINT)  # while reading: at once
    assert signal.getsignal(signal.SIGINT) is not interrupts._on_sigint


def _core_trims_passwords() -> bool:
    """True while commands/validation.py trims a Contraseña (issue 12 #2, fixed by the validation change)."""
    from commands.forms import SERVER
    from commands.validation import validate_section

    return validate_section(SERVER, {"host": "a.pe", "password": "  x  "})["password"] != "  x  "


@pytest.mark.xfail(_core_trims_passwords(), strict=True, reason="core: Contraseña trimmed (issue 12 #2)")
async def test_a_typed_password_is_kept_exactly(service: ClientService) -> None:
    """The console's half of «passwords are stored exactly as typed»: the prompt does not trim a secret."""
    card = await service.create(ACTOR, {"doc_number": "12345678", "name": "Cliente"})
    output = await drive_bytes(service, ["editar #1", "6", "erp.cliente.pe", "", "root", "  lead and trail  "])
    assert "✓ Cambios guardados." in output and "lead and trail" not in output
    final = await service.get(ACTOR, card.id)
    revealed = await service.reveal_password(Actor("slack", "U0ANA"), card.id, final.servers[0].id)
    assert revealed == "  lead and trail  "


async def test_editing_addresses_or_servers_of_a_client_without_them(service: ClientService) -> None:
    await service.create(ACTOR, {"doc_number": "12345678", "name": "Sin Nada"})
    output = await drive_bytes(service, ["editar #1", "3", "editar #1", "7", "lista"])
    assert "«Sin Nada» no tiene direcciones: elija «2) Dirección: agregar una» para agregar una." in output
    assert (
        "«Sin Nada» no tiene servidores: elija «6) Datos del servidor (Host, IP, Usuario, Contraseña): agregar uno» "
        "para agregar uno." in output
    )
    assert "1 cliente(s)" in output
    assert_clean(output)
