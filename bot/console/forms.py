"""Asks a form section field by field with the manual's labels, re-asking only the fields in error."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Console
from rich.text import Text

from bot.console.prompt import Prompter
from commands import countries, ubigeo
from commands.errors import FieldErrors
from commands.forms import Field, Kind, Section
from commands.validation import validate_section
from storage.textfold import fold


class FormAsker:
    def __init__(self, console: Console, prompter: Prompter) -> None:
        self.console = console
        self.prompt = prompter

    def ask_field(self, spec: Field, current: str | None = None, *, editing: bool = False) -> str:
        label = spec.label if spec.required else f"{spec.label} (opcional)"
        if spec.kind == Kind.CHOICE:
            options = ", ".join(f"{c.value}={c.label}" for c in spec.choices)
            shown = next((c.label for c in spec.choices if c.value == (current or spec.default)), None)
            return self.prompt.ask(f"{spec.label} [{options}]", shown)
        if spec.kind == Kind.UBIGEO:
            return self._ask_district(current)
        if spec.kind == Kind.COUNTRY:
            return self.prompt.ask(spec.label, countries.name(current or spec.default or "PE"))
        if spec.kind == Kind.PASSWORD:
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
                self.console.print(Text(f"  → {found[0].label} ({found[0].code})", style="green"))
                return found[0].code
            if not found:
                self.console.print(Text(f"✗ Distrito: no se encontró «{typed}» en el ubigeo INEI.", style="red"))
                continue
            index = self.prompt.pick("Elija el distrito (número)", [f"{d.label} ({d.code})" for d in found])
            if index is not None:
                self.console.print(Text(f"  → {found[index].label} ({found[index].code})", style="green"))
                return found[index].code

    def ask_section(
        self,
        section: Section,
        current: Mapping[str, Any] | None = None,
        *,
        index: int | None = None,
        editing: bool = False,
    ) -> dict[str, Any]:
        """Raw answers that pass validation; bad fields are asked again with their message shown."""
        self.console.print(Text(section.title, style="bold cyan"))
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
                    self.console.print(Text(f"✗ {error.text}", style="red"))
                bad = {error.field for error in exc.errors}
                values.update({k: v for k, v in raw.items() if k not in bad})
                pending = [spec for spec in section.fields if spec.key in bad]
