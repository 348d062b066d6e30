"""Rich rendering of the core's neutral views for a terminal; every string reaches rich as plain Text."""

from __future__ import annotations

from collections.abc import Iterator

from rich.console import Console, ConsoleOptions, Group, RenderableType
from rich.measure import Measurement
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from bot.console.text import plain
from commands import padron, presenter, router
from commands import sunat as commands_sunat
from commands.sunat import SunatAnswer
from commands.texts import texts
from commands.views import ClientCard, ClientPage, ClientSummary, HistoryPage

# List columns that hold one value which must be read whole (a document or phone number): never
# wrapped, and the table is only used when they fit; the others wrap at spaces or end in "…".
_WHOLE = frozenset({"#", "Documento", "Número", "Teléfono"})
# The narrowest a wrapping column may become before the list switches to one block per client.
_MIN_TEXT = 10
_NAME = presenter.LIST_COLUMNS[1]


def _pairs(title: str, rows: tuple[tuple[str, str], ...]) -> Table:
    table = Table(title=plain(title), title_justify="left", show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold", min_width=24)
    table.add_column()
    for label, value in rows:
        table.add_row(plain(label), plain(value))
    return table


def card(client: ClientCard) -> Panel:
    parts: list[RenderableType] = [_pairs(section.title, section.rows) for section in presenter.card_sections(client)]
    if not client.addresses:
        parts.insert(1, plain(texts().console_no_address_yet, "dim"))
    subtitle = f"versión {client.version} · actualizado {client.updated_at}"
    if client.deleted:
        subtitle += " · ELIMINADO"
    return Panel(
        Group(*parts), title=plain(f"#{client.id} {client.name}"), subtitle=plain(subtitle), title_align="left"
    )


def sunat(answer: SunatAnswer) -> Group:
    """What the padrón says, one block per taxpayer (the warning in yellow), each with the command that
    registers it, and how to turn the page."""
    t = texts()
    parts: list[RenderableType] = [plain(t.padron_answer_title(answer.query, answer.fecha.isoformat()), "bold")]
    if not answer.items:
        parts.append(plain(answer.empty_sentence(), "yellow"))
    for taxpayer in answer.items:
        parts.append(_pairs("", commands_sunat.rows(taxpayer)))
        warned = padron.warning(taxpayer)
        if warned:
            parts.append(plain(f"⚠ {warned}", "yellow"))
        parts.append(plain(t.padron_console_register(taxpayer.ruc), "dim"))
    pages = [t.console_list_next] if answer.has_more else []
    if answer.page:
        pages.append(t.console_list_prev)
    if pages:
        parts.append(plain(" · ".join(pages), "dim"))
    return Group(*parts)


def page(result: ClientPage) -> RenderableType:
    """The list: a table when the terminal is wide enough to show every number whole, otherwise one
    block per client; an empty list says so in the chats' words."""
    t = texts()
    if result.trash and not result.rows:
        return Group(plain(t.trash_title, "bold"), plain(t.trash_empty, "yellow"))
    if not result.rows and not result.query:
        return plain(t.no_clients_yet, "yellow")
    if not result.rows:
        return Group(plain(t.console_list_title_query(result.query), "bold"), plain(t.no_clients_match, "yellow"))
    caption = result.caption
    if result.next_cursor:
        caption += f" · {t.console_list_next}"
    if result.prev_cursor:
        caption += f" · {t.console_list_prev}"
    title = t.console_list_title_query(result.query) if result.query else t.console_list_title
    if result.trash:
        title = f"{t.trash_title} · {t.console_trash_hint}"
        rows = [
            (row.ref, *presenter.list_row(row), t.trash_row(row.deleted_by or "—", row.deleted_at or "—"))
            for row in result.rows
        ]
        return ClientList(title, caption, rows, extra=(t.console_trash_column,))
    return ClientList(title, caption, [(row.ref, *presenter.list_row(row)) for row in result.rows])


class ClientList:
    """Chooses its layout at the width it is given (rich asks at print time), so the same page reads
    well in an 80-column terminal, a narrow pane and a wide screen: no number or word is cut in two."""

    def __init__(self, title: str, caption: str, rows: list[tuple[str, ...]], *, extra: tuple[str, ...] = ()) -> None:
        self.title = title
        self.caption = caption
        self.rows = rows
        self.columns = ("#", *presenter.LIST_COLUMNS, *extra)

    def table(self) -> Table:
        table = Table(title=plain(self.title), caption=plain(self.caption), title_justify="left")
        for column in self.columns:
            if column in _WHOLE:
                table.add_column(plain(column), no_wrap=True)
            else:
                table.add_column(plain(column), overflow="ellipsis", min_width=_MIN_TEXT)
        for row in self.rows:
            table.add_row(*(plain(value) for value in row))
        return table

    def blocks(self) -> Group:
        """One block per client: "#12 Nombre", then one labelled line per column that has a value."""
        parts: list[RenderableType] = [plain(self.title, "bold")]
        for ref, *values in self.rows:
            fields = dict(zip(self.columns[1:], values, strict=True))
            name = fields.pop(_NAME)
            parts.append(Text.assemble(plain(ref, "bold"), " ", plain(name, "bold"), overflow="ellipsis"))
            grid = Table.grid(padding=(0, 1))
            grid.add_column(style="dim", no_wrap=True)
            grid.add_column(overflow="ellipsis")
            for column, value in fields.items():
                if value == presenter.EMPTY:
                    continue
                cell = plain(value)
                if column in _WHOLE:  # shown whole or cut with "…" at the edge, never split over lines
                    cell.no_wrap, cell.overflow = True, "ellipsis"
                grid.add_row(plain(column), cell)
            if grid.row_count:
                parts.append(Padding(grid, (0, 0, 0, 3)))
        parts.append(plain(self.caption, "dim"))
        return Group(*parts)

    def fits(self, console: Console, options: ConsoleOptions) -> bool:
        """The table fits when its unbreakable columns at full width plus the others at their narrowest
        do: rich would otherwise cut a document number to make room."""
        widths = [
            max(len(column), *(len(row[at]) for row in self.rows)) if column in _WHOLE else _MIN_TEXT
            for at, column in enumerate(self.columns)
        ]
        borders = 3 * len(self.columns) + 1  # "│ " before each cell and " │" at the end
        return sum(widths) + borders <= options.max_width

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[RenderableType]:
        yield self.table() if self.fits(console, options) else self.blocks()

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(1, options.max_width)


def history(result: HistoryPage) -> Group:
    """A client's changes, newest first: when, who, from where, what, and each field old → new."""
    lines: list[RenderableType] = [plain(texts().history_title(result.name), "bold"), plain(result.document, "dim")]
    if not result.entries:
        lines.append(plain(texts().no_history(result.name)))
        return Group(*lines)
    for change in result.entries:
        lines.append(plain(f"{change.at} · {change.who} {change.action} ({texts().history_from(change.platform)})"))
        for field in change.changes:
            lines.append(plain(f"  • {field.label}: {field.shown}"))
    caption = texts().history_caption(result.page_number, result.shown)
    if result.next_cursor:
        caption += f" · {texts().console_history_next}"
    if result.prev_cursor:
        caption += f" · {texts().console_list_prev}"
    lines.append(plain(caption, "dim"))
    return Group(*lines)


def choices(rows: list[ClientSummary]) -> list[str]:
    return [presenter.choice_label(row) for row in rows]


def help_text() -> Group:
    t = texts()
    lines = [plain(t.console_help_title, "bold")]
    lines += [plain(f"  {line}") for line in router.help_lines()]
    lines += [
        plain(f"  {t.console_help_pages}"),
        plain(f"  {t.console_help_cancel(t.console_cancel_hint)}"),
        plain(f"  {t.console_help_exit}"),
    ]
    return Group(*lines)
