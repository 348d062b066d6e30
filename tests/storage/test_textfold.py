"""The fold every search column and query goes through: the ASCII shortcut must fold exactly as the
general path does, or a client saved with one would not be found with the other."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from storage.textfold import fold


def general_fold(value: str) -> str:
    """The Unicode path, applied to any text (what fold did before its ASCII shortcut)."""
    decomposed = unicodedata.normalize("NFKD", value)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=60))
def test_ascii_text_folds_as_the_general_path_folds_it(value: str) -> None:
    assert fold(value) == general_fold(value)


@given(st.text(max_size=60))
def test_any_text_folds_as_the_general_path_folds_it(value: str) -> None:
    assert fold(value) == general_fold(value)


# Accented Latin letters, ASCII and loose combining marks: the text the regex shortcut takes (a random
# Unicode string almost never is), with marks outside the shortcut's block that must send it back and
# U+034F, inside the block but no combining mark (kept by both paths).
_LATIN = st.sampled_from([*"áéíóúÁÉÍÓÚñÑüÜçàèìòù", "\u0301", "\u0303", "\u034f", "\u20dd", "\u1dc0", "ﬁ", "ß", "İ"])


@given(st.text(alphabet=st.one_of(st.characters(max_codepoint=127), _LATIN), max_size=60))
def test_accented_latin_text_folds_as_the_general_path_folds_it(value: str) -> None:
    assert fold(value) == general_fold(value)


def test_examples() -> None:
    assert fold("Ñandú  S.A.C.") == "nandu s.a.c."
    assert fold("  ACME\tPerú SAC ") == "acme peru sac"
    assert fold("ACME\x0bSAC") == "acme sac"  # vertical tab: whitespace on both paths
    assert fold(None) == "" and fold("") == ""
