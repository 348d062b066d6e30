"""Asks a form section field by field with the manual's labels, re-asking the fields in error (and the
fields their error depends on)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Console

from bot.console.prompt import Prompter
from bot.console.text import plain
from commands import countries, ubigeo
from commands.errors import FieldErrors
from commands.forms import Field, Kind, Section
from commands.validation import validate_section
from storage.textfold import fold

# An error on the key can be the other fields' fault: Número is refused *because* Tipo Doc. is DNI, a
# district is missing *because* the country is Perú, a server needs a Host *or* an IP. Those fields are
# asked again together, so the user can fix whichever one was wrong.
RELATED_FIELDS: dict[str, tuple[str, ...]] = {
    "doc_number": ("doc_type",),
    "ubigeo": ("country",),
    "host": ("ip",),
}


class FormAsker:
    def __init__(self, console: Console, prompter: Prompter) -> None:
        self.console = console
        self.prompt = prompter

    def ask_field(self, spec: Field, current: str | None = None, *, editing: bool = False) -> str:
        label = spec.label if spec.required else f"{spec.label} (opcional)"
        if spec.kind == Kind.CHOICE:
            options = ", ".join(f"{c.value}={c.label}" for c in spec.choices)
            # `current` is a stored value ("6") or, asked again, what the user typed ("ruc", "RUC", "6").
            wanted = (current or spec.default or "").casefold()
            shown = next(
                (
                    c.label
                    for c in spec.choices
                    if wanted in (c.value.casefold(), c.label.casefold(), c.short.casefold())
                ),
                None,
            )
            return self.prompt.ask(f"{spec.label} [{options}]", shown)
        if spec.kind == Kind.UBIGEO:
            return self._ask_district(current)
        if spec.kind == Kind.COUNTRY:
            return self.prompt.ask(spec.label, countries.name(current or spec.default or "PE"))
        if spec.kind == Kind.PASSWORD:
            if current:  # asked again after a refused save: what was typed is kept, never shown
                return self.prompt.ask(spec.label + " (en blanco conserva la que escribió)", secret=True) or current
            hint = " (en blanco conserva la actual)" if editing else " (opcional)"
            return self.prompt.ask(spec.label + hint, secret=True)
        answer = self.prompt.ask(label, current)
        # "-" clears an optional field that has a value (Enter would keep it).
        return "" if answer == "-" and not spec.required else answer

    def _ask_district(self, current: str | None) -> str:
        district = ubigeo.get(current)
        while True:
            typed = self.prompt.ask(
                "Distrito (nombre o ubigeo; Departamento y Provincia se completan solos)",
                district.label if district else None,
            )
            if district and typed == district.label:
                return district.code
            if not typed:
                return ""
            found = ubigeo.search(typed, limit=15)
            same_name = [d for d in found if fold(d.distrito) == fold(typed)]
            if len(found) == 1 or len(same_name) == 1:
                found = same_name or found
                self.console.print(plain(f"  → {found[0].label} ({found[0].code})", "green"))
                return found[0].code
            if not found:
                self.console.print(plain(f"✗ Distrito: no se encontró «{typed}» en el ubigeo INEI.", "red"))
                continue
            index = self.prompt.pick("Elija el distrito (número)", [f"{d.label} ({d.code})" for d in found])
            if index is not None:
                self.console.print(plain(f"  → {found[index].label} ({found[index].code})", "green"))
                return found[index].code

    def ask_section(
        self,
        section: Section,
        current: Mapping[str, Any] | None = None,
        *,
        index: int | None = None,
        editing: bool = False,
    ) -> dict[str, Any]:
        """Raw answers that pass validation; bad fields are asked again with their message shown.

        `current` pre-fills (Enter keeps it): the stored values when editing, the user's own answers
        when a save was refused and the section is asked again.
        """
        self.console.print(plain(section.title, "bold cyan"))
        raw: dict[str, Any] = {}
        pending = list(section.fields)
        values = dict(current or {})
        while True:
            for spec in pending:
                raw[spec.key] = self.ask_field(spec, values.get(spec.key), editing=editing)
            keep = frozenset({"password"}) if editing else frozenset()
            try:
                validate_section(section, raw, index=index, keep_blank=keep)
                return raw
            except FieldErrors as exc:
                for error in exc.errors:
                    self.console.print(plain(f"✗ {error.text}", "red"))
                bad = {error.field for error in exc.errors}
                values.update({k: v for k, v in raw.items() if k not in bad})
                again = bad | {key for field in bad for key in RELATED_FIELDS.get(field, ())}
                pending = [spec for spec in section.fields if spec.key in again]
