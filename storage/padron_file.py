"""Reading SUNAT's padrón reducido del RUC: the .zip as downloaded or the .txt inside it, streamed.

The format: ISO-8859-1, one taxpayer a line, `|` after every one of its 15 fields (so a trailing `|`),
`-` for an empty field, a header line, Windows line ends. The file is read in blocks of bytes, never
whole; a block is decoded and split into lines at once (C speed). A block whose every line is good (the
usual case) is then checked, split and folded a column at a time, each step one C-level call over the
whole block (`map`, `zip`, `str.join`, `bytes.translate`): no Python code runs per line. A block with a
bad line goes line by line instead, to report it by number. Lines are cut at `\n`, so a file re-saved
with Unix line ends loads too (a `\r` stays at the end of the `rest` piece, where reading ignores it).
"""

from __future__ import annotations

import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import repeat
from operator import itemgetter
from pathlib import Path
from typing import IO, Any

#: The ten address columns. They, and estado, condición and UBIGEO before them, are kept together in a
#: slot's `rest` column as the file has them ("ACTIVO|HABIDO|150122|AV.|JAVIER PRADO ESTE|-|…|"): binding
#: one value instead of thirteen is most of what a load costs beyond SQLite's own work; storage/padron.py
#: splits them again for the rows a read returns.
ADDRESS_FIELDS = (
    "tipo_via",
    "nombre_via",
    "codigo_zona",
    "tipo_zona",
    "numero",
    "interior",
    "lote",
    "departamento",
    "manzana",
    "kilometro",
)

FIELDS = (  # the file's 15 columns, in its order
    "ruc",
    "name",
    "estado",
    "condicion",
    "ubigeo",
    *ADDRESS_FIELDS,
)
STORED = ("ruc", "name", "rest", "folded")  # a slot's columns, in order (migration 0011)
REST_FIELDS = FIELDS[2:]  # what `rest` holds, `|`-separated
SEPARATORS = len(FIELDS)  # a good line has one `|` after every field
BLOCK = 1 << 20  # bytes read at a time: about 9,000 lines, a few MB of Python objects at most
_THIRD = itemgetter(2)  # UBIGEO, the third piece of `rest`
MAX_REPORTED = 50  # malformed lines kept with their number; the rest are only counted


def _fold_byte(code: int) -> int:
    """One Latin-1 character folded as storage.textfold.fold folds it (accents off, lower case), as a byte.

    A character whose fold is not one Latin-1 character (ß → ss, µ → μ) stays itself: a query folded
    by textfold.fold then cannot match it, which costs nothing (SUNAT's names are upper-case Latin)."""
    char = chr(code)
    stripped = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)).casefold()
    return ord(stripped) if len(stripped) == 1 and ord(stripped) < 256 and code >= 32 else code


#: bytes.translate table: the name's Latin-1 bytes → its search key, in one C call per name.
FOLD_TABLE = bytes(_fold_byte(code) for code in range(256))


def search_key(folded_text: str) -> bytes | None:
    """The stored form of an already folded query (storage.textfold.fold); None when it holds a character
    no padrón name can hold (outside Latin-1), so nothing can match."""
    try:
        return folded_text.encode("latin-1").translate(FOLD_TABLE)
    except UnicodeEncodeError:
        return None


class PadronFileError(Exception):
    """The file cannot be read as a padrón; `reason` is one of the keys commands/padron.py words."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Malformed:
    line: int  # 1 is the header
    pieces: int  # how many fields the line had (0: a RUC that is not 11 digits)


@dataclass
class ReadReport:
    """What reading found, besides the rows: filled while the rows are consumed."""

    lines: int = 0  # data lines read, good or not
    good: int = 0
    malformed: list[Malformed] = field(default_factory=list)
    malformed_count: int = 0
    ubigeos: set[str] = field(default_factory=set)

    def reject(self, line: int, pieces: int) -> None:
        self.malformed_count += 1
        if len(self.malformed) < MAX_REPORTED:
            self.malformed.append(Malformed(line, pieces))


@dataclass
class PadronSource:
    """An opened padrón: its stream of bytes, size, name and the date of the data."""

    name: str
    fecha: date
    size: int
    stream: IO[bytes]
    _archive: zipfile.ZipFile | None = None

    def close(self) -> None:
        self.stream.close()
        if self._archive is not None:
            self._archive.close()

    def __enter__(self) -> PadronSource:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def open_padron(path: Path) -> PadronSource:
    """The .zip (its .txt member, dated by the member's own timestamp) or the .txt (dated by its mtime)."""
    try:
        if zipfile.is_zipfile(path):
            archive = zipfile.ZipFile(path)
            members = [info for info in archive.infolist() if info.filename.lower().endswith(".txt")]
            if not members:
                archive.close()
                raise PadronFileError("zip_without_txt")
            info = max(members, key=lambda member: member.file_size)
            fecha = date(*info.date_time[:3])
            return PadronSource(info.filename, fecha, info.file_size, archive.open(info), archive)
        stream = path.open("rb")
        stat = path.stat()
        return PadronSource(path.name, datetime.fromtimestamp(stat.st_mtime).date(), stat.st_size, stream)
    except FileNotFoundError:
        raise PadronFileError("missing") from None
    except IsADirectoryError:
        raise PadronFileError("directory") from None
    except PermissionError:
        raise PadronFileError("permission") from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise PadronFileError("unreadable", type(exc).__name__) from None


def _read(stream: IO[bytes] | _Prepend, size: int) -> bytes:
    """A block; a damaged .zip (bad CRC, truncated download) or a failing disk is the file's fault."""
    try:
        return stream.read(size)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise PadronFileError("unreadable", type(exc).__name__) from None


def blocks(source: PadronSource, on_bytes: Callable[[int], None]) -> Iterator[tuple[int, list[str]]]:
    """(number of the block's first line, its decoded lines), after the header line when there is one.

    `on_bytes` gets the bytes consumed so far after each block (the progress bar)."""
    try:
        first = source.stream.readline()
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise PadronFileError("unreadable", type(exc).__name__) from None
    stream: IO[bytes] | _Prepend = source.stream
    done = len(first)
    number = 1
    if not first.lstrip(b"\xef\xbb\xbf").upper().startswith(b"RUC"):  # no header: the first line is data
        number = 0
        stream = _Prepend(first, source.stream)
        done = 0
    tail = b""
    while True:
        chunk = _read(stream, BLOCK)
        if not chunk:
            break
        done += len(chunk)
        chunk = tail + chunk
        cut = chunk.rfind(b"\n") + 1
        if cut == 0:
            tail = chunk
            continue
        tail = chunk[cut:]
        lines = chunk[:cut].decode("latin-1").split("\n")
        lines.pop()  # the empty piece after the block's last "\n"
        yield number + 1, lines
        number += len(lines)
        on_bytes(done)
    if tail.strip():
        yield number + 1, [tail.decode("latin-1")]
    on_bytes(done)


class _Prepend:
    """A stream with a line already read put back in front."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self.head = head
        self.rest = rest

    def read(self, size: int) -> bytes:
        head, self.head = self.head, b""
        return head + self.rest.read(max(size - len(head), 0)) if head else self.rest.read(size)


def rows(
    first: int, lines: list[str], report: ReadReport, *, text_key: bool = False, int_ruc: bool = False
) -> Iterable[Sequence[Any]]:
    """Each good line as a slot row (STORED): RUC, name, the rest of the line as one piece, and the folded
    name (bytes, or text with `text_key`); with `int_ruc` (PostgreSQL) the RUC as an integer and the
    line's number appended (it decides which line of a repeated RUC is kept). Bad lines are recorded in
    `report` by number and skipped. `report` is complete when this returns, before the rows are read."""
    whole = _whole_block(first, lines, report, text_key=text_key, int_ruc=int_ruc)
    return whole if whole is not None else list(_line_by_line(first, lines, report, text_key, int_ruc))


def _whole_block(
    first: int, lines: list[str], report: ReadReport, *, text_key: bool, int_ruc: bool
) -> Iterable[Sequence[Any]] | None:
    """The rows of a block whose lines are all good, built a column at a time; None when any line is not
    (the caller then goes line by line). The checks are those of `_line_by_line`: 15 `|` and an 11-digit
    RUC (every line has 15 `|`, so its first piece is all that stands before the first one)."""
    if not lines or set(map(str.count, lines, repeat("|"))) != {SEPARATORS}:
        return None
    rucs, names, rests = zip(*map(str.split, lines, repeat("|"), repeat(2)), strict=True)
    joined = "".join(rucs)
    if set(map(len, rucs)) != {11} or not (joined.isascii() and joined.isdigit()):
        return None
    report.ubigeos.update(map(_THIRD, map(str.split, rests, repeat("|"), repeat(3))))
    keys = "\n".join(names).encode("latin-1").translate(FOLD_TABLE)  # a name holds no "\n"
    folded: list[Any] = keys.decode("latin-1").split("\n") if text_key else keys.split(b"\n")
    report.lines += len(lines)
    report.good += len(lines)
    if int_ruc:
        return zip(map(int, rucs), names, rests, folded, range(first, first + len(lines)), strict=True)
    return zip(rucs, names, rests, folded, strict=True)


def _line_by_line(
    first: int, lines: list[str], report: ReadReport, text_key: bool, int_ruc: bool
) -> Iterator[list[Any]]:
    ubigeos = report.ubigeos
    table = FOLD_TABLE
    good = 0
    for offset, line in enumerate(lines):
        pieces: list[Any] = line.split("|", 2)
        ruc = pieces[0]
        if line.count("|") != SEPARATORS or len(ruc) != 11 or not (ruc.isascii() and ruc.isdigit()):
            if line.strip():
                every = line.split("|")
                fields = len(every) - (0 if every[-1].strip() else 1)  # the trailing "|" ends, not adds, one
                report.reject(first + offset, fields if line.count("|") != SEPARATORS else 0)
            continue
        key = pieces[1].encode("latin-1").translate(table)
        pieces.append(key.decode("latin-1") if text_key else key)
        ubigeos.add(pieces[2].split("|", 3)[2])
        good += 1
        if int_ruc:
            pieces[0] = int(ruc)
            pieces.append(first + offset)
        yield pieces
    report.lines += len(lines)
    report.good += good
