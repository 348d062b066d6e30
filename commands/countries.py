"""Countries (ISO 3166-1, 249 of them) with Spanish names from pycountry's own translations.

pycountry's Spanish catalogue gives the ISO list's inverted official forms ("Bolivia, Estado
plurinacional de", "Corea, República de"): `COMMON_NAMES` replaces them by the name people use and
cards should show, and `ALIASES` adds what people type for a country that is not its name ("EEUU",
"Corea del Sur", "Holanda"). Both are small, curated, and checked by tests against pycountry's codes.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from functools import cache, lru_cache

import pycountry

from storage.textfold import fold

# The common Spanish name, where pycountry's is an inverted official form or an uncommon spelling.
COMMON_NAMES: dict[str, str] = {
    "AX": "Islas Åland",
    "BF": "Burkina Faso",
    "BN": "Brunéi",
    "BO": "Bolivia",
    "BQ": "Caribe Neerlandés",
    "CC": "Islas Cocos",
    "CD": "República Democrática del Congo",
    "CI": "Costa de Marfil",
    "DZ": "Argelia",
    "FK": "Islas Malvinas",
    "FM": "Micronesia",
    "IR": "Irán",
    "KM": "Comoras",
    "KP": "Corea del Norte",
    "KR": "Corea del Sur",
    "LA": "Laos",
    "MD": "Moldavia",
    "MF": "San Martín (Francia)",
    "NE": "Níger",
    "PS": "Palestina",
    "RU": "Rusia",
    "SR": "Surinam",
    "SX": "San Martín (Países Bajos)",
    "SY": "Siria",
    "TN": "Túnez",
    "TW": "Taiwán",
    "TZ": "Tanzania",
    "VA": "Ciudad del Vaticano",
    "VE": "Venezuela",
    "VG": "Islas Vírgenes Británicas",
    "VI": "Islas Vírgenes de los Estados Unidos",
}

# Other names people type (compared folded, without dots or spaces: "EE. UU." is "EEUU").
ALIASES: dict[str, str] = {
    "EEUU": "US",
    "EUA": "US",
    "USA": "US",
    "Estados Unidos de América": "US",
    "Norteamérica": "US",
    "UK": "GB",
    "Gran Bretaña": "GB",
    "Inglaterra": "GB",
    "Escocia": "GB",
    "Gales": "GB",
    "Holanda": "NL",
    "República Checa": "CZ",
    "Macedonia": "MK",
    "Myanmar": "MM",
    "Suazilandia": "SZ",
    "Arabia Saudita": "SA",
    "Emiratos": "AE",
    "Vaticano": "VA",
    "Santa Sede": "VA",
    "Türkiye": "TR",
    "Belarús": "BY",
    "Timor Leste": "TL",
    "Islas Vírgenes Estadounidenses": "VI",
}


@dataclass(frozen=True)
class Country:
    code: str
    name: str


@cache
def _countries() -> tuple[Country, ...]:
    spanish = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["es"], fallback=True)
    found = [Country(c.alpha_2, COMMON_NAMES.get(c.alpha_2) or spanish.gettext(c.name)) for c in pycountry.countries]
    return tuple(sorted(found, key=lambda c: fold(c.name)))


def _key(text: str) -> str:
    """Folded, without what people put or leave out between letters ("EE. UU.", "Costa-Rica")."""
    return "".join(ch for ch in fold(text) if ch.isalnum())


@cache
def _index() -> dict[str, str]:
    spanish = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["es"], fallback=True)
    index: dict[str, str] = {}
    for country in pycountry.countries:
        for text in (
            country.alpha_2,
            country.alpha_3,
            country.name,
            getattr(country, "common_name", None),
            getattr(country, "official_name", None),
            spanish.gettext(country.name),  # the ISO Spanish form still finds it ("Corea, República de")
        ):
            if text:
                index.setdefault(_key(text), country.alpha_2)
    for alias, code in ALIASES.items():
        index[_key(alias)] = code
    for ours in _countries():
        index[_key(ours.name)] = ours.code
    return index


@cache
def _names() -> dict[str, str]:
    return {country.code: country.name for country in _countries()}


@lru_cache(maxsize=1024)
def resolve(text: str) -> str | None:
    """ISO alpha-2 from a code ('PE', 'PER'), a Spanish or English name ('perú', 'Germany') or a
    common alias ('EEUU', 'Corea del Sur').

    Memoised: an import resolves the same few countries for every address (folding the text is most
    of the cost), and the answer depends only on the text."""
    key = _key(text)
    return _index().get(key) if key else None


def name(code: str) -> str:
    """The common Spanish name ("Bolivia"); the code itself if unknown."""
    return _names().get(code, code)


def search(text: str, limit: int = 100) -> list[Country]:
    """Countries whose Spanish name contains the text; names starting with it first."""
    query = fold(text)
    if not query:
        peru = [c for c in _countries() if c.code == "PE"]
        return (peru + [c for c in _countries() if c.code != "PE"])[:limit]
    aliased = {code for alias, code in ALIASES.items() if _key(alias).startswith(_key(text))}
    hits = [c for c in _countries() if query in fold(c.name) or query == c.code.casefold() or c.code in aliased]
    hits.sort(key=lambda c: (not fold(c.name).startswith(query) and c.code not in aliased, fold(c.name)))
    return hits[:limit]
