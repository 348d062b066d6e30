"""The address picker: Departamento → Provincia → Distrito, then "Continuar" opens the Dirección modal.

Why a message and not the modal: a modal holds at most 5 components and its selects cannot filter
each other, and the INEI catalog must never be typed as a free code. Discord limits shape it: a
Select holds ≤ 25 options — Peru has exactly 25 departamentos, provincias are ≤ 20, but a provincia
can have up to 43 distritos (Lima), so the Distrito select is paged 25 at a time with a "Más" button.
"Otro país" skips the picker for an address abroad (País is then typed and checked by the core).

Every component is a restart-proof `DynamicItem` whose custom_id (≤ 100 chars) carries the whole
state: `cb:ub:<step>:<client id>:<version>:<address id or 0>:...`.
"""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import ui

from bot.discord.escape import clip
from bot.discord.form_target import OTHER_COUNTRY
from bot.discord.replies import Reply
from bot.discord.ui.base import ID, always_answers, options_or_blank, view_of
from commands import ubigeo
from commands.forms import ADDRESS

PAGE = 25
_HEAD = rf"(?P<cid>{ID}):(?P<ver>{ID}):(?P<aid>{ID})"


class _State:
    """Where the picker is: which client/address and what has been chosen so far."""

    def __init__(self, cid: int, ver: int, aid: int, dep: str = "", prov: str = "", page: int = 0, dist: str = ""):
        self.cid, self.ver, self.aid = cid, ver, aid
        self.dep, self.prov, self.page, self.dist = dep, prov, page, dist

    @property
    def head(self) -> str:
        return f"{self.cid}:{self.ver}:{self.aid}"


def _picked(select: ui.Select[Any]) -> str:
    """The option picked, checked by the caller against the catalog: a value is only what the client
    sent, and it ends up in the next components' custom_ids."""
    return select.values[0] if select.values else ""


def _head(match: re.Match[str]) -> tuple[int, int, int]:
    return int(match["cid"]), int(match["ver"]), int(match["aid"])


class DepartamentoSelect(ui.DynamicItem[ui.Select[Any]], template=rf"cb:ub:dep:{_HEAD}"):
    def __init__(self, state: _State) -> None:
        options = [
            discord.SelectOption(label=place.name, value=place.code, default=place.code == state.dep)
            for place in ubigeo.departamentos()[:PAGE]
        ]
        super().__init__(
            ui.Select(custom_id=f"cb:ub:dep:{state.head}", placeholder="Departamento", options=options, row=0)
        )
        self.state = state

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str], /) -> Any:
        return cls(_State(*_head(match)))

    @always_answers
    async def callback(self, interaction: discord.Interaction) -> None:
        s, value = self.state, _picked(self.item)
        if value in {place.code for place in ubigeo.departamentos()}:  # else: `always_answers` (STALE)
            await show(interaction, _State(s.cid, s.ver, s.aid, dep=value))


class ProvinciaSelect(ui.DynamicItem[ui.Select[Any]], template=rf"cb:ub:prv:{_HEAD}:(?P<dep>\d{{2}})"):
    def __init__(self, state: _State) -> None:
        options = [
            discord.SelectOption(label=place.name, value=place.code, default=place.code == state.prov)
            for place in ubigeo.provincias(state.dep)[:PAGE]
        ]
        super().__init__(
            ui.Select(
                custom_id=f"cb:ub:prv:{state.head}:{state.dep}",
                placeholder="Provincia",
                options=options_or_blank(options),
                row=1,
            )
        )
        self.state = state

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str], /) -> Any:
        return cls(_State(*_head(match), dep=match["dep"]))

    @always_answers
    async def callback(self, interaction: discord.Interaction) -> None:
        s, value = self.state, _picked(self.item)
        if value in {place.code for place in ubigeo.provincias(s.dep)}:  # else: `always_answers` (STALE)
            await show(interaction, _State(s.cid, s.ver, s.aid, dep=s.dep, prov=value))


class DistritoSelect(ui.DynamicItem[ui.Select[Any]], template=rf"cb:ub:dis:{_HEAD}:(?P<prov>\d{{4}}):(?P<page>{ID})"):
    def __init__(self, state: _State) -> None:
        districts = ubigeo.distritos(state.prov)
        pages = _pages(state.prov)
        shown = districts[state.page * PAGE : (state.page + 1) * PAGE]
        options = [
            discord.SelectOption(label=clip(d.distrito, 100), value=d.code, default=d.code == state.dist) for d in shown
        ]
        placeholder = "Distrito" + (f" ({state.page + 1}/{pages})" if pages > 1 else "")
        super().__init__(
            ui.Select(
                custom_id=f"cb:ub:dis:{state.head}:{state.prov}:{state.page}",
                placeholder=placeholder,
                options=options_or_blank(options),
                row=2,
            )
        )
        self.state = state

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str], /) -> Any:
        prov = match["prov"]
        return cls(_State(*_head(match), dep=prov[:2], prov=prov, page=int(match["page"])))

    @always_answers
    async def callback(self, interaction: discord.Interaction) -> None:
        s, value = self.state, _picked(self.item)
        if value in {district.code for district in ubigeo.distritos(s.prov)}:  # else: `always_answers` (STALE)
            await show(interaction, _State(s.cid, s.ver, s.aid, s.dep, s.prov, s.page, dist=value))


class MoreButton(
    ui.DynamicItem[ui.Button[Any]],
    template=rf"cb:ub:mas:{_HEAD}:(?P<prov>\d{{4}}):(?P<page>{ID}):(?P<dist>\d{{6}}|-)",
):
    """ "Más": shows the distritos page named in its custom_id (the last page wraps to the first)."""

    def __init__(self, target: _State) -> None:
        super().__init__(
            ui.Button(
                label=f"Más distritos ({target.page + 1}/{_pages(target.prov)})",
                custom_id=f"cb:ub:mas:{target.head}:{target.prov}:{target.page}:{target.dist or '-'}",
                row=3,
            )
        )
        self.state = target

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str], /) -> Any:
        prov, dist = match["prov"], match["dist"].strip("-")
        return cls(_State(*_head(match), dep=prov[:2], prov=prov, page=int(match["page"]), dist=dist))

    @always_answers
    async def callback(self, interaction: discord.Interaction) -> None:
        await show(interaction, self.state)


def _pages(prov: str) -> int:
    return max(1, -(-len(ubigeo.distritos(prov)) // PAGE))


class ContinueButton(ui.DynamicItem[ui.Button[Any]], template=rf"cb:ub:go:{_HEAD}:(?P<code>\d{{6}}|-)"):
    """ "Continuar" (a picked distrito) or "Otro país" (`-`): opens the Dirección modal."""

    def __init__(self, cid: int, ver: int, aid: int, code: str) -> None:
        other = code == OTHER_COUNTRY
        super().__init__(
            ui.Button(
                label="Otro país" if other else "Continuar",
                style=discord.ButtonStyle.secondary if other else discord.ButtonStyle.success,
                custom_id=f"cb:ub:go:{cid}:{ver}:{aid}:{code}",
                row=3,
            )
        )
        self.cid, self.ver, self.aid, self.code = cid, ver, aid, code

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str], /) -> Any:
        return cls(*_head(match), match["code"])

    @always_answers
    async def callback(self, interaction: discord.Interaction) -> None:
        from bot.discord import form_flow

        await form_flow.open_address(interaction, self.cid, self.ver, self.aid or None, self.code)


def picker_reply(state: _State) -> Reply:
    """The picker message for `state`: one more select appears with each choice."""
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
                MoreButton(_State(state.cid, state.ver, state.aid, state.dep, state.prov, following, state.dist))
            )
    if state.dist:
        view.add_item(ContinueButton(state.cid, state.ver, state.aid, state.dist))
    view.add_item(ContinueButton(state.cid, state.ver, state.aid, OTHER_COUNTRY))
    title = ADDRESS.title if state.aid else ADDRESS.add_label or ADDRESS.title
    chosen = ubigeo.get(state.dist)
    content = (
        f"**{title}** — Distrito: **{chosen.label}**. Pulse «Continuar»."
        if chosen
        else f"**{title}** — elija Departamento, Provincia y Distrito. ¿Fuera del Perú? Pulse «Otro país»."
    )
    return Reply(content=content, view=view)


def start_state(cid: int, ver: int, aid: int = 0, code: str | None = None) -> _State:
    """A fresh picker, or one pre-set on an address's current distrito (editing keeps it by default)."""
    district = ubigeo.get(code)
    if district is None:
        return _State(cid, ver, aid)
    index = [d.code for d in ubigeo.distritos(district.provincia_code)].index(district.code)
    return _State(cid, ver, aid, district.departamento_code, district.provincia_code, index // PAGE, district.code)


async def show(interaction: discord.Interaction, state: _State) -> None:
    """Replaces the picker message with the next step (static catalog: answers at once)."""
    from bot.discord.replies import send

    reply = picker_reply(state)
    reply.replace = True
    await send(interaction, reply)
