"""Rich rendering of the core's neutral views for a terminal."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from commands import router
from commands.errors import FieldErrors
from commands.forms import ADDRESS, CLIENT, CONTACT, INTEGRATIONS, SERVER
from commands.views import ClientCard, ClientPage, ClientSummary

DASH = "—"


def _pairs(title: str, rows: list[tuple[str, str | None]]) -> Table:
    table = Table(title=title, title_justify="left", show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column()
    for label, value in rows:
        table.add_row(label, Text(value or DASH))
    return table


def card(client: ClientCard) -> Panel:
    c = CLIENT.fields_by_key
    parts = [
        _pairs(
            CLIENT.title,
            [
                (c["doc_type"].label, client.document.split(" ")[0]),
                (c["doc_number"].label, client.doc_number),
                (c["name"].label, client.name),
                (c["internal_code"].label, client.internal_code),
                (c["trade_name"].label, client.trade_name),
            ],
        )
    ]
    for number, address in enumerate(client.addresses, start=1):
        district = address.district
        suffix = " (principal)" if address.is_main else ""
        parts.append(
            _pairs(
                f"{ADDRESS.title} {number}{suffix}",
                [
                    ("País", address.country_name),
                    ("Departamento", district.departamento if district else None),
                    ("Provincia", district.provincia if district else None),
                    ("Distrito", district.distrito if district else None),
                    ("Dirección", address.line),
                    ("Teléfono", address.phone),
                    ("Correo electrónico", address.email),
                ],
            )
        )
    if not client.addresses:
        parts.append(Text(f"{ADDRESS.title}: sin direcciones", style="dim"))
    o = CONTACT.fields_by_key
    parts.append(_pairs(CONTACT.title, [(o[k].label, getattr(client, k)) for k in o]))
    i = INTEGRATIONS.fields_by_key
    parts.append(_pairs(INTEGRATIONS.title, [(i[k].label, getattr(client, k)) for k in i]))
    for number, server in enumerate(client.servers, start=1):
        parts.append(
            _pairs(
                f"{SERVER.title} {number}",
                [
                    ("Host", server.host),
                    ("IP", server.ip),
                    ("Usuario", server.username),
                    ("Contraseña", server.password_display),
                ],
            )
        )
    title = Text(f"#{client.id} {client.name}")
    subtitle = f"versión {client.version} · actualizado {client.updated_at}"
    if client.deleted:
        subtitle += " · ELIMINADO"
    return Panel(Group(*parts), title=title, subtitle=subtitle, title_align="left")


def page(result: ClientPage) -> Table:
    caption = f"Página {result.page_number} de {result.page_count} · {result.total} cliente(s)"
    if result.next_cursor:
        caption += " · «siguiente» para avanzar"
    if result.prev_cursor:
        caption += " · «anterior» para volver"
    title = f"Clientes que coinciden con «{result.query}»" if result.query else "Clientes"
    table = Table(title=title, caption=caption, title_justify="left")
    for column in ("#", "Canal", "Nombre", "Documento", "Número", "Teléfono", "Correo"):
        table.add_column(column, overflow="fold")
    for row in result.rows:
        table.add_row(
            *(
                Text(v or DASH)
                for v in (row.ref, row.channel, row.name, row.document, row.contact_phone, row.phone, row.email)
            )
        )
    return table


def choices(rows: list[ClientSummary]) -> list[str]:
    return [f"{row.ref} {row.name} ({row.document})" for row in rows]


def errors(console: Console, exc: FieldErrors) -> None:
    for error in exc.errors:
        console.print(Text(f"✗ {error.text}", style="red"))


def help_text() -> Text:
    text = Text("Comandos (también sin /clientes):\n", style="bold")
    for line in router.help_lines():
        text.append(f"  {line}\n", style="")
    text.append("  siguiente / anterior — moverse por la última lista\n  salir — terminar\n")
    return text
