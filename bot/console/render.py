"""Rich rendering of the core's neutral views for a terminal; every string reaches rich as plain Text."""

from __future__ import annotations

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table

from bot.console.prompt import CANCEL_HINT
from bot.console.text import plain
from commands import presenter, router
from commands.errors import FieldErrors
from commands.views import ClientCard, ClientPage, ClientSummary


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
    caption = result.caption
    if result.next_cursor:
        caption += " · «siguiente» para avanzar"
    if result.prev_cursor:
        caption += " · «anterior» para volver"
    title = f"Clientes que coinciden con «{result.query}»" if result.query else "Clientes"
    table = Table(title=plain(title), caption=plain(caption), title_justify="left")
    for column in ("#", *presenter.LIST_COLUMNS):
        table.add_column(plain(column), overflow="fold")
    for row in result.rows:
        table.add_row(plain(row.ref), *(plain(value) for value in presenter.list_row(row)))
    return table


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
