"""Spreadsheets (issue 8, item 8): export → import into an empty database gives the same cards, passwords
aside, for JSON, CSV and XLSX, on the real database (SQLite, or PostgreSQL with DATABASE_URL)."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import delete

from commands.access import Actor
from commands.service import ClientService
from commands.transfer import (
    ImportFileError,
    card_record,
    export_bytes,
    export_records,
    import_file,
    read_import,
)
from storage.models import Base

LIMA = {"country": "PE", "ubigeo": "150122", "line": "Av. Larco 345, Of. 201", "phone": "014445566", "email": "a@b.pe"}
AREQUIPA = {"country": "PE", "ubigeo": "040101", "line": "Calle Mercaderes 1", "phone": None, "email": None}
SANTIAGO = {"country": "CL", "line": "Av. Providencia 1", "phone": "+56 2 2345 6789", "email": "c@d.cl"}


async def _register(service: ClientService, ana: Actor) -> None:
    await service.create(
        ana,
        {"doc_type": "6", "doc_number": "20100070970", "name": "Compañía Núñez «Uno» S.A.C.", "trade_name": "Ñandú"},
        addresses=[LIMA, SANTIAGO, AREQUIPA],
        contact={"contact_name": "Ana Peñaloza", "contact_phone": "987654321", "website": "nunez.pe"},
        integrations={"slack_channel": "nunez", "discord_channel": "nunez", "gitlab_user": "ana.p"},
        servers=[
            {"host": "erp.nunez.pe", "ip": "203.0.113.10", "username": "root", "password": "secreto;=1"},
            {"ip": "2001:db8::1", "username": "deploy"},
        ],
    )
    await service.create(ana, {"doc_type": "1", "doc_number": "01234567", "name": '=HIPERVINCULO("x")'})
    await service.create(
        ana,
        {
            "doc_type": "4",
            "doc_number": "CE-0012345",
            "name": "Jean-Luc, «el francés»; 2º piso",
            "internal_code": "007",
        },
        addresses=[{"country": "FR", "line": "1 rue de Rivoli, Paris", "phone": "+33 1 23 45 67 89"}],
    )


async def _cards(service: ClientService, ana: Actor) -> list[dict[str, Any]]:
    """Every live card as its export record plus what a record leaves out (password flags, main address)."""
    cards = []
    async for card in service.iter_cards(ana):
        record = card_record(card)
        record["has_password"] = [s.has_password for s in card.servers]
        cards.append(record)
    return cards


async def _empty(service: ClientService) -> None:
    async with service.db.session() as session, session.begin():
        for table in reversed(Base.metadata.sorted_tables):
            await session.execute(delete(table))


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
async def test_round_trip_into_an_empty_database(service: ClientService, ana: Actor, fmt: str) -> None:
    await _register(service, ana)
    before = await _cards(service, ana)
    data = export_bytes([r async for r in export_records(service, ana)], fmt)
    assert b"secreto" not in data and "Contraseña".encode() not in data
    await _empty(service)
    loaded = read_import(f"clientes.{fmt}", data)
    report = await import_file(service, ana, loaded)
    assert (report.created, report.skipped, report.problems) == (3, 0, [])
    after = await _cards(service, ana)
    for record in before:  # passwords aside: none travels, so none comes back
        record["has_password"] = [False for _ in record["has_password"]]
    assert after == before
    again = await import_file(service, ana, read_import(f"clientes.{fmt}", data))
    assert (again.created, again.already) == (0, 3)


def test_csv_opens_in_excel_with_accents_and_runs_no_formula() -> None:
    record = {"doc_type": "1", "doc_number": "01234567", "name": "=1+1", "contact_phone": "+51 987 654 321"}
    data = export_bytes([record], "csv")
    assert data.startswith("\ufeffTipo Doc. Identidad,Número,Nombre".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[1][:3] == ["DNI", "01234567", "'=1+1"] and rows[1][6] == "+51 987 654 321"
    assert read_import("x.csv", data).records == [
        (2, {**record, "doc_type": "DNI", "addresses": [], "servers": []})  # the label, as exported
    ]


def test_xlsx_cells_are_text_never_formulas() -> None:
    data = export_bytes([{"doc_type": "1", "doc_number": "01234567", "name": "=1+1"}], "xlsx")
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    assert [c.value for c in sheet[1]][:3] == ["Tipo Doc. Identidad", "Número", "Nombre"]
    assert [(c.value, c.data_type) for c in sheet[2]][:3] == [("DNI", "s"), ("01234567", "s"), ("=1+1", "s")]
    assert sheet.freeze_panes == "A2"


async def test_a_spreadsheet_typed_by_hand_is_read_as_excel_shows_it(service: ClientService, ana: Actor) -> None:
    """Semicolons, numbers where Excel made them, a district by code, a password column, blank rows, a
    column that names no field; problems by the row number the spreadsheet shows."""
    text = (
        "Nombre;Número;Tipo Doc. Identidad;Notas;Distrito 1;Dirección 1;País 1;"
        "Servidor 1 Host;Servidor 1 Contraseña\r\n"
        "Bodega Ñ;12345678;DNI;cliente antiguo;150122;Av. Larco 1;Perú;erp.n.pe; clave con espacios \r\n"
        ";;;;;;;;\r\n"
        "Sin número;;DNI;;;;;;\r\n"
        "Malo;20512333798;RUC;;;;;;\r\n"
    )
    loaded = read_import("clientes.csv", text.encode("utf-8"))
    assert loaded.ignored == ["Notas"]
    report = await import_file(service, ana, loaded)
    assert report.created == 1
    assert report.problems == [
        "fila 4: Número: es obligatorio.",
        "fila 5: Número: el RUC 20512333798 no es válido (dígito verificador).",
    ]
    card = await service.find(ana, "12345678")
    assert (card.name, card.addresses[0].ubigeo, card.addresses[0].country) == ("Bodega Ñ", "150122", "PE")
    assert await service.reveal_password(ana, card.id, card.servers[0].id) == " clave con espacios "


async def test_xlsx_number_cells_become_their_digits(service: ClientService, ana: Actor) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Tipo Doc. Identidad", "Número", "Nombre", "Teléfono"])
    sheet.append(["RUC", 20100070970, "Excel S.A.", 987654321])
    sheet.append([None, None, None, None])
    sheet.append(["DNI", 1234567, "Perdió el cero", None])
    out = io.BytesIO()
    book.save(out)
    report = await import_file(service, ana, read_import("hoja.xlsx", out.getvalue()))
    assert report.created == 1
    assert report.problems == ["fila 4: Número: el DNI debe tener 8 dígitos (se recibió «1234567»)."]
    assert (await service.find(ana, "20100070970")).contact_phone == "+51987654321"  # stored in E.164


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("c.csv", "Nombre,Teléfono\r\nA,1\r\n".encode(), "falta: «Número»"),
        ("c.csv", b"", "La hoja está vacía"),
        ("c.csv", "Número,Nombre\r\n1,Pe\xf1a\r\n".encode("latin-1"), "guárdelo como «CSV UTF-8»"),
        ("c.xlsx", b"no es un zip", "no es un libro de Excel (.xlsx) válido"),
    ],
)
def test_unreadable_spreadsheets_are_refused_in_spanish(name: str, content: bytes, message: str) -> None:
    with pytest.raises(ImportFileError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_import(name, content)
