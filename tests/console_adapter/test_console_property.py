"""Property: whatever arrives on the console's stdin, every line gets a Spanish answer and the session goes on.

Arbitrary text and raw bytes (controls, NUL, invalid UTF-8, rich/Slack/Discord markup, very long lines)
are typed as every command's argument and as the answers of whatever form or question follows, on a
database holding clients whose names are themselves markup. After the random part the script types
«cancelar» (leaving any open form) and «ayuda»: the help must be the last answer before the session ends
at the end of input, with no traceback, no "error inesperado" and nothing a terminal would obey.
"""

from __future__ import annotations

import os
import re
import unicodedata

import pytest
from hypothesis import HealthCheck, assume, event, example, given, settings
from hypothesis import strategies as st

from bot.console.adapter import EXIT_WORDS
from commands.access import Actor
from commands.errors import CoreError, FieldErrors
from commands.forms import CONTACT
from commands.service import ClientService
from commands.validation import validate_section
from tests.console_adapter.scripted import drive_bytes

ACTOR = Actor("console", "tester")

NASTY = [
    "[/bold]",
    "[bold red]",
    "[link=https://evil.example/pay]Pague aquí[/link]",
    "[/]",
    "\\[/bold]",
    ":smile:",
    "<!channel>",
    "<@U0ALICE>",
    "@everyone",
    "**URGENTE**",
    "[Pague aquí](https://evil.example/pay)",
    "`x`",
    "\x1b[31m",
    "\x1b[2J",
    "\x07",
    "\u202e",
    "\udcff",
    "\ud800",
    "\t",
    "\r",
    "\x0b",
    "\u2028",
    "ñandú",
    "👍🏽",
    "\U0001f469\u200d\U0001f4bb",
    "１２３",
    "%",
    "_",
    "'",
    '"',
    "\\",
    "#1",
    "#2",
    "#99999999999999999999",
    "-1",
    "²",
    "20100070970",
    "12345678",
    "perez",
    "acme",
    "Perú",
    "150122",
    "miraflores",
    "1",
    "2",
    "3",
    "6",
    "7",
    "s",
    "n",
    "-",
    "",
    "\x00",
]

COMMANDS = [
    "lista",
    "ver",
    "editar",
    "eliminar",
    "restaurar",
    "canales",
    "ayuda",
    "nuevo",
    "siguiente",
    "anterior",
    "/clientes",
    "/clientes ver",
    "list",
    "show",
    "frobnicar",
    "cancelar",
    "",
]

_NEWLINES = re.compile(r"\r\n|\r|\n")


def _no_exit_word(line: str | bytes) -> bool:
    """`salir` (or `q`…) at the command prompt ends the session before the part being checked."""
    text = line.decode("utf-8", "surrogateescape") if isinstance(line, bytes) else line
    return not any(piece.strip().casefold() in EXIT_WORDS for piece in _NEWLINES.split(text))


def _core_lets_url_errors_out() -> bool:
    """True while the core's Sitio Web check lets urlsplit's ValueError out for a "[" (issue 12 #10,
    fixed by the validation change in commands/validation.py). Meanwhile form answers get no brackets
    here, and test_bracket_in_sitio_web pins the case."""
    try:
        validate_section(CONTACT, {"website": "https://[::1"})
    except FieldErrors:
        return False
    except ValueError:
        return True
    return False


CORE_URL_BUG = _core_lets_url_errors_out()


def _answer_for_this_core(value: str | bytes) -> str | bytes:
    if not CORE_URL_BUG:
        return value
    if isinstance(value, bytes):
        return value.replace(b"[", b"(").replace(b"]", b")")
    return value.replace("[", "(").replace("]", ")")


# Long lines: around a field's limit (255) and beyond what the console reads at all (MAX_LINE).
long_text = st.builds(lambda char, size: char * size, st.sampled_from("x9ñ["), st.integers(200, 2600))
free_text = st.text(st.characters(exclude_categories=()), max_size=60)
words = st.lists(st.one_of(st.sampled_from(NASTY), free_text, long_text), min_size=1, max_size=4).map(" ".join)
raw_bytes = st.binary(max_size=40)
answer = (
    st.one_of(st.sampled_from(NASTY), words, free_text, long_text, raw_bytes)
    .map(_answer_for_this_core)
    .filter(_no_exit_word)
)
command = st.tuples(st.sampled_from(COMMANDS), st.one_of(st.just(""), words, raw_bytes)).map(
    lambda pair: (pair[0] + " " + pair[1]) if isinstance(pair[1], str) else pair[0].encode() + b" " + pair[1]
)
random_step = st.tuples(command.filter(_no_exit_word), st.lists(answer, max_size=25)).map(
    lambda pair: [pair[0], *pair[1]]
)

# Forms answered well, with a few answers replaced by anything: the random part then reaches
# every prompt (district picker, password, "¿Agregar…?"), refused saves and what gets stored.
FORM = [
    "nuevo",
    "1",
    "44556677",
    "Cliente Prueba",
    "COD-1",
    "Prueba SAC",
    "s",
    "",
    "miraflores lima",
    "1",
    "Av. Larco 345",
    "014445566",
    "facturas@prueba.pe",
    "n",
    "Ana Pérez",
    "987654321",
    "prueba.pe",
    "gitlab.user",
    "ana_ops",
    "cliente-prueba",
    "cliente-prueba",
    "s",
    "erp.prueba.pe",
    "203.0.113.10",
    "root",
    "clave",
    "n",
]
EDITS = [
    ["editar #1", "1", "", "", "Nombre Nuevo", "", ""],
    ["editar #1", "2", "", "150122", "Calle 1", "", ""],
    ["editar #1", "3", "1", "n", "", "", "Calle 2", "", "", "s"],
    ["editar #1", "3", "1", "s"],
    ["editar #1", "4", "Ana", "987654321", "x.pe"],
    ["editar #1", "5", "", "", "", ""],
    ["editar #1", "6", "h.pe", "", "", "p"],
    ["editar #1", "7", "1", "n", "", "", "", ""],
    ["editar #1", "7", "1", "s"],
]


def _mutated(lines: list[str]) -> st.SearchStrategy[list[str | bytes]]:
    """`lines` with up to three answers replaced by anything."""

    def apply(changes: list[tuple[int, str | bytes]]) -> list[str | bytes]:
        out: list[str | bytes] = list(lines)
        for position, value in changes:
            out[position] = value
        return out

    return st.lists(st.tuples(st.integers(0, len(lines) - 1), answer), max_size=3).map(apply)


# A fresh DNI each time, so that most forms that reach the end create a client (and some repeat one).
form_step = st.tuples(_mutated(FORM), st.integers(10_000_000, 10_000_050)).map(
    lambda pair: [line if line != "44556677" else str(pair[1]) for line in pair[0]]
)
step = st.one_of(random_step, form_step, st.sampled_from(EDITS).flatmap(_mutated))
script = st.lists(step, min_size=1, max_size=5).map(lambda steps: [line for lines in steps for line in lines])

_SEEDED: set[int] = set()
_NUL_BREAKS_CORE: dict[int, bool] = {}


async def _core_breaks_on_nul(service: ClientService) -> bool:
    """True while a NUL in a search reaches the database as an uncaught error (PostgreSQL: issue 12 #8,
    fixed by the core's boundary check in commands/). Meanwhile the property leaves NUL out and
    test_nul_in_a_search pins the case."""
    if id(service) not in _NUL_BREAKS_CORE:
        broken = False
        for probe in (service.list_page(ACTOR, "a\x00b"), service.find(ACTOR, "a\x00b")):
            try:
                await probe
            except CoreError:
                pass
            except Exception:
                broken = True
        _NUL_BREAKS_CORE[id(service)] = broken
    return _NUL_BREAKS_CORE[id(service)]


_ESCAPE = re.compile(r"\\x([0-9a-f]{2})|\\u([0-9a-f]{4})")
_ENGLISH_ERROR = re.compile(r"\b[A-Z]\w*(?:Error|Exception)\b|Traceback|inesperado")


async def _seed(service: ClientService) -> None:
    """Clients whose stored values are markup, a name two of them share, and a deleted one."""
    if id(service) in _SEEDED:
        return
    _SEEDED.add(id(service))
    await service.create(
        ACTOR,
        {"doc_type": "6", "doc_number": "20100070970", "name": "[bold]Acme[/bold] [Pague aquí](https://evil.example)"},
        addresses=[{"ubigeo": "150122", "line": "[link=https://evil.example]Av. Larco 345[/link]"}],
        contact={"contact_name": ":smile: **URGENTE** <!channel>"},
        integrations={"slack_channel": "cliente-acme"},
        servers=[{"host": "erp.acme.pe", "username": "[/]", "password": "clave [/bold]"}],
    )
    await service.create(ACTOR, {"doc_number": "12345678", "name": "Pérez Hermanos"})
    await service.create(ACTOR, {"doc_number": "87654321", "name": "Pérez y Asociados"})
    gone = await service.create(ACTOR, {"doc_number": "11223344", "name": "Perez Eliminado"})
    await service.delete(ACTOR, gone.id)


def _check(output: str) -> None:
    assert not _ENGLISH_ERROR.search(output), output[-3000:]
    assert not any(0xD800 <= ord(ch) <= 0xDFFF for ch in output)  # would crash a real terminal's encoder
    controls = {ch for ch in output if unicodedata.category(ch) == "Cc" and ch != "\n"}
    assert not controls, controls  # the test console adds no colour: any control came from data
    assert "clave [/bold]" not in output  # a stored password is never shown
    for chunk in output.split("clientes> ")[1:]:
        command, _, reply = chunk.partition("\n")
        typed = _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), command)  # as typed
        assert reply.strip() or not typed.strip(), f"no answer to {command!r}"
    # The session went on to the end: «ayuda» answered, then the end of input closed it.
    last = output.rindex("clientes> ayuda")
    tail = output[last:]
    assert "Comandos (también sin /clientes):" in tail, output[-3000:]
    assert tail.rstrip().endswith("clientes> \nHasta luego."), tail[-300:]


@settings(
    max_examples=int(os.environ.get("CONSOLE_PROPERTY_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(lines=script)
@example(lines=["lista [/bold]", "ver \udcff\udcfe"])  # the two reproductions
@example(lines=[b"ver \xff\xfe", b"lista Jos\xe9", "nuevo", "1", "12345678", "[/bold]", b"\xc3"])
@example(lines=["nuevo", "DNI", "20100070970", "x", "", "", "RUC"])  # Número refused because of Tipo Doc.
@example(lines=["ver perez", "[/]", "3", "editar #1", "1", "", "12345678"])  # duplicate document on save
@example(lines=["editar acme", "7", "1", "n", "", "", "", "\x1b[31m"])
@example(lines=["nuevo", "1", "12345678", "x", "", "", "s", "", "\u202e", "[/bold]"])
@example(lines=["eliminar #2", "s", "restaurar perez", "1", "restaurar #2", "canales #1"])
@example(lines=["lista " + "x" * 10_000, "siguiente", "anterior"])
async def test_any_input_gets_a_spanish_answer(service: ClientService, lines: list[str | bytes]) -> None:
    await _seed(service)
    if await _core_breaks_on_nul(service):
        assume(not any(("\x00" if isinstance(line, str) else b"\x00") in line for line in lines))  # type: ignore[operator]
    output = await drive_bytes(service, [*lines, "cancelar", "ayuda"])
    _check(output)
    # How deep the examples went (pytest --hypothesis-show-statistics).
    for mark, name in (
        ("registrado.", "client created"),
        ("✓ Cambios guardados.", "edit saved"),
        ("No se guardó:", "save refused, asked again"),
        ("Cancelado; no se guardó nada.", "form cancelled"),
        ("no es texto válido", "undecodable line"),
        ("demasiado larga", "over-long line"),
        ("Contraseña", "reached a password prompt"),
    ):
        if mark in output:
            event(name)


@pytest.mark.xfail(
    CORE_URL_BUG,
    strict=True,
    reason="core: a Sitio Web with «[» raises urlsplit's ValueError (issue 12 #10, commands/validation.py)",
)
async def test_bracket_in_sitio_web(service: ClientService) -> None:
    answers = ["nuevo", "1", "12345678", "Ana", "", "", "n", "", "", "[/bold]", "ana.pe", "", "", "", "", "n"]
    output = await drive_bytes(service, [*answers, "ayuda"])
    assert "✗ Sitio Web:" in output and "registrado." in output
    _check(output)


async def test_nul_in_a_search(service: ClientService) -> None:
    if await _core_breaks_on_nul(service):
        pytest.xfail("core: a NUL in a search reaches PostgreSQL as a DBAPIError (issue 12 #8, core boundary check)")
    output = await drive_bytes(service, ["lista a\x00b", "ver a\x00b", "ayuda"])
    assert "a\\x00b" in output  # the NUL is shown as an escape wherever the text is quoted back
    _check(output)
