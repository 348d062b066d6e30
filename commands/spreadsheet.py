"""The register as a spreadsheet (CSV or XLSX): one row per client, the manual's labels as the header.

Layout (documented in README "Hojas de cálculo"): the client's own fields first ("Tipo Doc. Identidad",
"Número", "Nombre", …, "Nombre del canal Discord"), then each address in numbered columns ("País 1",
"Distrito 1", "Dirección 1", "Teléfono 1", "Correo electrónico 1", then "… 2"), the first being the
main address, then each server ("Servidor 1 Host", "Servidor 1 IP", "Servidor 1 Usuario"). One row per
client keeps a sheet sortable and filterable, which a second sheet of addresses would not be.

Passwords are never exported. An import may carry a "Servidor N Contraseña" column (a team moving
its servers in from another spreadsheet): it is encrypted like a form's, and never read back out.

Spreadsheets reformat what they open, so reading is lenient where it cannot lose anything: a number
cell becomes its digits (a DNI typed into Excel is a number), "Distrito N" is read from its leading
INEI code ("150122 Miraflores — Lima, Lima", as exported), and CSV's delimiter may be "," or ";"
(Excel writes ";" where the decimal comma is used). Values that a spreadsheet would run as a formula
(= + - @ at the start) are written as text: XLSX cells typed as strings, CSV cells prefixed with "'"
(removed again on import).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any

from commands import ubigeo
from commands.errors import CoreError
from commands.forms import ADDRESS, CLIENT, CONTACT, INTEGRATIONS, SERVER, doc_type_short

CLIENT_FIELDS = tuple(f for section in (CLIENT, CONTACT, INTEGRATIONS) for f in section.fields)
ADDRESS_FIELDS = ADDRESS.fields
SERVER_FIELDS = tuple(f for f in SERVER.fields if f.key != "password")
PASSWORD_LABEL = SERVER.field("password").label
_SERVER_PREFIX = "Servidor"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PHONE = re.compile(r"\+[0-9][0-9 ]*")
_LEADING_CODE = re.compile(r"\s*([0-9]{6})(?![0-9])")
_NUMBERED = re.compile(r"(.+?)\s+([0-9]{1,3})")
_SERVER_COLUMN = re.compile(rf"{_SERVER_PREFIX}\s+([0-9]{{1,3}})\s+(.+)", re.IGNORECASE)
MAX_GROUPS = 200  # "Dirección 999" is a typo, not a client with a thousand addresses


class SpreadsheetError(CoreError):
    """The file cannot be read as a sheet of clients at all; nothing was imported."""


def header(addresses: int, servers: int) -> list[str]:
    """The header row for `addresses` and `servers` numbered groups (at least one of each)."""
    columns = [f.label for f in CLIENT_FIELDS]
    for n in range(1, max(addresses, 1) + 1):
        columns += [f"{f.label} {n}" for f in ADDRESS_FIELDS]
    for n in range(1, max(servers, 1) + 1):
        columns += [f"{_SERVER_PREFIX} {n} {f.label}" for f in SERVER_FIELDS]
    return columns


def _district(code: str | None) -> str | None:
    district = ubigeo.get(code)
    return f"{district.code} {district.label}" if district else code


def row(record: Mapping[str, Any], addresses: int, servers: int) -> list[str]:
    """One client (an export record, see `transfer.card_record`) as cells under `header`."""
    cells: list[str | None] = []
    for f in CLIENT_FIELDS:
        value = record.get(f.key)
        cells.append(doc_type_short(value) if f.key == "doc_type" and value else value)
    ordered = sorted(record.get("addresses") or [], key=lambda a: not a.get("main"))
    for n in range(max(addresses, 1)):
        address = ordered[n] if n < len(ordered) else {}
        for f in ADDRESS_FIELDS:
            value = address.get(f.key)
            cells.append(_district(value) if f.key == "ubigeo" else value)
    listed = record.get("servers") or []
    for n in range(max(servers, 1)):
        server = listed[n] if n < len(listed) else {}
        cells += [server.get(f.key) for f in SERVER_FIELDS]
    return ["" if cell is None else str(cell) for cell in cells]


def _sizes(records: Sequence[Mapping[str, Any]]) -> tuple[int, int]:
    addresses = max((len(r.get("addresses") or []) for r in records), default=1)
    servers = max((len(r.get("servers") or []) for r in records), default=1)
    return addresses, servers


def _csv_safe(cell: str) -> str:
    """A cell Excel would run as a formula, quoted; a phone as stored ("+51 987 654 321") runs nothing."""
    return "'" + cell if cell.startswith(_FORMULA_START) and not _PHONE.fullmatch(cell) else cell


def write_csv(records: Sequence[Mapping[str, Any]]) -> bytes:
    """UTF-8 with a BOM (Excel then reads "Núñez" right), comma-separated, every row quoted as needed."""
    addresses, servers = _sizes(records)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header(addresses, servers))
    for record in records:
        writer.writerow([_csv_safe(cell) for cell in row(record, addresses, servers)])
    return buffer.getvalue().encode("utf-8-sig")


def write_xlsx(records: Sequence[Mapping[str, Any]]) -> bytes:
    """One sheet "Clientes", header frozen and bold, every cell a string (no formula, no number)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    addresses, servers = _sizes(records)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Clientes")
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    titles = header(addresses, servers)
    for index, title in enumerate(titles, start=1):
        sheet.column_dimensions[_column_letter(index)].width = max(12, min(40, len(title) + 4))

    def text_cell(value: str, *, strong: bool = False) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # "=SUM(…)" typed as a client's name stays a name
        if strong:
            cell.font = bold
        return cell

    sheet.append([text_cell(title, strong=True) for title in titles])
    for record in records:
        sheet.append([text_cell(cell) if cell else None for cell in row(record, addresses, servers)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index))


# ----------------------------------------------------------------- reading
@dataclass(frozen=True)
class _Column:
    group: str  # "client", "address", "server"
    key: str
    number: int = 0  # 1-based for addresses and servers


@dataclass
class Sheet:
    """A spreadsheet read for import: its rows as records, numbered as the spreadsheet shows them."""

    rows: list[tuple[int, dict[str, Any]]]
    ignored: list[str] = field(default_factory=list)  # header cells that name no field


def _fold(text: str) -> str:
    from storage.textfold import fold

    return " ".join(fold(text).split())


def _columns() -> tuple[dict[str, _Column], dict[str, str], dict[str, str]]:
    client = {_fold(f.label): _Column("client", f.key) for f in CLIENT_FIELDS}
    address = {_fold(f.label): f.key for f in ADDRESS_FIELDS}
    server = {_fold(f.label): f.key for f in (*SERVER_FIELDS, SERVER.field("password"))}
    return client, address, server


def _map_header(cells: Sequence[object]) -> tuple[list[_Column | None], list[str]]:
    client, address, server = _columns()
    mapped: list[_Column | None] = []
    ignored: list[str] = []
    for cell in cells:
        title = "" if cell is None else str(cell).strip()
        folded = _fold(title)
        column: _Column | None = client.get(folded)
        numbered = _NUMBERED.fullmatch(folded)
        served = _SERVER_COLUMN.fullmatch(folded)
        if column is None and served and 1 <= int(served.group(1)) <= MAX_GROUPS:
            key = server.get(served.group(2))
            column = _Column("server", key, int(served.group(1))) if key else None
        elif column is None and numbered and 1 <= int(numbered.group(2)) <= MAX_GROUPS:
            key = address.get(numbered.group(1))
            column = _Column("address", key, int(numbered.group(2))) if key else None
        if column is None and title:
            ignored.append(title)
        mapped.append(column)
    found = {c.key for c in mapped if c is not None and c.group == "client"}
    missing = [f.label for f in CLIENT.fields if f.required and f.key not in found and f.default is None]
    if missing:
        raise SpreadsheetError(
            "La primera fila debe ser el encabezado con las etiquetas del formulario; falta: "
            + ", ".join(f"«{label}»" for label in missing)
            + " (exporte con `clientes-bot export --format xlsx` para ver el formato)."
        )
    return mapped, ignored


def _text(value: object, *, unescape: bool) -> str | None:
    """A cell as text: a number as its digits (1.0 → "1"), a date as ISO, blank as None."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "VERDADERO" if value else "FALSO"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        value = value.isoformat()
    text = str(value)
    if unescape and text.startswith("'") and text[1:].startswith(_FORMULA_START):
        text = text[1:]
    return text if text.strip() else None


def _record(columns: Sequence[_Column | None], cells: Sequence[object], *, unescape: bool) -> dict[str, Any] | None:
    """A data row as an import record (the JSON export's shape); None for a row with nothing in it."""
    record: dict[str, Any] = {}
    addresses: dict[int, dict[str, Any]] = {}
    servers: dict[int, dict[str, Any]] = {}
    for column, cell in zip(columns, cells, strict=False):
        if column is None:
            continue
        keep = column.key == "password"  # a password exactly as typed, quote and all
        value = _text(cell, unescape=unescape and not keep)
        if value is None:
            continue
        if column.group == "client":
            record[column.key] = value
        elif column.group == "address":
            if column.key == "ubigeo" and (code := _LEADING_CODE.match(value)):
                value = code.group(1)
            addresses.setdefault(column.number, {})[column.key] = value
        else:
            servers.setdefault(column.number, {})[column.key] = value
    if not record and not addresses and not servers:
        return None
    numbers = sorted(addresses)
    record["addresses"] = [{**addresses[n], "main": n == numbers[0]} for n in numbers]
    record["servers"] = [servers[n] for n in sorted(servers)]
    return record


def _rows(lines: Iterable[Sequence[object]], *, unescape: bool, first_number: int = 1) -> Sheet:
    iterator = iter(lines)
    number = first_number
    for first in iterator:  # the header is the first row with anything in it
        if any(_text(cell, unescape=False) for cell in first):
            break
        number += 1
    else:
        raise SpreadsheetError("La hoja está vacía: no tiene encabezado ni clientes.")
    columns, ignored = _map_header(first)
    rows: list[tuple[int, dict[str, Any]]] = []
    for cells in iterator:
        number += 1
        record = _record(columns, cells, unescape=unescape)
        if record is not None:
            rows.append((number, record))
    return Sheet(rows, ignored)


def read_csv(data: bytes) -> Sheet:
    """A CSV in UTF-8 (with or without BOM), "," or ";" as delimiter, the header in its first row."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SpreadsheetError(
            f"El archivo no está en UTF-8 (byte {exc.start + 1}): en Excel, guárdelo como «CSV UTF-8»."
        ) from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        lines = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as exc:
        raise SpreadsheetError(f"El archivo no es un CSV válido: {exc}.") from None
    return _rows(lines, unescape=True)


def read_xlsx(data: bytes | IO[bytes]) -> Sheet:
    """The first sheet of an XLSX workbook; row numbers are the ones Excel shows."""
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    stream = io.BytesIO(data) if isinstance(data, bytes) else data
    try:
        book = load_workbook(stream, read_only=True, data_only=True)
    except (BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise SpreadsheetError("El archivo no es un libro de Excel (.xlsx) válido.") from None
    try:
        sheet = book.worksheets[0]
        return _rows(sheet.iter_rows(values_only=True), unescape=False)
    finally:
        book.close()
