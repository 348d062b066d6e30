"""Property tests: whatever a client holds, the Block Kit we render stays within Slack's limits and
never carries an unescaped ``<`` or ``&`` in mrkdwn (checked with the fake's own limit validator)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.slack.blocks.card import card_blocks, section_fields
from bot.slack.blocks.create_modal import block_count, create_modal
from bot.slack.blocks.listing import list_blocks
from bot.slack.modal_state import ModalState
from commands.presenter import CardSection
from commands.views import AddressView, ClientCard, ClientPage, ClientSummary, ServerView
from tests.fakes.fake_slack import blocks_problems, view_problems

from .helpers import texts

TEXT = st.text(min_size=1, max_size=300)
# Values near Slack's 2000-character limit of a section field, made of characters escaping lengthens.
LONG = st.builds(
    lambda chars, n: (chars * n)[:n], st.sampled_from(["a", "&", "<", "x&y", "é>"]), st.integers(380, 2100)
)
OPTIONAL = st.none() | st.text(max_size=300) | LONG


def card_of(name: str, other: str | None, addresses: int, servers: int) -> ClientCard:
    return ClientCard(
        id=7,
        version=1,
        doc_type="6",
        doc_number="20100070970",
        name=name,
        internal_code=other,
        trade_name=other,
        contact_name=other,
        contact_phone=other,
        website=other,
        gitlab_user=other,
        discord_user=other,
        slack_channel=other,
        discord_channel=other,
        slack_channel_id=None,
        discord_channel_id=None,
        addresses=tuple(AddressView(i, i == 1, "PE", None, other, other, other) for i in range(1, addresses + 1)),
        servers=tuple(ServerView(i, other, other, other, True) for i in range(1, servers + 1)),
        created_by="slack:U0ALICE",
        updated_by="slack:U0ALICE",
        created_at="2024-01-01",
        updated_at="2024-01-01",
    )


def assert_safe(blocks: list[dict], max_blocks: int = 50) -> None:
    assert blocks_problems(blocks, "/blocks", max_blocks=max_blocks) == []
    for kind, text in texts(blocks):
        if kind != "mrkdwn" or text.startswith("Compartido por <@U0ALICE>"):  # our own mention of the sharer
            continue
        stripped = text.replace("&amp;", "").replace("&lt;", "").replace("&gt;", "")
        assert "&" not in stripped and "<" not in stripped and ">" not in stripped


@settings(max_examples=60, deadline=None)
@given(name=TEXT, other=OPTIONAL, addresses=st.integers(0, 30), servers=st.integers(0, 30))
def test_any_card_renders_within_limits(name: str, other: str | None, addresses: int, servers: int) -> None:
    card = card_of(name, other, addresses, servers)
    assert_safe(card_blocks(card))
    assert_safe(card_blocks(card, with_buttons=False, shared_by="U0ALICE"))


@settings(max_examples=40, deadline=None)
@given(names=st.lists(TEXT, min_size=0, max_size=10), query=st.text(max_size=100))
def test_any_list_page_renders_within_limits(names: list[str], query: str) -> None:
    rows = tuple(ClientSummary(i, n, f"DNI {i}", n, n, n, n) for i, n in enumerate(names, start=1))
    page = ClientPage(rows=rows, query=query, total=len(rows) + 20, page_size=10, next_cursor="n:1", prev_cursor="p:9")
    assert_safe(list_blocks(page))


def test_create_modal_never_exceeds_a_hundred_blocks() -> None:
    state = ModalState(channel="C1")
    while True:
        view = create_modal(state)
        assert view_problems(view) == [] and len(view["blocks"]) <= block_count(state.addresses, state.servers) <= 100
        ids = str(view["blocks"])
        if "nuevo_agregar_direccion" not in ids:
            break
        state.addresses += 1
    assert len(create_modal(state)["blocks"]) <= 100


def test_the_fake_refuses_a_section_field_over_2000_characters() -> None:
    field = {"type": "mrkdwn", "text": "x" * 2001}
    problems = blocks_problems([{"type": "section", "fields": [field]}], "/blocks", max_blocks=50)
    assert problems == ["[ERROR] must be less than 2001 characters [json-pointer:/blocks/0/fields/0/text]"]


def test_a_long_field_is_cut_at_2000_without_breaking_an_entity() -> None:
    for prefix in range(6):  # every position of the cut relative to an "&amp;"
        value = "v" * prefix + "&" * 500
        (field,) = section_fields(CardSection("client", "Datos", (("Nombre", value),), None))
        text = field["text"]
        assert len(text) <= 2000 and text.endswith("…")
        body = text.removesuffix("…")
        assert body.replace("&amp;", "").count("&") == 0 and body.endswith(("&amp;", "v", "\n"))
        assert blocks_problems([{"type": "section", "fields": [field]}], "/blocks", max_blocks=50) == []
