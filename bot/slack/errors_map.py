"""Maps the core's ``FieldErrors`` onto a modal's input blocks for ``response_action: errors``.

Block ids are the core's field paths, so most errors land directly; an error whose path is not in the
view (should not happen, but a form must never swallow one) goes to the first input of its section,
else to the first input of the view.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from commands.errors import FieldError

ERROR_TEXT_MAX = 300


def input_block_ids(view: Mapping[str, Any]) -> list[str]:
    return [str(b["block_id"]) for b in view.get("blocks", []) if b.get("type") == "input" and b.get("block_id")]


def errors_for_view(
    errors: Sequence[FieldError], view: Mapping[str, Any], *, index_map: Mapping[tuple[str, int], int] | None = None
) -> dict[str, str]:
    """``{block_id: message}``; ``index_map`` turns the core's group index back into the form's."""
    blocks = input_block_ids(view)
    present = set(blocks)
    out: dict[str, str] = {}
    for error in errors:
        index = error.index
        if index is not None and index_map is not None:
            index = index_map.get((error.section, index), index)
        path = f"{error.section}.{error.field}" if index is None else f"{error.section}.{index}.{error.field}"
        target = path if path in present else None
        if target is None:
            prefix = f"{error.section}." if index is None else f"{error.section}.{index}."
            target = next((b for b in blocks if b.startswith(prefix)), blocks[0] if blocks else None)
        if target is None:
            continue
        message = error.message if target == path else error.text
        out[target] = (f"{out[target]} · {message}" if target in out else message)[:ERROR_TEXT_MAX]
    return out


def first_input(view: Mapping[str, Any]) -> str | None:
    blocks = input_block_ids(view)
    return blocks[0] if blocks else None
