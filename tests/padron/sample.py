"""A small padrón reducido in SUNAT's exact format, written by the tests (nothing is downloaded).

ISO-8859-1 with accents ("COMPAÑÍA PEÑA NÚÑEZ"), `-` for empty fields, a trailing `|`, a header line and
Windows line ends; line 5 has too few fields, line 8 a RUC that is not one, and RUC 20601234565 appears
on lines 3 and 6 (the later line is the one kept).
"""

from __future__ import annotations

import os
import zipfile
from datetime import date, datetime
from pathlib import Path

from bench.padron_file import HEADER

LINES = [
    "20100070970|SUPERMERCADOS PERUANOS SOCIEDAD ANONIMA 'O ' S.P.S.A.|ACTIVO|HABIDO|150130|"
    "CAL.|MORELLI|-|-|181|P-2|-|-|-|-|",
    "20601234565|COMPAÑÍA PEÑA NÚÑEZ S.A.C.|ACTIVO|HABIDO|150122|"
    "AV.|JAVIER PRADO ESTE|SANTA FELICIA|URB.|6210|301|-|-|-|-|",
    "10456789019|QUISPE MAMANI ROSA|BAJA DE OFICIO|NO HABIDO|060506|-|-|LOS PINOS|A.H.|-|-|12|-|B|-|",
    "20555555555|LINEA SIN TODOS SUS CAMPOS|ACTIVO|HABIDO|150101|AV.|LIMA|-|-|1|-|-|-",
    "20601234565|COMPAÑÍA PEÑA NÚÑEZ SOCIEDAD ANONIMA CERRADA|ACTIVO|HABIDO|150122|"
    "AV.|JAVIER PRADO ESTE|SANTA FELICIA|URB.|6210|302|-|-|-|-|",
    "20999999990|EMPRESA DE UBIGEO NUEVO E.I.R.L.|ACTIVO|NO HALLADO|999999|CAR.|PANAMERICANA SUR|-|-|-|-|-|-|-|23.5|",
    "2010007O97|RUC CON UNA LETRA|ACTIVO|HABIDO|150101|-|-|-|-|-|-|-|-|-|-|",
    "20100047218|BANCO DE CREDITO DEL PERU|ACTIVO|HABIDO|150114|CAL.|CENTENARIO|-|-|156|-|-|-|-|-|",
]
FECHA = date(2026, 11, 28)


def write_txt(path: Path, lines: list[str] = LINES, fecha: date = FECHA) -> Path:
    path.write_bytes("".join(f"{line}\r\n" for line in [HEADER, *lines]).encode("iso-8859-1"))
    moment = datetime(fecha.year, fecha.month, fecha.day, 6, 0).timestamp()
    os.utime(path, (moment, moment))
    return path


def write_zip(path: Path, lines: list[str] = LINES, fecha: date = FECHA) -> Path:
    """As SUNAT serves it: padron_reducido_ruc.txt inside padron_reducido_ruc.zip, dated inside the zip."""
    content = "".join(f"{line}\r\n" for line in [HEADER, *lines]).encode("iso-8859-1")
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo("padron_reducido_ruc.txt", date_time=(fecha.year, fecha.month, fecha.day, 5, 30, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, content)
    return path
