"""The address picker: Departamento → Provincia → Distrito, then "Continuar" opens the Dirección modal.

Why a message and not the modal: a modal holds at most 5 components and its selects cannot filter
each other, and the INEI catalog must never be typed as a free code. Discord limits shape it: a
Select holds ≤ 25 options — Peru has exactly 25 departamentos, provincias are ≤ 20, but a provincia
can have up to 43 distritos (Lima), so the Distrito select is paged 25 at a time with a "Más" button.
"Otro país" skips the picker for an address abroad (País is then typed and checked by the core).

Every component is a restart-proof `DynamicItem` whose custom_id (≤ 100 chars) carries the whole
state: `cb:ub:<step>:<client id>:<version>:<address id or 0>:...` (`ids.UBIGEO_*`). A step's
`next_state()` is the picker after its choice (None for a value the catalog does not hold); the
handler (`handlers.ubigeo_picker`) shows it, and "Continuar" opens the form.
"""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import ui

from bot.discord import ids
from bot.discord.escape import clip
from bot.discord.ids import OTHER_COUNTRY
from bot.discord.replies import Reply
from bot.discord.ui.base import Routed, options_or_blank, picked, view_of
from commands import ubigeo
from commands.forms import ADDRESS

PAGE = 25


class PickerState:
    """Where the picker is: which client/address and what has been chosen so far."""

    def __init__(self, cid: int, ver: int, aid: int, dep: str = "", prov: str = "", page: int = 0, dist: str = ""):
        self.cid, self.ver, self.aid = cid, ver, aid
        self.dep, self.prov, self.page, self.dist = dep, prov, page, dist

    @property
    def head(self) -> str:
        return ids.ubigeo_head(self.cid, self.ver, self.aid)


def _head(match: re.Match[str]) -> tuple[int, int, int]:
    return int(match["cid"]), int(match["ver"]), int(match["aid"])


class DepartamentoSelect(Routed, ui.DynamicItem[ui.Select[Any]], template=ids.UBIGEO_DEPARTAMENTO):
    def __init__(self, state: PickerState) -> None:
        options = [
            discord.SelectOption(label=place.name, value=place.code, default=place.code == state.dep)
            for place in ubigeo.departamentos()[:PAGE]
        ]
        super().__init__(
            ui.Select(custom_id=ids.ubigeo_departamento(state.head), placeholder="Departamento", options=options, row=0)
        )
        self.state = state

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str], /) -> Any:
        return cls(PickerState(*_head(match)))

    def next_state(self) -> PickerState | None:
        """A value is only what the client sent, and it ends up in the next components' custom_ids:
        checked against the catalog (None: answered as no longer valid)."""
        s, value = self.state, picked(self.item)
        if value not in {place.code for place in ubigeo.departamentos()}:
            return None
        return PickerState(s.cid, s.ver, s.aid, dep=value)


class ProvinciaSelect(Routed, ui.DynamicItem[ui.Select[Any]], template=ids.UBIGEO_PROVINCIA):
    def __init__(self, state: PickerState) -> None:
        options = [
            discord.SelectOption(label=place.name, value=place.code, default=place.code == state.prov)
            for place in ubigeo.provincias(state.dep)[:PAGE]
        ]
        super().__init__(
            ui.Select(
                custom_id=ids.ubigeo_provincia(state.head, state.dep),
                placeholder="Provincia",
                options=options_or_blank(options),
                row=1,
            )
        )
        self.state = state

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str], /) -> Any:
        return cls(PickerState(*_head(match), dep=match["dep"]))

    def next_state(self) -> PickerState | None:
        s, value = self.state, picked(self.item)
        if value not in {place.code for place in ubigeo.provincias(s.dep)}:
            return None
        return PickerState(s.cid, s.ver, s.aid, dep=s.dep, prov=value)


class DistritoSelect(Routed, ui.DynamicItem[ui.Select[Any]], template=ids.UBIGEO_DISTRITO):
    def __init__(self, state: PickerState) -> None:
        districts = ubigeo.distritos(state.prov)
        pages = _pages(state.prov)
        shown = districts[state.page * PAGE : (state.page + 1) * PAGE]
        options = [
            discord.SelectOption(label=clip(d.distrito, 100), value=d.code, default=d.code == state.dist) for d in shown
        ]
        placeholder = "Distrito" + (f" ({state.page + 1}/{pages})" if pages > 1 else "")
        super().__init__(
            ui.Select(
                custom_id=ids.ubigeo_distrito(state.head, state.prov, state.page),
                placeholder=placeholder,
                options=options_or_blank(options),
                row=2,
            )
        )
        self.state = state

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str], /) -> Any:
        prov = match["prov"]
        return cls(PickerState(*_head(match), dep=prov[:2], prov=prov, page=int(match["page"])))

    def next_state(self) -> PickerState | None:
        s, value = self.state, picked(self.item)
        if value not in {district.code for district in ubigeo.distritos(s.prov)}:
            return None
        return PickerState(s.cid, s.ver, s.aid, s.dep, s.prov, s.page, dist=value)


class MoreButton(Routed, ui.DynamicItem[ui.Button[Any]], template=ids.UBIGEO_MORE):
    """ "Más": shows the distritos page named in its custom_id (the last page wraps to the first)."""

    def __init__(self, target: PickerState) -> None:
        super().__init__(
            ui.Button(
                label=f"Más distritos ({target.page + 1}/{_pages(target.prov)})",
                custom_id=ids.ubigeo_more(target.head, target.prov, target.page, target.dist),
                row=3,
            )
        )
        self.state = target

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str], /) -> Any:
        prov, dist = match["prov"], match["dist"].strip("-")
        return cls(PickerState(*_head(match), dep=prov[:2], prov=prov, page=int(match["page"]), dist=dist))

    def next_state(self) -> PickerState:
        return self.state


def _pages(prov: str) -> int:
    return max(1, -(-len(ubigeo.distritos(prov)) // PAGE))


class ContinueButton(Routed, ui.DynamicItem[ui.Button[Any]], template=ids.UBIGEO_CONTINUE):
    """ "Continuar" (a picked distrito) or "Otro país" (`-`): opens the Dirección modal."""

    def __init__(self, cid: int, ver: int, aid: int, code: str) -> None:
        other = code == OTHER_COUNTRY
        super().__init__(
            ui.Button(
                label="Otro país" if other else "Continuar",
                style=discord.ButtonStyle.secondary if other else discord.ButtonStyle.success,
                custom_id=ids.ubigeo_continue(ids.ubigeo_head(cid, ver, aid), code),
                row=3,
            )
        )
        self.cid, self.ver, self.aid, self.code = cid, ver, aid, code

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str], /) -> Any:
        return cls(*_head(match), match["code"])


def picker_reply(state: PickerState, *, replace: bool = False, abroad: str | None = None) -> Reply:
    """The picker message for `state`: one more select appears with each choice; `replace` puts it
    in place of the previous step. `abroad` names the country of an address outside Peru being edited:
    «Otro país» edits it as it is, without any Distrito question."""
    view = view_of()
    view.add_item(DepartamentoSelect(state))
    if state.dep:
        view.add_item(ProvinciaSelect(state))
    if state.prov:
        view.add_item(DistritoSelect(state))
        pages = _pages(state.prov)
        if pages > 1:
            following = (state.page + 1) % pages
            view.add_item(
                MoreButton(PickerState(state.cid, state.ver, state.aid, state.dep, state.prov, following, state.dist))
            )
    if state.dist:
        view.add_item(ContinueButton(state.cid, state.ver, state.aid, state.dist))
    view.add_item(ContinueButton(state.cid, state.ver, state.aid, OTHER_COUNTRY))
    title = ADDRESS.title if state.aid else ADDRESS.add_label or ADDRESS.title
    chosen = ubigeo.get(state.dist)
    if chosen:
        content = f"**{title}** — Distrito: **{chosen.label}**. Pulse «Continuar»."
    elif abroad:
        content = (
            f"**{title}** — en **{abroad}**: pulse «Otro país» para editarla. "
            "Para trasladarla al Perú, elija Departamento, Provincia y Distrito."
        )
    else:
        content = f"**{title}** — elija Departamento, Provincia y Distrito. ¿Fuera del Perú? Pulse «Otro país»."
    return Reply(content=content, view=view, replace=replace)


def start_state(cid: int, ver: int, aid: int = 0, code: str | None = None) -> PickerState:
    """A fresh picker, or one pre-set on an address's current distrito (editing keeps it by default)."""
    district = ubigeo.get(code)
    if district is None:
        return PickerState(cid, ver, aid)
    index = [d.code for d in ubigeo.distritos(district.provincia_code)].index(district.code)
    return PickerState(cid, ver, aid, district.departamento_code, district.provincia_code, index // PAGE, district.code)
