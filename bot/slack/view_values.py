"""Turns a modal's ``view.state.values`` into the raw field dicts the core validates.

Block ids are field paths (``client.name``, ``address.1.email``, ``server.ip``) so that the core's
``FieldError.path`` is the block an error belongs to. Every element's value shape is read here
(``value`` for text inputs, ``selected_option.value`` for selects); empty means "".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def field_values(state_values: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """``{block_id: text}`` for every input of the view."""
    out: dict[str, str] = {}
    for block_id, elements in state_values.items():
        for element in elements.values():
            out[block_id] = _text_of(element)
    return out


def _text_of(element: Mapping[str, Any]) -> str:
    if "selected_option" in element:
        selected = element.get("selected_option") or {}
        return str(selected.get("value") or "")
    if "selected_options" in element:
        return ",".join(str(o.get("value") or "") for o in element.get("selected_options") or [])
    value = element.get("value")
    return "" if value is None else str(value)


def section_raw(values: Mapping[str, str], section: str, index: int | None = None) -> dict[str, str]:
    """The raw dict of one section (or of group ``index`` of a repeatable one)."""
    prefix = f"{section}." if index is None else f"{section}.{index}."
    out: dict[str, str] = {}
    for path, text in values.items():
        key = path[len(prefix) :]
        if path.startswith(prefix) and "." not in key:
            out[key] = text
    return out


def block_id(section: str, key: str, index: int | None = None) -> str:
    """The block id of a field: the same string as the core's ``FieldError.path``."""
    return f"{section}.{key}" if index is None else f"{section}.{index}.{key}"


def view_values(view: Mapping[str, Any]) -> dict[str, str]:
    """Shortcut for a payload's ``view``."""
    return field_values((view.get("state") or {}).get("values") or {})
