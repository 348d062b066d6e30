"""What the fake Discord refuses the way Discord does: ``400 Invalid Form Body`` (code 50035) with its
nested ``errors`` object, for application commands, messages, components and modals.

The limits are Discord's documented ones (stricter than the published OpenAPI spec where they differ).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from aiohttp import web

from tests.fakes.discord_http import _error
from tests.fakes.discord_state import RecordedFile


class _FormErrors:
    """Collects Discord's nested ``Invalid Form Body`` errors (code 50035)."""

    def __init__(self) -> None:
        self.tree: dict[str, Any] = {}

    def add(self, path: Sequence[str | int], code: str, message: str) -> None:
        node = self.tree
        for part in path:
            node = node.setdefault(str(part), {})
        node.setdefault("_errors", []).append({"code": code, "message": message})

    def length(self, path: Sequence[str | int], value: Any, maximum: int, minimum: int = 0) -> None:
        if value is None:
            return
        size = len(value)
        if minimum and size < minimum:
            self.add(path, "BASE_TYPE_BAD_LENGTH", f"Must be between {minimum} and {maximum} in length.")
        elif size > maximum:
            self.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {maximum} or fewer in length.")

    def required(self, path: Sequence[str | int], value: Any) -> bool:
        if value is None or value == "":
            self.add(path, "BASE_TYPE_REQUIRED", "This field is required")
            return False
        return True

    def response(self) -> web.Response | None:
        if not self.tree:
            return None
        return _error(400, 50035, "Invalid Form Body", self.tree)


class DiscordValidation:
    """The checks on a request body; each adds what is wrong to a :class:`_FormErrors`."""

    def _validate_command(self, errors: _FormErrors, path: list[str | int], command: Mapping[str, Any]) -> None:
        kind = int(command.get("type", 1))
        name = str(command.get("name") or "")
        if errors.required([*path, "name"], name):
            if kind == 1 and (not re.fullmatch(r"[-_'\w]{1,32}", name) or name != name.lower()):
                errors.add([*path, "name"], "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
            errors.length([*path, "name"], name, 32, 1)
        if kind == 1:
            errors.length([*path, "description"], command.get("description"), 100, 1)
        for locale, text in (command.get("name_localizations") or {}).items():
            errors.length([*path, "name_localizations", locale], text, 32, 1)
        for locale, text in (command.get("description_localizations") or {}).items():
            errors.length([*path, "description_localizations", locale], text, 100, 1)
        self._validate_options(errors, [*path, "options"], command.get("options") or [])

    def _validate_options(
        self, errors: _FormErrors, path: list[str | int], options: Sequence[Mapping[str, Any]]
    ) -> None:
        errors.length(path, options, 25)
        for i, option in enumerate(options):
            errors.length([*path, i, "name"], option.get("name"), 32, 1)
            errors.length([*path, i, "description"], option.get("description"), 100, 1)
            choices = option.get("choices") or []
            errors.length([*path, i, "choices"], choices, 25)
            if choices and option.get("autocomplete"):
                errors.add(
                    [*path, i, "autocomplete"],
                    "AUTOCOMPLETE_CHOICES",
                    "Autocomplete cannot be set with choices",
                )
            for j, choice in enumerate(choices):
                errors.length([*path, i, "choices", j, "name"], choice.get("name"), 100, 1)
            self._validate_options(errors, [*path, i, "options"], option.get("options") or [])

    # ---------------------------------------------------------------- messages (shared)
    def _validate_message(self, errors: _FormErrors, body: Mapping[str, Any], prefix: Sequence[str | int] = ()) -> None:
        errors.length([*prefix, "content"], body.get("content"), 2000)
        embeds = body.get("embeds") or []
        errors.length([*prefix, "embeds"], embeds, 10)
        for i, embed in enumerate(embeds):
            errors.length([*prefix, "embeds", i, "title"], embed.get("title"), 256)
            errors.length([*prefix, "embeds", i, "description"], embed.get("description"), 4096)
            fields = embed.get("fields") or []
            errors.length([*prefix, "embeds", i, "fields"], fields, 25)
            for j, f in enumerate(fields):
                errors.length([*prefix, "embeds", i, "fields", j, "name"], f.get("name"), 256, 1)
                errors.length([*prefix, "embeds", i, "fields", j, "value"], f.get("value"), 1024, 1)
        components = body.get("components") or []
        v2 = bool(int(body.get("flags") or 0) & 32768)
        if not v2:
            errors.length([*prefix, "components"], components, 5)
        for i, row in enumerate(components):
            self._validate_component(errors, [*prefix, "components", i], row, in_modal=False)

    def _validate_component(
        self, errors: _FormErrors, path: list[str | int], component: Mapping[str, Any], *, in_modal: bool
    ) -> None:
        kind = component.get("type")
        custom_id = component.get("custom_id")
        if custom_id is not None:
            errors.length([*path, "custom_id"], custom_id, 100, 1)
        if kind == 1:
            children = component.get("components") or []
            errors.length([*path, "components"], children, 5, 1)
            if any(c.get("type") in (3, 4, 5, 6, 7, 8) for c in children) and len(children) > 1:
                errors.add(
                    [*path, "components"],
                    "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                    "The specified component exceeds the maximum width",
                )
            for i, child in enumerate(children):
                self._validate_component(errors, [*path, "components", i], child, in_modal=in_modal)
        elif kind == 2:
            errors.length([*path, "label"], component.get("label"), 80)
        elif kind in (3, 5, 6, 7, 8):
            errors.length([*path, "placeholder"], component.get("placeholder"), 150)
            if kind == 3:
                options = component.get("options") or []
                errors.length([*path, "options"], options, 25, 1)
                for i, option in enumerate(options):
                    errors.length([*path, "options", i, "label"], option.get("label"), 100, 1)
                    errors.length([*path, "options", i, "value"], option.get("value"), 100, 1)
                    errors.length([*path, "options", i, "description"], option.get("description"), 100)
        elif kind == 4:
            if not in_modal:
                errors.add([*path, "type"], "COMPONENT_TYPE_INVALID", "Text inputs are only allowed in modals")
            errors.length([*path, "label"], component.get("label"), 45)
            errors.length([*path, "placeholder"], component.get("placeholder"), 100)
            errors.length([*path, "value"], component.get("value"), 4000)
            for bound, low in (("min_length", 0), ("max_length", 1)):
                size = component.get(bound)
                if size is not None and not low <= int(size) <= 4000:
                    errors.add([*path, bound], "NUMBER_TYPE_MAX", f"int value should be between {low} and 4000.")
            longest = component.get("max_length")
            if longest is not None and len(str(component.get("value") or "")) > int(longest):
                # Discord refuses a pre-filled value longer than the input accepts
                errors.add([*path, "value"], "BASE_TYPE_MAX_LENGTH", f"Must be {int(longest)} or fewer in length.")
        elif kind == 18:
            errors.length([*path, "label"], component.get("label"), 45, 1)
            errors.length([*path, "description"], component.get("description"), 100)
            inner = component.get("component")
            if not isinstance(inner, Mapping):
                errors.add([*path, "component"], "BASE_TYPE_REQUIRED", "This field is required")
            else:
                self._validate_component(errors, [*path, "component"], inner, in_modal=in_modal)
        elif kind == 10:
            errors.length([*path, "content"], component.get("content"), 4000, 1)

    @staticmethod
    def _is_empty_message(body: Mapping[str, Any], files: Sequence[RecordedFile]) -> bool:
        return not (
            body.get("content")
            or body.get("embeds")
            or body.get("components")
            or body.get("sticker_ids")
            or body.get("poll")
            or files
        )

    def _validate_modal(self, errors: _FormErrors, data: Mapping[str, Any]) -> None:
        if errors.required(["data", "title"], data.get("title")):
            errors.length(["data", "title"], data["title"], 45, 1)
        if errors.required(["data", "custom_id"], data.get("custom_id")):
            errors.length(["data", "custom_id"], data["custom_id"], 100, 1)
        components = data.get("components") or []
        errors.length(["data", "components"], components, 5, 1)
        for i, component in enumerate(components):
            if component.get("type") not in (1, 10, 18):
                errors.add(
                    ["data", "components", i, "type"],
                    "COMPONENT_TYPE_INVALID",
                    "Invalid top-level modal component",
                )
            self._validate_component(errors, ["data", "components", i], component, in_modal=True)
