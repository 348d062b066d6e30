"""Rich rendering of the core's neutral views for a terminal; every string reaches rich as plain Text."""

from __future__ import annotations

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table

from bot.console.prompt import CANCEL_HINT
from bot.console.text import plain
from commands import presenter, router
from commands.errors import FieldErrors
from commands.texts import texts
from commands.views import ClientCard, ClientPage, ClientSummary, HistoryPage


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
        parts.insert(1, plain("Dirección: sin direcciones", "dim"))
    subtitle = f"versión {client.version} · actualizado {client.updated_at}"
    if client.deleted:
        subtitle += " · ELIMINADO"
    return Panel(
        Group(*parts), title=plain(f"#{client.id} {client.name}"), subtitle=plain(subtitle), title_align="left"
    )


def page(result: ClientPage) -> Table:
    caption = texts().page_caption(result.page_number, result.page_count, result.total)
    if result.next_cursor:
        caption += " · «siguiente» para avanzar"
    if result.prev_cursor:
        caption += " · «anterior» para volver"
    title = f"Clientes que coinciden con «{result.query}»" if result.query else "Clientes"
    if result.trash:
        title = texts().trash_title + (" · «restaurar #id» para traer uno de vuelta" if result.rows else "")
    table = Table(title=plain(title), caption=plain(caption), title_justify="left")
    columns = ("#", *presenter.LIST_COLUMNS) + (("Eliminado",) if result.trash else ())
    for column in columns:
        table.add_column(plain(column), overflow="fold")
    for row in result.rows:
        cells = [plain(row.ref), *(plain(value) for value in presenter.list_row(row))]
        if result.trash:
            cells.append(plain(texts().trash_row(row.deleted_by or "—", row.deleted_at or "—")))
        table.add_row(*cells)
    if result.trash and not result.rows:
        table.caption = plain(texts().trash_empty)
    return table


def history(result: HistoryPage) -> Group:
    """A client's changes, newest first: when, who, from where, what, and each field old → new."""
    lines: list[RenderableType] = [plain(texts().history_title(result.name), "bold"), plain(result.document, "dim")]
    if not result.entries:
        lines.append(plain(texts().no_history(result.name)))
        return Group(*lines)
    for change in result.entries:
        lines.append(plain(f"{change.at} · {change.who} {change.action} ({texts().history_from(change.platform)})"))
        for field in change.changes:
            lines.append(plain(f"  • {field.label}: {field.new if field.secret else f'{field.old} → {field.new}'}"))
    caption = texts().history_caption(result.page_number, result.shown)
    if result.next_cursor:
        caption += " · «siguiente» para ver cambios anteriores"
    if result.prev_cursor:
        caption += " · «anterior» para volver"
    lines.append(plain(caption, "dim"))
    return Group(*lines)


def choices(rows: list[ClientSummary]) -> list[str]:
    return [presenter.choice_label(row) for row in rows]


def errors(console: Console, exc: FieldErrors) -> None:
    for error in exc.errors:
        console.print(plain(f"✗ {error.text}", "red"))


def help_text() -> Group:
    lines = [plain("Comandos (también sin /clientes):", "bold")]
    lines += [plain(f"  {line}") for line in router.help_lines()]
    lines += [
        plain("  siguiente / anterior — moverse por la última lista"),
        plain(f"  cancelar — en un formulario: {CANCEL_HINT}"),
        plain("  salir — terminar (también Ctrl-C o Ctrl-D en esta línea)"),
    ]
    return Group(*lines)
