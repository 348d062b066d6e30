"""Rich rendering of the core's neutral views for a terminal."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from commands import presenter, router
from commands.errors import FieldErrors
from commands.views import ClientCard, ClientPage, ClientSummary


def _pairs(title: str, rows: tuple[tuple[str, str], ...]) -> Table:
    table = Table(title=title, title_justify="left", show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold", min_width=24)
    table.add_column()
    for label, value in rows:
        table.add_row(label, Text(value))
    return table


def card(client: ClientCard) -> Panel:
    parts = [_pairs(section.title, section.rows) for section in presenter.card_sections(client)]
    if not client.addresses:
        parts.insert(1, Text("Dirección: sin direcciones", style="dim"))
    subtitle = f"versión {client.version} · actualizado {client.updated_at}"
    if client.deleted:
        subtitle += " · ELIMINADO"
    return Panel(Group(*parts), title=Text(f"#{client.id} {client.name}"), subtitle=subtitle, title_align="left")


def page(result: ClientPage) -> Table:
    caption = f"Página {result.page_number} de {result.page_count} · {result.total} cliente(s)"
    if result.next_cursor:
        caption += " · «siguiente» para avanzar"
    if result.prev_cursor:
        caption += " · «anterior» para volver"
    title = f"Clientes que coinciden con «{result.query}»" if result.query else "Clientes"
    table = Table(title=title, caption=caption, title_justify="left")
    for column in ("#", *presenter.LIST_COLUMNS):
        table.add_column(column, overflow="fold")
    for row in result.rows:
        table.add_row(row.ref, *(Text(value) for value in presenter.list_row(row)))
    return table


def choices(rows: list[ClientSummary]) -> list[str]:
    return [presenter.choice_label(row) for row in rows]


def errors(console: Console, exc: FieldErrors) -> None:
    for error in exc.errors:
        console.print(Text(f"✗ {error.text}", style="red"))


def help_text() -> Text:
    text = Text("Comandos (también sin /clientes):\n", style="bold")
    for line in router.help_lines():
        text.append(f"  {line}\n", style="")
    text.append("  siguiente / anterior — moverse por la última lista\n  salir — terminar\n")
    return text
