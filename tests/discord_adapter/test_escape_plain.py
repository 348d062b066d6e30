"""`md`'s shortcut for text with nothing to escape gives exactly what the full escaping gives."""

from __future__ import annotations

import discord
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.discord import escape
from bot.discord.escape import md


def escaped_the_long_way(text: str) -> str:
    escaped = escape._INLINE.sub(r"\\\1", discord.utils.escape_mentions(text))
    return escape._LINE_START.sub(
        lambda m: m[1] + "\\" + m[2] if not m[2][0].isdigit() else m[1] + m[2] + "\\", escaped
    )


# Letters the shortcut must look at: every markdown character, digits and dots, spaces and new lines,
# and the pieces of a mention.
_TRICKY = st.lists(
    st.sampled_from([*list("aZ ñ\t\n\r.0123456789#>+-\\*_~`|[]<>@!&"), "everyone", "here", "1" * 18]),
    max_size=20,
).map("".join)


@settings(max_examples=3000, deadline=None)
@given(st.one_of(_TRICKY, st.text(max_size=40)))
def test_the_shortcut_never_changes_the_answer(text: str) -> None:
    assert md(text) == escaped_the_long_way(text)


def test_plain_values_are_returned_as_they_are_and_the_others_escaped() -> None:
    for plain in ("Comercial Núñez 12 S.A.C.", "987 654 321", "ana@cliente.pe", "RUC 20100070970", ""):
        assert md(plain) == plain
    assert md("1. uno") == "1\\. uno"
    assert md("# Título") == "\\# Título"
    assert md("@everyone") == "@\u200beveryone"
    assert md("**x**") == "\\*\\*x\\*\\*"
