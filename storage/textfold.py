"""Accent- and case-folding shared by the stored search column and the queries against it.

Both sides must fold identically or "Nuñez" would not find "NUÑEZ"; keeping one function in the
storage layer makes that impossible to get wrong.
"""

from __future__ import annotations

import unicodedata


def fold(value: str | None) -> str:
    """'Ñandú  S.A.C.' -> 'nandu s.a.c.' (no accents, casefolded, single spaces)."""
    if not value:
        return ""
    if value.isascii():  # NFKD leaves ASCII as it is and casefold is lower(): the common case, 10× cheaper
        return " ".join(value.lower().split())
    decomposed = unicodedata.normalize("NFKD", value)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())
