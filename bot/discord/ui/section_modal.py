"""A modal for one form section, rendered from `commands.forms` (labels, limits, placeholders).

Discord limits: title ≤ 45, ≤ 5 top-level components (each field is a `ui.Label`, text ≤ 45,
description ≤ 100), TextInput value/max_length ≤ 4000, placeholder ≤ 100, Select ≤ 25 options,
custom_id ≤ 100. Choice fields (Tipo Doc. Identidad) are a `ui.Select` inside the Label.

The modal's custom_id carries its form id (`ids.form`: `cb:form:<32 hex>`): unique per opening (discord.py keys
open modals by custom_id only) and reused as the create's `origin_key`, so a double submit of the
same modal never creates two clients. Values are read back through each Label's component, because
`Modal.__init__` deep-copies items.

A form belongs to who opened it (`owner`): discord.py routes a submit by custom_id alone, so without
`interaction_check` anybody sending that custom_id would save under their name or use the form up.
The same public hook asks the guild gate first. The submit is answered by the handler registered for
`SectionModal` (`ui.base.handler_for`), like every component's click.
Pre-filled values are cut to the input's `max_length`: Discord refuses to open a modal whose value is
longer (a "Corregir" after a too-long value would otherwise never open).
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

import discord
from discord import ui

from bot import metrics
from bot.discord import guild_gate, ids
from bot.discord.escape import clip
from bot.discord.form_target import FormTarget
from bot.discord.replies import Reply, report_unexpected, send
from bot.discord.ui.base import handler_for
from commands import countries, forms
from commands.forms import Field, Kind
from commands.texts import texts

log = logging.getLogger(__name__)

OPEN_FOR = 15 * 60  # seconds an unanswered modal is kept (in memory, and in the database: `open_forms`)
NOT_YOURS = "Este formulario lo abrió otra persona; no se guardó nada. Ábralo usted desde la ficha o con /clientes."


def _max_length(spec: Field) -> int:
    return min(spec.max_length, 4000)


def _text_default(spec: Field, value: Any) -> str | None:
    if value in (None, ""):
        return None
    text = str(value)
    if spec.kind == Kind.COUNTRY and len(text) == 2 and text.isupper():
        text = countries.name(text)  # stored as ISO code, typed as a name
    return text[: _max_length(spec)] or None


class SectionModal(ui.Modal):
    def __init__(
        self,
        target: FormTarget,
        values: dict[str, Any] | None = None,
        *,
        owner: int,
        form_id: str | None = None,
        reopened: bool | None = None,
    ) -> None:
        self.owner = owner  # the Discord user id who opened it: the only one who may submit it
        self.form_id = form_id or uuid.uuid4().hex
        super().__init__(title=clip(target.title(), 45), custom_id=ids.form(self.form_id), timeout=OPEN_FOR)
        self.target = target
        # "Corregir" re-opens a refused form under its draft's id (the draft is discarded once saved);
        # a form rebuilt from the database after a restart says which it was (`bot.discord.open_forms`).
        self.reopened = form_id is not None if reopened is None else reopened
        self.inputs: dict[str, ui.Label[SectionModal]] = {}
        values = values or {}
        for spec in target.fields():
            label = ui.Label(
                text=clip(spec.label, 45),
                description=self._description(spec),
                component=self._component(spec, values.get(spec.key)),
            )
            self.inputs[spec.key] = label
            self.add_item(label)

    def _description(self, spec: Field) -> str | None:
        """The field's hint; Contraseña says that Discord shows what is typed (no hidden input exists),
        and on an edit form an optional field without a hint says how to empty it."""
        editing = self.target.editing
        if spec.kind == Kind.PASSWORD:
            said = texts().password_keep_visible if editing else texts().password_visible
            return clip(said(texts().platform("discord")), 100)
        if forms.shows_hint(spec, editing=editing):
            return clip(spec.hint or "", 100)
        if editing and not spec.required and spec.kind not in (Kind.CHOICE, Kind.UBIGEO):
            return clip(texts().clear_hint, 100)
        return None

    def _component(self, spec: Field, value: Any) -> ui.Item[SectionModal]:
        if spec.kind == Kind.CHOICE:
            chosen = str(value or spec.default or "")
            options = [
                discord.SelectOption(label=clip(c.label, 100), value=c.value, default=c.value == chosen)
                for c in spec.choices[:25]
            ]
            return ui.Select(custom_id=spec.key, options=options, required=spec.required)
        required = spec.required and not (spec.kind == Kind.PASSWORD and self.target.editing)
        return ui.TextInput(
            custom_id=spec.key,
            style=discord.TextStyle.short,
            required=required,
            max_length=_max_length(spec),
            placeholder=clip(spec.placeholder, 100) if spec.placeholder else None,
            default=_text_default(spec, value),
        )

    def values(self) -> dict[str, str]:
        """What was typed, keyed by field key (a select gives its one value)."""
        out: dict[str, str] = {}
        for key, label in self.inputs.items():
            component = label.component
            if isinstance(component, ui.Select):
                out[key] = component.values[0] if component.values else ""
            elif isinstance(component, ui.TextInput):
                out[key] = component.value
        return out

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        """Only the opener's submit is read, from an admitted server; anyone else is told so and the form
        stays open for its owner."""
        if not await guild_gate.admit(interaction):
            return False
        if interaction.user.id == self.owner:
            return True
        log.warning("form %s submitted by user %s, not by its opener", self.custom_id, interaction.user.id)
        try:
            await send(interaction, Reply(content=NOT_YOURS))
        except discord.HTTPException:
            log.warning("could not answer the foreign submit of form %s", self.custom_id)
        return False

    async def on_submit(self, interaction: discord.Interaction, /) -> None:
        try:
            handler = handler_for(interaction, self)
            if handler is None:
                raise LookupError("no handler registered for SectionModal")
            with metrics.observe("discord", "formulario"):
                await handler(interaction, self)
        except Exception as exc:
            await report_unexpected(interaction, f"section modal {self.custom_id} failed", exc)
