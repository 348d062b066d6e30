"""Countries (ISO 3166-1, 249 of them) with Spanish names from pycountry's own translations."""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from functools import cache

import pycountry

from storage.textfold import fold


@dataclass(frozen=True)
class Country:
    code: str
    name: str


@cache
def _countries() -> tuple[Country, ...]:
    spanish = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["es"], fallback=True)
    found = [Country(c.alpha_2, spanish.gettext(c.name)) for c in pycountry.countries]
    return tuple(sorted(found, key=lambda c: fold(c.name)))


@cache
def _index() -> dict[str, str]:
    index: dict[str, str] = {}
    for country in pycountry.countries:
        for text in (
            country.alpha_2,
            country.alpha_3,
            country.name,
            getattr(country, "common_name", None),
            getattr(country, "official_name", None),
        ):
            if text:
                index.setdefault(fold(text), country.alpha_2)
    for ours in _countries():
        index[fold(ours.name)] = ours.code
    index.setdefault("peru", "PE")
    return index


def resolve(text: str) -> str | None:
    """ISO alpha-2 from a code ('PE', 'PER') or a Spanish or English name ('perú', 'Germany')."""
    return _index().get(fold(text))


def name(code: str) -> str:
    for country in _countries():
        if country.code == code:
            return country.name
    return code


def search(text: str, limit: int = 100) -> list[Country]:
    """Countries whose Spanish name contains the text; names starting with it first."""
    query = fold(text)
    if not query:
        peru = [c for c in _countries() if c.code == "PE"]
        return (peru + [c for c in _countries() if c.code != "PE"])[:limit]
    hits = [c for c in _countries() if query in fold(c.name) or query == c.code.casefold()]
    hits.sort(key=lambda c: (not fold(c.name).startswith(query), fold(c.name)))
    return hits[:limit]
