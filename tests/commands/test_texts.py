"""The sentence catalogue: every sentence around the card is written once, in `commands/texts.py`,
and the catalogue `BOT_LOCALE` selects is the one the core speaks."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest

from commands import texts
from commands.access import Actor
from commands.errors import NotFound
from commands.service import ClientService

ROOT = Path(__file__).resolve().parents[2]
# Every package a user's sentence could be written in.
SWITCHED = ("commands", "storage", "bot/slack", "bot/discord", "bot/console", "bot/api")
# Fixed parts of sentences with parameters, as they would appear if written again elsewhere.
FRAGMENTS = (
    "restaurado.",
    "¿Eliminar a «",
    "no tiene canal de Slack ni de Discord",
    "Cliente: {",
    "Se eliminará «",
    "Varios clientes coinciden",
    "fue modificado por otra persona",
    "No se encontró ningún cliente",
    "no tiene contraseña guardada",
    "no aceptó la respuesta",
    "no aceptó abrir",
    "no espera más de",
    "registrado. Complete",
    "Se guardó «",
    "no se puede deshacer",
    "Podrá deshacerlo",
    "Canal del cliente",
    "Usuario de Discord del cliente",
    "No se encontró al usuario de Discord",
    "Nuevo cliente: ",
    "quedó vinculado",
    "No existe el cliente",
    "no tiene la dirección",
    "ya existe un cliente con",
    "cliente(s)",
)


def _sources() -> Iterator[tuple[Path, str]]:
    for folder in SWITCHED:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path != ROOT / "commands" / "texts.py":
                yield path, path.read_text(encoding="utf-8")


def _plain_sentences() -> list[str]:
    return [v for v in dataclasses.asdict(texts.ES).values() if isinstance(v, str) and len(v) > 12]


@pytest.mark.parametrize("sentence", [*_plain_sentences(), *FRAGMENTS])
def test_each_sentence_is_written_only_in_the_catalogue(sentence: str) -> None:
    copies = [str(path.relative_to(ROOT)) for path, source in _sources() if sentence in source]
    assert copies == [], f"«{sentence}» is written again in {copies}: use commands.texts"


def test_an_unknown_locale_keeps_spanish() -> None:
    texts.select("xx")
    assert texts.texts() is texts.ES


async def test_the_selected_catalogue_is_what_the_core_says(service: ClientService, ana: Actor) -> None:
    other = dataclasses.replace(texts.ES, no_match=lambda typed, deleted: f"No client matches «{typed}».")
    texts.CATALOGUES["en-test"] = other
    try:
        texts.select("en-test")
        with pytest.raises(NotFound, match=r"^No client matches «nadie»\.$"):
            await service.find(ana, "nadie")
    finally:
        texts.select("es")
        del texts.CATALOGUES["en-test"]
