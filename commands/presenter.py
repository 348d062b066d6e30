"""What a card and a list row show, as plain (label, value) data every adapter lays out its own way.

Deciding *what* is shown (the manual's labels, the order, the masked password, the main address
first) happens once here; Block Kit, embeds and the terminal only decide *how*.
"""

from __future__ import annotations

from dataclasses import dataclass

from commands import phones
from commands.forms import ADDRESS, CLIENT, CONTACT, INTEGRATIONS, PLATFORM_OF_FIELD, SERVER, asks_district
from commands.texts import texts
from commands.views import AddressView, ClientCard, ClientSummary, ServerView

EMPTY = "—"
LIST_COLUMNS: tuple[str, ...] = ("Canal", "Nombre", "Documento", "Número", "Teléfono", "Correo")


@dataclass(frozen=True)
class CardSection:
    """One block of a card. `kind` is the form section; `item_id` the address/server it shows."""

    kind: str
    title: str
    rows: tuple[tuple[str, str], ...]
    item_id: int | None = None


def _value(value: str | None) -> str:
    return value if value else EMPTY


def address_section(address: AddressView, number: int) -> CardSection:
    district = address.district
    title = f"{ADDRESS.title} {number}" + (" (principal)" if address.is_main else "")
    # Departamento/Provincia/Distrito are Peru's (INEI): an address abroad has none to show.
    places = (
        (
            ("Departamento", _value(district.departamento if district else None)),
            ("Provincia", _value(district.provincia if district else None)),
            ("Distrito", _value(district.distrito if district else None)),
        )
        if asks_district(address.country)
        else ()
    )
    rows = (
        ("País", address.country_name),
        *places,
        (ADDRESS.field("line").label, _value(address.line)),
        (ADDRESS.field("phone").label, _value(phones.display(address.phone))),
        (ADDRESS.field("email").label, _value(address.email)),
    )
    return CardSection("address", title, rows, address.id)


def server_section(server: ServerView, number: int) -> CardSection:
    rows = (
        (SERVER.field("host").label, _value(server.host)),
        (SERVER.field("ip").label, _value(server.ip)),
        (SERVER.field("username").label, _value(server.username)),
        (SERVER.field("password").label, server.password_display),
    )
    return CardSection("server", f"{SERVER.title} {number}", rows, server.id)


def _integration_rows(card: ClientCard) -> tuple[tuple[str, str], ...]:
    """Datos Servidor; a channel name says whether the bot has created it yet ("#acme (listo)")."""
    rows = []
    for spec in INTEGRATIONS.fields:
        status = card.channel(PLATFORM_OF_FIELD[spec.key]) if spec.key in PLATFORM_OF_FIELD else None
        rows.append((spec.label, status.text if status else _value(getattr(card, spec.key))))
    return tuple(rows)


def padron_rows(card: ClientCard) -> tuple[tuple[str, str], ...]:
    """Estado/Condición as SUNAT's padrón has them, the warning when abnormal, and the load they come from."""
    status = card.padron
    if status is None:
        return ()
    t = texts()
    shown = f"⚠ {status.warning}" if status.warning else f"{status.estado} · {status.condicion}"
    return ((t.padron_card_status, shown), (t.padron_card_source, status.source))


def card_sections(card: ClientCard) -> list[CardSection]:
    """Every section of the card in the manual's tab order; passwords masked."""
    doc_type = next((c.label for c in CLIENT.field("doc_type").choices if c.value == card.doc_type), card.doc_type)
    sections = [
        CardSection(
            "client",
            CLIENT.title,
            (
                (CLIENT.field("doc_type").label, doc_type),
                (CLIENT.field("doc_number").label, card.doc_number),
                (CLIENT.field("name").label, card.name),
                (CLIENT.field("internal_code").label, _value(card.internal_code)),
                (CLIENT.field("trade_name").label, _value(card.trade_name)),
            ),
        ),
    ]
    if card.padron is not None:
        sections[0] = CardSection("client", CLIENT.title, sections[0].rows + padron_rows(card))
    sections += [address_section(a, n) for n, a in enumerate(card.addresses, start=1)]
    values = card.section_values("contact")  # the phone as written in Peru
    sections.append(
        CardSection("contact", CONTACT.title, tuple((f.label, _value(values[f.key])) for f in CONTACT.fields))
    )
    sections.append(CardSection("integrations", INTEGRATIONS.title, _integration_rows(card)))
    sections += [server_section(s, n) for n, s in enumerate(card.servers, start=1)]
    return sections


def list_row(row: ClientSummary) -> tuple[str, ...]:
    """The manual's list columns for one client, in LIST_COLUMNS order."""
    phone, contact_phone = phones.display(row.phone), phones.display(row.contact_phone)
    return tuple(_value(v) for v in (row.channel, row.name, row.document, contact_phone, phone, row.email))


def choice_label(row: ClientSummary) -> str:
    """How a client is offered in pickers and autocomplete: 'Nombre · RUC 20100070970 · #12'."""
    return f"{row.name} · {row.document} · {row.ref}"
