"""The stored search key of a padrón name (one bytes.translate, at load speed) and the key of a query
(storage.textfold.fold, as every search of the bot folds) agree: whatever accents or case a user types,
the name is found."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from storage.padron_file import FOLD_TABLE, search_key
from storage.textfold import fold

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZÁÉÍÓÚÑÜÀÈÌÒÙÂÊÎÔÛÄËÏÖÇabcdefghijklmnopqrstuvwxyzáéíóúñü0123456789.,&-'()/"
words = st.text(alphabet=LETTERS, min_size=1, max_size=12)


@given(st.lists(words, min_size=1, max_size=6))
@example(["COMPAÑÍA", "PEÑA", "NÚÑEZ", "S.A.C."])
def test_a_name_typed_any_way_finds_its_stored_key(parts: list[str]) -> None:
    name = " ".join(parts)
    stored = name.encode("latin-1").translate(FOLD_TABLE)
    for typed in (name, name.lower(), name.upper(), fold(name), f"  {name}  ".replace(" ", "  ")):
        key = search_key(fold(typed))
        assert key is not None and stored.startswith(key), typed


def test_a_query_outside_latin_1_matches_nothing() -> None:
    assert search_key(fold("Łódź")) is None  # "ł" has no accent to strip and is not Latin-1
    assert search_key(fold("Škoda")) == b"skoda"  # an accent off a non-Latin-1 letter leaves a Latin-1 one
