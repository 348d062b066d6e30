"""Rows written the way the database driver takes them fastest, for imports of thousands of clients.

SQLAlchemy's Core `insert()` run with a list of rows converts every value of every row through its
column type and builds each row's parameters in Python: a few microseconds a row, a third of what the
process that writes an import spent. Here the statement and the conversions are worked out once per
table; the values every row of a batch shares (timestamps, the actor, constants) are converted once,
and a row costs one tuple. Values still go through their column types (a JSON column is serialised,
a boolean or a date made what the dialect stores), so the rows are exactly what `insert()` writes.

Clients go in as one multi-row INSERT … RETURNING per batch rather than an executemany: on SQLite
each statement of an executemany is its own statement transaction, and the FTS5 index that the insert
trigger feeds (`clients_fts`, migration 0007) flushes its pending terms to disk at every statement
boundary; one statement per batch lets it write the batch's terms once — three times less CPU for
the index, and no change to the trigger that every other writer relies on.
"""

from __future__ import annotations

import functools
import itertools
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession

_Convert = Callable[[Any], Any]


@dataclass(frozen=True)
class _Shape:
    """How rows with these keys (and these shared keys) are written to one table."""

    columns: str  # "(a, b, c)", quoted for the dialect, per-row keys first, then the shared ones
    fetch: Callable[[Mapping[str, Any]], tuple[Any, ...]]
    convert: tuple[tuple[int, _Convert], ...]  # per-row positions whose column type converts the value
    shared_convert: tuple[_Convert | None, ...]

    def row(self, values: Mapping[str, Any], shared: tuple[Any, ...]) -> tuple[Any, ...]:
        fetched = self.fetch(values)
        if self.convert:
            converted = list(fetched)
            for position, convert in self.convert:
                converted[position] = convert(converted[position])
            fetched = tuple(converted)
        return fetched + shared

    def shared(self, values: Mapping[str, Any]) -> tuple[Any, ...]:
        return tuple(
            convert(value) if convert else value
            for convert, value in zip(self.shared_convert, values.values(), strict=True)
        )


# Per dialect (an engine's: its JSON serialiser, its paramstyle), then per table and keys.
_SHAPES: weakref.WeakKeyDictionary[Dialect, dict[tuple[str, tuple[str, ...], tuple[str, ...]], _Shape]] = (
    weakref.WeakKeyDictionary()
)


def _shape(dialect: Dialect, table: Table, row_keys: tuple[str, ...], shared_keys: tuple[str, ...]) -> _Shape:
    shapes = _SHAPES.setdefault(dialect, {})
    key = (table.name, row_keys, shared_keys)
    if key in shapes:
        return shapes[key]
    given = set(row_keys) | set(shared_keys)
    # `insert()` fills a column left out with its Python-side default; this writer would leave it NULL.
    defaulted = [c.key for c in table.columns if c.key not in given and c.default is not None and not c.primary_key]
    if defaulted:
        raise ValueError(f"{table.name}: columns with a default must be given: {', '.join(defaulted)}")

    def converter(name: str) -> _Convert | None:
        column = table.c[name]
        convert: _Convert | None = column.type.dialect_impl(dialect).bind_processor(dialect)
        return convert

    quote = dialect.identifier_preparer.format_column
    columns = "(" + ", ".join(quote(table.c[name]) for name in (*row_keys, *shared_keys)) + ")"
    fetch = _fetcher(row_keys)
    per_row = tuple((i, convert) for i, name in enumerate(row_keys) if (convert := converter(name)) is not None)
    shape = _Shape(columns, fetch, per_row, tuple(converter(name) for name in shared_keys))
    shapes[key] = shape
    return shape


def _fetcher(keys: tuple[str, ...]) -> Callable[[Mapping[str, Any]], tuple[Any, ...]]:
    """A row's values in `keys` order; a key a row lacks is NULL, as a form's unset field."""
    return lambda row: tuple(map(row.get, keys))


def _marks(style: str, count: int, start: int = 0) -> str:
    """`count` positional placeholders in the driver's style, numbered from `start` + 1 where numbered."""
    if style == "qmark":
        return ", ".join("?" * count)
    if style == "numeric_dollar":
        return ", ".join(f"${i}" for i in range(start + 1, start + count + 1))
    raise NotImplementedError(f"bulk writes do not speak the {style!r} parameter style")


def _prepared(
    session_dialect: Dialect, table: Table, rows: Sequence[Mapping[str, Any]], shared: Mapping[str, Any]
) -> tuple[_Shape, list[tuple[Any, ...]]]:
    shape = _shape(session_dialect, table, tuple(rows[0]), tuple(shared))
    common = shape.shared(shared)
    return shape, [shape.row(row, common) for row in rows]


async def insert_rows(
    session: AsyncSession, table: Table, rows: Sequence[Mapping[str, Any]], shared: Mapping[str, Any] | None = None
) -> None:
    """Inserts `rows` (all with the keys of the first) as one executemany, each with the `shared` values."""
    if not rows:
        return
    conn = await session.connection()
    shape, params = _prepared(conn.dialect, table, rows, shared or {})
    width = len(params[0])
    name = conn.dialect.identifier_preparer.format_table(table)
    await conn.exec_driver_sql(
        f"INSERT INTO {name} {shape.columns} VALUES ({_marks(conn.dialect.paramstyle, width)})", params
    )


async def insert_returning(
    session: AsyncSession,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    returning: Sequence[str],
    shared: Mapping[str, Any] | None = None,
) -> list[tuple[Any, ...]]:
    """Inserts `rows` as few multi-row statements as the driver's parameter limit allows; the
    `returning` columns of every row inserted, in no particular order."""
    if not rows:
        return []
    conn = await session.connection()
    dialect = conn.dialect
    shape, params = _prepared(dialect, table, rows, shared or {})
    width = len(params[0])
    per_statement = max(1, min(len(params), _max_parameters(dialect) // width))
    name = dialect.identifier_preparer.format_table(table)
    back = ", ".join(dialect.identifier_preparer.format_column(table.c[column]) for column in returning)
    out: list[tuple[Any, ...]] = []
    for start in range(0, len(params), per_statement):
        chunk = params[start : start + per_statement]
        values = _rows_marks(dialect.paramstyle, width, len(chunk))
        sql = f"INSERT INTO {name} {shape.columns} VALUES {values} RETURNING {back}"
        result = await conn.exec_driver_sql(sql, tuple(itertools.chain.from_iterable(chunk)))
        out.extend(tuple(row) for row in result.all())
    return out


@functools.lru_cache(maxsize=32)
def _rows_marks(style: str, width: int, count: int) -> str:
    """`count` rows of `width` placeholders: "(?, ?), (?, ?)" (built once per batch size)."""
    return ", ".join(f"({_marks(style, width, i * width)})" for i in range(count))


def _max_parameters(dialect: Dialect) -> int:
    """Bound parameters one statement may carry: SQLAlchemy's own figure for the dialect, which its
    multi-row inserts trust too (32,700 for both of ours: under SQLite's default limit since 3.32,
    32,766, and PostgreSQL's protocol limit, 32,767)."""
    return int(getattr(dialect, "insertmanyvalues_max_parameters", 32_000))
