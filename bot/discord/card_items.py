"""The addresses and servers of a card as pickable items: one naming for every select that lists them.

"Dirección 2" / "Datos del servidor 1" are the card's own section titles (schema titles numbered as
the presenter numbers them), so what a select offers matches what the card shows. Plain text: select
options do not render markdown, so nothing is escaped here.
"""

from __future__ import annotations

from dataclasses import dataclass

from commands.forms import ADDRESS, SERVER
from commands.presenter import CardSection, card_sections
from commands.views import ClientCard


@dataclass(frozen=True)
class CardItem:
    kind: str  # "address" | "server"
    id: int
    name: str  # "Dirección 2", "Datos del servidor 1"
    summary: str  # the address line (or its place), the server's host/IP
    is_main: bool = False

    @property
    def code(self) -> str:
        """`a<id>` / `s<id>`: how selects name the item in an option value."""
        return f"{self.kind[0]}{self.id}"


def card_items(card: ClientCard) -> list[CardItem]:
    """Addresses (in card order) then servers."""
    items = [
        CardItem("address", a.id, f"{ADDRESS.title} {n}", a.line or a.place, a.is_main)
        for n, a in enumerate(card.addresses, start=1)
    ]
    items += [CardItem("server", s.id, f"{SERVER.title} {n}", s.title) for n, s in enumerate(card.servers, start=1)]
    return items


def find_item(card: ClientCard, kind: str, item_id: int) -> CardItem | None:
    return next((i for i in card_items(card) if i.kind == kind and i.id == item_id), None)


def item_section(card: ClientCard, item: CardItem) -> CardSection | None:
    """What the card shows for that item (presenter), e.g. for a removal's confirmation."""
    return next((s for s in card_sections(card) if s.kind == item.kind and s.item_id == item.id), None)
