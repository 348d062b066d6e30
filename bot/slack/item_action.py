"""The value an address/server action carries: what to do, on which item, and the card's version.

It travels in an overflow option value (Slack allows 150 characters) or a button value, as
``verb:kind:client:item:version`` (e.g. ``remove:address:12:34:5``). The version is the one of the
card the user is looking at, so a change made from a stale card becomes the core's ``Conflict``.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot import record_id
from commands.errors import NotFound

VERBS = frozenset({"edit", "main", "remove", "reveal"})
KINDS = frozenset({"address", "server"})


@dataclass(frozen=True)
class ItemAction:
    verb: str  # edit | main | remove | reveal
    kind: str  # address | server
    client_id: int
    item_id: int
    version: int

    def dump(self) -> str:
        return f"{self.verb}:{self.kind}:{self.client_id}:{self.item_id}:{self.version}"

    def but(self, verb: str) -> ItemAction:
        """The same item and version with another verb (the confirmation's buttons)."""
        return ItemAction(verb, self.kind, self.client_id, self.item_id, self.version)

    @classmethod
    def parse(cls, value: object) -> ItemAction:
        """Raises ``NotFound`` (shown to the user in Spanish) for a value we never rendered."""
        parts = str(value or "").split(":")
        numbers = [record_id.parse(p) for p in parts[2:]]
        if len(parts) != 5 or parts[0] not in VERBS or parts[1] not in KINDS or None in numbers:
            raise NotFound("El botón no indica una dirección o servidor válido.")
        client_id, item_id, version = (n for n in numbers if n is not None)
        return cls(parts[0], parts[1], client_id, item_id, version)
