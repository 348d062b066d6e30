"""What a section modal is for: create, edit a client-row section, add/edit an address or server.

It travels inside the modal object while open and inside a FormDraft when the user must correct
errors ("Corregir"), so the same target can be re-opened with what was typed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from bot.discord.ids import OTHER_COUNTRY
from commands import ubigeo
from commands.form_target import FormTarget as CoreTarget
from commands.forms import ADDRESS, CLIENT, SERVER, Field, Section


@dataclass(frozen=True)
class FormTarget:
    kind: str  # "create", or a section key of `commands.forms` (client, contact, integrations, address, server)
    client_id: int | None = None
    version: int | None = None
    item_id: int | None = None  # address/server being edited; None adds one
    ubigeo: str | None = None  # address: picked INEI district code, or OTHER_COUNTRY ("Otro país")

    @property
    def section(self) -> Section:
        return CLIENT if self.creates else self.core().spec

    @property
    def creates(self) -> bool:
        """A new client (`ClientService.create`); any other kind is a section `ClientService.save` takes."""
        return self.kind == "create"

    def core(self) -> CoreTarget:
        """The platform-neutral target of a section form: the core alone decides what saving it calls."""
        return CoreTarget(self.kind, self.client_id or 0, self.version, self.item_id)

    @property
    def editing(self) -> bool:
        """The form shows stored values (the core's rule; a new client stores none yet)."""
        return not self.creates and self.core().editing

    def fields(self) -> tuple[Field, ...]:
        """The schema fields the modal shows: the district comes from the picker, and País is only
        typed for an address outside Peru (≤ 5 Labels in any case)."""
        fields = self.section.fields
        if self.kind == "address":
            skip = {"ubigeo"} | ({"country"} if self.ubigeo != OTHER_COUNTRY else set())
            fields = tuple(f for f in fields if f.key not in skip)
        return fields

    def title(self) -> str:
        if self.kind == "address":
            district = ubigeo.get(self.ubigeo)
            base = ADDRESS.title if self.item_id else ADDRESS.add_label or ADDRESS.title
            return f"{base} — {district.distrito}" if district else base
        if self.kind == "server" and self.item_id is None:
            return SERVER.add_label or SERVER.title
        return self.section.title

    def draft(self, values: dict[str, Any]) -> dict[str, Any]:
        """Draft data; server values go under "servers" so the core encrypts the typed password."""
        data: dict[str, Any] = {"target": asdict(self)}
        if self.kind == "server":
            data["servers"] = [values]
        else:
            data["values"] = values
        return data

    @classmethod
    def from_draft(cls, data: dict[str, Any]) -> tuple[FormTarget, dict[str, Any]]:
        target = cls(**data["target"])
        values = (data.get("servers") or [{}])[0] if target.kind == "server" else data.get("values") or {}
        return target, dict(values)
