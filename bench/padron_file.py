"""A deterministic SUNAT padrón reducido in the real format, for `make bench` and the load tests.

ISO-8859-1, one taxpayer a line, `|` after every field (so a trailing `|`), `-` for an empty field, a
header line and Windows line ends, in SUNAT's column order. RUCs ascend as in SUNAT's own file;
names and streets carry the accents ("COMPAÑÍA", "PEÑA") that the encoding must survive.
"""

from __future__ import annotations

import random
from pathlib import Path

HEADER = (
    "RUC|NOMBRE O RAZÓN SOCIAL|ESTADO DEL CONTRIBUYENTE|CONDICIÓN DE DOMICILIO|UBIGEO|TIPO DE VÍA|NOMBRE DE VÍA|"
    "CÓDIGO DE ZONA|TIPO DE ZONA|NÚMERO|INTERIOR|LOTE|DEPARTAMENTO|MANZANA|KILÓMETRO|"
)
_FIRST = ("COMPAÑÍA", "INVERSIONES", "CONSTRUCTORA", "COMERCIAL", "DISTRIBUIDORA", "AGROEXPORTADORA", "SERVICIOS")
_SECOND = ("PEÑA", "NÚÑEZ", "ANDINA", "DEL SUR", "SAN MARTÍN", "LOS ÁLAMOS", "MIRAFLORES", "PERÚ", "SEÑOR DE LUREN")
_SUFFIX = ("S.A.C.", "E.I.R.L.", "S.A.", "S.R.L.", "SOCIEDAD ANONIMA CERRADA")
_PEOPLE = ("QUISPE MAMANI JUAN", "GARCÍA PEÑA MARÍA", "HUAMÁN CCAHUA ROSA", "ÑAUPARI LÓPEZ JOSÉ", "TORRES DÍAZ ANA")
_STATES = ("ACTIVO",) * 8 + ("BAJA DE OFICIO", "BAJA PROV. POR OFICIO", "SUSPENSION TEMPORAL")
_CONDITIONS = ("HABIDO",) * 9 + ("NO HABIDO", "NO HALLADO")
_UBIGEOS = ("150122", "150101", "150130", "150131", "040101", "080101", "130101", "200101", "060506", "150141")
_VIAS = ("AV.", "JR.", "CAL.", "PJE.", "CAR.", "-")
_STREETS = ("JAVIER PRADO ESTE", "LARCO", "DE LA UNIÓN", "MORELLI", "ÑAÑA", "PANAMERICANA SUR", "LOS OLIVOS")
_ZONE_TYPES = ("URB.", "A.H.", "P.J.", "COO.", "-")
_ZONES = ("SAN EUGENIO", "LA CAPULLANA", "SANTA ROSA", "EL PALOMAR", "CORPAC")


def line(index: int, rng: random.Random) -> str:
    """The `index`-th taxpayer: a company (RUC 20…) or a person with a business (RUC 10…)."""
    company = index % 3 != 0
    ruc = f"{(20_000_000_000 if company else 10_000_000_000) + index * 7:011d}"
    if company:
        name = f"{rng.choice(_FIRST)} {rng.choice(_SECOND)} {index} {rng.choice(_SUFFIX)}"
    else:
        name = f"{rng.choice(_PEOPLE)} {index}"
    via = rng.choice(_VIAS)
    manzana_lote = rng.random() < 0.3
    fields = [
        ruc,
        name,
        rng.choice(_STATES),
        rng.choice(_CONDITIONS),
        rng.choice(_UBIGEOS),
        via,
        rng.choice(_STREETS) if via != "-" else "-",
        rng.choice(_ZONES) if rng.random() < 0.6 else "-",
        rng.choice(_ZONE_TYPES),
        "-" if manzana_lote else str(rng.randint(1, 9999)),
        str(rng.randint(100, 1500)) if rng.random() < 0.2 else "-",
        str(rng.randint(1, 40)) if manzana_lote else "-",
        str(rng.randint(101, 1204)) if rng.random() < 0.1 else "-",
        rng.choice("ABCDEFGHK") if manzana_lote else "-",
        f"{rng.randint(1, 60)}.5" if via == "CAR." else "-",
    ]
    return "|".join(fields) + "|\r\n"


def write(path: Path, lines: int, seed: int = 9) -> Path:
    """Writes `lines` taxpayers after the header; the same seed writes the same bytes."""
    rng = random.Random(seed)
    with path.open("w", encoding="iso-8859-1", newline="") as handle:
        handle.write(HEADER + "\r\n")
        chunk: list[str] = []
        for index in range(1, lines + 1):
            chunk.append(line(index, rng))
            if len(chunk) == 10_000:
                handle.write("".join(chunk))
                chunk.clear()
        handle.write("".join(chunk))
    return path
