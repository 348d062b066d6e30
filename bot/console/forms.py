"""Asks a form section field by field with the manual's labels.

A field's own mistake is reported right after it is typed and the field is asked again there (with the
fields its error depends on), so nobody types three more answers before learning the first was wrong;
what depends on a later answer (a server with neither Host nor IP) is said as soon as that answer is in.
A question that does not apply is not asked: Distrito only when País is Perú.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Console

from bot.console.prompt import Prompter
from bot.console.text import plain
from commands import countries, ubigeo
from commands.errors import FieldError, FieldErrors
from commands.forms import SECTION_BY_KEY, SECTIONS, Field, Kind, Section
from commands.texts import texts
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
        t = texts()
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
                return self.prompt.ask(f"{spec.label} ({t.console_password_keep_typed})", secret=True) or current
            hint = t.console_password_keep_stored if editing else t.console_optional
            return self.prompt.ask(f"{spec.label} ({hint})", secret=True)
        if spec.required:
            label = spec.label
        else:  # "-" clears an optional field that has a value (Enter would keep it): the prompt says so
            label = f"{spec.label} ({t.console_optional_clear if current else t.console_optional})"
        answer = self.prompt.ask(label, current)
        return "" if answer == "-" and not spec.required else answer

    def _ask_district(self, current: str | None) -> str:
        t = texts()
        district = ubigeo.get(current)
        while True:
            typed = self.prompt.ask(t.console_district_prompt, district.label if district else None)
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
                self.console.print(plain(f"✗ {t.console_district_not_found(typed)}", "red"))
                continue
            index = self.prompt.pick(t.console_pick_district, [f"{d.label} ({d.code})" for d in found])
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
        answered: Mapping[str, Any] | None = None,
        until: str | None = None,
    ) -> dict[str, Any]:
        """Raw answers that pass validation; a bad field is reported and asked again as soon as it is typed.

        `current` pre-fills (Enter keeps it): the stored values when editing, the user's own answers
        when a save was refused and the section is asked again.

        `until` stops once that field is answered and checked, returning the answers so far; a second
        call with them as `answered` asks the rest — between the two the caller may learn defaults
        from them (the padrón's name once the RUC is typed).
        """
        if not answered:
            self.console.print(plain(section.title, "bold cyan"))
        raw: dict[str, Any] = dict(answered or {})
        values = dict(current or {})
        keep = frozenset({"password"}) if editing else frozenset()
        pending = {spec.key for spec in section.fields} - set(raw)
        while True:
            stopped = self._walk(section, pending, raw, values, index=index, editing=editing, keep=keep, until=until)
            if stopped:
                return raw
            try:
                validate_section(section, raw, index=index, keep_blank=keep)
                return raw
            except FieldErrors as exc:  # what only the whole section shows (Host or IP)
                show_errors(self.console, exc.errors)
                bad = {error.field for error in exc.errors}
                values.update({k: v for k, v in raw.items() if k not in bad})
                pending = bad | {key for field in bad for key in RELATED_FIELDS.get(field, ())}

    def _walk(
        self,
        section: Section,
        pending: set[str],
        raw: dict[str, Any],
        values: dict[str, Any],
        *,
        index: int | None,
        editing: bool,
        keep: frozenset[str],
        until: str | None = None,
    ) -> bool:
        """Asks the `pending` fields in the form's order, each checked as soon as it is answered; True
        when it stopped at `until`."""
        fields = section.fields
        position = 0
        while position < len(fields):
            spec = fields[position]
            if spec.key not in pending:
                position += 1
                continue
            pending.discard(spec.key)
            if not _applies(spec, raw):
                raw[spec.key] = ""
                position += 1
                continue
            raw[spec.key] = self.ask_field(spec, values.get(spec.key), editing=editing)
            decided = _decided_errors(section, raw, spec, index=index, keep=keep)
            if not decided:
                if spec.key == until:
                    return True
                position += 1
                continue
            show_errors(self.console, decided)
            # Asked again from the earliest field the error depends on (Tipo Doc. for Número, Host for
            # IP), with what was answered there as the default; a refused answer is not offered again.
            bad = {error.field for error in decided}
            again = bad | {key for field in bad for key in RELATED_FIELDS.get(field, ())}
            asked = [at for at, other in enumerate(fields[: position + 1]) if other.key in again]
            for at in asked:
                if fields[at].key not in bad:
                    values[fields[at].key] = raw[fields[at].key]
                pending.add(fields[at].key)
            position = min(asked)
        return False


def _applies(spec: Field, raw: Mapping[str, Any]) -> bool:
    """Distrito (with its Departamento and Provincia) is Peru's ubigeo: not asked for another country."""
    if spec.kind != Kind.UBIGEO or "country" not in raw:
        return True
    return countries.resolve(str(raw["country"] or "PE")) in (None, "PE")


def _blank(value: object) -> bool:
    return not str(value or "").strip()


def _decided_errors(
    section: Section, raw: Mapping[str, Any], spec: Field, *, index: int | None, keep: frozenset[str]
) -> list[FieldError]:
    """The errors that the answers so far already decide, once `spec` has been answered.

    That is `spec`'s own errors (a required field not asked yet is not its mistake), and those of an
    earlier field left blank that was waiting for `spec` (Host blank is fine until the IP is known). A
    blank `spec` whose error depends on a later field waits in turn.
    """
    position = section.fields.index(spec)
    later = {other.key for other in section.fields[position + 1 :]}
    checked = {
        other.key
        for other in section.fields[:position]
        if spec.key in RELATED_FIELDS.get(other.key, ()) and _blank(raw.get(other.key))
    }
    if not (_blank(raw.get(spec.key)) and later & set(RELATED_FIELDS.get(spec.key, ()))):
        checked.add(spec.key)
    try:
        validate_section(section, raw, index=index, keep_blank=keep)
    except FieldErrors as exc:
        return [error for error in exc.errors if error.field in checked]
    return []


def show_errors(console: Console, errors: list[FieldError]) -> None:
    """Each error on its own line, in the order the fields are asked (not the order they were checked)."""
    for error in in_form_order(errors):
        console.print(plain(f"✗ {error.text}", "red"))


def in_form_order(errors: list[FieldError]) -> list[FieldError]:
    """Errors sorted by section, then the address/server they belong to, then the field's place in the form."""
    sections = [section.key for section in SECTIONS]

    def place(error: FieldError) -> tuple[int, int, int]:
        section = SECTION_BY_KEY.get(error.section)
        keys = [spec.key for spec in section.fields] if section else []
        return (
            sections.index(error.section) if error.section in sections else len(sections),
            error.index if error.index is not None else -1,
            keys.index(error.field) if error.field in keys else len(keys),
        )

    return sorted(errors, key=place)
