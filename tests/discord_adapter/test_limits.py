"""Property: no client content — any text in names, addresses, servers, up to 20 addresses and 20
servers, any list page — renders an embed or a component beyond Discord's limits.

Discord answers 400 (Invalid Form Body) to anything over a limit, and the user sees "interaction
failed"; the fake Discord checks most limits per message, but not the 6000-character embed total, so
the embeds and views the bot would send are checked here directly, on the escaped text.
"""

from __future__ import annotations

from typing import Any

import discord
from discord import ui
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.discord.card_items import card_items, item_section
from bot.discord.embeds import card_embed, list_embed, section_embed
from bot.discord.ui.base import view_of
from bot.discord.ui.card_view import card_view
from bot.discord.ui.client_picker import PickClient
from bot.discord.ui.item_select import option_pages
from bot.discord.ui.password_select import PasswordSelect
from bot.discord.ui.section_select import SectionSelect
from commands.forms import ADDRESS, CLIENT, CONTACT, INTEGRATIONS, SERVER
from commands.views import AddressView, ClientCard, ClientPage, ClientSummary, ServerView

MARKUP = "*_`|~<>@#[]()\\-:>"
UBIGEOS = [None, "150131", "040103", "150101"]


def text(max_size: int, *, min_size: int = 0) -> st.SearchStrategy[str]:
    """Any printable text, rich in characters Discord markdown escapes (escaping can double length),
    and often as long as the form allows — the worst case is what breaks limits."""
    chars = st.one_of(st.characters(blacklist_categories=("Cs", "Cc")), st.sampled_from(MARKUP))
    return st.one_of(
        st.text(alphabet=chars, min_size=min_size, max_size=max_size),
        st.text(alphabet=chars, min_size=max_size, max_size=max_size),
        st.sampled_from(MARKUP).map(lambda char: char * max_size),
    )


def optional(max_size: int) -> st.SearchStrategy[str | None]:
    return st.one_of(st.none(), text(max_size, min_size=1))


def limit(section: Any, key: str) -> int:
    return int(section.field(key).max_length)


@st.composite
def addresses(draw: st.DrawFn) -> tuple[AddressView, ...]:
    count = draw(st.integers(0, 20))
    return tuple(
        AddressView(
            id=n + 1,
            is_main=n == 0,
            country=draw(st.sampled_from(["PE", "CL", "US"])),
            ubigeo=draw(st.sampled_from(UBIGEOS)),
            line=draw(optional(limit(ADDRESS, "line"))),
            phone=draw(optional(limit(ADDRESS, "phone"))),
            email=draw(optional(limit(ADDRESS, "email"))),
        )
        for n in range(count)
    )


@st.composite
def servers(draw: st.DrawFn) -> tuple[ServerView, ...]:
    count = draw(st.integers(0, 20))
    return tuple(
        ServerView(
            id=n + 1,
            host=draw(optional(limit(SERVER, "host"))),
            ip=draw(optional(limit(SERVER, "ip"))),
            username=draw(optional(limit(SERVER, "username"))),
            has_password=draw(st.booleans()),
        )
        for n in range(count)
    )


@st.composite
def cards(draw: st.DrawFn) -> ClientCard:
    values: dict[str, Any] = {}
    for section in (CONTACT, INTEGRATIONS):
        for spec in section.fields:
            values[spec.key] = draw(optional(spec.max_length))
    return ClientCard(
        id=draw(st.integers(1, 10**9 - 1)),  # ids are 32-bit columns; custom_ids carry ≤ 9 digits (ui.base.ID)
        version=draw(st.integers(1, 10**6)),
        doc_type=draw(st.sampled_from([c.value for c in CLIENT.field("doc_type").choices])),
        doc_number=draw(text(limit(CLIENT, "doc_number"), min_size=1)),
        name=draw(text(limit(CLIENT, "name"), min_size=1)),
        internal_code=draw(optional(limit(CLIENT, "internal_code"))),
        trade_name=draw(optional(limit(CLIENT, "trade_name"))),
        slack_channel_id=None,
        discord_channel_id=None,
        addresses=draw(addresses()),
        servers=draw(servers()),
        created_by="u",
        updated_by="u",
        created_at="2025-01-01",
        updated_at="2025-01-01",
        deleted=draw(st.booleans()),
        **values,
    )


@st.composite
def pages(draw: st.DrawFn) -> ClientPage:
    rows = tuple(
        ClientSummary(
            id=n + 1,
            name=draw(text(limit(CLIENT, "name"), min_size=1)),
            document=draw(text(40, min_size=1)),
            channel=draw(optional(100)),
            contact_phone=draw(optional(32)),
            phone=draw(optional(32)),
            email=draw(optional(255)),
        )
        for n in range(draw(st.integers(0, 10)))
    )
    total = draw(st.integers(len(rows), 10**6))
    return ClientPage(rows=rows, query=draw(text(100)), total=total, page_size=10, first_index=0)


# ------------------------------------------------------------------ Discord's limits
def assert_embed_fits(embed: discord.Embed) -> None:
    data = embed.to_dict()
    assert len(data.get("title", "")) <= 256
    assert len(data.get("description", "")) <= 4096
    fields = data.get("fields", [])
    assert len(fields) <= 25
    for field in fields:
        assert 1 <= len(field["name"]) <= 256 and 1 <= len(field["value"]) <= 1024
    assert len(data.get("footer", {}).get("text", "")) <= 2048
    assert len(embed) <= 6000  # title + description + field names and values + footer + author


def assert_view_fits(view: ui.View) -> None:
    rows = view.to_components()
    assert len(rows) <= 5
    for row in rows:
        children = row["components"]
        assert 1 <= len(children) <= 5
        if any(child["type"] != 2 for child in children):
            assert len(children) == 1  # a select fills its row
        for child in children:
            assert 1 <= len(child["custom_id"]) <= 100
            if child["type"] == 2:
                assert 1 <= len(child["label"]) <= 80
            else:
                assert len(child.get("placeholder", "")) <= 150
                assert 1 <= len(child["options"]) <= 25
                for option in child["options"]:
                    assert 1 <= len(option["label"]) <= 100 and 1 <= len(option["value"]) <= 100
                    assert len(option.get("description", "")) <= 100


PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(cards())
def test_any_card_fits_discord(card: ClientCard) -> None:
    assert_embed_fits(card_embed(card))
    assert_embed_fits(card_embed(card, shared=True))
    for page in range(len(option_pages(card))):
        assert_view_fits(card_view(card, page))
    assert_view_fits(view_of(SectionSelect(card.id, card)))
    assert_view_fits(view_of(PasswordSelect(card.id, card)))
    for item in card_items(card):
        section = item_section(card, item)
        assert section is not None
        assert_embed_fits(section_embed(card, section))


@PROPERTY
@given(pages())
def test_any_list_page_fits_discord(page: ClientPage) -> None:
    assert_embed_fits(list_embed(page))
    assert_view_fits(view_of(PickClient("ver", page.rows)))
