"""One ``input`` block per form field, rendered from ``commands.forms`` (labels, limits, choices).

Element per kind: CHOICE → static_select; COUNTRY and UBIGEO → external_select served by the options
handler (type-ahead; País dispatches its choice, and Distrito is only shown while País is Perú);
EMAIL → email_text_input; URL → url_text_input; everything else → plain_text_input with the schema's
max_length. Slack has no password input: Contraseña is a plain
text input and its hint says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.slack import ids
from bot.slack.blocks.kit import Block, option, plain
from bot.slack.view_values import block_id
from commands import countries, ubigeo
from commands.forms import Field, Kind, Section, asks_district, shows_hint
from commands.texts import texts

PLACEHOLDER_MAX = 150
HINT_MAX = 2000
PLAIN_INPUT_MAX = 3000
PASSWORD_HINT = texts().password_visible("Slack")
UBIGEO_PLACEHOLDER = "Escriba el distrito (p. ej. Miraflores)"
COUNTRY_PLACEHOLDER = "Escriba el país"


# External selects share one options listener per kind, found by action_id.
_ACTION_IDS = {Kind.COUNTRY: ids.OPT_COUNTRY, Kind.UBIGEO: ids.OPT_UBIGEO}


def country_option(code: str) -> dict[str, Any]:
    return option(countries.name(code), code)


def district_option(code: str) -> dict[str, Any] | None:
    district = ubigeo.get(code)
    return option(district.label, district.code) if district else None


def _element(spec: Field, value: str | None) -> dict[str, Any]:
    kind = spec.kind
    if kind == Kind.CHOICE:
        element: dict[str, Any] = {
            "type": "static_select",
            "options": [option(c.label, c.value) for c in spec.choices],
        }
        chosen = next((c for c in spec.choices if c.value == value), None)
        if chosen is not None:
            element["initial_option"] = option(chosen.label, chosen.value)
    elif kind == Kind.COUNTRY:
        element = {"type": "external_select", "min_query_length": 1}
        if value:
            element["initial_option"] = country_option(value)
    elif kind == Kind.UBIGEO:
        element = {"type": "external_select", "min_query_length": 2}
        initial = district_option(value or "")
        if initial is not None:
            element["initial_option"] = initial
    elif kind == Kind.EMAIL:
        element = {"type": "email_text_input"}
    elif kind == Kind.URL:
        element = {"type": "url_text_input"}
    else:
        element = {"type": "plain_text_input", "max_length": max(1, min(spec.max_length, PLAIN_INPUT_MAX))}
    if (kind in (Kind.EMAIL, Kind.URL) or element["type"] == "plain_text_input") and value:
        element["initial_value"] = value
    element["action_id"] = _ACTION_IDS.get(kind, spec.key)
    placeholder = spec.placeholder or (
        UBIGEO_PLACEHOLDER if kind == Kind.UBIGEO else COUNTRY_PLACEHOLDER if kind == Kind.COUNTRY else None
    )
    if placeholder:
        element["placeholder"] = plain(placeholder, PLACEHOLDER_MAX)
    return element


def field_input(
    section: Section,
    spec: Field,
    value: str | None = None,
    *,
    index: int | None = None,
    optional: bool | None = None,
    editing: bool = False,
) -> Block:
    """The input block for ``spec``; its block_id is the field path the core reports errors on."""
    if value in (None, "") and spec.default and not editing:
        value = spec.default
    block: Block = {
        "type": "input",
        "block_id": block_id(section.key, spec.key, index),
        "label": plain(spec.label, HINT_MAX),
        "optional": (not spec.required) if optional is None else optional,
        "element": _element(spec, value),
    }
    if spec.kind == Kind.COUNTRY:  # choosing another country takes Distrito away (handlers.country)
        block["dispatch_action"] = True
    hints = [spec.hint] if spec.hint and shows_hint(spec, editing=editing) else []
    if spec.kind == Kind.PASSWORD:
        hints.append(PASSWORD_HINT)
    if hints:
        block["hint"] = plain(" ".join(hints), HINT_MAX)
    return block


def section_inputs(
    section: Section,
    values: Mapping[str, str | None] | None = None,
    *,
    index: int | None = None,
    all_optional: bool = False,
    editing: bool = False,
) -> list[Block]:
    """Inputs for every field of ``section`` pre-filled from ``values`` (field key → text)."""
    values = values or {}
    return [
        field_input(
            section,
            spec,
            values.get(spec.key),
            index=index,
            optional=True if all_optional else None,
            editing=editing,
        )
        for spec in section.fields
        if spec.kind != Kind.UBIGEO or asks_district(values.get("country"))
    ]
